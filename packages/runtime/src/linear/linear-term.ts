/**
 * The linear part of a model (`TreeEnsemble.linear`, XGBoost gblinear), added after the trees by every evaluator and
 * by TreeSHAP. XGBoost sums `bias + base_score`, then `x * weight` over the row's present features in feature order,
 * all in float32; its contributions are `x * weight` per feature and the bias column is `bias + base_score`.
 */
import type { TreeEnsemble } from '../ensemble.js';
import type { MarginEvaluator } from '../evaluators/evaluator.js';

/** Adds the linear term of `ensemble` to the margins of `rows` prepared rows (numOutputs per row in `out`). */
export function addLinearMargins(ensemble: TreeEnsemble, x: Float64Array, rows: number, out: Float64Array): void {
  const linear = ensemble.linear;
  if (linear === undefined) return;
  const { weights } = linear;
  const features = ensemble.numFeatures;
  const outputs = ensemble.numOutputs;
  const float32 = ensemble.accumulation === 'float32';
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < outputs; k++) {
      let sum = out[r * outputs + k]!;
      for (let f = 0; f < features; f++) {
        const v = x[r * features + f]!;
        if (v !== v) continue;
        sum = float32
          ? Math.fround(sum + Math.fround(v * weights[f * outputs + k]!))
          : sum + v * weights[f * outputs + k]!;
      }
      out[r * outputs + k] = sum;
    }
  }
}

/** Adds the linear term's contributions of prepared row `x` (from `at`) to `phi` (laid out as TreeShap.explain). */
export function addLinearContributions(
  ensemble: TreeEnsemble,
  x: Float64Array,
  at: number,
  phi: Float64Array,
  phiOffset: number,
): void {
  const linear = ensemble.linear;
  if (linear === undefined) return;
  const { weights } = linear;
  const features = ensemble.numFeatures;
  const outputs = ensemble.numOutputs;
  const float32 = ensemble.accumulation === 'float32';
  for (let k = 0; k < outputs; k++) {
    for (let f = 0; f < features; f++) {
      const v = x[at + f]!;
      if (v !== v) continue;
      const product = v * weights[f * outputs + k]!;
      phi[phiOffset + k * (features + 1) + f]! += float32 ? Math.fround(product) : product;
    }
  }
}

/** `evaluator` followed by the linear term, when the ensemble has one (same form: the term is plain arithmetic). */
export function withLinearTerm(ensemble: TreeEnsemble, evaluator: MarginEvaluator): MarginEvaluator {
  if (ensemble.linear === undefined) return evaluator;
  return {
    form: evaluator.form,
    margins: (x, rows, out) => {
      evaluator.margins(x, rows, out);
      addLinearMargins(ensemble, x, rows, out);
    },
  };
}
