// End to end with the real schema package and the real, verified bundles of models/: what the API answers for
// each bundle's golden rows equals what XGBoost itself computed for them (golden.json) and what the bundle computes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import t from 'tap';

import { defaultModelsDir } from '../src/config.js';
import { loadSchemaPackage } from '../src/schema-adapter.js';
import { json, startHarness } from './fixtures/http-harness.js';
import type {
  BatchResponse,
  KserveInference,
  ModelList,
  PredictionResponse,
  ProblemBody,
} from './fixtures/api-bodies.js';

interface GoldenRow {
  id: number;
  building: Record<string, string | number | boolean>;
  encoded: (number | null)[];
  margin: number;
}

const schema = loadSchemaPackage();
const store = await schema.loadModelStore(defaultModelsDir);
const h = await startHarness({ store, schema });
t.teardown(() => h.close());

for (const name of ['site-energy', 'ghg-emissions']) {
  const bundle = store.get(name);
  if (bundle === undefined) throw new Error(`${name} is not in ${defaultModelsDir}`);
  const { version } = bundle.manifest;
  const golden = JSON.parse(readFileSync(join(defaultModelsDir, name, version, 'golden.json'), 'utf8')) as {
    rows: GoldenRow[];
  };

  t.test(`${name} ${version}: every golden row through POST /v1/models/${name}/predict`, async (t) => {
    t.ok(golden.rows.length >= 10, `${golden.rows.length} golden rows`);
    for (const row of golden.rows) {
      const reply = await h.request<PredictionResponse>('POST', `/v1/models/${name}/predict`, json(row.building));
      t.equal(reply.status, 200, `row ${row.id}`);
      // XGBoost's margin is float32; the API's value is exp(margin) in the target's unit.
      t.equal(reply.json.value, Math.exp(row.margin), `row ${row.id} equals exp(XGBoost margin)`);
      const validation = schema.validateBuilding(row.building);
      if (!validation.ok) throw new Error(`golden row ${row.id} does not validate`);
      const direct = bundle.predict(validation.building);
      t.same(reply.json.interval, direct.interval, `row ${row.id} interval equals the bundle's`);
      t.same(reply.json.model, { name, version });
      t.equal(reply.json.unit, bundle.manifest.target.unit);
    }
  });

  t.test(`${name}: explain contributions add up to ln(value)`, async (t) => {
    for (const row of golden.rows.slice(0, 5)) {
      const reply = await h.request<PredictionResponse>(
        'POST',
        `/v1/models/${name}/predict?explain=true`,
        json(row.building),
      );
      const sum = (reply.json.contributions as { value: number }[]).reduce(
        (s, c) => s + c.value,
        reply.json.baseValue as number,
      );
      t.ok(Math.abs(sum - Math.log(reply.json.value)) < 1e-4, `row ${row.id}: ${sum} vs ${Math.log(reply.json.value)}`);
      const inputs = new Set(bundle.manifest.inputs);
      t.ok(
        (reply.json.contributions as { feature: string }[]).every((c) => inputs.has(c.feature)),
        'contributions are per input field',
      );
    }
  });

  t.test(`${name}: batch (JSON and CSV) and KServe infer give the same values`, async (t) => {
    const expected = golden.rows.map((row) => Math.exp(row.margin));
    const batch = await h.request<BatchResponse>(
      'POST',
      `/v1/predict/batch?model=${name}`,
      json({ buildings: golden.rows.map((r) => r.building) }),
    );
    t.same(
      batch.json.results.map((r) => r.value),
      expected,
      'JSON batch',
    );

    const columns = [...new Set(golden.rows.flatMap((r) => Object.keys(r.building)))];
    // The golden buildings hold strings, numbers and booleans only.
    const cell = (v: string | number | boolean | undefined) =>
      v === undefined ? '' : typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v);
    const csv = [columns.join(','), ...golden.rows.map((r) => columns.map((c) => cell(r.building[c])).join(','))].join(
      '\n',
    );
    const fromCsv = await h.request<BatchResponse>('POST', `/v1/predict/batch?model=${name}`, {
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    t.same(
      fromCsv.json.results.map((r) => r.value),
      expected,
      'CSV batch',
    );

    const infer = await h.request<KserveInference>(
      'POST',
      `/v2/models/${name}/infer`,
      json({
        inputs: [
          {
            name: 'features',
            shape: [golden.rows.length, bundle.model.numFeatures],
            datatype: 'FP64',
            data: golden.rows.map((r) => r.encoded),
          },
        ],
      }),
    );
    t.equal(infer.status, 200);
    t.same(infer.json.outputs[0]?.data, expected, 'KServe V2 infer on the golden encoded vectors');
  });
}

t.test('the real schema: the example building predicts, an invalid one lists every violation', async (t) => {
  const ok = await h.request<PredictionResponse>('POST', '/v1/predict', json(schema.exampleBuilding));
  t.equal(ok.status, 200);
  t.same(ok.json.model, { name: 'site-energy', version: store.get('site-energy')?.manifest.version });
  const bad = await h.request<ProblemBody>(
    'POST',
    '/v1/predict',
    json({ ...schema.exampleBuilding, yearBuilt: 1700, numberOfFloors: 0, colour: 'red' }),
  );
  t.equal(bad.status, 422);
  t.same(bad.json.errors.map((e: { path: string }) => e.path).sort(), ['colour', 'numberOfFloors', 'yearBuilt']);
  const models = await h.request<ModelList>('GET', '/v1/models');
  t.same(
    models.json.models.map((m: { name: string }) => m.name),
    ['ghg-emissions', 'site-energy'],
  );
  t.notMatch(
    JSON.stringify((await h.request('GET', '/v1/models/site-energy')).json),
    /\/work\/|directory/,
    'no file paths in metadata',
  );
});
