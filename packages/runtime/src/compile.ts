/**
 * The compiled evaluator: JavaScript generated once per model from its validated `TreeEnsemble`, bit-for-bit equal to
 * the interpreted evaluator (evaluate.ts) and several times faster. Two forms: a branch-free walk for XGBoost models
 * without categorical splits (compile-walk.ts) and nested `if`/`else` for everything else (compile-nested.ts).
 * Where `new Function` is forbidden (a Content-Security-Policy without `unsafe-eval`) or the model is too large to
 * generate, `compileEnsemble` returns `undefined` and the caller keeps the interpreted evaluator.
 */
import type { TreeEnsemble } from './ensemble.js';
import { type InputValue, prepareRows } from './evaluate.js';
import { codeGenerationAllowed } from './compile-literal.js';
import { type BlockKernel, nestedKernels } from './compile-nested.js';
import { prepareWalkRows, walkApplies, walkKernels } from './compile-walk.js';
import { type WasmWalk, wasmAvailable, wasmWalk } from './compile-wasm.js';

/** `wasm` / `walk`: branch-free XGBoost form in WebAssembly / JavaScript; `nested`: `if`/`else` form, any rules. */
export type CompiledForm = 'wasm' | 'walk' | 'nested';

export interface CompileOptions {
  /**
   * `auto` (default) picks `wasm`, else `walk`, when they apply, else `nested`; `nested` forces the general form;
   * `wasm` / `walk` give that form or nothing.
   */
  readonly form?: 'auto' | CompiledForm;
  /** Above this many nodes no code is generated (default 4,000,000; nested `if`/`else` source: 400,000). */
  readonly maxNodes?: number;
}

export interface CompiledEnsemble {
  readonly form: CompiledForm;
  /**
   * Margins of `rows` rows of `values` (row-major, `columns` per row, missing as NaN / null / undefined; columns
   * beyond `columns` are missing) into `out`, `numOutputs` per row, exactly as `computeMargins` would.
   */
  margins(values: ArrayLike<InputValue>, columns: number, rows: number, out: Float64Array): void;
}

/** Rows per block: small enough that a block's inputs and sums stay in L1 while every tree runs over it. */
const BLOCK_ROWS = 64;
const WALK_TREES_PER_KERNEL = 16;
const NESTED_NODES_PER_KERNEL = 1500;
const DEFAULT_MAX_NODES = 4_000_000;
const MAX_NESTED_NODES = 400_000;

function buildKernels(ensemble: TreeEnsemble, form: CompiledForm): BlockKernel[] {
  return form === 'walk'
    ? walkKernels(ensemble, WALK_TREES_PER_KERNEL)
    : nestedKernels(ensemble, ensemble.numFeatures, NESTED_NODES_PER_KERNEL);
}

/**
 * Generates the evaluator of a validated ensemble, or returns `undefined` when code cannot or should not be generated
 * (no `new Function`, too many nodes, trees too deep, or `form: 'walk'` on a model it does not fit).
 *
 * @example
 * ```ts
 * const compiled = compileEnsemble(ensemble);
 * const out = new Float64Array(rows * ensemble.numOutputs);
 * if (compiled) compiled.margins(values, ensemble.numFeatures, rows, out);
 * ```
 */
export function compileEnsemble(ensemble: TreeEnsemble, options: CompileOptions = {}): CompiledEnsemble | undefined {
  const requested = options.form ?? 'auto';
  const count = ensemble.nodes.feature.length;
  if (count > (options.maxNodes ?? DEFAULT_MAX_NODES)) return undefined;
  const walk = requested !== 'nested' && walkApplies(ensemble);
  if ((requested === 'walk' || requested === 'wasm') && !walk) return undefined;
  // WebAssembly needs no `new Function` (a CSP may allow `wasm-unsafe-eval` alone), so it is tried first.
  if (walk && ensemble.marginDivisor === 0 && (requested === 'auto' || requested === 'wasm') && wasmAvailable()) {
    const compiled = wasmWalk(ensemble, BLOCK_ROWS);
    if (compiled !== undefined) return wasmEvaluator(ensemble, compiled);
  }
  if (requested === 'wasm' || !codeGenerationAllowed()) return undefined;
  const form: CompiledForm = walk ? 'walk' : 'nested';
  if (form === 'nested' && count > MAX_NESTED_NODES) return undefined;
  let kernels: BlockKernel[];
  try {
    kernels = buildKernels(ensemble, form);
  } catch (error) {
    if (error instanceof RangeError || error instanceof SyntaxError) return undefined; // too deep / too large to parse
    throw error;
  }

  const width = ensemble.numFeatures;
  const outputs = ensemble.numOutputs;
  const averaging = ensemble.marginDivisor > 0;
  const block = form === 'walk' ? new Float32Array(BLOCK_ROWS * 2 * width) : new Float64Array(BLOCK_ROWS * width);
  const acc =
    ensemble.accumulation === 'float32'
      ? new Float32Array(BLOCK_ROWS * outputs)
      : new Float64Array(BLOCK_ROWS * outputs);
  const start = new Float64Array(outputs);
  for (let k = 0; k < outputs; k++) start[k] = averaging ? 0 : ensemble.baseMargin[k]!;

  function margins(values: ArrayLike<InputValue>, columns: number, rows: number, out: Float64Array): void {
    for (let first = 0; first < rows; first += BLOCK_ROWS) {
      const n = Math.min(BLOCK_ROWS, rows - first);
      if (form === 'walk') prepareWalkRows(width, values, first * columns, columns, n, block as Float32Array);
      else prepareRows(ensemble, values, first * columns, columns, n, block as Float64Array);
      for (let i = 0; i < n * outputs; i++) acc[i] = start[i % outputs]!;
      for (const kernel of kernels) kernel(block, n, acc);
      const at = first * outputs;
      if (averaging) {
        for (let i = 0; i < n * outputs; i++) {
          out[at + i] = acc[i]! / ensemble.marginDivisor + ensemble.baseMargin[i % outputs]!;
        }
      } else {
        for (let i = 0; i < n * outputs; i++) out[at + i] = acc[i]!;
      }
    }
  }
  return { form, margins };
}

/** Margins through the WebAssembly walk: one row through `one`, more in blocks padded to whole steps. */
function wasmEvaluator(ensemble: TreeEnsemble, walk: WasmWalk): CompiledEnsemble {
  const width = ensemble.numFeatures;
  const outputs = ensemble.numOutputs;
  const { x, acc, blockRows } = walk;
  const base = ensemble.baseMargin;
  // walkApplies admits XGBoost rules only: no averaging, the sum starts from the base margin.
  function margins(values: ArrayLike<InputValue>, columns: number, rows: number, out: Float64Array): void {
    if (rows === 1) {
      prepareWalkRows(width, values, 0, columns, 1, x);
      for (let k = 0; k < outputs; k++) acc[k] = base[k]!;
      walk.one();
      for (let k = 0; k < outputs; k++) out[k] = acc[k]!;
      return;
    }
    for (let first = 0; first < rows; first += blockRows) {
      const n = Math.min(blockRows, rows - first);
      const padded = Math.ceil(n / walk.rowsPerStep) * walk.rowsPerStep;
      prepareWalkRows(width, values, first * columns, columns, n, x);
      for (let i = 0; i < padded * outputs; i++) acc[i] = base[i % outputs]!;
      walk.block(padded);
      const at = first * outputs;
      for (let i = 0; i < n * outputs; i++) out[at + i] = acc[i]!;
    }
  }
  return { form: 'wasm', margins };
}
