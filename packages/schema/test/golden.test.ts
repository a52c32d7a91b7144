import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { foldContributions, loadModelStore, validateBuilding } from '../src/index.js';
import type { LoadedBundle } from '../src/index.js';
import { bundleNames, modelsDir } from './helpers/bundles.js';

interface GoldenRow {
  id: number;
  building: unknown;
  encoded: (number | null)[];
  margin: number;
  prediction: number;
  contributions: number[];
}

const store = await loadModelStore(modelsDir);

t.test('the store holds both published models', async (t) => {
  t.same(store.names(), ['ghg-emissions', 'site-energy']);
  for (const name of bundleNames) t.equal(store.get(name)?.manifest.name, name);
  t.equal(store.get('site-energy', '0.0.1'), undefined);
  t.equal(store.get('no-such-model'), undefined);
  t.equal(store.list().length, 2);
});

for (const name of bundleNames) {
  t.test(`${name}: the encoder and runtime reproduce the training library's golden file`, async (t) => {
    const bundle = store.get(name) as LoadedBundle;
    const golden = JSON.parse(await readFile(join(bundle.directory, 'golden.json'), 'utf8')) as {
      features: string[];
      rows: GoldenRow[];
    };
    t.same(
      golden.features,
      bundle.manifest.features.map((f) => f.name),
      'feature order',
    );
    t.ok(golden.rows.length >= 40, `${golden.rows.length} golden rows`);
    let vectorsEqual = 0;
    let predictionsEqual = 0;
    let worstContribution = 0;
    for (const row of golden.rows) {
      const checked = validateBuilding(row.building);
      if (!checked.ok) {
        t.fail(`building ${row.id} refused: ${JSON.stringify(checked.errors)}`);
        continue;
      }
      const vector = bundle.encode(checked.building);
      const same = row.encoded.every((v, j) => Object.is(Math.fround(v ?? NaN), Math.fround(vector[j]!)));
      if (same && vector.length === row.encoded.length) vectorsEqual++;
      const prediction = bundle.predict(checked.building, { explain: true });
      if (
        Object.is(prediction.logValue, row.margin) &&
        Object.is(bundle.model.predict(vector, 'prediction'), row.prediction)
      )
        predictionsEqual++;
      t.equal(prediction.value, Math.exp(row.margin));
      // TreeSHAP sums in a different order than XGBoost, so contributions agree to rounding, not bit for bit.
      const phi = bundle.model.predict(vector, 'contrib') as number[];
      row.contributions.forEach((c, j) => (worstContribution = Math.max(worstContribution, Math.abs(c - phi[j]!))));
      const folded = (prediction.contributions ?? []).reduce((sum, c) => sum + c.value, prediction.baseValue ?? NaN);
      const raw = phi.reduce((sum, c) => sum + c, 0);
      t.ok(Math.abs(folded - raw) < 1e-9, `building ${row.id}: folding keeps the sum (${folded} vs ${raw})`);
      // The margin is summed in float32 (as XGBoost does), the contributions in double: they agree to float32 rounding.
      t.ok(
        Math.abs(folded - row.margin) < 1e-4,
        `building ${row.id}: baseValue + contributions = margin (${folded} vs ${row.margin})`,
      );
    }
    t.equal(vectorsEqual, golden.rows.length, 'encoded vectors equal after Math.fround');
    t.equal(predictionsEqual, golden.rows.length, 'margins and predictions bit for bit');
    t.ok(worstContribution < 1e-5, `TreeSHAP within 1e-5 of XGBoost's pred_contribs (worst ${worstContribution})`);
  });
}

t.test('predictions: interval around the value, warnings, explanation sorted by size', async (t) => {
  const bundle = store.get('site-energy') as LoadedBundle;
  const checked = validateBuilding({
    primaryPropertyType: 'Laboratory',
    neighborhood: 'Lake Union',
    yearBuilt: 1870,
    numberOfFloors: 4,
    propertyGfaTotal: 60000,
  });
  if (!checked.ok) throw new Error('fixture building refused');
  const p = bundle.predict(checked.building, { explain: true });
  t.ok(p.interval.low < p.value && p.value < p.interval.high);
  t.equal(p.interval.level, 0.9);
  // No score, no gas flag, no use type, 60,000 sq ft: the stratum that asks for nothing but the size.
  const inRange = (r: { min: number | null; max: number | null } | undefined): boolean =>
    r !== undefined && (r.min ?? -Infinity) <= 60000 && 60000 < (r.max ?? Infinity);
  const tight = bundle.manifest.interval.strata.find(
    (s) => s.when.present === undefined && s.when.absent?.includes('energyStarScore') === true && inRange(s.when.range),
  );
  t.ok(tight !== undefined);
  t.equal(p.interval.low, Math.exp(p.logValue - (tight?.halfWidth ?? NaN)));
  t.equal(p.interval.high, Math.exp(p.logValue + (tight?.halfWidth ?? NaN)));
  t.same(
    p.warnings.map((w) => [w.code, w.field]),
    [
      ['OUTSIDE_TRAINING_RANGE', 'yearBuilt'],
      ['RARE_CATEGORY', 'primaryPropertyType'],
    ],
  );
  const sizes = (p.contributions ?? []).map((c) => Math.abs(c.value));
  t.same(
    sizes,
    [...sizes].sort((a, b) => b - a),
  );
  t.same((p.contributions ?? []).map((c) => c.feature).sort(), [...bundle.manifest.inputs].sort());
  t.equal(bundle.predict(checked.building).contributions, undefined);
  const encoded = bundle.predictEncoded(Array.from(bundle.encode(checked.building)));
  t.same(encoded, { value: p.value, logValue: p.logValue });
  // The explained encoded prediction carries the unfolded TreeSHAP values: folding them gives the building's own.
  const vector = bundle.encode(checked.building);
  const explained = bundle.predictEncoded(vector, { explain: true });
  t.equal(explained.contributions?.length, bundle.manifest.features.length + 1);
  t.equal(explained.contributions?.at(-1), p.baseValue, 'bias last, equal to baseValue');
  t.same(
    foldContributions(
      bundle.manifest.features,
      bundle.manifest.inputs,
      { ...checked.building },
      explained.contributions ?? [],
    ),
    p.contributions,
  );
  t.throws(() => bundle.predictEncoded([1, 2, 3]), RangeError);
});

t.test('a raw category spelling predicts like its canonical name', async (t) => {
  const bundle = store.get('ghg-emissions') as LoadedBundle;
  const building = {
    primaryPropertyType: 'Hotel',
    neighborhood: 'Downtown',
    yearBuilt: 1927,
    numberOfFloors: 12,
    propertyGfaTotal: 88434,
  };
  t.equal(bundle.predict({ ...building, neighborhood: 'DOWNTOWN' }).logValue, bundle.predict(building).logValue);
  // Names read through the nearest category or a size rule too, for callers that skip validateBuilding.
  t.equal(
    bundle.predict({ ...building, primaryPropertyType: 'Bowling Alley' }).logValue,
    bundle.predict({ ...building, primaryPropertyType: 'Other' }).logValue,
  );
  t.equal(
    bundle.predict({ ...building, primaryPropertyType: 'Office', propertyGfaTotal: 150000 }).logValue,
    bundle.predict({ ...building, primaryPropertyType: 'Large Office', propertyGfaTotal: 150000 }).logValue,
  );
});
