/**
 * Code generation, general form: every tree becomes nested `if`/`else` on constant features and thresholds, the split
 * rules of its library (see `SplitRules` in ensemble.ts) written out per node. Works for every rule set, categorical
 * splits and missing-value types included; the XGBoost numeric fast path is in compile-walk.ts.
 */
import type { TreeEnsemble } from './ensemble.js';
import { MISSING_NAN, MISSING_NONE, MISSING_ZERO, NOT_CATEGORICAL } from './ensemble.js';
import { indexLiteral, numberLiteral } from './compile-literal.js';

/** Adds the leaves of a group of trees to `acc` (`numOutputs` per row) for `rows` prepared rows of `x`. */
export type BlockKernel = (x: Float32Array | Float64Array, rows: number, acc: Float32Array | Float64Array) => void;

/** Deeper trees are left to the interpreter: the generated source would nest past what parsers accept. */
export const MAX_GENERATED_DEPTH = 400;

/** Source of the condition "goes left" at split `node`, reading the prepared value held in `v`. */
function leftCondition(ensemble: TreeEnsemble, node: number): string {
  const { nodes, categories } = ensemble;
  const t = numberLiteral(nodes.threshold[node]!);
  const defaultLeft = nodes.defaultLeft[node] === 1;
  const set = nodes.categorySet[node]!;
  if (set !== NOT_CATEGORICAL) {
    const from = categories.offset[set]!;
    const limit = indexLiteral(32 * (categories.offset[set + 1]! - from));
    // Codes truncate toward zero, so anything in (-1, limit) names a word of the set; x >>> 5 and x & 31 truncate.
    const inSet = `(v > -1 && v < ${limit} && ((C[${indexLiteral(from)} + (v >>> 5)] >>> (v & 31)) & 1) === 1)`;
    switch (ensemble.rules) {
      case 'xgboost': // listed codes go right; NaN follows the default child; negatives (-0.5 too) are invalid: left
        return defaultLeft ? `!(v >= 0 && ${inSet})` : `(v === v && !(v >= 0 && ${inSet}))`;
      case 'lightgbm': // listed codes go left; NaN goes right
        return inSet;
      case 'sklearn': // listed codes go left; NaN follows the default child
        return defaultLeft ? `(v !== v || ${inSet})` : inSet;
    }
  }
  switch (ensemble.rules) {
    case 'xgboost':
      return defaultLeft ? `!(v >= ${t})` : `v < ${t}`;
    case 'sklearn':
      return defaultLeft ? `!(v > ${t})` : `v <= ${t}`;
    case 'lightgbm': {
      const missing = nodes.missingType[node]!;
      if (missing === MISSING_NONE) return 0 <= nodes.threshold[node]! ? `!(v > ${t})` : `v <= ${t}`; // NaN acts as 0
      if (missing === MISSING_ZERO) return defaultLeft ? `(v === 0 || !(v > ${t}))` : `(v <= ${t} && v !== 0)`;
      if (missing === MISSING_NAN) return defaultLeft ? `!(v > ${t})` : `v <= ${t}`;
      throw new RangeError(`node ${node}: unknown missing type ${missing}`);
    }
  }
}

interface TreeText {
  nodes: number;
}

function treeSource(
  ensemble: TreeEnsemble,
  node: number,
  stride: number,
  add: (leaf: number) => string,
  depth: number,
  size: TreeText,
): string {
  const { feature, left, right, value } = ensemble.nodes;
  if (depth > MAX_GENERATED_DEPTH) throw new RangeError(`tree deeper than ${MAX_GENERATED_DEPTH}`);
  size.nodes++;
  const f = feature[node]!;
  if (f < 0) return add(value[node]!);
  if (f >= stride) throw new RangeError(`node ${node} reads feature ${f} of ${stride}`);
  const l = treeSource(ensemble, left[node]!, stride, add, depth + 1, size);
  const r = treeSource(ensemble, right[node]!, stride, add, depth + 1, size);
  return `v = x[b + ${indexLiteral(f)}];\nif (${leftCondition(ensemble, node)}) {\n${l}} else {\n${r}}\n`;
}

/**
 * One kernel per group of consecutive trees (about `groupNodes` nodes each, so that every function stays small
 * enough for the optimizing compiler). Inputs must be prepared as in evaluate.ts `prepareRows`, `stride` per row.
 *
 * @example
 * ```ts
 * const kernels = nestedKernels(ensemble, ensemble.numFeatures, 2000);
 * for (const kernel of kernels) kernel(prepared, rows, acc);
 * ```
 */
export function nestedKernels(ensemble: TreeEnsemble, stride: number, groupNodes: number): BlockKernel[] {
  const { treeRoot, treeOutput } = ensemble;
  const outputs = ensemble.numOutputs;
  const float32 = ensemble.accumulation === 'float32';
  const kernels: BlockKernel[] = [];
  let t = 0;
  while (t < treeRoot.length) {
    let body = '';
    let nodes = 0;
    const first = t;
    while (t < treeRoot.length && (t === first || nodes < groupNodes)) {
      const k = treeOutput[t]!;
      // A typed-array store rounds to the accumulator's precision: float32 adds stay exact in a Float32Array.
      const add = (leaf: number): string =>
        outputs === 1
          ? float32
            ? `s = fr(s + ${numberLiteral(leaf)});\n`
            : `s += ${numberLiteral(leaf)};\n`
          : `acc[o + ${indexLiteral(k)}] += ${numberLiteral(leaf)};\n`;
      const size: TreeText = { nodes: 0 };
      body += treeSource(ensemble, treeRoot[t]!, stride, add, 0, size);
      nodes += size.nodes;
      t++;
    }
    const loop =
      outputs === 1
        ? `for (let r = 0; r < rows; r++) { const b = r * ${indexLiteral(stride)}; let s = acc[r]; let v = 0;\n${body}acc[r] = s; }`
        : `for (let r = 0; r < rows; r++) { const b = r * ${indexLiteral(stride)}; const o = r * ${indexLiteral(outputs)}; let v = 0;\n${body}}`;
    const factory = new Function('fr', 'C', `'use strict'; return function nestedKernel(x, rows, acc) {\n${loop}\n};`);
    kernels.push(factory(Math.fround, ensemble.categories.bits) as BlockKernel);
  }
  return kernels;
}
