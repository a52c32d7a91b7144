/**
 * The protobuf wire format, as much as an ONNX model needs: a message is read into its fields (number -> values in
 * file order), each value a varint, a fixed32/fixed64 slice or a length-delimited slice; the schema-aware caller
 * decides what each field means. Anything malformed is refused with `MODEL_TRUNCATED`.
 */
import { modelError } from '../../errors.js';

/** One field value: a varint (as a bigint, int64-exact) or the bytes of a fixed or length-delimited value. */
export type WireValue =
  { readonly wire: 0; readonly varint: bigint } | { readonly wire: 1 | 2 | 5; readonly bytes: Uint8Array };

export type Message = ReadonlyMap<number, readonly WireValue[]>;

/**
 * Reads the fields of one message.
 *
 * @example
 * ```ts
 * const model = readMessage(bytes); // ModelProto
 * const graph = readMessage(bytesOf(model, 7)[0]!);
 * ```
 */
export function readMessage(bytes: Uint8Array): Message {
  const fields = new Map<number, WireValue[]>();
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= bytes.length) throw modelError('MODEL_TRUNCATED', 'protobuf: the file ends inside a varint');
      const b = bytes[at++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw modelError('MODEL_TRUNCATED', 'protobuf: a varint longer than 10 bytes');
  };
  const slice = (n: number): Uint8Array => {
    if (n < 0 || at + n > bytes.length) {
      throw modelError('MODEL_TRUNCATED', `protobuf: a field of ${n} bytes runs past the end of its message`);
    }
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field < 1 || field > 0x1fffffff) throw modelError('MODEL_TRUNCATED', `protobuf: field number ${field}`);
    let value: WireValue;
    if (wire === 0) value = { wire, varint: varint() };
    else if (wire === 1) value = { wire, bytes: slice(8) };
    else if (wire === 5) value = { wire, bytes: slice(4) };
    else if (wire === 2) value = { wire, bytes: slice(Number(varint())) };
    else throw modelError('MODEL_TRUNCATED', `protobuf: wire type ${wire} (field ${field}) is not used by ONNX`);
    let list = fields.get(field);
    if (list === undefined) fields.set(field, (list = []));
    list.push(value);
  }
  return fields;
}

function wrongType(field: number, what: string): never {
  throw modelError('MODEL_TRUNCATED', `protobuf: field ${field} is not ${what}`);
}

/** The length-delimited values of `field` (sub-messages, strings, bytes). */
export function bytesOf(message: Message, field: number): Uint8Array[] {
  return (message.get(field) ?? []).map((v) => (v.wire === 2 ? v.bytes : wrongType(field, 'length-delimited')));
}

/** The UTF-8 strings of `field`. */
export function stringsOf(message: Message, field: number): string[] {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return bytesOf(message, field).map((b) => {
    try {
      return decoder.decode(b);
    } catch (error) {
      throw modelError('MODEL_TRUNCATED', `protobuf: field ${field} is not UTF-8`, error);
    }
  });
}

/** The last string of `field`, or `fallback`. */
export function stringOf(message: Message, field: number, fallback = ''): string {
  const all = stringsOf(message, field);
  return all.length === 0 ? fallback : all[all.length - 1]!;
}

/** The int64 values of `field` (plain or packed), two's complement read as signed; must be safe integers. */
export function int64sOf(message: Message, field: number): number[] {
  const out: number[] = [];
  const push = (v: bigint): void => {
    const signed = BigInt.asIntN(64, v);
    if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw modelError('MODEL_TRUNCATED', `protobuf: integer ${signed} in field ${field} is beyond 2^53`);
    }
    out.push(Number(signed));
  };
  for (const v of message.get(field) ?? []) {
    if (v.wire === 0) push(v.varint);
    else if (v.wire === 2) {
      const packed = readPackedVarints(v.bytes, field);
      for (const p of packed) push(p);
    } else wrongType(field, 'an integer');
  }
  return out;
}

function readPackedVarints(bytes: Uint8Array, field: number): bigint[] {
  const out: bigint[] = [];
  let at = 0;
  while (at < bytes.length) {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= bytes.length || shift >= 70n) throw modelError('MODEL_TRUNCATED', `protobuf: packed field ${field}`);
      const b = bytes[at++]!;
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) break;
    }
    out.push(BigInt.asUintN(64, result));
  }
  return out;
}

/** The float32 values of `field` (plain fixed32 or packed), as the doubles they are. */
export function floatsOf(message: Message, field: number): number[] {
  const out: number[] = [];
  for (const v of message.get(field) ?? []) {
    if (v.wire === 0 || v.wire === 1 || (v.wire === 2 && v.bytes.length % 4 !== 0)) wrongType(field, 'float32');
    const view = new DataView(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength);
    for (let i = 0; i < v.bytes.length; i += 4) out.push(view.getFloat32(i, true));
  }
  return out;
}

/** The float64 values of `field` (plain fixed64 or packed). */
export function doublesOf(message: Message, field: number): number[] {
  const out: number[] = [];
  for (const v of message.get(field) ?? []) {
    if (v.wire === 0 || v.wire === 5 || (v.wire === 2 && v.bytes.length % 8 !== 0)) wrongType(field, 'float64');
    const view = new DataView(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength);
    for (let i = 0; i < v.bytes.length; i += 8) out.push(view.getFloat64(i, true));
  }
  return out;
}
