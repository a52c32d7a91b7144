import type { FieldError } from '../contract.js';
import {
  checkDatatype,
  checkInputName,
  checkOutputs,
  checkShape,
  invalidRequest,
  readExplain,
  toRows,
  type CheckedInferRequest,
  type FeatureDatatype,
  type ParameterValue,
} from './tensor-rules.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a `$parameters` object: string keys to string, number or boolean values. */
function readParameters(raw: unknown, path: string, errors: FieldError[]): Map<string, ParameterValue> {
  const parameters = new Map<string, ParameterValue>();
  if (raw === undefined) return parameters;
  if (!isObject(raw)) {
    errors.push({ path, message: 'must be an object of parameters' });
    return parameters;
  }
  for (const [name, value] of Object.entries(raw)) {
    if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    )
      parameters.set(name, value);
    else errors.push({ path: `${path}/${name.slice(0, 60)}`, message: 'must be a string, a number or a boolean' });
  }
  return parameters;
}

/**
 * Flattens tensor data given either flat (`count` scalars) or in its natural nesting, which must then follow the
 * shape exactly. `null` is a missing feature (NaN). Returns undefined after adding a problem.
 */
function flattenData(
  data: unknown,
  shape: readonly number[],
  count: number,
  path: string,
  errors: FieldError[],
): number[] | undefined {
  if (!Array.isArray(data)) {
    errors.push({ path, message: 'must be an array (flat or nested row-major)' });
    return undefined;
  }
  const out: number[] = [];
  const nested = data.length > 0 && Array.isArray(data[0]);
  const dims = nested ? shape : [count];
  const walk = (node: unknown[], depth: number): boolean => {
    if (node.length !== dims[depth]) {
      errors.push({
        path,
        message: nested
          ? `nested data must follow the shape [${shape.join(', ')}]: dimension ${depth} has ${node.length} elements`
          : `flat data must hold ${count} elements (had ${node.length})`,
      });
      return false;
    }
    const leaf = depth === dims.length - 1;
    for (const item of node) {
      if (!leaf) {
        if (!Array.isArray(item) || !walk(item, depth + 1)) {
          if (!Array.isArray(item))
            errors.push({ path, message: `nested data must follow the shape [${shape.join(', ')}]` });
          return false;
        }
      } else if (typeof item === 'number') out.push(item);
      else if (item === null) out.push(Number.NaN);
      else {
        errors.push({ path, message: 'every element must be a number, or null for a missing feature' });
        return false;
      }
    }
    return true;
  };
  return walk(data, 0) ? out : undefined;
}

/**
 * Checks a JSON `$inference_request` against a model with `numFeatures` encoded features: one input `features`
 * (FP32 or FP64, `[rows, features]` or `[features]`), known outputs, the explain parameter. Every problem is listed
 * in one 400; more rows than `maxRows` is a 413.
 *
 * @example
 * checkRestInferRequest({ inputs: [{ name: 'features', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] }, 2, 1000).rows.length // 1
 */
export function checkRestInferRequest(body: unknown, numFeatures: number, maxRows: number): CheckedInferRequest {
  const errors: FieldError[] = [];
  if (!isObject(body)) throw invalidRequest([{ path: '', message: 'must be an $inference_request object' }]);
  const id = body['id'];
  if (id !== undefined && typeof id !== 'string') errors.push({ path: 'id', message: 'must be a string' });
  const explain = readExplain(readParameters(body['parameters'], 'parameters', errors), 'parameters', errors);

  let requested: string[] | undefined;
  const outputs = body['outputs'];
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) errors.push({ path: 'outputs', message: 'must be an array of requested outputs' });
    else {
      requested = [];
      outputs.forEach((output: unknown, i) => {
        if (!isObject(output) || typeof output['name'] !== 'string') {
          errors.push({ path: `outputs/${i}`, message: 'must be an object with a string "name"' });
          return;
        }
        readParameters(output['parameters'], `outputs/${i}/parameters`, errors);
        requested?.push(output['name']);
      });
    }
  }
  const outputNames = checkOutputs(requested, explain, 'outputs', errors);

  const inputs = body['inputs'];
  let rows: Float64Array[] = [];
  if (!Array.isArray(inputs) || inputs.length === 0) {
    errors.push({ path: 'inputs', message: 'must be an array holding the input tensor "features"' });
  } else {
    let found = 0;
    inputs.forEach((input: unknown, i) => {
      const path = `inputs/${i}`;
      if (!isObject(input)) {
        errors.push({ path, message: 'must be a tensor object' });
        return;
      }
      const { name, datatype, shape, data } = input;
      const before = errors.length;
      if (typeof name !== 'string') errors.push({ path: `${path}/name`, message: 'must be a string' });
      if (typeof datatype !== 'string') errors.push({ path: `${path}/datatype`, message: 'must be a string' });
      if (!Array.isArray(shape)) errors.push({ path: `${path}/shape`, message: 'must be an array of dimensions' });
      if (data === undefined) errors.push({ path: `${path}/data`, message: 'is required' });
      readParameters(input['parameters'], `${path}/parameters`, errors);
      if (errors.length > before || typeof name !== 'string') return;
      if (!checkInputName(name, `${path}/name`, errors)) return;
      if (++found > 1) {
        errors.push({ path: `${path}/name`, message: 'input "features" is given twice' });
        return;
      }
      const typed = checkDatatype(datatype as string, `${path}/datatype`, errors);
      const rowCount = checkShape(shape as unknown[], numFeatures, maxRows, `${path}/shape`, errors);
      if (!typed || rowCount === undefined) return;
      const values = flattenData(data, shape as number[], rowCount * numFeatures, `${path}/data`, errors);
      if (values !== undefined)
        rows = toRows(values, rowCount, numFeatures, datatype as FeatureDatatype, `${path}/data`, errors);
    });
    if (found === 0 && errors.length === 0)
      errors.push({ path: 'inputs', message: 'must hold the input tensor "features"' });
  }
  if (errors.length > 0) throw invalidRequest(errors);
  return { ...(typeof id === 'string' ? { id } : {}), rows, outputs: outputNames };
}
