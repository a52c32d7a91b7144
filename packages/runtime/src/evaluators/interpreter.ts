/**
 * The interpreter: walks the flat node arrays of a `TreeEnsemble`, asking the ensemble's `SplitRule` at every split.
 * It needs neither `new Function` nor WebAssembly, so it runs under any Content-Security-Policy; it is also the
 * reference the generated forms are tested against, and TreeSHAP routes rows with its `nextNode`.
 * Margins are accumulated tree-major over a block of rows: every row still adds its trees in tree order, which is
 * what makes float32 accumulation bit-exact, while the block keeps one tree's nodes hot in cache.
 */
import type { TreeEnsemble } from '../ensemble.js';
import { leafOutput } from '../linear/leaf-output.js';
import { splitRule, type SplitRule } from '../split-rules/index.js';
import type { MarginEvaluator } from './evaluator.js';

/**
 * The child that prepared value `x` takes at split `node` (not a leaf).
 *
 * @example
 * ```ts
 * const child = nextNode(ensemble, splitRule(ensemble), node, preparedRow[ensemble.nodes.feature[node]]);
 * ```
 */
export function nextNode(ensemble: TreeEnsemble, rule: SplitRule, node: number, x: number): number {
  const { nodes } = ensemble;
  return rule.goesLeft(nodes, ensemble.categories, node, x) ? nodes.left[node]! : nodes.right[node]!;
}

/** The leaf that prepared row `x` (starting at `at`) reaches in the tree rooted at `root`. */
function findLeaf(ensemble: TreeEnsemble, rule: SplitRule, root: number, x: Float64Array, at: number): number {
  const { nodes, categories } = ensemble;
  const { feature, left, right } = nodes;
  const goesLeft = rule.goesLeft;
  let node = root;
  for (let f = feature[node]!; f >= 0; f = feature[node]!) {
    node = goesLeft(nodes, categories, node, x[at + f]!) ? left[node]! : right[node]!;
  }
  return node;
}

/**
 * Margins of `rows` prepared rows (`x`, numFeatures per row) into `out` (numOutputs per row): starts from the base
 * margin (or 0 when the model averages), adds every tree's leaf in tree order in the model's accumulation precision,
 * then divides by `marginDivisor` and adds the base margin for averaging models.
 *
 * @example
 * ```ts
 * const margins = new Float64Array(rows * ensemble.numOutputs);
 * computeMargins(ensemble, prepared, rows, margins);
 * ```
 */
export function computeMargins(ensemble: TreeEnsemble, x: Float64Array, rows: number, out: Float64Array): void {
  if (ensemble.aggregation !== undefined) {
    extremeMargins(ensemble, x, rows, out, ensemble.aggregation === 'min');
    return;
  }
  const width = ensemble.numFeatures;
  const outputs = ensemble.numOutputs;
  const { baseMargin, marginDivisor, treeRoot, treeOutput, nodes } = ensemble;
  const rule = splitRule(ensemble);
  const value = nodes.value;
  const averaging = marginDivisor > 0;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < outputs; k++) out[r * outputs + k] = averaging ? 0 : baseMargin[k]!;
  }
  const float32 = ensemble.accumulation === 'float32';
  const models = ensemble.leafModels;
  for (let t = 0; t < treeRoot.length; t++) {
    const root = treeRoot[t]!;
    const k = treeOutput[t]!;
    for (let r = 0; r < rows; r++) {
      const i = r * outputs + k;
      const leaf = findLeaf(ensemble, rule, root, x, r * width);
      const sum = out[i]! + (models === undefined ? value[leaf]! : leafOutput(models, value, leaf, x, r * width));
      out[i] = float32 ? Math.fround(sum) : sum;
    }
  }
  if (averaging) {
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < outputs; k++) {
        const i = r * outputs + k;
        out[i] = out[i]! / marginDivisor + baseMargin[k]!;
      }
    }
  }
}

/**
 * Min / max aggregation (ONNX Runtime's TreeAggregatorMin / Max): the first value reached, then any smaller (larger)
 * one; NaN leaves carry no value; an output no tree gave a value is 0, then the base margin is added.
 */
function extremeMargins(ensemble: TreeEnsemble, x: Float64Array, rows: number, out: Float64Array, min: boolean): void {
  const width = ensemble.numFeatures;
  const outputs = ensemble.numOutputs;
  const { baseMargin, treeRoot, treeOutput, nodes } = ensemble;
  const rule = splitRule(ensemble);
  out.fill(NaN, 0, rows * outputs);
  for (let t = 0; t < treeRoot.length; t++) {
    const root = treeRoot[t]!;
    const k = treeOutput[t]!;
    for (let r = 0; r < rows; r++) {
      const i = r * outputs + k;
      const leaf = findLeaf(ensemble, rule, root, x, r * width);
      const v =
        ensemble.leafModels === undefined
          ? nodes.value[leaf]!
          : leafOutput(ensemble.leafModels, nodes.value, leaf, x, r * width);
      const current = out[i]!;
      if (v === v && (current !== current || (min ? v < current : v > current))) out[i] = v;
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < outputs; k++) {
      const i = r * outputs + k;
      out[i] = (out[i] !== out[i] ? 0 : out[i]!) + baseMargin[k]!;
    }
  }
}

/**
 * The interpreter as a `MarginEvaluator`.
 *
 * @example
 * ```ts
 * interpreter(ensemble).margins(prepared, rows, out);
 * ```
 */
export function interpreter(ensemble: TreeEnsemble): MarginEvaluator {
  return { form: 'interpreted', margins: (x, rows, out) => computeMargins(ensemble, x, rows, out) };
}
