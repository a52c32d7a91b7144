import type { BundleManifest, BundlePrediction, LoadedBundleView, PredictionWarning } from './contract.js';

/** The body of a successful `POST /v1/predict`. */
export interface PredictionResponse {
  model: { name: string; version: string };
  target: string;
  unit: string;
  value: number;
  interval: { low: number; high: number; level: number };
  warnings: PredictionWarning[];
  baseValue?: number;
  contributions?: { feature: string; value: number }[];
}

/** One row of a batch answer: the prediction without the model header, or the row's error. */
export type BatchRow =
  | ({ index: number } & Omit<PredictionResponse, 'model' | 'target' | 'unit'>)
  | { index: number; error: { status: 422; title: string; errors: readonly { path: string; message: string }[] } };

/**
 * Merges the validator's and the bundle's warnings, keeping the first of any duplicate (same code and field),
 * since both may flag the same input outside the training range.
 *
 * @example
 * mergeWarnings([{ code: 'a', message: 'x' }], [{ code: 'a', message: 'x' }]).length // 1
 */
export function mergeWarnings(
  first: readonly PredictionWarning[],
  second: readonly PredictionWarning[],
): PredictionWarning[] {
  if (second.length === 0) return first.slice();
  if (first.length === 0) return second.slice();
  const seen = new Set<string>();
  const merged: PredictionWarning[] = [];
  for (const warning of [...first, ...second]) {
    const key = `${warning.code}\u0000${warning.field ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(warning);
  }
  return merged;
}

/** The prediction's own fields of an answer (without the model header). */
export type PredictionFields = Omit<PredictionResponse, 'model' | 'target' | 'unit'>;

/**
 * Adds the prediction's public fields to `head`, after its own, in the documented order: value and interval in the
 * target's unit, warnings, and with `explain` the log-space base value and per-input contributions (their sum with
 * `baseValue` is `ln(value)`). Filling `head` makes one object per answer, where spreading a header and the fields
 * would copy both.
 *
 * @example
 * predictionFields(bundle.predict(building), [], false, { index: 0 }) // { index: 0, value, interval, warnings }
 */
export function predictionFields<Head extends object>(
  prediction: BundlePrediction,
  validationWarnings: readonly PredictionWarning[],
  explain: boolean,
  head: Head,
): Head & PredictionFields {
  const fields = head as Head & PredictionFields;
  fields.value = prediction.value;
  fields.interval = { low: prediction.interval.low, high: prediction.interval.high, level: prediction.interval.level };
  fields.warnings = mergeWarnings(validationWarnings, prediction.warnings);
  if (explain) {
    if (prediction.baseValue !== undefined) fields.baseValue = prediction.baseValue;
    if (prediction.contributions !== undefined) {
      fields.contributions = prediction.contributions.map(({ feature, value }) => ({ feature, value }));
    }
  }
  return fields;
}

/** The header fields shared by single and batch answers: which model, what it predicts, in which unit. */
export function modelHeader(manifest: BundleManifest): Pick<PredictionResponse, 'model' | 'target' | 'unit'> {
  return {
    model: { name: manifest.name, version: manifest.version },
    target: manifest.target.column,
    unit: manifest.target.unit,
  };
}

/**
 * The complete answer of `POST /v1/predict` for one validated building.
 *
 * @example
 * const response = predictionResponse(bundle, validation.building, validation.warnings, false);
 */
export function predictionResponse(
  bundle: LoadedBundleView,
  building: unknown,
  validationWarnings: readonly PredictionWarning[],
  explain: boolean,
): PredictionResponse {
  const prediction = bundle.predict(building, explain ? { explain: true } : {});
  const { model, target, unit } = cachedHeader(bundle.manifest);
  return predictionFields(prediction, validationWarnings, explain, { model, target, unit });
}

const headers = new WeakMap<BundleManifest, Pick<PredictionResponse, 'model' | 'target' | 'unit'>>();

/** The model header of a manifest, built once: it is serialised into every answer and never mutated. */
function cachedHeader(manifest: BundleManifest): Pick<PredictionResponse, 'model' | 'target' | 'unit'> {
  let header = headers.get(manifest);
  if (header === undefined) {
    header = modelHeader(manifest);
    headers.set(manifest, header);
  }
  return header;
}
