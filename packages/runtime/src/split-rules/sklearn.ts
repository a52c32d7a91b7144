/**
 * scikit-learn: x cast as `inputPrecision` says (float32 for the tree estimators, float64 for HistGradientBoosting);
 * `x <= threshold` (double) goes left; NaN follows `defaultLeft`; categorical (HistGradientBoosting bitsets): the code
 * trunc(x) in the set goes LEFT, NaN follows `defaultLeft`. ml-random-forest models are stored under these rules too.
 */
import { NOT_CATEGORICAL } from '../ensemble.js';
import { numberLiteral } from '../evaluators/literal.js';
import { inCategorySet, inCategorySetSource } from './category-set.js';
import type { SplitRule } from './split-rule.js';

export const sklearnRule: SplitRule = {
  preparation: (ensemble) => ensemble.inputPrecision,

  goesLeft(nodes, categories, node, x) {
    if (x !== x) return nodes.defaultLeft[node] === 1;
    const set = nodes.categorySet[node]!;
    if (set === NOT_CATEGORICAL) return x <= nodes.threshold[node]!;
    return inCategorySet(categories, set, Math.trunc(x));
  },

  leftSource(nodes, categories, node) {
    const defaultLeft = nodes.defaultLeft[node] === 1;
    const set = nodes.categorySet[node]!;
    if (set !== NOT_CATEGORICAL) {
      const listed = inCategorySetSource(categories, set);
      return defaultLeft ? `(v !== v || ${listed})` : listed;
    }
    const t = numberLiteral(nodes.threshold[node]!);
    return defaultLeft ? `!(v > ${t})` : `v <= ${t}`;
  },

  // Thresholds are doubles and sums float64: the walk (float32 thresholds and sums) is not used for these models.
  walkSplit: () => false,
};
