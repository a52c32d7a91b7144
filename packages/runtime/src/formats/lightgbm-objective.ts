import type { OutputTransform } from '../ensemble.js';
import { modelError } from '../errors.js';

/** What a LightGBM objective string (`binary sigmoid:1`, `multiclass num_class:3`) means for prediction. */
export interface LightgbmObjective {
  /** The objective string as the model stores it (`none` when the model was trained with a custom objective). */
  readonly objective: string;
  readonly transform: OutputTransform;
}

const IDENTITY_FAMILY = new Set(['regression', 'regression_l1', 'huber', 'fair', 'quantile', 'mape']);
const EXP_FAMILY = new Set(['poisson', 'gamma', 'tweedie']);
const RANKING = new Set(['lambdarank', 'rank_xendcg']);

/**
 * Builds the output transform of a LightGBM model: `GBDT::Predict` divides by the number of iterations when
 * `average_output` (rf) is set, then applies the objective's `ConvertOutput`. Raw scores are never transformed.
 *
 * @param objective the `objective` string of the model, or undefined when the model has none (custom objective)
 * @param numOutputs trees per iteration (classes for multiclass/multiclassova, else 1)
 * @param averageOver number of iterations to divide by for rf models, 0 otherwise
 * @example
 * ```ts
 * const { transform } = lightgbmObjective('binary sigmoid:1', 1, 0);
 * const out = new Float64Array(1);
 * transform(Float64Array.of(0), out); // out[0] === 0.5
 * ```
 */
export function lightgbmObjective(
  objective: string | undefined,
  numOutputs: number,
  averageOver: number,
): LightgbmObjective {
  const text = objective?.trim() ?? 'none';
  const [name = '', ...params] = text.split(/\s+/);
  const convert = converter(name, params, numOutputs, text);
  if (averageOver <= 0) return { objective: text, transform: convert };
  const transform: OutputTransform = (margin, out) => {
    for (let k = 0; k < numOutputs; k++) out[k] = (margin[k] ?? 0) / averageOver;
    convert(out, out);
  };
  return { objective: text, transform };
}

function converter(name: string, params: readonly string[], numOutputs: number, text: string): OutputTransform {
  if (IDENTITY_FAMILY.has(name)) {
    single(numOutputs, text);
    // RegressionL2loss::ConvertOutput squares back, keeping the sign, when trained with reg_sqrt.
    return params.includes('sqrt') ? signedSquare : identity(1);
  }
  if (EXP_FAMILY.has(name)) {
    single(numOutputs, text);
    return (margin, out) => {
      out[0] = Math.exp(margin[0] ?? 0);
    };
  }
  switch (name) {
    case 'binary': {
      single(numOutputs, text);
      return sigmoid(param(params, 'sigmoid', text), 1);
    }
    case 'cross_entropy':
    case 'xentropy':
      single(numOutputs, text);
      return sigmoid(1, 1);
    case 'cross_entropy_lambda':
    case 'xentlambda':
      single(numOutputs, text);
      return (margin, out) => {
        out[0] = Math.log1p(Math.exp(margin[0] ?? 0));
      };
    case 'multiclass':
      classes(params, numOutputs, text);
      return softmax(numOutputs);
    case 'multiclassova':
      classes(params, numOutputs, text);
      return sigmoid(param(params, 'sigmoid', text), numOutputs);
    case 'none':
    case 'custom':
      return identity(numOutputs);
    default:
      if (RANKING.has(name)) {
        single(numOutputs, text);
        return identity(1);
      }
      throw modelError('MODEL_OBJECTIVE_UNKNOWN', `unknown LightGBM objective "${text}"`);
  }
}

function single(numOutputs: number, text: string): void {
  if (numOutputs !== 1)
    throw modelError(
      'MODEL_OBJECTIVE_UNKNOWN',
      `objective "${text}" has one output, the model has ${numOutputs} per iteration`,
    );
}

function classes(params: readonly string[], numOutputs: number, text: string): void {
  const declared = param(params, 'num_class', text);
  if (declared !== numOutputs) {
    throw modelError(
      'MODEL_OBJECTIVE_UNKNOWN',
      `objective "${text}" declares ${declared} classes, the model has ${numOutputs} trees per iteration`,
    );
  }
}

/** Reads `key:value` from the objective's parameters; every objective that needs one writes it. */
function param(params: readonly string[], key: string, text: string): number {
  for (const p of params) {
    if (p.startsWith(`${key}:`)) {
      const value = Number(p.slice(key.length + 1));
      if (Number.isFinite(value)) return value;
    }
  }
  throw modelError('MODEL_OBJECTIVE_UNKNOWN', `objective "${text}" lacks a valid ${key}`);
}

function identity(width: number): OutputTransform {
  return (margin, out) => {
    for (let k = 0; k < width; k++) out[k] = margin[k] ?? 0;
  };
}

const signedSquare: OutputTransform = (margin, out) => {
  const r = margin[0] ?? 0;
  out[0] = r >= 0 ? r * r : -r * r;
};

function sigmoid(scale: number, width: number): OutputTransform {
  return (margin, out) => {
    for (let k = 0; k < width; k++) out[k] = 1 / (1 + Math.exp(-scale * (margin[k] ?? 0)));
  };
}

/** `Common::Softmax`: subtract the maximum, exponentiate, divide by the sum accumulated in class order. */
function softmax(width: number): OutputTransform {
  return (margin, out) => {
    let max = margin[0] ?? 0;
    for (let k = 1; k < width; k++) max = Math.max(max, margin[k] ?? 0);
    let sum = 0;
    for (let k = 0; k < width; k++) {
      const e = Math.exp((margin[k] ?? 0) - max);
      out[k] = e;
      sum += e;
    }
    for (let k = 0; k < width; k++) out[k] = (out[k] ?? 0) / sum;
  };
}
