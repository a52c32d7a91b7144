/**
 * The one interface every margin evaluator implements. Each takes rows prepared by `prepareRows` (prepare.ts) and
 * writes margins exactly as the training library computes them; the forms differ only in speed and in what the
 * environment must allow (see select.ts, and ARCHITECTURE.md for the order they are tried in).
 */

/**
 * `wasm`: WebAssembly written at load (XGBoost-style numeric models); `nested`: JavaScript `if`/`else` generated at
 * load (any model); `interpreted`: the interpreter (any model, any environment).
 */
export type EvaluatorForm = 'wasm' | 'nested' | 'interpreted';

export interface MarginEvaluator {
  readonly form: EvaluatorForm;
  /**
   * Margins of the first `rows` rows of `prepared` (numFeatures values per row, from `prepareRows`) into `out`,
   * numOutputs per row.
   */
  margins(prepared: Float64Array, rows: number, out: Float64Array): void;
}
