/**
 * The one input contract of every evaluator: rows are prepared once, here, into a Float64Array of `numFeatures`
 * values per row, exactly as the training library sees them (the rule's `InputPreparation`). Evaluators, TreeSHAP and
 * the code they generate only read prepared rows; none of them casts, snaps or maps missing values again.
 */
import type { TreeEnsemble } from '../ensemble.js';
import { K_ZERO_THRESHOLD, splitRule } from '../split-rules/index.js';

/** A value as it arrives from a caller: plain arrays may hold null/undefined for missing. */
export type InputValue = number | null | undefined;

/**
 * Copies `rows` rows of `columns` values from `source` (row-major, starting at `sourceOffset`) into `target`
 * (row-major, `numFeatures` per row, from `targetOffset`) as the library sees them: missing becomes NaN, float32
 * inputs are rounded (so values beyond float32 range become +-Infinity, as in XGBoost's inplace_predict), LightGBM
 * inputs with |x| <= kZeroThreshold become +0. Columns beyond `columns` are missing. `source` may be `target`.
 *
 * @example
 * ```ts
 * const x = new Float64Array(ensemble.numFeatures);
 * prepareRows(ensemble, [0.1, null, 3], 0, 3, 1, x);
 * ```
 */
export function prepareRows(
  ensemble: TreeEnsemble,
  source: ArrayLike<InputValue>,
  sourceOffset: number,
  columns: number,
  rows: number,
  target: Float64Array,
  targetOffset = 0,
): void {
  const width = ensemble.numFeatures;
  const used = Math.min(columns, width);
  const preparation = splitRule(ensemble).preparation(ensemble);
  const float32 = preparation === 'float32';
  const snap = preparation === 'zero-snapped';
  const refuseMissing = ensemble.missingValues === 'refuse';
  if (refuseMissing && rows > 0 && used < width) throw missingRefused(width - 1);
  for (let r = 0; r < rows; r++) {
    const from = sourceOffset + r * columns;
    const to = targetOffset + r * width;
    for (let j = 0; j < used; j++) {
      const raw = source[from + j];
      let v = raw === null || raw === undefined ? NaN : +raw;
      if (refuseMissing && v !== v) throw missingRefused(j);
      if (float32) v = Math.fround(v);
      else if (snap && v <= K_ZERO_THRESHOLD && v >= -K_ZERO_THRESHOLD) v = 0;
      target[to + j] = v;
    }
    for (let j = used; j < width; j++) target[to + j] = NaN;
  }
}

function missingRefused(feature: number): RangeError {
  return new RangeError(
    `feature ${feature} is missing, and this model's library refuses missing values (scikit-learn < 1.3 trees learned no direction for them)`,
  );
}
