// README "API": validate a building as a person types it, then predict it with the latest verified bundle.
import { loadModelStore, validateBuilding } from '@seattle-energy/schema';

export async function estimate(modelsDir: string) {
  const result = validateBuilding({
    primaryPropertyType: 'hotel',
    neighborhood: 'DOWNTOWN',
    yearBuilt: 1927,
    numberOfFloors: 12,
    propertyGfaTotal: 88434,
  });
  if (!result.ok) return { errors: result.errors }; // every problem at once: [{ path, message }, ...]

  const store = await loadModelStore(modelsDir); // verified bundles; rejects with BundleError
  const bundle = store.get('site-energy'); // the latest version; store.get(name, '1.0.0'); undefined if none
  if (bundle === undefined) throw new Error('no site-energy bundle');
  const prediction = bundle.predict(result.building, { explain: true });
  const vector = bundle.encode(result.building); // Float64Array in manifest.features order
  return {
    neighborhood: result.building.neighborhood, // 'Downtown' (canonical)
    prediction, // value, logValue, interval, warnings, baseValue, contributions
    fromVector: bundle.predictEncoded(vector), // { value, logValue }: no building, so no interval
  };
}
