/**
 * The split rule of each library, by the name a `TreeEnsemble` records in `rules` (see split-rule.ts).
 */
import type { SplitRules, TreeEnsemble } from '../ensemble.js';
import { lightgbmRule } from './lightgbm.js';
import { onnxRule } from './onnx.js';
import { sklearnRule } from './sklearn.js';
import type { SplitRule } from './split-rule.js';
import { xgboostRule } from './xgboost.js';

export type { InputPreparation, SplitRule, WalkSplit } from './split-rule.js';
export { K_ZERO_THRESHOLD } from './lightgbm.js';
export { previousFloat32 } from './xgboost.js';

const SPLIT_RULES: Readonly<Record<SplitRules, SplitRule>> = {
  xgboost: xgboostRule,
  lightgbm: lightgbmRule,
  sklearn: sklearnRule,
  onnx: onnxRule,
};

/**
 * The rule an ensemble's splits follow.
 *
 * @example
 * ```ts
 * const rule = splitRule(ensemble);
 * const child = rule.goesLeft(ensemble.nodes, ensemble.categories, node, x) ? left : right;
 * ```
 */
export function splitRule(ensemble: Pick<TreeEnsemble, 'rules'>): SplitRule {
  const rule = SPLIT_RULES[ensemble.rules];
  if (rule === undefined) throw new RangeError(`unknown split rules ${JSON.stringify(ensemble.rules)}`);
  return rule;
}
