/**
 * The branch-free walk (walk-layout.ts) as WebAssembly, written byte by byte at load time (wasm-emit.ts): one
 * comparison form for every split (`x >= t` on float32, on rows laid out as x then -x), float32 sums in tree order,
 * so margins are bit-for-bit XGBoost's, and no bounds checks, with many independent chains of loads in flight:
 *
 * - blocks: tree-major over a block of rows, `ROWS_PER_STEP` rows walked side by side through each tree;
 * - one row: `CHAINS` trees walked side by side, each for exactly its own depth, then their leaves added in order.
 *
 * Memory: the nodes from address 0 (wasm-layout.ts: heap layout for trees up to depth 8, else packed), then the rows
 * (x then -x, float32, copied from the prepared rows), then the sums.
 */
import type { TreeEnsemble } from '../ensemble.js';
import type { MarginEvaluator } from './evaluator.js';
import { treeDepths } from './walk-layout.js';
import { heapApplies, heapLayout, type NodeLayout, packedLayout } from './wasm-layout.js';
import { ByteWriter, F32, I32, OP, VOID, type WasmFunction, wasmModule } from './wasm-emit.js';

/** Rows walked side by side through one tree in a block (the block is padded to a multiple of it). */
const ROWS_PER_STEP = 4;
/** Trees walked side by side for one row. */
const CHAINS = 8;
/** Trees per generated function: keeps each function small for the optimizing compiler. */
const TREES_PER_FUNCTION = 16;
const PAGE = 65536;

/** Rows per block of the WebAssembly walk (a multiple of ROWS_PER_STEP). */
const BLOCK_ROWS = 64;
/** Smaller batches go row by row through the one-row walk. */
const ONE_BY_ONE_BELOW = 8;

/** A compiled block evaluator over WebAssembly memory. */
interface WasmWalk {
  /** Rows per block that `block` accepts. */
  readonly blockRows: number;
  /** `block` takes a multiple of this many rows. */
  readonly rowsPerStep: number;
  /** Prepared rows: `blockRows` rows of x then -x (2 * numFeatures float32 each). */
  readonly x: Float32Array;
  /** Sums, `numOutputs` per row (float32). */
  readonly acc: Float32Array;
  /** Adds every tree's leaf to `acc` for the first `rows` rows of `x` (rows: a multiple of `rowsPerStep`, at most blockRows). */
  readonly block: (rows: number) => void;
  /** Adds every tree's leaf to `acc[0..numOutputs)` for row 0 of `x`. */
  readonly one: () => void;
}

/** The part of the WebAssembly JS API used here (the package compiles without DOM or Node typings). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: Record<string, unknown> };
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/**
 * Whether this environment can compile WebAssembly synchronously (not under a CSP without `wasm-unsafe-eval`).
 *
 * @example
 * ```ts
 * const form = wasmAvailable() ? 'wasm' : 'walk';
 * ```
 */
export function wasmAvailable(): boolean {
  const api = wasmApi();
  if (api === undefined) return false;
  try {
    // Compiling the smallest module is the test: a host that forbids WebAssembly code generation throws here.
    new api.Module(wasmModule({ types: [], functions: [], memoryPages: 1, exports: {} }));
    return true;
  } catch {
    return false;
  }
}

/**
 * `acc[address + offset] += leaf of chain k of tree t` in float32 (one rounding, as XGBoost's float sum); the address
 * is the local `addressLocal`, or 0 when undefined. Written without closures: it runs for every tree at load.
 */
function addLeaf(
  code: ByteWriter,
  layout: NodeLayout,
  addressLocal: number | undefined,
  offset: number,
  t: number,
  k: number,
): void {
  for (let i = 0; i < 2; i++) {
    if (addressLocal === undefined) code.byte(OP.i32Const).signed(0);
    else code.byte(OP.localGet).unsigned(addressLocal);
  }
  code.byte(OP.f32Load).memarg(2, offset);
  layout.leaf(code, t, k);
  code.byte(OP.f32Add).byte(OP.f32Store).memarg(2, offset);
}

/**
 * Builds the WebAssembly walk of an ensemble that `walkApplies` accepts, or returns `undefined` when WebAssembly is
 * unavailable or refuses the module.
 */
function wasmWalk(ensemble: TreeEnsemble, blockRows: number): WasmWalk | undefined {
  if (blockRows % ROWS_PER_STEP !== 0) throw new RangeError(`blockRows must be a multiple of ${ROWS_PER_STEP}`);
  const width = ensemble.numFeatures;
  const outputs = ensemble.numOutputs;
  const stride = 8 * width; // bytes per prepared row
  const depths = treeDepths(ensemble);
  const layout = heapApplies(depths) ? heapLayout(ensemble, depths) : packedLayout(ensemble);
  const xBase = layout.bytes;
  const accBase = xBase + blockRows * stride;
  const pages = Math.ceil((accBase + 4 * blockRows * outputs) / PAGE);
  const { treeOutput } = ensemble;
  const trees = depths.length;

  const functions: WasmFunction[] = [];
  const scratch = new ByteWriter();
  const steps = Array.from({ length: CHAINS }, () => new ByteWriter());
  // Block functions: param 0 = rows; locals 1 = x cursor, 2 = end of x, 3 = sum cursor, 4.. = node of each row.
  for (let first = 0; first < trees; first += TREES_PER_FUNCTION) {
    const code = new ByteWriter();
    code.byte(OP.localGet).unsigned(0).byte(OP.i32Const).signed(stride).byte(OP.i32Mul);
    code.byte(OP.i32Const).signed(xBase).byte(OP.i32Add).byte(OP.localSet).unsigned(2);
    for (let t = first; t < Math.min(trees, first + TREES_PER_FUNCTION); t++) {
      code.byte(OP.i32Const).signed(xBase).byte(OP.localSet).unsigned(1);
      code.byte(OP.i32Const).signed(accBase).byte(OP.localSet).unsigned(3);
      code.byte(OP.loop).byte(VOID);
      for (let j = 0; j < ROWS_PER_STEP; j++)
        code
          .byte(OP.i32Const)
          .signed(layout.root(t))
          .byte(OP.localSet)
          .unsigned(4 + j);
      // A step's bytes do not depend on the depth: written once per tree, copied depth times (load time).
      const level = scratch.reset();
      for (let j = 0; j < ROWS_PER_STEP; j++) layout.step(level, t, 4 + j, 1, j * stride);
      for (let d = 0; d < depths[t]!; d++) code.append(level);
      for (let j = 0; j < ROWS_PER_STEP; j++) addLeaf(code, layout, 3, 4 * (j * outputs + treeOutput[t]!), t, 4 + j);
      code
        .byte(OP.localGet)
        .unsigned(1)
        .byte(OP.i32Const)
        .signed(ROWS_PER_STEP * stride)
        .byte(OP.i32Add)
        .byte(OP.localSet)
        .unsigned(1);
      code
        .byte(OP.localGet)
        .unsigned(3)
        .byte(OP.i32Const)
        .signed(ROWS_PER_STEP * 4 * outputs)
        .byte(OP.i32Add)
        .byte(OP.localSet)
        .unsigned(3);
      code.byte(OP.localGet).unsigned(1).byte(OP.localGet).unsigned(2).byte(OP.i32LtU).byte(OP.brIf).unsigned(0);
      code.byte(OP.end);
    }
    functions.push({ type: 0, locals: [{ count: 3 + ROWS_PER_STEP, type: I32 }], body: code });
  }
  const groups = functions.length;
  // One-row functions: locals = node of each tree of the chain group. A single-output model passes its running sum
  // from function to function in a register (param 0, result): through memory, the 600 dependent adds of a
  // 600-tree model would also wait on store-to-load forwarding, a chain longer than the walks themselves.
  const single = outputs === 1;
  const firstChain = single ? 1 : 0;
  for (let first = 0; first < trees; first += TREES_PER_FUNCTION) {
    const code = new ByteWriter();
    const last = Math.min(trees, first + TREES_PER_FUNCTION);
    for (let chain = first; chain < last; chain += CHAINS) {
      const members = Math.min(CHAINS, last - chain);
      let deepest = 0;
      for (let j = 0; j < members; j++) {
        code
          .byte(OP.i32Const)
          .signed(layout.root(chain + j))
          .byte(OP.localSet)
          .unsigned(firstChain + j);
        deepest = Math.max(deepest, depths[chain + j]!);
      }
      for (let j = 0; j < members; j++) layout.step(steps[j]!.reset(), chain + j, firstChain + j, undefined, xBase);
      for (let d = 0; d < deepest; d++) {
        for (let j = 0; j < members; j++) if (d < depths[chain + j]!) code.append(steps[j]!);
      }
      for (let j = 0; j < members; j++) {
        if (single) {
          code.byte(OP.localGet).unsigned(0);
          layout.leaf(code, chain + j, firstChain + j);
          code.byte(OP.f32Add).byte(OP.localSet).unsigned(0);
        } else {
          addLeaf(code, layout, undefined, accBase + 4 * treeOutput[chain + j]!, chain + j, j);
        }
      }
    }
    if (single) code.byte(OP.localGet).unsigned(0);
    functions.push({ type: single ? 2 : 1, locals: [{ count: CHAINS, type: I32 }], body: code });
  }
  const driver = (type: number, from: number): WasmFunction => {
    const code = new ByteWriter();
    const sum = type === 1 && single;
    if (sum) code.byte(OP.i32Const).signed(0).byte(OP.i32Const).signed(0).byte(OP.f32Load).memarg(2, accBase);
    for (let g = 0; g < groups; g++) {
      if (type === 0) code.byte(OP.localGet).unsigned(0);
      code.byte(OP.call).unsigned(from + g);
    }
    if (sum) code.byte(OP.f32Store).memarg(2, accBase);
    return { type, locals: [], body: code };
  };
  functions.push(driver(0, 0), driver(1, groups));
  const api = wasmApi();
  if (api === undefined) return undefined;
  let instance: { readonly exports: Record<string, unknown> };
  try {
    const bytes = wasmModule({
      types: [
        [[I32], []],
        [[], []],
        [[F32], [F32]],
      ],
      functions,
      memoryPages: pages,
      exports: { block: 2 * groups, one: 2 * groups + 1 },
    });
    instance = new api.Instance(new api.Module(bytes));
  } catch (error) {
    if (
      error instanceof Error &&
      (error.name === 'CompileError' || error.name === 'RangeError' || error.name === 'EvalError')
    )
      return undefined;
    throw error;
  }
  const memory = instance.exports['memory'] as { readonly buffer: ArrayBuffer };
  layout.fill(memory.buffer);
  return {
    blockRows,
    rowsPerStep: ROWS_PER_STEP,
    x: new Float32Array(memory.buffer, xBase, blockRows * 2 * width),
    acc: new Float32Array(memory.buffer, accBase, blockRows * outputs),
    block: instance.exports['block'] as (rows: number) => void,
    one: instance.exports['one'] as () => void,
  };
}

/**
 * The WebAssembly form of an ensemble that `walkApplies` accepts, or `undefined` when WebAssembly is unavailable or
 * refuses the module (a Content-Security-Policy without `wasm-unsafe-eval`). Rows run in blocks of whole steps
 * (`block`), the rest one by one (`one`).
 *
 * @example
 * ```ts
 * const evaluator = walkApplies(ensemble) ? wasmEvaluator(ensemble) : undefined;
 * ```
 */
export function wasmEvaluator(ensemble: TreeEnsemble): MarginEvaluator | undefined {
  if (!wasmAvailable()) return undefined; // before writing a module the environment would refuse
  const built = wasmWalk(ensemble, BLOCK_ROWS);
  if (built === undefined) return undefined;
  const walk: WasmWalk = built;
  const width = ensemble.numFeatures;
  const outputs = ensemble.numOutputs;
  const { x, acc, blockRows, rowsPerStep } = walk;
  const base = ensemble.baseMargin;
  /** Lays out prepared rows (already float32 values) as x then -x in WebAssembly memory. */
  function layRows(prepared: Float64Array, first: number, rows: number): void {
    for (let r = 0; r < rows; r++) {
      const from = (first + r) * width;
      const to = 2 * width * r;
      for (let j = 0; j < width; j++) {
        const v = prepared[from + j]!;
        x[to + j] = v;
        x[to + width + j] = -v;
      }
    }
  }
  /** Margins of prepared row `r` through `one`, which walks the trees of one row side by side. */
  function oneRow(prepared: Float64Array, r: number, out: Float64Array): void {
    layRows(prepared, r, 1);
    for (let k = 0; k < outputs; k++) acc[k] = base[k]!;
    walk.one();
    for (let k = 0; k < outputs; k++) out[r * outputs + k] = acc[k]!;
  }
  // Whole steps of rows go through `block`, the last rows % rowsPerStep one at a time instead of padding the step.
  // Below ONE_BY_ONE_BELOW rows every row goes through `one`: measured (bench/README.md), 4 to 7 rows cost more per
  // row through `block` (plus the rest through `one`) than one by one, and 8 rows the same.
  function margins(prepared: Float64Array, rows: number, out: Float64Array): void {
    const whole = rows < ONE_BY_ONE_BELOW ? 0 : rows - (rows % rowsPerStep);
    for (let first = 0; first < whole; first += blockRows) {
      const n = Math.min(blockRows, whole - first);
      layRows(prepared, first, n);
      for (let i = 0; i < n * outputs; i++) acc[i] = base[i % outputs]!;
      walk.block(n);
      const at = first * outputs;
      for (let i = 0; i < n * outputs; i++) out[at + i] = acc[i]!;
    }
    for (let r = whole; r < rows; r++) oneRow(prepared, r, out);
  }
  return { form: 'wasm', margins };
}
