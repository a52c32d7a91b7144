/**
 * XGBoost's `gblinear` booster in `save_model` JSON (and UBJSON, decoded first): no tree, a weight per feature and
 * output plus a bias per output, `weights` laid out feature-major with the biases last. XGBoost predicts
 * `bias + base_score` then adds `x * weight` for every present feature, in float32 (gblinear.cc `Pred`).
 */
import { EnsembleBuilder } from '../ensemble-builder.js';
import type { TreeEnsemble } from '../ensemble.js';
import type { EnsembleMetadata } from '../ensemble-builder.js';
import { modelError } from '../errors.js';
import { refuseUnknownFields } from './json-fields.js';

type Json = Record<string, unknown>;

// `boosted_rounds` (2.x, 3.x) only counts rounds; anything else may change a prediction, so it is refused.
const GBLINEAR_FIELDS: ReadonlySet<string> = new Set(['boosted_rounds', 'weights']);

/** The ensemble of a gblinear booster (`gradient_booster.model`), given the learner's metadata. */
export function parseXgboostGblinear(model: Json, metadata: EnsembleMetadata): TreeEnsemble {
  refuseUnknownFields(model, GBLINEAR_FIELDS, 'XGBoost gblinear model');
  const { numFeatures, numOutputs } = metadata;
  const raw = model['weights'];
  const expected = (numFeatures + 1) * numOutputs;
  if (!Array.isArray(raw) || raw.length !== expected) {
    throw modelError(
      'MODEL_TRUNCATED',
      `gblinear weights hold ${Array.isArray(raw) ? raw.length : 'no'} values, expected ${expected} ((num_feature + 1) x outputs)`,
    );
  }
  const values = raw.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw modelError('MODEL_VALUE_NOT_FINITE', `gblinear weight ${i} is ${JSON.stringify(v)}`);
    }
    return Math.fround(v);
  });
  const bias = values.slice(numFeatures * numOutputs);
  const baseMargin = metadata.baseMargin.map((base, k) => Math.fround(bias[k]! + base));
  return new EnsembleBuilder().build({
    ...metadata,
    baseMargin,
    linear: { weights: Float64Array.from(values.slice(0, numFeatures * numOutputs)) },
  });
}
