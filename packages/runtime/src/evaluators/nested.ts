/**
 * Generated JavaScript, the general form: every tree becomes nested `if`/`else` on constant features and thresholds,
 * each split's test written by the ensemble's `SplitRule` (`leftSource`). Works for every rule set, categorical splits
 * and missing-value types included. Needs `new Function` (a Content-Security-Policy with `unsafe-eval`).
 */
import type { TreeEnsemble } from '../ensemble.js';
import { splitRule, type SplitRule } from '../split-rules/index.js';
import type { MarginEvaluator } from './evaluator.js';
import { indexLiteral, numberLiteral } from './literal.js';

/** Adds the leaves of a group of trees to `acc` (numOutputs per row) for `rows` prepared rows of `x` from `at`. */
type BlockKernel = (x: Float64Array, at: number, rows: number, acc: Float32Array | Float64Array) => void;

/** Deeper trees are left to the interpreter: the generated source would nest past what parsers accept. */
const MAX_GENERATED_DEPTH = 400;
/** Nodes per generated function: small enough for the optimizing compiler. */
const NODES_PER_KERNEL = 1500;
/** Rows per block: small enough that a block's inputs and sums stay in L1 while every tree runs over it. */
const BLOCK_ROWS = 64;

function treeSource(
  ensemble: TreeEnsemble,
  rule: SplitRule,
  node: number,
  add: (leaf: number) => string,
  depth: number,
  size: { nodes: number },
): string {
  const { nodes, categories, numFeatures } = ensemble;
  if (depth > MAX_GENERATED_DEPTH) throw new RangeError(`tree deeper than ${MAX_GENERATED_DEPTH}`);
  size.nodes++;
  const f = nodes.feature[node]!;
  if (f < 0) return add(nodes.value[node]!);
  if (f >= numFeatures) throw new RangeError(`node ${node} reads feature ${f} of ${numFeatures}`);
  const l = treeSource(ensemble, rule, nodes.left[node]!, add, depth + 1, size);
  const r = treeSource(ensemble, rule, nodes.right[node]!, add, depth + 1, size);
  return `v = x[b + ${indexLiteral(f)}];\nif (${rule.leftSource(nodes, categories, node)}) {\n${l}} else {\n${r}}\n`;
}

/** One kernel per group of consecutive trees (about NODES_PER_KERNEL nodes each). */
function nestedKernels(ensemble: TreeEnsemble): BlockKernel[] {
  const { treeRoot, treeOutput } = ensemble;
  const rule = splitRule(ensemble);
  const outputs = ensemble.numOutputs;
  const stride = indexLiteral(ensemble.numFeatures);
  const float32 = ensemble.accumulation === 'float32';
  const kernels: BlockKernel[] = [];
  let t = 0;
  while (t < treeRoot.length) {
    let body = '';
    let nodes = 0;
    const first = t;
    while (t < treeRoot.length && (t === first || nodes < NODES_PER_KERNEL)) {
      const k = treeOutput[t]!;
      // A typed-array store rounds to the accumulator's precision: float32 adds stay exact in a Float32Array.
      const add = (leaf: number): string =>
        outputs === 1
          ? float32
            ? `s = fr(s + ${numberLiteral(leaf)});\n`
            : `s += ${numberLiteral(leaf)};\n`
          : `acc[o + ${indexLiteral(k)}] += ${numberLiteral(leaf)};\n`;
      const size = { nodes: 0 };
      body += treeSource(ensemble, rule, treeRoot[t]!, add, 0, size);
      nodes += size.nodes;
      t++;
    }
    const loop =
      outputs === 1
        ? `for (let r = 0; r < rows; r++) { const b = at + r * ${stride}; let s = acc[r]; let v = 0;\n${body}acc[r] = s; }`
        : `for (let r = 0; r < rows; r++) { const b = at + r * ${stride}; const o = r * ${indexLiteral(outputs)}; let v = 0;\n${body}}`;
    // Code generation is this module's purpose; only validated numbers reach the source (literal.ts).
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function(
      'fr',
      'C',
      `'use strict'; return function nestedKernel(x, at, rows, acc) {\n${loop}\n};`,
    ) as (fround: (x: number) => number, bits: Uint32Array) => BlockKernel;
    kernels.push(factory(Math.fround, ensemble.categories.bits));
  }
  return kernels;
}

/**
 * The nested form of a validated ensemble, or `undefined` when its trees are too deep or its source too large for
 * the parser. Throws what `new Function` throws where code generation is forbidden (select.ts checks first).
 *
 * @example
 * ```ts
 * const evaluator = nestedEvaluator(ensemble) ?? interpreter(ensemble);
 * ```
 */
export function nestedEvaluator(ensemble: TreeEnsemble): MarginEvaluator | undefined {
  let kernels: BlockKernel[];
  try {
    kernels = nestedKernels(ensemble);
  } catch (error) {
    if (error instanceof RangeError || error instanceof SyntaxError) return undefined; // too deep / too large to parse
    throw error;
  }
  const outputs = ensemble.numOutputs;
  const width = ensemble.numFeatures;
  const { baseMargin, marginDivisor } = ensemble;
  const averaging = marginDivisor > 0;
  const acc =
    ensemble.accumulation === 'float32'
      ? new Float32Array(BLOCK_ROWS * outputs)
      : new Float64Array(BLOCK_ROWS * outputs);
  const start = new Float64Array(outputs);
  for (let k = 0; k < outputs; k++) start[k] = averaging ? 0 : baseMargin[k]!;

  function margins(x: Float64Array, rows: number, out: Float64Array): void {
    for (let first = 0; first < rows; first += BLOCK_ROWS) {
      const n = Math.min(BLOCK_ROWS, rows - first);
      for (let i = 0; i < n * outputs; i++) acc[i] = start[i % outputs]!;
      for (const kernel of kernels) kernel(x, first * width, n, acc);
      const at = first * outputs;
      if (averaging) {
        for (let i = 0; i < n * outputs; i++) out[at + i] = acc[i]! / marginDivisor + baseMargin[i % outputs]!;
      } else {
        for (let i = 0; i < n * outputs; i++) out[at + i] = acc[i]!;
      }
    }
  }
  return { form: 'nested', margins };
}
