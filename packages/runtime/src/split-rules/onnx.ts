/**
 * ONNX `ai.onnx.ml` tree ensembles, as ONNX Runtime evaluates them: x is a float32 tensor and thresholds are float32;
 * each node compares with its mode, and a NaN takes the true branch only where `nodes_missing_value_tracks_true` says
 * so (every comparison with NaN is false otherwise). The loader folds the six modes into two comparisons, held in the
 * node's `missingType` slot: `ONNX_LEQ` (`x <= threshold` goes left: BRANCH_LEQ; BRANCH_LT with the float32 below
 * the threshold; BRANCH_GT and BRANCH_GTE the same with the children swapped) and `ONNX_EQ` (`x == threshold` goes
 * left: BRANCH_EQ; BRANCH_NEQ swapped; opset 5's BRANCH_MEMBER as a chain of them). NaN follows `defaultLeft`.
 */
import { numberLiteral } from '../evaluators/literal.js';
import type { SplitRule } from './split-rule.js';

export const ONNX_LEQ = 0;
export const ONNX_EQ = 1;

export const onnxRule: SplitRule = {
  preparation: () => 'float32',

  goesLeft(nodes, _categories, node, x) {
    if (x !== x) return nodes.defaultLeft[node] === 1;
    const t = nodes.threshold[node]!;
    return nodes.missingType[node] === ONNX_EQ ? x === t : x <= t;
  },

  leftSource(nodes, _categories, node) {
    const t = numberLiteral(nodes.threshold[node]!);
    const test = nodes.missingType[node] === ONNX_EQ ? `v === ${t}` : `v <= ${t}`;
    return nodes.defaultLeft[node] === 1 ? `(v !== v || ${test})` : test;
  },

  // Scores are summed from zero and the base values added after (see formats/onnx/tree-ensemble.ts): the walk,
  // which starts from the base margin, is not used for these models.
  walkSplit: () => false,
};
