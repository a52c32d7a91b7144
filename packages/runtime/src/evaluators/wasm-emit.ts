/**
 * A tiny WebAssembly binary writer: just the sections and opcodes the generated tree kernels need (compile-wasm.ts).
 * No toolchain at run time: the module is written byte by byte from validated integers and float32 values only.
 */

/** Opcodes used by the kernels (WebAssembly core spec 1.0, section 5.4). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  f32Const: 0x43,
  i32LtU: 0x49,
  f32Ge: 0x60,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f32Add: 0x92,
} as const;

/** Block type "no result". */
export const VOID = 0x40;
export const I32 = 0x7f;
export const F32 = 0x7d;

/**
 * A growable byte buffer with the encodings WebAssembly uses: LEB128 integers and little-endian float32.
 *
 * @example
 * ```ts
 * const code = new ByteWriter();
 * code.byte(OP.i32Const).signed(-1);
 * ```
 */
export class ByteWriter {
  private bytes: Uint8Array;
  length = 0;
  private readonly scratch = new DataView(new ArrayBuffer(4));

  /** `capacity`: bytes reserved up front (the writer grows past it when needed). */
  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(capacity);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  // The writers below run ~10^5 times for a 1,000-tree model in a fresh process, mostly before V8 optimizes them:
  // one comparison per byte and per range check (bench/README.md, load time).
  byte(b: number): this {
    if (this.length === this.bytes.length) this.ensure(1);
    this.bytes[this.length++] = b;
    return this;
  }

  /** Unsigned LEB128 of a non-negative safe integer below 2^32. */
  unsigned(value: number): this {
    if (value >>> 0 !== value) throw new RangeError(`bad u32 ${value}`);
    if (value < 0x80) return this.byte(value);
    do {
      let b = value % 128;
      value = Math.floor(value / 128);
      if (value !== 0) b |= 0x80;
      this.byte(b);
    } while (value !== 0);
    return this;
  }

  /** Signed LEB128 of an int32. */
  signed(value: number): this {
    if ((value | 0) !== value) throw new RangeError(`bad i32 ${value}`);
    if (value >= 0 && value < 0x40) return this.byte(value);
    for (;;) {
      const b = value & 0x7f;
      value >>= 7;
      if ((value === 0 && (b & 0x40) === 0) || (value === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return this;
      }
      this.byte(b | 0x80);
    }
  }

  f32(value: number): this {
    this.scratch.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.byte(this.scratch.getUint8(i));
    return this;
  }

  /** A memory access immediate: log2 alignment, then the constant offset. */
  memarg(align: number, offset: number): this {
    return this.unsigned(align).unsigned(offset);
  }

  /** Makes room for `extra` more bytes at once. */
  reserve(extra: number): this {
    this.ensure(extra);
    return this;
  }

  /** Empties the writer for reuse (keeps its buffer). */
  reset(): this {
    this.length = 0;
    return this;
  }

  append(other: ByteWriter): this {
    this.ensure(other.length);
    this.bytes.set(other.view(), this.length);
    this.length += other.length;
    return this;
  }

  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/** A function of the module: its type index, extra locals (all i32 or all listed), and its body without `end`. */
export interface WasmFunction {
  readonly type: number;
  readonly locals: readonly { count: number; type: number }[];
  readonly body: ByteWriter;
}

export interface WasmModuleSpec {
  /** Function types as [params, results] value-type lists. */
  readonly types: readonly (readonly [readonly number[], readonly number[]])[];
  readonly functions: readonly WasmFunction[];
  /** Initial (and maximum) size of the one exported memory, in 64 KiB pages. */
  readonly memoryPages: number;
  /** Exported functions by name -> function index. */
  readonly exports: Readonly<Record<string, number>>;
}

function section(out: ByteWriter, id: number, content: ByteWriter): void {
  out.byte(id).unsigned(content.length).append(content);
}

const encoder = new TextEncoder();

/**
 * The bytes of a module with one memory (exported as `memory`) and the given functions.
 *
 * @example
 * ```ts
 * const body = new ByteWriter();
 * const bytes = wasmModule({ types: [[[], []]], functions: [{ type: 0, locals: [], body }], memoryPages: 1, exports: { f: 0 } });
 * new WebAssembly.Module(bytes);
 * ```
 */
export function wasmModule(spec: WasmModuleSpec): Uint8Array {
  const out = new ByteWriter();
  out.byte(0).byte(0x61).byte(0x73).byte(0x6d).byte(1).byte(0).byte(0).byte(0);
  const types = new ByteWriter().unsigned(spec.types.length);
  for (const [params, results] of spec.types) {
    types.byte(0x60).unsigned(params.length);
    for (const p of params) types.byte(p);
    types.unsigned(results.length);
    for (const r of results) types.byte(r);
  }
  section(out, 1, types);
  const funcs = new ByteWriter().unsigned(spec.functions.length);
  for (const f of spec.functions) funcs.unsigned(f.type);
  section(out, 3, funcs);
  section(out, 5, new ByteWriter().unsigned(1).byte(1).unsigned(spec.memoryPages).unsigned(spec.memoryPages));
  const names = Object.keys(spec.exports);
  const exports = new ByteWriter().unsigned(names.length + 1);
  for (const name of [...names, 'memory']) {
    const text = encoder.encode(name);
    exports.unsigned(text.length);
    for (const b of text) exports.byte(b);
    if (name === 'memory') exports.byte(2).unsigned(0);
    else exports.byte(0).unsigned(spec.exports[name]!);
  }
  section(out, 7, exports);
  // The code section is most of the module (~1 MB for 1,000 trees): its size is computed first and the bodies are
  // written once, straight into `out`, rather than copied through a writer per function and one per section.
  const headers = spec.functions.map((f) => {
    const header = new ByteWriter(16).unsigned(f.locals.length);
    for (const l of f.locals) header.unsigned(l.count).byte(l.type);
    return header;
  });
  let codeSize = lebSize(spec.functions.length);
  spec.functions.forEach((f, i) => {
    const size = headers[i]!.length + f.body.length + 1;
    codeSize += lebSize(size) + size;
  });
  out.reserve(codeSize + 8);
  out.byte(10).unsigned(codeSize).unsigned(spec.functions.length);
  spec.functions.forEach((f, i) => {
    out
      .unsigned(headers[i]!.length + f.body.length + 1)
      .append(headers[i]!)
      .append(f.body)
      .byte(OP.end);
  });
  return out.view().slice();
}

/** Bytes of the unsigned LEB128 encoding of `value` (below 2^32). */
function lebSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}
