import type { FieldError } from '../contract.js';
import type { InferResult } from '../inference-protocol/infer.js';
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
} from '../inference-protocol/tensor-rules.js';
import type {
  InferInputTensorMessage,
  InferTensorContentsMessage,
  ModelInferRequestMessage,
  ModelInferResponseMessage,
  ParameterMap,
} from './grpc-messages.js';

const CONTENT_FIELDS = [
  'bool_contents',
  'int_contents',
  'int64_contents',
  'uint_contents',
  'uint64_contents',
  'fp32_contents',
  'fp64_contents',
  'bytes_contents',
] as const;

/** Reads a parameter map: each parameter must carry one value. */
function readParameters(map: ParameterMap | undefined, path: string, errors: FieldError[]) {
  const parameters = new Map<string, ParameterValue>();
  for (const [name, parameter] of Object.entries(map ?? {})) {
    const value = parameter.parameter_choice === undefined ? undefined : parameter[parameter.parameter_choice];
    if (value === undefined) errors.push({ path: `${path}/${name.slice(0, 60)}`, message: 'has no value' });
    else parameters.set(name, value);
  }
  return parameters;
}

/** The typed contents of the input: only the field of its datatype may hold values. */
function typedValues(
  contents: InferTensorContentsMessage | undefined,
  datatype: FeatureDatatype,
  path: string,
  errors: FieldError[],
): number[] {
  const field = datatype === 'FP32' ? 'fp32_contents' : 'fp64_contents';
  const stray = CONTENT_FIELDS.filter((name) => name !== field && (contents?.[name]?.length ?? 0) > 0);
  if (stray.length > 0)
    errors.push({ path: `${path}/contents`, message: `${datatype} data go in ${field}, not ${stray.join(', ')}` });
  return contents?.[field] ?? [];
}

/** Decodes little-endian raw contents (the protocol's byte order) into numbers. */
function rawValues(
  raw: Buffer,
  datatype: FeatureDatatype,
  count: number,
  path: string,
  errors: FieldError[],
): number[] | undefined {
  const size = datatype === 'FP32' ? 4 : 8;
  if (raw.length !== count * size) {
    errors.push({ path, message: `must hold ${count} ${datatype} values, ${count * size} bytes (had ${raw.length})` });
    return undefined;
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const values = new Array<number>(count);
  for (let i = 0; i < count; i++) values[i] = size === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
  return values;
}

function hasContents(input: InferInputTensorMessage): boolean {
  return CONTENT_FIELDS.some((name) => (input.contents?.[name]?.length ?? 0) > 0);
}

/**
 * Checks a ModelInferRequest against a model with `numFeatures` features, by the same rules as REST (one input
 * `features`, FP32 or FP64, known outputs, the explain parameter), with the data in typed `contents` or in
 * `raw_input_contents`. NaN is a missing feature. `raw` tells the answer to use raw contents too.
 */
export function checkGrpcInferRequest(
  message: ModelInferRequestMessage,
  numFeatures: number,
  maxRows: number,
): { request: CheckedInferRequest; raw: boolean } {
  const errors: FieldError[] = [];
  const explain = readExplain(readParameters(message.parameters, 'parameters', errors), 'parameters', errors);
  message.outputs.forEach((output, i) => readParameters(output.parameters, `outputs/${i}/parameters`, errors));
  const requested = message.outputs.length > 0 ? message.outputs.map((output) => output.name ?? '') : undefined;
  const outputs = checkOutputs(requested, explain, 'outputs', errors);
  const raw = message.raw_input_contents.length > 0;
  if (raw && message.raw_input_contents.length !== message.inputs.length) {
    errors.push({
      path: 'raw_input_contents',
      message: `must hold one entry per input (${message.inputs.length}), had ${message.raw_input_contents.length}`,
    });
  }
  let rows: Float64Array[] = [];
  let found = 0;
  message.inputs.forEach((input, i) => {
    const path = `inputs/${i}`;
    readParameters(input.parameters, `${path}/parameters`, errors);
    if (!checkInputName(input.name ?? '', `${path}/name`, errors)) return;
    if (++found > 1) {
      errors.push({ path: `${path}/name`, message: 'input "features" is given twice' });
      return;
    }
    if (raw && hasContents(input)) {
      errors.push({ path: `${path}/contents`, message: 'must be empty when raw_input_contents is used' });
      return;
    }
    const datatype = input.datatype ?? '';
    const typed = checkDatatype(datatype, `${path}/datatype`, errors);
    const rowCount = checkShape(input.shape, numFeatures, maxRows, `${path}/shape`, errors);
    if (!typed || rowCount === undefined) return;
    const count = rowCount * numFeatures;
    const where = raw ? `raw_input_contents/${i}` : `${path}/contents`;
    const bytes = message.raw_input_contents[i];
    const values = raw
      ? bytes === undefined
        ? undefined
        : rawValues(bytes, datatype, count, where, errors)
      : typedValues(input.contents, datatype, where, errors);
    if (values === undefined) return;
    if (values.length !== count) {
      errors.push({ path: where, message: `must hold rows x features = ${count} values (had ${values.length})` });
      return;
    }
    rows = toRows(values, rowCount, numFeatures, datatype, where, errors);
  });
  if (found === 0 && errors.length === 0)
    errors.push({ path: 'inputs', message: 'must hold the input tensor "features"' });
  if (errors.length > 0) throw invalidRequest(errors);
  const id = message.id ?? '';
  return { request: { ...(id === '' ? {} : { id }), rows, outputs }, raw };
}

/** The ModelInferResponse of a result: FP64 outputs, in typed contents or (for a raw request) raw contents. */
export function inferResponseMessage(result: InferResult, raw: boolean): ModelInferResponseMessage {
  const message: ModelInferResponseMessage = {
    model_name: result.model_name,
    model_version: result.model_version,
    id: result.id ?? '',
    outputs: result.outputs.map(({ name, datatype, shape, data }) => ({
      name,
      datatype,
      shape,
      ...(raw ? {} : { contents: { fp64_contents: data } }),
    })),
  };
  if (raw) {
    message.raw_output_contents = result.outputs.map(({ data }) => {
      const bytes = Buffer.alloc(data.length * 8);
      data.forEach((value, i) => bytes.writeDoubleLE(value, i * 8));
      return bytes;
    });
  }
  return message;
}
