/**
 * LightGBM: doubles. Before any tree, every |x| <= kZeroThreshold becomes +0.0 (input preparation `zero-snapped`).
 * Numeric, per node `missingType`: None: NaN becomes 0.0, then `x <= threshold` goes left; Zero: NaN becomes 0.0, and
 * x = 0 follows `defaultLeft`; NaN: NaN follows `defaultLeft`; otherwise `x <= threshold` goes left.
 * Categorical: NaN goes right; c = trunc(x); c < 0 goes right; c in the node's set goes LEFT; otherwise right.
 */
import { MISSING_NAN, MISSING_NONE, MISSING_ZERO, NOT_CATEGORICAL } from '../ensemble.js';
import { numberLiteral } from '../evaluators/literal.js';
import { inCategorySet, inCategorySetSource } from './category-set.js';
import type { SplitRule } from './split-rule.js';

/** LightGBM's kZeroThreshold: `1e-35f` widened to double. */
export const K_ZERO_THRESHOLD = 1.0000000180025095e-35;

export const lightgbmRule: SplitRule = {
  preparation: () => 'zero-snapped',

  goesLeft(nodes, categories, node, x) {
    const set = nodes.categorySet[node]!;
    if (set !== NOT_CATEGORICAL) return x === x && inCategorySet(categories, set, Math.trunc(x));
    const missing = nodes.missingType[node]!;
    if (x !== x) {
      if (missing === MISSING_NAN) return nodes.defaultLeft[node] === 1;
      x = 0;
    }
    if (missing === MISSING_ZERO && x === 0) return nodes.defaultLeft[node] === 1;
    return x <= nodes.threshold[node]!;
  },

  leftSource(nodes, categories, node) {
    const set = nodes.categorySet[node]!;
    if (set !== NOT_CATEGORICAL) return inCategorySetSource(categories, set); // NaN fails every comparison: right
    const threshold = nodes.threshold[node]!;
    const t = numberLiteral(threshold);
    const defaultLeft = nodes.defaultLeft[node] === 1;
    const missing = nodes.missingType[node]!;
    if (missing === MISSING_NONE) return 0 <= threshold ? `!(v > ${t})` : `v <= ${t}`; // NaN acts as 0
    if (missing === MISSING_ZERO) return defaultLeft ? `(v === 0 || !(v > ${t}))` : `(v <= ${t} && v !== 0)`;
    if (missing === MISSING_NAN) return defaultLeft ? `!(v > ${t})` : `v <= ${t}`;
    throw new RangeError(`node ${node}: unknown missing type ${missing}`);
  },

  // Doubles compared: the float32 walk does not reproduce them.
  walkSplit: () => false,
};
