/**
 * Reads an ONNX `ModelProto` down to its one tree-ensemble node: the `ai.onnx.ml` opset, the node's operator and
 * attributes, and the feature count of the graph input. Field numbers are onnx.proto's.
 */
import { modelError } from '../../errors.js';
import { bytesOf, doublesOf, floatsOf, int64sOf, readMessage, stringOf, stringsOf, type Message } from './protobuf.js';

/** An attribute's value, by the kind `AttributeProto.type` names. */
export interface Attribute {
  readonly floats: readonly number[];
  readonly ints: readonly number[];
  readonly strings: readonly string[];
  /** A tensor attribute's values (float, double or integer tensors), with its element type. */
  readonly tensor?: { readonly type: number; readonly values: readonly number[] };
}

export interface TreeEnsembleNode {
  readonly opType: string;
  readonly mlOpset: number;
  readonly attributes: ReadonlyMap<string, Attribute>;
  /** The second dimension of the graph input, when the model states it. */
  readonly numFeatures: number | undefined;
  /** Element type of the graph input (1 = float, 11 = double). */
  readonly inputType: number;
}

export const TREE_ENSEMBLE_OPS: ReadonlySet<string> = new Set([
  'TreeEnsembleRegressor',
  'TreeEnsembleClassifier',
  'TreeEnsemble',
]);

/** `AttributeProto.type` values. */
const FLOAT = 1;
const INT = 2;
const STRING = 3;
const TENSOR = 4;
/** `TensorProto.DataType` values. */
export const TENSOR_FLOAT = 1;
export const TENSOR_UINT8 = 2;
export const TENSOR_INT64 = 7;
export const TENSOR_DOUBLE = 11;

/**
 * True when `bytes` starts like an ONNX model: field 1 (`ir_version`) as a varint, the first thing every ONNX
 * writer emits. Text and UBJSON never start with byte 0x08.
 *
 * @example
 * ```ts
 * looksLikeOnnx(readFileSync('model.onnx')); // true
 * ```
 */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x08;
}

/**
 * Decodes the model and returns its tree-ensemble node. A graph holding anything besides that one node (a scaler,
 * a cast, a ZipMap) is refused: the runtime would not apply it.
 *
 * @example
 * ```ts
 * const node = readTreeEnsembleNode(readFileSync('forest.onnx'));
 * node.opType; // 'TreeEnsembleRegressor'
 * ```
 */
export function readTreeEnsembleNode(bytes: Uint8Array): TreeEnsembleNode {
  const model = readMessage(bytes);
  const graphs = bytesOf(model, 7);
  if (graphs.length !== 1) throw modelError('MODEL_TRUNCATED', 'ONNX: the model has no graph');
  let mlOpset = 0;
  for (const entry of bytesOf(model, 8).map(readMessage)) {
    if (stringOf(entry, 1) === 'ai.onnx.ml') mlOpset = int64sOf(entry, 2).at(-1) ?? 0;
  }
  const graph = readMessage(graphs[0]!);
  const nodes = bytesOf(graph, 1).map(readMessage);
  const ensembles = nodes.filter((n) => TREE_ENSEMBLE_OPS.has(stringOf(n, 4)) && stringOf(n, 7) === 'ai.onnx.ml');
  if (ensembles.length !== 1 || nodes.length !== 1) {
    const ops = nodes.map((n) => stringOf(n, 4)).join(', ');
    throw modelError(
      ensembles.length === 0 ? 'MODEL_FORMAT_UNSUPPORTED' : 'MODEL_FEATURE_UNSUPPORTED',
      `ONNX: the graph must be one ai.onnx.ml tree-ensemble node, found [${ops}]`,
    );
  }
  if (mlOpset === 0) throw modelError('MODEL_TRUNCATED', 'ONNX: no ai.onnx.ml opset import');
  const node = ensembles[0]!;
  const inputs = bytesOf(graph, 11).map(readMessage);
  const nodeInput = stringsOf(node, 1)[0];
  const input = inputs.find((i) => stringOf(i, 1) === nodeInput);
  if (input === undefined) {
    throw modelError('MODEL_FEATURE_UNSUPPORTED', 'ONNX: the tree ensemble does not read a graph input directly');
  }
  const { elemType, dims } = tensorType(input);
  const attributes = new Map<string, Attribute>();
  for (const a of bytesOf(node, 5).map(readMessage)) attributes.set(stringOf(a, 1), attribute(a));
  return {
    opType: stringOf(node, 4),
    mlOpset,
    attributes,
    numFeatures: dims.length === 2 && dims[1]! > 0 ? dims[1] : undefined,
    inputType: elemType,
  };
}

/** `ValueInfoProto.type.tensor_type`: element type and dimensions (-1 for a symbolic one). */
function tensorType(valueInfo: Message): { elemType: number; dims: number[] } {
  const type = bytesOf(valueInfo, 2).map(readMessage)[0];
  const tensor = type === undefined ? undefined : bytesOf(type, 1).map(readMessage)[0];
  if (tensor === undefined) throw modelError('MODEL_TRUNCATED', 'ONNX: the graph input is not a tensor');
  const shape = bytesOf(tensor, 2).map(readMessage)[0];
  const dims = (shape === undefined ? [] : bytesOf(shape, 1).map(readMessage)).map((d) =>
    d.has(1) ? (int64sOf(d, 1).at(-1) ?? -1) : -1,
  );
  return { elemType: int64sOf(tensor, 1).at(-1) ?? 0, dims };
}

function attribute(a: Message): Attribute {
  const type = int64sOf(a, 20).at(-1) ?? 0;
  const tensorBytes = bytesOf(a, 5)[0];
  return {
    floats: type === FLOAT ? floatsOf(a, 2) : floatsOf(a, 7),
    ints: type === INT ? int64sOf(a, 3) : int64sOf(a, 8),
    strings: type === STRING ? stringsOf(a, 4) : stringsOf(a, 9),
    ...(type === TENSOR && tensorBytes !== undefined ? { tensor: tensorValues(readMessage(tensorBytes)) } : {}),
  };
}

/** A `TensorProto`'s values, from its typed field or its little-endian `raw_data`. */
function tensorValues(t: Message): { type: number; values: number[] } {
  const type = int64sOf(t, 2).at(-1) ?? 0;
  const raw = bytesOf(t, 9)[0];
  if (raw !== undefined) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = type === TENSOR_DOUBLE || type === TENSOR_INT64 ? 8 : type === TENSOR_UINT8 ? 1 : 4;
    if (raw.length % width !== 0) throw modelError('MODEL_TRUNCATED', 'ONNX: raw_data length');
    const values: number[] = [];
    for (let i = 0; i < raw.length; i += width) {
      if (type === TENSOR_FLOAT) values.push(view.getFloat32(i, true));
      else if (type === TENSOR_DOUBLE) values.push(view.getFloat64(i, true));
      else if (type === TENSOR_UINT8) values.push(view.getUint8(i));
      else if (type === TENSOR_INT64) values.push(Number(view.getBigInt64(i, true)));
      else throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX: tensor element type ${type}`);
    }
    return { type, values };
  }
  if (type === TENSOR_FLOAT) return { type, values: floatsOf(t, 4) };
  if (type === TENSOR_DOUBLE) return { type, values: doublesOf(t, 10) };
  if (type === TENSOR_INT64) return { type, values: int64sOf(t, 7) };
  if (type === TENSOR_UINT8) return { type, values: int64sOf(t, 5) };
  throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX: tensor element type ${type}`);
}
