// Validates a value against a Kubernetes structural schema (a CRD's openAPIV3Schema) the way the API server does
// with strict field validation (`kubectl apply --validate=strict`): types, required fields, enums, patterns and
// bounds, and unknown fields refused unless the schema preserves them. An interpreter rather than a compiled
// validator: KServe's InferenceService schema is 1.9 MB; compiled by ajv (three times) the test ran past 5 minutes
// on the shared machine, interpreted it takes seconds.

export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: StructuralSchema[];
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

const typeOf = (value: unknown): string =>
  Array.isArray(value)
    ? 'array'
    : value === null
      ? 'null'
      : typeof value === 'number'
        ? Number.isInteger(value)
          ? 'integer'
          : 'number'
        : typeof value;

/** Every violation, as `path: message`; empty when the value is valid. */
export function structuralErrors(schema: StructuralSchema, value: unknown, path = ''): string[] {
  const at = path === '' ? '.' : path;
  if (value === null && schema.nullable === true) return [];
  if (schema['x-kubernetes-int-or-string'] === true) {
    return typeOf(value) === 'integer' || typeof value === 'string' ? [] : [`${at}: must be an integer or a string`];
  }
  const type = typeOf(value);
  if (schema.type !== undefined && type !== schema.type && !(schema.type === 'number' && type === 'integer'))
    return [`${at}: must be ${schema.type}, is ${type}`];
  const errors: string[] = [];
  if (schema.enum !== undefined && !schema.enum.includes(value))
    errors.push(`${at}: must be one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      errors.push(`${at}: must match ${schema.pattern}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${at}: too long`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${at}: too few items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${at}: too many items`);
    if (schema.items)
      value.forEach((item, i) => errors.push(...structuralErrors(schema.items ?? {}, item, `${path}[${i}]`)));
  }
  if (type === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of schema.required ?? []) if (!(name in object)) errors.push(`${path}.${name}: required`);
    for (const [name, item] of Object.entries(object)) {
      const known = schema.properties?.[name];
      const extra = schema.additionalProperties;
      if (known) errors.push(...structuralErrors(known, item, `${path}.${name}`));
      else if (typeof extra === 'object') errors.push(...structuralErrors(extra, item, `${path}.${name}`));
      else if (
        schema.properties !== undefined &&
        extra !== true &&
        schema['x-kubernetes-preserve-unknown-fields'] !== true
      )
        errors.push(`${path}.${name}: unknown field`);
    }
  }
  if (schema.anyOf && !schema.anyOf.some((option) => structuralErrors(option, value, path).length === 0))
    errors.push(`${at}: matches none of anyOf`);
  return errors;
}
