import { modelError } from '../errors.js';

/** A parsed JSON object. */
export type JsonRecord = Readonly<Record<string, unknown>>;

/**
 * True for a plain object (not an array, not null).
 *
 * @example
 * ```ts
 * isRecord({ a: 1 }); // true
 * ```
 */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The object at `obj[key]`, or a malformed-model error naming `where`.
 *
 * @example
 * ```ts
 * const tree = readRecord(model, 'tree_structure', 'tree 4');
 * ```
 */
export function readRecord(obj: JsonRecord, key: string, where: string): JsonRecord {
  const value = obj[key];
  if (!isRecord(value))
    throw modelError('MODEL_TRUNCATED', `${where}: "${key}" must be an object, found ${describe(value)}`);
  return value;
}

/**
 * The array at `obj[key]`, or a malformed-model error.
 *
 * @example
 * ```ts
 * const trees = readArray(model, 'tree_info', 'model');
 * ```
 */
export function readArray(obj: JsonRecord, key: string, where: string): readonly unknown[] {
  const value = obj[key];
  if (!Array.isArray(value))
    throw modelError('MODEL_TRUNCATED', `${where}: "${key}" must be an array, found ${describe(value)}`);
  return value;
}

/**
 * The number at `obj[key]` (any double, infinities included), or a malformed-model error.
 *
 * @example
 * ```ts
 * const leaf = readNumber(node, 'leaf_value', 'tree 0');
 * ```
 */
export function readNumber(obj: JsonRecord, key: string, where: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw modelError('MODEL_TRUNCATED', `${where}: "${key}" must be a number, found ${describe(value)}`);
  }
  return value;
}

/**
 * The integer at `obj[key]` within [min, max], or a malformed-model error.
 *
 * @example
 * ```ts
 * const numClass = readInteger(model, 'num_class', 'model', 1);
 * ```
 */
export function readInteger(obj: JsonRecord, key: string, where: string, min = 0, max = 0x7fffffff): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw modelError(
      'MODEL_TRUNCATED',
      `${where}: "${key}" must be an integer in [${min}, ${max}], found ${describe(value)}`,
    );
  }
  return value;
}

/**
 * The string at `obj[key]`, or a malformed-model error.
 *
 * @example
 * ```ts
 * const objective = readString(model, 'objective', 'model');
 * ```
 */
export function readString(obj: JsonRecord, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== 'string')
    throw modelError('MODEL_TRUNCATED', `${where}: "${key}" must be a string, found ${describe(value)}`);
  return value;
}

/**
 * A numeric array of exactly `length` entries (when given), each a number, or a malformed-model error.
 *
 * @example
 * ```ts
 * const thresholds = readNumbers(tree, 'threshold', 'tree 2', nodeCount);
 * ```
 */
export function readNumbers(obj: JsonRecord, key: string, where: string, length?: number): readonly number[] {
  const values = readArray(obj, key, where);
  if (length !== undefined && values.length !== length) {
    throw modelError('MODEL_TRUNCATED', `${where}: "${key}" has ${values.length} entries, expected ${length}`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw modelError('MODEL_TRUNCATED', `${where}: "${key}"[${i}] must be a number, found ${describe(v)}`);
    }
  }
  return values as readonly number[];
}

/**
 * A short description of a value for error messages.
 *
 * @example
 * ```ts
 * describe([1, 2]); // 'an array'
 * ```
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' ? String(value) : typeof value;
}

/**
 * Refuses an object holding a field outside `known`. A loader lists every field of its format, the ones it reads
 * and the ones it has checked cannot change a prediction; anything else may be a feature it does not implement
 * (LightGBM's linear leaves, for one), and ignoring it would mispredict silently.
 *
 * @example
 * ```ts
 * refuseUnknownFields(leaf, LEAF_FIELDS, 'tree 3 leaf 7'); // throws on "leaf_coeff"
 * ```
 */
export function refuseUnknownFields(obj: JsonRecord, known: ReadonlySet<string>, where: string): void {
  for (const key in obj) {
    if (!known.has(key)) {
      throw modelError(
        'MODEL_FEATURE_UNSUPPORTED',
        `${where}: field "${key}" is not implemented by this runtime and may change predictions`,
      );
    }
  }
}
