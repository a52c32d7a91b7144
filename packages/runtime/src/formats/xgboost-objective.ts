/**
 * XGBoost objectives: how `base_score` becomes the base margin, and the output transform of `predict`. Both are
 * computed in float32 like XGBoost does (`ProbToMargin` with logf, `PredTransform` with expf), so base margins match
 * bit for bit and transformed outputs within 1 float32 ulp (V8's Math.exp rounded to float32 may differ from expf by
 * one ulp).
 */
import type { EnsembleMetadata } from '../ensemble-builder.js';
import type { OutputTransform } from '../ensemble.js';
import { modelError } from '../errors.js';

const f32 = Math.fround;

type Link = 'identity' | 'logit' | 'log';
type Transform = 'identity' | 'sigmoid' | 'exp' | 'softprob' | 'softmax' | 'hinge';

const OBJECTIVES: Readonly<Record<string, { link: Link; transform: Transform }>> = {
  'reg:squarederror': { link: 'identity', transform: 'identity' },
  'reg:linear': { link: 'identity', transform: 'identity' },
  'reg:squaredlogerror': { link: 'identity', transform: 'identity' },
  'reg:absoluteerror': { link: 'identity', transform: 'identity' },
  'reg:pseudohubererror': { link: 'identity', transform: 'identity' },
  'reg:quantileerror': { link: 'identity', transform: 'identity' },
  'reg:expectileerror': { link: 'identity', transform: 'identity' },
  'reg:logistic': { link: 'logit', transform: 'sigmoid' },
  'binary:logistic': { link: 'logit', transform: 'sigmoid' },
  'binary:logitraw': { link: 'identity', transform: 'identity' },
  'binary:hinge': { link: 'identity', transform: 'hinge' },
  'count:poisson': { link: 'log', transform: 'exp' },
  'reg:gamma': { link: 'log', transform: 'exp' },
  'reg:tweedie': { link: 'log', transform: 'exp' },
  // Cox and AFT predict a hazard ratio / survival time: exp of the margin, base_score read through log.
  'survival:cox': { link: 'log', transform: 'exp' },
  'survival:aft': { link: 'log', transform: 'exp' },
  'rank:pairwise': { link: 'identity', transform: 'identity' },
  'rank:ndcg': { link: 'identity', transform: 'identity' },
  'rank:map': { link: 'identity', transform: 'identity' },
  'multi:softprob': { link: 'identity', transform: 'softprob' },
  'multi:softmax': { link: 'identity', transform: 'softmax' },
};

/** The objectives the XGBoost loaders accept. */
export const XGBOOST_OBJECTIVES: readonly string[] = Object.keys(OBJECTIVES);

/** What an objective contributes to a `TreeEnsemble`. */
export interface XgboostObjective {
  readonly baseMargin: Float64Array;
  readonly predictionWidth: number;
  readonly transform: OutputTransform;
}

/**
 * Resolves an objective for `numOutputs` margins; `baseScores` are the base_score values in output space (one, or one
 * per output).
 *
 * @example
 * ```ts
 * xgboostObjective('binary:logistic', 1, [0.3]).baseMargin[0]; // -0.84729784 (float32 logit of 0.3)
 * ```
 */
export function xgboostObjective(
  name: string,
  numOutputs: number,
  baseScores: readonly number[],
  version?: readonly number[],
): XgboostObjective {
  const objective = OBJECTIVES[name];
  if (objective === undefined) {
    throw modelError(
      'MODEL_OBJECTIVE_UNKNOWN',
      `XGBoost objective ${JSON.stringify(name)} is not supported (known: ${XGBOOST_OBJECTIVES.join(', ')})`,
    );
  }
  if (baseScores.length !== 1 && baseScores.length !== numOutputs) {
    throw modelError('MODEL_TRUNCATED', `${baseScores.length} base_score values for ${numOutputs} outputs`);
  }
  const baseMargin = new Float64Array(numOutputs);
  for (let k = 0; k < numOutputs; k++) {
    const b = f32(baseScores.length === 1 ? baseScores[0]! : baseScores[k]!);
    const margin =
      objective.link === 'logit'
        ? f32(-Math.log(f32(f32(1 / b) - 1)))
        : objective.link === 'log'
          ? f32(Math.log(b))
          : b;
    if (!Number.isFinite(margin)) {
      throw modelError('MODEL_VALUE_NOT_FINITE', `base_score ${b} gives margin ${margin} under ${name}`);
    }
    baseMargin[k] = margin;
  }
  const softmax = objective.transform === 'softmax';
  const transform =
    name === 'reg:quantileerror' && numOutputs > 1 && sortsQuantiles(version)
      ? sortedQuantiles
      : TRANSFORMS[objective.transform];
  return { baseMargin, predictionWidth: softmax ? 1 : numOutputs, transform };
}

/**
 * XGBoost 3.4.0 and later sort each row's quantile predictions (alphas ascending) so that they never cross;
 * earlier versions return them as the trees give them. The model file's `version` says which applies.
 */
function sortsQuantiles(version: readonly number[] | undefined): boolean {
  if (version === undefined) return false;
  const [major = 0, minor = 0] = version;
  return major > 3 || (major === 3 && minor >= 4);
}

/** XGBoost's QuantileRegression::PredTransform (3.4+): an insertion sort of the row, moving while `prev > value`. */
const sortedQuantiles: OutputTransform = (margin, out) => {
  for (let k = 0; k < margin.length; k++) out[k] = margin[k]!;
  for (let i = 1; i < out.length; i++) {
    const value = out[i]!;
    let pos = i;
    while (pos > 0 && out[pos - 1]! > value) {
      out[pos] = out[pos - 1]!;
      pos--;
    }
    out[pos] = value;
  }
};

const TRANSFORMS: Readonly<Record<Transform, OutputTransform>> = {
  identity: (margin, out) => {
    for (let k = 0; k < margin.length; k++) out[k] = margin[k]!;
  },
  sigmoid: (margin, out) => {
    for (let k = 0; k < margin.length; k++) out[k] = f32(1 / f32(1 + f32(Math.exp(-margin[k]!))));
  },
  exp: (margin, out) => {
    for (let k = 0; k < margin.length; k++) out[k] = f32(Math.exp(margin[k]!));
  },
  hinge: (margin, out) => {
    for (let k = 0; k < margin.length; k++) out[k] = margin[k]! > 0 ? 1 : 0;
  },
  // common::Softmax: float max, expf of the float difference, double sum, division by the sum cast to float.
  softprob: (margin, out) => {
    let max = margin[0]!;
    for (let k = 1; k < margin.length; k++) if (margin[k]! > max) max = margin[k]!;
    let sum = 0;
    for (let k = 0; k < margin.length; k++) {
      const e = f32(Math.exp(f32(margin[k]! - max)));
      out[k] = e;
      sum += e;
    }
    const total = f32(sum);
    for (let k = 0; k < margin.length; k++) out[k] = f32(out[k]! / total);
  },
  // The first class with the largest margin, as a float.
  softmax: (margin, out) => {
    let best = 0;
    for (let k = 1; k < margin.length; k++) if (margin[k]! > margin[best]!) best = k;
    out[0] = best;
  },
};

/**
 * The metadata every XGBoost form shares: XGBoost's split rules, float32 inputs and sums, and the objective's base
 * margin and transform; the loader gives what its file says.
 */
export function xgboostMetadata(
  objectiveName: string,
  objective: XgboostObjective,
  model: Pick<EnsembleMetadata, 'format' | 'numFeatures' | 'featureNames' | 'numOutputs' | 'treesPerIteration'>,
): EnsembleMetadata {
  return {
    ...model,
    rules: 'xgboost',
    inputPrecision: 'float32',
    accumulation: 'float32',
    predictionWidth: objective.predictionWidth,
    objective: objectiveName,
    baseMargin: objective.baseMargin,
    marginDivisor: 0,
    transform: objective.transform,
  };
}
