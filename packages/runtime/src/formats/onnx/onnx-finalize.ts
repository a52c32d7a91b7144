/**
 * ONNX Runtime's last steps after the trees (tree_ensemble_aggregator.h and ml_common.h of onnxruntime), in float32
 * like it: the average's division, the base values, the binary classifier's second column and the post transform.
 * Each output transform receives the margins (tree sums, or for AVERAGE the mean in double, which rounds to the
 * float32 quotient ONNX Runtime computes).
 */
import type { OutputTransform } from '../../ensemble.js';
import { modelError } from '../../errors.js';

const f32 = Math.fround;

export type PostTransform = 'NONE' | 'LOGISTIC' | 'SOFTMAX' | 'SOFTMAX_ZERO' | 'PROBIT';

/** ComputeLogistic: 1 / (1 + expf(-|v|)), mirrored for negative v. */
function logistic(v: number): number {
  const w = f32(1 / f32(1 + f32(Math.exp(-Math.abs(v)))));
  return v < 0 ? f32(1 - w) : w;
}

const PI_A = f32(f32(Math.PI) * f32(0.147));
const TWO_OVER_PI_A = f32(2 / PI_A);
const ONE_OVER_A = f32(1 / f32(0.147));
const SQRT2 = f32(1.41421356);

/** ErfInv: the closed-form approximation ONNX Runtime uses, in float32. */
function erfInv(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const y = f32(f32(1 - x) * f32(1 + x));
  const log = f32(Math.log(y));
  const v = f32(TWO_OVER_PI_A + f32(0.5 * log));
  const v2 = f32(ONE_OVER_A * log);
  const v3 = f32(-v + f32(Math.sqrt(f32(f32(v * v) - v2))));
  return f32(sign * f32(Math.sqrt(v3)));
}

function probit(v: number): number {
  return f32(SQRT2 * erfInv(f32(f32(2 * v) - 1)));
}

/** write_scores for two or more scores: the post transform over all of them, in place. */
function transformScores(scores: Float64Array, post: PostTransform, width: number): void {
  if (post === 'PROBIT') for (let k = 0; k < width; k++) scores[k] = probit(scores[k]!);
  else if (post === 'LOGISTIC') for (let k = 0; k < width; k++) scores[k] = logistic(scores[k]!);
  else if (post === 'SOFTMAX' || post === 'SOFTMAX_ZERO') {
    let max = -f32(3.4028234663852886e38);
    for (let k = 0; k < width; k++) if (scores[k]! > max) max = scores[k]!;
    let sum = 0;
    const tiny = f32(0.0000001);
    const expNegMax = f32(Math.exp(-max));
    for (let k = 0; k < width; k++) {
      const v = scores[k]!;
      if (post === 'SOFTMAX' || v > tiny || v < -tiny) {
        scores[k] = f32(Math.exp(f32(v - max)));
        sum = f32(sum + scores[k]!);
      } else scores[k] = f32(v * expNegMax);
    }
    for (let k = 0; k < width; k++) scores[k] = f32(scores[k]! / sum);
  }
}

/**
 * The regressor's `Y`: one target adds `base_values[0]` and applies only PROBIT (ONNX Runtime's one-output path
 * ignores the other transforms); several targets add their base values (when there is one per target) and apply
 * the post transform across targets.
 */
export function finalizeRegressor(targets: number, base: readonly number[], post: PostTransform): OutputTransform {
  if (base.length !== 0 && base.length !== targets) {
    throw modelError('MODEL_TRUNCATED', `ONNX: ${base.length} base_values for ${targets} targets`);
  }
  const b = base.map(f32);
  if (targets === 1) {
    const origin = b[0] ?? 0;
    return (margin, out) => {
      const v = f32(f32(margin[0]!) + origin);
      out[0] = post === 'PROBIT' ? probit(v) : v;
    };
  }
  return (margin, out) => {
    for (let k = 0; k < targets; k++) out[k] = b.length === 0 ? f32(margin[k]!) : f32(f32(margin[k]!) + b[k]!);
    transformScores(out, post, targets);
  };
}

/**
 * The classifier's probabilities. Three or more classes: scores plus base values, then the post transform. Two
 * classes with weights for both: as multiclass, except that with two base values ONNX Runtime scores the pair as
 * (-(b1 + s0), b1 + s0). Two classes with weights for class 0 only (a boosted binary model): one margin s (plus the
 * single base value), written as [1 - s, s] when every weight is non-negative, else [logistic(-s), logistic(s)]
 * under LOGISTIC, [-s, s] under NONE.
 */
export function finalizeClassifier(
  classes: number,
  usedOutputs: ReadonlySet<number>,
  weights: readonly number[],
  base: readonly number[],
  post: PostTransform,
): { numOutputs: number; width: number; transform: OutputTransform } {
  const b = base.map(f32);
  if (classes > 2) {
    if (b.length > classes) throw modelError('MODEL_TRUNCATED', `ONNX: ${b.length} base_values for ${classes} classes`);
    return {
      numOutputs: classes,
      width: classes,
      transform: (margin, out) => {
        for (let k = 0; k < classes; k++) out[k] = k < b.length ? f32(f32(margin[k]!) + b[k]!) : f32(margin[k]!);
        transformScores(out, post, classes);
      },
    };
  }
  if (usedOutputs.has(1)) {
    if (!usedOutputs.has(0)) throw modelError('MODEL_FEATURE_UNSUPPORTED', 'ONNX: binary weights for class 1 only');
    return {
      numOutputs: 2,
      width: 2,
      transform: (margin, out) => {
        if (b.length === 2) {
          out[1] = f32(b[1]! + f32(margin[0]!));
          out[0] = -out[1];
        } else {
          out[0] = b.length === 1 ? f32(f32(margin[0]!) + b[0]!) : f32(margin[0]!);
          out[1] = f32(margin[1]!);
        }
        transformScores(out, post, 2);
      },
    };
  }
  if (post === 'PROBIT' || post === 'SOFTMAX' || post === 'SOFTMAX_ZERO' || b.length === 2) {
    // ONNX Runtime writes one column, or transforms an unscored second class, here: nothing well defined to copy.
    throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX: binary classifier with one scored class and ${post}`);
  }
  const allPositive = weights.every((w) => w >= 0);
  return {
    numOutputs: 1,
    width: 2,
    transform: (margin, out) => {
      const s = b.length === 1 ? f32(f32(margin[0]!) + b[0]!) : f32(margin[0]!);
      if (allPositive) {
        out[0] = f32(1 - s);
        out[1] = s;
      } else if (post === 'LOGISTIC') {
        out[0] = logistic(-s);
        out[1] = logistic(s);
      } else {
        out[0] = -s;
        out[1] = s;
      }
    },
  };
}
