/**
 * A Universal Binary JSON decoder (draft 12, big-endian), enough for the `.ubj` models XGBoost writes
 * (`save_model('model.ubj')`, the default format since XGBoost 2.0): objects, arrays, the optimized container form
 * (`$type` and `#count`, which XGBoost uses for its float32 and integer arrays), strings, integers of every width,
 * float32/float64, booleans, null. The result is the same JS value `JSON.parse` gives for the model's JSON form, so
 * the JSON loaders read it unchanged. Anything malformed is refused with `MODEL_TRUNCATED`.
 */
import { modelError } from '../errors.js';

/** Nesting deeper than this is not a model: refused rather than risking the stack. */
const MAX_DEPTH = 512;

/**
 * True when `bytes` starts like a UBJSON object: `{` followed by a key-length marker or `}` (JSON text has a quote
 * or white space there).
 *
 * @example
 * ```ts
 * looksLikeUbjson(readFileSync('model.ubj')); // true
 * ```
 */
export function looksLikeUbjson(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || bytes[0] !== 0x7b) return false;
  return 'iUIlL}$#'.includes(String.fromCharCode(bytes[1]!));
}

/**
 * Decodes one UBJSON value.
 *
 * @example
 * ```ts
 * const model = decodeUbjson(readFileSync('model.ubj')); // { learner: ..., version: [3, 0, 0] }
 * ```
 */
export function decodeUbjson(bytes: Uint8Array): unknown {
  const reader = new Reader(bytes);
  const value = reader.value(reader.marker(), 0);
  if (reader.at !== bytes.length) {
    throw modelError('MODEL_TRUNCATED', `UBJSON: ${bytes.length - reader.at} bytes after the end of the model`);
  }
  return value;
}

class Reader {
  at = 0;
  private readonly view: DataView;
  private readonly text = new TextDecoder('utf-8', { fatal: true });

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): number {
    const start = this.at;
    if (n < 0 || start + n > this.bytes.length) {
      throw modelError('MODEL_TRUNCATED', `UBJSON: the file ends inside a value (offset ${start}, ${n} bytes needed)`);
    }
    this.at += n;
    return start;
  }

  marker(): number {
    let m: number;
    do m = this.bytes[this.need(1)]!;
    while (m === 0x4e); // 'N' no-op
    return m;
  }

  value(marker: number, depth: number): unknown {
    if (depth > MAX_DEPTH) throw modelError('MODEL_TRUNCATED', `UBJSON: nested deeper than ${MAX_DEPTH}`);
    switch (String.fromCharCode(marker)) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case 'S':
        return this.string();
      case 'C':
        return String.fromCharCode(this.bytes[this.need(1)]!);
      case 'H':
        return Number(this.string());
      case 'Z':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      default:
        return this.scalar(marker);
    }
  }

  /** A number of the given type marker, or a malformed-file error. */
  scalar(marker: number): number {
    switch (String.fromCharCode(marker)) {
      case 'i':
        return this.view.getInt8(this.need(1));
      case 'U':
        return this.view.getUint8(this.need(1));
      case 'I':
        return this.view.getInt16(this.need(2));
      case 'l':
        return this.view.getInt32(this.need(4));
      case 'L': {
        const big = this.view.getBigInt64(this.need(8));
        if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw modelError('MODEL_TRUNCATED', `UBJSON: integer ${big} is beyond 2^53`);
        }
        return Number(big);
      }
      case 'd':
        return this.view.getFloat32(this.need(4));
      case 'D':
        return this.view.getFloat64(this.need(8));
      default:
        throw modelError(
          'MODEL_TRUNCATED',
          `UBJSON: unknown type marker 0x${marker.toString(16).padStart(2, '0')} at offset ${this.at - 1}`,
        );
    }
  }

  private count(): number {
    const n = this.scalar(this.marker());
    if (!Number.isInteger(n) || n < 0) throw modelError('MODEL_TRUNCATED', `UBJSON: container length ${n}`);
    return n;
  }

  private string(): string {
    const n = this.count();
    const start = this.need(n);
    try {
      return this.text.decode(this.bytes.subarray(start, start + n));
    } catch (error) {
      throw modelError('MODEL_TRUNCATED', `UBJSON: a string at offset ${start} is not UTF-8`, error);
    }
  }

  /** The optional `$type` and `#count` of an optimized container; a type requires a count (spec). */
  private header(): { type: number | undefined; length: number | undefined } {
    let type: number | undefined;
    if (this.bytes[this.at] === 0x24) {
      this.at++;
      type = this.bytes[this.need(1)]!;
      if (this.bytes[this.at] !== 0x23) throw modelError('MODEL_TRUNCATED', 'UBJSON: a typed container has no count');
    }
    let length: number | undefined;
    if (this.bytes[this.at] === 0x23) {
      this.at++;
      length = this.count();
    }
    return { type, length };
  }

  private element(type: number | undefined, depth: number): unknown {
    return type === undefined ? this.value(this.marker(), depth + 1) : this.value(type, depth + 1);
  }

  private array(depth: number): unknown[] {
    const { type, length } = this.header();
    const out: unknown[] = [];
    if (length !== undefined) {
      // Each element takes at least one byte, except in a typed array of markers with no payload (null, booleans).
      if (type !== 0x5a && type !== 0x54 && type !== 0x46 && length > this.bytes.length - this.at) {
        throw modelError('MODEL_TRUNCATED', `UBJSON: an array of ${length} elements is longer than the file`);
      }
      for (let i = 0; i < length; i++) out.push(this.element(type, depth));
      return out;
    }
    for (;;) {
      const m = this.marker();
      if (m === 0x5d) return out; // ']'
      out.push(this.value(m, depth + 1));
    }
  }

  private object(depth: number): Record<string, unknown> {
    const { type, length } = this.header();
    const out: Record<string, unknown> = {};
    const put = (key: string, value: unknown): void => {
      // A JSON object built by JSON.parse has no special keys; keep it that way.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    };
    if (length !== undefined) {
      for (let i = 0; i < length; i++) put(this.string(), this.element(type, depth));
      return out;
    }
    for (;;) {
      if (this.bytes[this.at] === 0x7d) {
        this.at++;
        return out;
      }
      const key = this.string();
      put(key, this.value(this.marker(), depth + 1));
    }
  }
}
