import type { TreeModel } from '@seattle-energy/runtime';
import type { Building } from '../building-type.js';
import type { Warning } from '../validate-building.js';
import { matchCategory, resolveBySize, type CategoryField } from '../vocabulary.js';
import { foldContributions, type Contribution } from './contributions.js';
import { compileEncoder } from './encoder.js';
import { predictionInterval, type PredictionInterval } from './interval.js';
import type { ModelBundle } from './manifest.js';

/** What a bundle predicts for one building. `value` is in the target's unit (`manifest.target.unit`). */
export interface Prediction {
  /** exp(margin): the model predicts ln(target). */
  value: number;
  /** The margin, ln(value). */
  logValue: number;
  interval: PredictionInterval;
  /** Model-specific caveats: inputs outside the training range, rare categories. */
  warnings: Warning[];
  /** With `explain`: the margin of the average training building (TreeSHAP bias). */
  baseValue?: number;
  /** With `explain`: per public input field, in log space; baseValue + sum = logValue. Sorted by |value|. */
  contributions?: Contribution[];
}

/** A prediction from an already encoded vector: no building, so no interval, warnings or folded explanation. */
export interface EncodedPrediction {
  value: number;
  logValue: number;
  /**
   * With `explain`: TreeSHAP per encoded feature in log space, then the bias (numFeatures + 1 values, bias last);
   * the same values `predict(building, { explain: true })` folds onto the building's fields.
   */
  contributions?: number[];
}

/** A verified bundle, ready to predict. */
export interface LoadedBundle {
  readonly manifest: ModelBundle;
  readonly model: TreeModel;
  /** The directory the bundle was loaded from. */
  readonly directory: string;
  encode(building: Readonly<Building>): Float64Array;
  predict(building: Readonly<Building>, options?: { explain?: boolean }): Prediction;
  predictEncoded(
    vector: Float32Array | Float64Array | readonly number[],
    options?: { explain?: boolean },
  ): EncodedPrediction;
}

/** Below this many training buildings, a category earns a RARE_CATEGORY warning. */
export const rareCategoryRows = 10;

const categoryFamilies: Readonly<Record<string, CategoryField>> = {
  primaryPropertyType: 'primaryPropertyType',
  neighborhood: 'neighborhood',
  buildingType: 'buildingType',
  largestPropertyUseType: 'useType',
  secondLargestPropertyUseType: 'useType',
  thirdLargestPropertyUseType: 'useType',
};

// A building that skipped validateBuilding could carry 'DOWNTOWN' where the model knows 'Downtown'; one-hot features
// would then silently read 0. Resolving names here makes that impossible.
function withCanonicalNames(building: Readonly<Building>): Readonly<Record<string, unknown>> {
  let copy: Record<string, unknown> | undefined;
  for (const [field, family] of Object.entries(categoryFamilies)) {
    const value = (building as Record<string, unknown>)[field];
    if (typeof value !== 'string') continue;
    const match = matchCategory(family, value);
    const total = (building as Record<string, unknown>)['propertyGfaTotal'];
    const name =
      match.kind === 'match' || match.kind === 'nearest'
        ? match.name
        : match.kind === 'by-size' && typeof total === 'number'
          ? resolveBySize(match.rule, total)
          : value;
    if (name !== value) {
      copy ??= { ...building };
      copy[field] = name;
    }
  }
  return copy ?? building;
}

function rangeWarnings(manifest: ModelBundle, b: Readonly<Record<string, unknown>>): Warning[] {
  const warnings: Warning[] = [];
  const range = manifest.trainingRange;
  for (const [field, { min, max }] of Object.entries(range?.numeric ?? {})) {
    const value = b[field];
    if (typeof value === 'number' && (value < min || value > max)) {
      warnings.push({
        field,
        code: 'OUTSIDE_TRAINING_RANGE',
        message: `${field} ${value} is outside what ${manifest.name} was trained on (${min} to ${max}): the prediction is an extrapolation`,
      });
    }
  }
  for (const [field, counts] of Object.entries(range?.categories ?? {})) {
    const value = b[field];
    if (typeof value !== 'string') continue;
    const seen = counts[value] ?? 0;
    if (seen < rareCategoryRows) {
      const how = seen === 0 ? 'never saw' : `saw only ${seen} training building${seen === 1 ? '' : 's'} with`;
      warnings.push({
        field,
        code: 'RARE_CATEGORY',
        message: `${manifest.name} ${how} ${field} "${value}": the prediction leans on other inputs`,
      });
    }
  }
  return warnings;
}

/**
 * Wraps a verified manifest and its runtime model into a `LoadedBundle` (the encoder is compiled here, once).
 * `loadBundle` is the usual way in; this is the part that needs no file system.
 *
 * @example
 * const bundle = createLoadedBundle(manifest, loadModel(text), 'models/site-energy/1.0.0');
 * bundle.predict(building, { explain: true }).contributions;
 */
export function createLoadedBundle(manifest: ModelBundle, model: TreeModel, directory: string): LoadedBundle {
  const encoder = compileEncoder(manifest.features);
  const width = manifest.features.length;
  const margin = (vector: ArrayLike<number>): number => model.predict(vector, 'margin') as number;
  return {
    manifest,
    model,
    directory,
    encode: (building) => encoder(withCanonicalNames(building)),
    predict(building, options = {}) {
      const canonical = withCanonicalNames(building);
      const vector = encoder(canonical);
      const logValue = margin(vector);
      const prediction: Prediction = {
        value: Math.exp(logValue),
        logValue,
        interval: predictionInterval(manifest.interval, canonical, logValue),
        warnings: rangeWarnings(manifest, canonical),
      };
      if (options.explain === true) {
        const phi = model.predict(vector, 'contrib') as number[];
        prediction.baseValue = phi[width] ?? 0;
        prediction.contributions = foldContributions(manifest.features, manifest.inputs, canonical, phi);
      }
      return prediction;
    },
    predictEncoded(vector, options = {}) {
      if (vector.length !== width) {
        throw new RangeError(`${manifest.name} takes ${width} encoded features, got ${vector.length}`);
      }
      const logValue = margin(vector);
      const prediction: EncodedPrediction = { value: Math.exp(logValue), logValue };
      if (options.explain === true) prediction.contributions = model.predict(vector, 'contrib') as number[];
      return prediction;
    },
  };
}
