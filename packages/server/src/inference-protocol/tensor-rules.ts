import type { FieldError } from '../contract.js';
import { HttpProblem } from '../problem.js';

/** The one input tensor of every model: its encoded features in training order. */
export const INPUT_NAME = 'features';
/** The output every model produces: each row's value in the target's unit. */
export const PREDICT_OUTPUT = 'predict';
/** The output of the explain extension: TreeSHAP per feature, then the bias, in log space. */
export const CONTRIBUTIONS_OUTPUT = 'contributions';
/** The request parameter that turns the explain extension on. */
export const EXPLAIN_PARAMETER = 'explain';

/** Every datatype of the protocol ("Tensor Data Types"); only FP32 and FP64 carry features here. */
export const PROTOCOL_DATATYPES: ReadonlySet<string> = new Set([
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
]);

/** The datatypes the features may be sent in. */
export type FeatureDatatype = 'FP32' | 'FP64';

/** A parameter value, as the protocol allows: string, number or boolean. */
export type ParameterValue = string | number | boolean;

/** An output the caller may ask for. */
export type OutputName = typeof PREDICT_OUTPUT | typeof CONTRIBUTIONS_OUTPUT;

/** An inference request checked against the model: what to predict, and what to return. */
export interface CheckedInferRequest {
  readonly id?: string;
  readonly rows: Float64Array[];
  readonly outputs: readonly OutputName[];
}

/** The 400 every invalid inference request gets, listing every problem found. */
export function invalidRequest(errors: readonly FieldError[]): HttpProblem {
  const count = `${errors.length} problem${errors.length === 1 ? '' : 's'}`;
  return new HttpProblem(400, 'invalid-tensor', `The inference request is invalid (${count}).`, errors);
}

/** Adds a problem for a datatype that is not the protocol's, or that the features cannot be sent in. */
export function checkDatatype(datatype: string, path: string, errors: FieldError[]): datatype is FeatureDatatype {
  if (datatype === 'FP32' || datatype === 'FP64') return true;
  errors.push({
    path,
    message: PROTOCOL_DATATYPES.has(datatype)
      ? `the features are FP32 or FP64, not ${datatype}`
      : `"${datatype.slice(0, 40)}" is not a datatype of the protocol; the features are FP32 or FP64`,
  });
  return false;
}

/**
 * Checks a shape against the model: `[rows, features]` or `[features]`, every dimension a whole number >= 0. Returns
 * the row count (or undefined after adding a problem); more rows than `maxRows` is a 413 at once, before any data
 * is read.
 */
export function checkShape(
  shape: readonly unknown[],
  numFeatures: number,
  maxRows: number,
  path: string,
  errors: FieldError[],
): number | undefined {
  const expected = `[rows, ${numFeatures}] or [${numFeatures}]`;
  if (
    (shape.length !== 1 && shape.length !== 2) ||
    !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)
  ) {
    errors.push({ path, message: `must be ${expected}, whole numbers >= 0` });
    return undefined;
  }
  const rows = shape.length === 1 ? 1 : (shape[0] as number);
  if (rows > maxRows) {
    throw new HttpProblem(413, 'batch-too-large', `The tensor has ${rows} rows; the limit is ${maxRows}.`, [
      { path, message: `at most ${maxRows} rows per request` },
    ]);
  }
  const width = shape[shape.length - 1] as number;
  if (width !== numFeatures) {
    errors.push({ path, message: `the last dimension must be the model's ${numFeatures} features (was ${width})` });
    return undefined;
  }
  return rows;
}

/**
 * Cuts the flat, row-major values into rows. NaN is a missing feature; infinities are refused. FP32 values are
 * rounded to float32 as the datatype says (a value beyond float32's range is refused).
 */
export function toRows(
  values: ArrayLike<number>,
  rows: number,
  numFeatures: number,
  datatype: FeatureDatatype,
  path: string,
  errors: FieldError[],
): Float64Array[] {
  const out: Float64Array[] = [];
  for (let r = 0; r < rows; r++) {
    const row = new Float64Array(numFeatures);
    for (let f = 0; f < numFeatures; f++) {
      const raw = values[r * numFeatures + f] as number;
      const value = datatype === 'FP32' ? Math.fround(raw) : raw;
      if (value === Infinity || value === -Infinity) {
        errors.push({
          path,
          message: Number.isFinite(raw)
            ? `element ${r * numFeatures + f} (${raw}) is outside the FP32 range`
            : `element ${r * numFeatures + f} is infinite; a missing feature is null in JSON, NaN in gRPC`,
        });
        return [];
      }
      row[f] = value;
    }
    out.push(row);
  }
  return out;
}

/** Checks an input's name: the models have one input, `features`. */
export function checkInputName(name: string, path: string, errors: FieldError[]): boolean {
  if (name === INPUT_NAME) return true;
  errors.push({ path, message: `unknown input "${name.slice(0, 60)}"; the model's only input is "${INPUT_NAME}"` });
  return false;
}

/** Reads the explain extension's parameter: absent or a boolean. */
export function readExplain(parameters: ReadonlyMap<string, ParameterValue>, path: string, errors: FieldError[]) {
  const value = parameters.get(EXPLAIN_PARAMETER);
  if (value === undefined || typeof value === 'boolean') return value === true;
  errors.push({ path: `${path}/${EXPLAIN_PARAMETER}`, message: 'must be a boolean' });
  return false;
}

/**
 * The outputs to return: the requested ones in the order asked, or by default `predict` (and `contributions` with
 * explain). An output the model does not produce, a repeated one, or `contributions` without explain is refused.
 */
export function checkOutputs(
  requested: readonly string[] | undefined,
  explain: boolean,
  path: string,
  errors: FieldError[],
): OutputName[] {
  if (requested === undefined) return explain ? [PREDICT_OUTPUT, CONTRIBUTIONS_OUTPUT] : [PREDICT_OUTPUT];
  const outputs: OutputName[] = [];
  requested.forEach((name, i) => {
    if (name !== PREDICT_OUTPUT && name !== CONTRIBUTIONS_OUTPUT) {
      errors.push({
        path: `${path}/${i}/name`,
        message: `unknown output "${name.slice(0, 60)}"; the model produces "${PREDICT_OUTPUT}" (and "${CONTRIBUTIONS_OUTPUT}" with parameters.${EXPLAIN_PARAMETER})`,
      });
    } else if (outputs.includes(name)) {
      errors.push({ path: `${path}/${i}/name`, message: `output "${name}" is requested twice` });
    } else if (name === CONTRIBUTIONS_OUTPUT && !explain) {
      errors.push({
        path: `${path}/${i}/name`,
        message: `"${CONTRIBUTIONS_OUTPUT}" is the explain extension's output: set parameters.${EXPLAIN_PARAMETER} to true`,
      });
    } else outputs.push(name);
  });
  return outputs;
}
