import { featureInputs } from './encoder.js';
import type { BundleFeature } from './manifest.js';

/** One public input field's share of a prediction, in log space (the model's margin). */
export interface Contribution {
  feature: string;
  value: number;
}

/**
 * Folds per-feature TreeSHAP values back onto the building's own input fields. A feature that reads one input gives
 * it its whole value; a feature derived from several inputs (ratio, expression, use-share) splits its value equally
 * among the inputs the building gives, or among all of them when it gives none. Sums are kept, so
 * baseValue + sum(values) is still the margin. Sorted by |value|, largest first; input order breaks ties.
 *
 * @example
 * foldContributions(manifest.features, manifest.inputs, building, phi)
 * // [{ feature: 'propertyGfaTotal', value: 0.91 }, { feature: 'primaryPropertyType', value: 0.32 }, ...]
 */
export function foldContributions(
  features: readonly BundleFeature[],
  inputs: readonly string[],
  building: Readonly<Record<string, unknown>>,
  phi: ArrayLike<number>,
): Contribution[] {
  const totals = new Map<string, number>(inputs.map((name) => [name, 0]));
  features.forEach((feature, j) => {
    const value = phi[j] ?? 0;
    const reads = featureInputs(feature.encoding);
    const present = reads.filter((name) => building[name] !== undefined && building[name] !== null);
    const share = present.length > 0 ? present : reads;
    for (const name of share) totals.set(name, (totals.get(name) ?? 0) + value / share.length);
  });
  const order = new Map([...totals.keys()].map((name, i) => [name, i]));
  return [...totals]
    .map(([feature, value]) => ({ feature, value }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || (order.get(a.feature) ?? 0) - (order.get(b.feature) ?? 0));
}
