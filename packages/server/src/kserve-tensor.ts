import type { FieldError } from './contract.js';
import { HttpProblem } from './problem.js';

/** Datatypes accepted for the encoded feature tensor. */
export const TENSOR_DATATYPES = ['FP32', 'FP64'] as const;

/** The feature rows of an inference request, ready for `predictEncoded`. */
export interface FeatureRows {
  readonly rows: Float64Array[];
  readonly datatype: (typeof TENSOR_DATATYPES)[number];
}

function invalid(detail: string, errors: FieldError[]): HttpProblem {
  return new HttpProblem(422, 'invalid-tensor', detail, errors);
}

/** Flattens `data` (flat or nested row-major, per the protocol) into numbers; `null` is a missing value (NaN). */
function flatten(data: unknown, out: number[], errors: FieldError[], limit: number): void {
  if (!Array.isArray(data)) {
    errors.push({ path: 'inputs/0/data', message: 'must be an array of numbers (flat or nested)' });
    return;
  }
  for (const item of data) {
    if (out.length > limit) return;
    if (Array.isArray(item)) flatten(item, out, errors, limit);
    else if (item === null) out.push(Number.NaN);
    else if (typeof item === 'number' && Number.isFinite(item)) out.push(item);
    else {
      errors.push({ path: 'inputs/0/data', message: 'every element must be a finite number or null (missing)' });
      return;
    }
  }
}

/**
 * Reads the one input tensor of an Open Inference Protocol (KServe V2) request: shape `[N, F]` (or `[F]`) with
 * `F` the model's feature count, datatype FP32 or FP64, `data` row-major. FP32 values are rounded to float32, as
 * the protocol's datatype says. Every problem is listed in a 422.
 *
 * @example
 * readFeatureRows({ inputs: [{ name: 'input-0', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] }, 2, 1000).rows.length // 1
 */
export function readFeatureRows(body: unknown, numFeatures: number, maxRows: number): FeatureRows {
  const inputs = typeof body === 'object' && body !== null ? (body as { inputs?: unknown }).inputs : undefined;
  if (!Array.isArray(inputs) || inputs.length !== 1 || typeof inputs[0] !== 'object' || inputs[0] === null) {
    throw invalid('The request must have exactly one input tensor in "inputs".', [
      { path: 'inputs', message: 'must be an array of one tensor' },
    ]);
  }
  const tensor = inputs[0] as { name?: unknown; shape?: unknown; datatype?: unknown; data?: unknown };
  const errors: FieldError[] = [];
  if (typeof tensor.name !== 'string' || tensor.name.length === 0)
    errors.push({ path: 'inputs/0/name', message: 'must be a non-empty string' });
  const datatype = tensor.datatype;
  if (datatype !== 'FP32' && datatype !== 'FP64')
    errors.push({ path: 'inputs/0/datatype', message: 'must be FP32 or FP64' });
  const shape = tensor.shape;
  let rowCount = 0;
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => Number.isInteger(d) && d >= 0) ||
    (shape.length !== 1 && shape.length !== 2)
  ) {
    errors.push({ path: 'inputs/0/shape', message: `must be [rows, ${numFeatures}] or [${numFeatures}]` });
  } else {
    rowCount = shape.length === 1 ? 1 : (shape[0] as number);
    const width = shape[shape.length - 1] as number;
    if (width !== numFeatures)
      errors.push({
        path: 'inputs/0/shape',
        message: `the last dimension must be the model's ${numFeatures} features (was ${width})`,
      });
    if (rowCount > maxRows) {
      throw new HttpProblem(413, 'batch-too-large', `The tensor has ${rowCount} rows; the limit is ${maxRows}.`, [
        { path: 'inputs/0/shape', message: `at most ${maxRows} rows per request` },
      ]);
    }
  }
  const values: number[] = [];
  flatten(tensor.data, values, errors, rowCount * numFeatures);
  if (errors.length === 0 && values.length !== rowCount * numFeatures) {
    errors.push({
      path: 'inputs/0/data',
      message: `must hold rows x features = ${rowCount * numFeatures} values (had ${values.length > rowCount * numFeatures ? 'more' : values.length})`,
    });
  }
  if (errors.length > 0)
    throw invalid(`The input tensor is invalid (${errors.length} problem${errors.length === 1 ? '' : 's'}).`, errors);
  const rows: Float64Array[] = [];
  for (let r = 0; r < rowCount; r++) {
    const row = new Float64Array(numFeatures);
    for (let f = 0; f < numFeatures; f++) {
      const v = values[r * numFeatures + f] as number;
      row[f] = datatype === 'FP32' ? Math.fround(v) : v;
    }
    rows.push(row);
  }
  return { rows, datatype: datatype as FeatureRows['datatype'] };
}
