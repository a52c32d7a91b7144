/**
 * Structural checks of a `TreeEnsemble`, whichever loader built it. A model that passes can be walked without
 * bounds checks: every walk from a root ends at a leaf in at most `nodes` steps, reads only declared features and
 * compares only against meaningful thresholds. Anything else is refused with a `TreeModelError`, never mispredicted.
 */
import { MISSING_NAN, NOT_CATEGORICAL, type TreeEnsemble } from './ensemble.js';
import { modelError } from './errors.js';

/**
 * Throws a `TreeModelError` if the ensemble is malformed: array lengths, child indices in range, every node reachable
 * at most once (no cycle, no shared subtree), feature indices below `numFeatures`, thresholds not NaN (nor infinite
 * under XGBoost rules, whose files never hold one), finite leaf values and covers, category sets in range.
 *
 * @example
 * ```ts
 * validateEnsemble(parseSomething(json)); // throws TreeModelError { code: 'MODEL_CYCLE' } on a looping tree
 * ```
 */
export function validateEnsemble(ensemble: TreeEnsemble): void {
  const { nodes, categories, numFeatures, numOutputs } = ensemble;
  const count = nodes.feature.length;
  for (const [name, array] of Object.entries(nodes)) {
    if ((array as ArrayLike<number>).length !== count) {
      throw modelError(
        'MODEL_TRUNCATED',
        `node array ${name} has ${(array as ArrayLike<number>).length} entries, expected ${count}`,
      );
    }
  }
  if (!Number.isInteger(numFeatures) || numFeatures < 0) {
    throw modelError('MODEL_TRUNCATED', `numFeatures is ${String(numFeatures)}`);
  }
  if (ensemble.featureNames.length !== numFeatures) {
    throw modelError(
      'MODEL_OPTIONS_INVALID',
      `${ensemble.featureNames.length} feature names for ${numFeatures} features`,
    );
  }
  if (!Number.isInteger(numOutputs) || numOutputs < 1 || ensemble.baseMargin.length !== numOutputs) {
    throw modelError('MODEL_TRUNCATED', `${ensemble.baseMargin.length} base margins for ${String(numOutputs)} outputs`);
  }
  for (const margin of ensemble.baseMargin) {
    if (!Number.isFinite(margin)) throw modelError('MODEL_VALUE_NOT_FINITE', `base margin ${margin}`);
  }
  const models = ensemble.leafModels;
  if (models !== undefined) {
    if (models.constant.length !== count || models.start.length !== count + 1) {
      throw modelError('MODEL_TRUNCATED', `leaf models cover ${models.constant.length} of ${count} nodes`);
    }
    for (let n = 0; n < count; n++) {
      const constant = models.constant[n]!;
      if (Number.isNaN(constant)) continue;
      if (!Number.isFinite(constant) || nodes.feature[n] !== -1) {
        throw modelError('MODEL_VALUE_NOT_FINITE', `node ${n}: linear leaf constant ${constant}`);
      }
      for (let i = models.start[n]!; i < models.start[n + 1]!; i++) {
        const f = models.feature[i]!;
        if (!(f >= 0 && f < numFeatures)) {
          throw modelError('MODEL_FEATURE_OUT_OF_RANGE', `leaf ${n}: linear feature ${f} of ${numFeatures}`);
        }
        if (!Number.isFinite(models.coeff[i]!)) {
          throw modelError('MODEL_VALUE_NOT_FINITE', `leaf ${n}: linear coefficient ${models.coeff[i]}`);
        }
      }
    }
  }
  const linear = ensemble.linear?.weights;
  if (linear !== undefined && linear.length !== numFeatures * numOutputs) {
    throw modelError(
      'MODEL_TRUNCATED',
      `${linear.length} linear weights for ${numFeatures} features x ${numOutputs} outputs`,
    );
  }
  for (const weight of linear ?? []) {
    if (!Number.isFinite(weight)) throw modelError('MODEL_VALUE_NOT_FINITE', `linear weight ${weight}`);
  }
  if (ensemble.treeRoot.length !== ensemble.treeOutput.length) {
    throw modelError(
      'MODEL_TRUNCATED',
      `${ensemble.treeRoot.length} roots for ${ensemble.treeOutput.length} tree outputs`,
    );
  }
  const numSets = categories.offset.length - 1;
  for (let s = 0; s < numSets; s++) {
    const from = categories.offset[s]!;
    const to = categories.offset[s + 1]!;
    if (from < 0 || to < from || to > categories.bits.length) {
      throw modelError(
        'MODEL_CATEGORY_INVALID',
        `category set ${s} covers words ${from}..${to} of ${categories.bits.length}`,
      );
    }
  }

  const seen = new Uint8Array(count);
  const stack: number[] = [];
  for (let t = 0; t < ensemble.treeRoot.length; t++) {
    const output = ensemble.treeOutput[t]!;
    if (output < 0 || output >= numOutputs) {
      throw modelError('MODEL_TRUNCATED', `tree ${t} adds to output ${output} of ${numOutputs}`);
    }
    stack.push(ensemble.treeRoot[t]!);
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node < 0 || node >= count) {
        throw modelError('MODEL_CHILD_OUT_OF_RANGE', `tree ${t}: node index ${node} is outside 0..${count - 1}`);
      }
      if (seen[node] === 1) {
        throw modelError('MODEL_CYCLE', `tree ${t}: node ${node} is reachable twice (cycle or shared child)`);
      }
      seen[node] = 1;
      checkNode(ensemble, t, node, numSets);
      if (nodes.feature[node]! >= 0) stack.push(nodes.right[node]!, nodes.left[node]!);
    }
  }
}

function checkNode(ensemble: TreeEnsemble, tree: number, node: number, numSets: number): void {
  const { nodes } = ensemble;
  const feature = nodes.feature[node]!;
  const cover = nodes.cover[node]!;
  if (!Number.isFinite(cover)) throw modelError('MODEL_VALUE_NOT_FINITE', `tree ${tree}, node ${node}: cover ${cover}`);
  if (feature < 0) {
    if (feature !== -1) {
      throw modelError('MODEL_FEATURE_OUT_OF_RANGE', `tree ${tree}, node ${node}: feature index ${feature}`);
    }
    const value = nodes.value[node]!;
    // Under min / max aggregation a NaN leaf stands for "no value for this output" (ensemble.ts).
    if (!Number.isFinite(value) && !(Number.isNaN(value) && ensemble.aggregation !== undefined))
      throw modelError('MODEL_VALUE_NOT_FINITE', `tree ${tree}, leaf ${node}: value ${value}`);
    return;
  }
  if (feature >= ensemble.numFeatures) {
    throw modelError(
      'MODEL_FEATURE_OUT_OF_RANGE',
      `tree ${tree}, node ${node}: feature index ${feature} but the model declares ${ensemble.numFeatures} features`,
    );
  }
  const set = nodes.categorySet[node]!;
  if (set !== NOT_CATEGORICAL) {
    if (set < 0 || set >= numSets) {
      throw modelError('MODEL_CATEGORY_INVALID', `tree ${tree}, node ${node}: category set ${set} of ${numSets}`);
    }
    return;
  }
  const threshold = nodes.threshold[node]!;
  // LightGBM stores +-inf thresholds for "missing vs everything else" splits and scikit-learn's HistGradientBoosting
  // uses +inf for "NaN only" splits; XGBoost never writes one, so there an infinite threshold means a damaged file.
  if (Number.isNaN(threshold) || (ensemble.rules === 'xgboost' && !Number.isFinite(threshold))) {
    throw modelError('MODEL_THRESHOLD_NOT_FINITE', `tree ${tree}, node ${node}: threshold ${threshold}`);
  }
  const missing = nodes.missingType[node]!;
  if (missing > MISSING_NAN) {
    throw modelError('MODEL_TRUNCATED', `tree ${tree}, node ${node}: missing type ${missing}`);
  }
}
