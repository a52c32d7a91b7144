// The WebAssembly writer encodes LEB128 integers and float32 as the core specification says, and its modules
// validate and run.
import t from 'tap';
import { ByteWriter, F32, I32, OP, wasmModule } from '../src/evaluators/wasm-emit.js';

const bytes = (w: ByteWriter): number[] => Array.from(w.view());

// The host's WebAssembly as far as this test uses it: the runtime compiles without DOM or WebAssembly typings.
const { WebAssembly } = globalThis as unknown as {
  WebAssembly: {
    validate(bytes: Uint8Array): boolean;
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object) => { exports: Record<string, unknown> };
  };
};

t.test('LEB128 and float32 encodings (examples from the specification and edge values)', async (t) => {
  t.same(bytes(new ByteWriter().unsigned(624485)), [0xe5, 0x8e, 0x26]);
  t.same(bytes(new ByteWriter().unsigned(127)), [0x7f]);
  t.same(bytes(new ByteWriter().unsigned(128)), [0x80, 0x01]);
  t.same(bytes(new ByteWriter().unsigned(0xffffffff)), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  t.same(bytes(new ByteWriter().signed(-123456)), [0xc0, 0xbb, 0x78]);
  t.same(bytes(new ByteWriter().signed(-1)), [0x7f]);
  t.same(bytes(new ByteWriter().signed(63)), [0x3f]);
  t.same(bytes(new ByteWriter().signed(64)), [0xc0, 0x00]);
  t.same(bytes(new ByteWriter().signed(-0x80000000)), [0x80, 0x80, 0x80, 0x80, 0x78]);
  t.same(bytes(new ByteWriter().f32(1.5)), [0, 0, 0xc0, 0x3f]);
  t.throws(() => new ByteWriter().unsigned(-1), RangeError);
  t.throws(() => new ByteWriter().signed(2 ** 31), RangeError);
});

t.test('a written module validates, exports its memory and runs', async (t) => {
  // f(a: i32) -> f32: memory[a] as f32, plus 0.25
  const body = new ByteWriter()
    .byte(OP.localGet)
    .unsigned(0)
    .byte(OP.f32Load)
    .memarg(2, 0)
    .byte(OP.f32Const)
    .f32(0.25)
    .byte(OP.f32Add);
  const module = wasmModule({
    types: [[[I32], [F32]]],
    functions: [{ type: 0, locals: [], body }],
    memoryPages: 1,
    exports: { f: 0 },
  });
  t.ok(WebAssembly.validate(module));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(module));
  const memory = instance.exports['memory'] as { buffer: ArrayBuffer };
  t.equal(memory.buffer.byteLength, 65536);
  new Float32Array(memory.buffer)[2] = 2;
  t.equal((instance.exports['f'] as (a: number) => number)(8), 2.25);
});
