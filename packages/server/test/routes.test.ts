import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import t from 'tap';

import { json, startHarness } from './fixtures/http-harness.js';
import type { BatchResponse, ModelDetail, ModelList, PredictionResponse, ProblemBody } from './fixtures/api-bodies.js';

// The fake bundles predict floor area x 80 kBtu (site-energy 1.0.0), x 70 (0.9.0), x 0.002 t (ghg-emissions).
const building = {
  primaryPropertyType: 'Hotel',
  neighborhood: 'Downtown',
  yearBuilt: 1927,
  numberOfFloors: 12,
  propertyGfaTotal: 88434,
};

t.test('POST /v1/predict answers the documented shape from the default model', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const reply = await h.request<PredictionResponse>('POST', '/v1/predict', json(building));
  t.equal(reply.status, 200);
  t.match(reply.headers['content-type'], /^application\/json/);
  t.same(reply.json, {
    model: { name: 'site-energy', version: '1.0.0' },
    target: 'SiteEnergyUse(kBtu)',
    unit: 'kBtu',
    value: 88434 * 80,
    interval: { low: (88434 * 80) / 2, high: 88434 * 80 * 2, level: 0.9 },
    warnings: [],
  });
  const small = await h.request<PredictionResponse>(
    'POST',
    '/v1/predict',
    json({ ...building, propertyGfaTotal: 15000 }),
  );
  t.same(small.json.warnings, [{ field: 'propertyGfaTotal', code: 'below-ordinance', message: 'below 20,000 sq ft' }]);
  const explained = await h.request<PredictionResponse>('POST', '/v1/predict?explain=true', json(building));
  t.equal(explained.json.baseValue, Math.log(88434 * 80) - 1);
  t.same(explained.json.contributions, [
    { feature: 'propertyGfaTotal', value: 0.75 },
    { feature: 'yearBuilt', value: 0.25 },
  ]);
  t.notOk('baseValue' in reply.json, 'no explanation unless asked');
  const vendorJson = await h.request('POST', '/v1/predict', {
    body: JSON.stringify(building),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
  t.equal(vendorJson.status, 200, 'charset parameter accepted');
});

t.test('POST /v1/models/{name}/predict picks the model and version', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const ghg = await h.request<PredictionResponse>('POST', '/v1/models/ghg-emissions/predict', json(building));
  t.same(
    [ghg.json.model, ghg.json.target, ghg.json.unit, ghg.json.value],
    [{ name: 'ghg-emissions', version: '1.0.0' }, 'TotalGHGEmissions', 't CO2e', 88434 * 0.002],
  );
  const old = await h.request<PredictionResponse>(
    'POST',
    '/v1/models/site-energy/predict?version=0.9.0&explain=1',
    json(building),
  );
  t.same(
    [old.json.model, old.json.value, old.json.contributions?.length],
    [{ name: 'site-energy', version: '0.9.0' }, 88434 * 70, 2],
  );
});

t.test('POST /v1/predict/batch keeps every row in order, JSON and CSV alike', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const rows = [building, { ...building, yearBuilt: 1700 }, 'not a building', { ...building, propertyGfaTotal: 30000 }];
  const reply = await h.request<BatchResponse>('POST', '/v1/predict/batch', json({ buildings: rows }));
  t.equal(reply.status, 200);
  t.same(reply.json, {
    model: { name: 'site-energy', version: '1.0.0' },
    target: 'SiteEnergyUse(kBtu)',
    unit: 'kBtu',
    count: 4,
    failed: 2,
    results: [
      { index: 0, value: 88434 * 80, interval: { low: 88434 * 40, high: 88434 * 160, level: 0.9 }, warnings: [] },
      {
        index: 1,
        error: {
          status: 422,
          title: 'Invalid input',
          errors: [{ path: 'yearBuilt', message: 'must be a valid integer' }],
        },
      },
      {
        index: 2,
        error: { status: 422, title: 'Invalid input', errors: [{ path: '', message: 'must be an object' }] },
      },
      { index: 3, value: 30000 * 80, interval: { low: 30000 * 40, high: 30000 * 160, level: 0.9 }, warnings: [] },
    ],
  });

  const csv = [
    'primaryPropertyType,neighborhood,yearBuilt,numberOfFloors,propertyGfaTotal,usesSteam',
    'Hotel,Downtown,1927,12,88434,yes',
    'Hotel,"Downtown",1700,12,88434,',
    'Office,Ballard,2001,3',
    'Office,Ballard,2001,three,30000,false',
    '"Office",Ballard,2001,3,30000,FALSE',
  ].join('\r\n');
  const fromCsv = await h.request<BatchResponse>('POST', '/v1/predict/batch?model=ghg-emissions', {
    body: csv,
    headers: { 'content-type': 'text/csv' },
  });
  t.equal(fromCsv.status, 200);
  t.same(fromCsv.json.model, { name: 'ghg-emissions', version: '1.0.0' });
  t.same(
    fromCsv.json.results.map((r: { index: number; value?: number; error?: { errors: unknown } }) => [
      r.index,
      r.value ?? r.error?.errors,
    ]),
    [
      [0, 88434 * 0.002],
      [1, [{ path: 'yearBuilt', message: 'must be a valid integer' }]],
      [2, [{ path: '', message: 'row has 4 cells, the header has 6' }]],
      [3, [{ path: 'numberOfFloors', message: 'must be a valid integer' }]],
      [4, 30000 * 0.002],
    ],
  );

  const unknownColumn = await h.request<BatchResponse>('POST', '/v1/predict/batch', {
    body: 'primaryPropertyType,__proto__\nHotel,1\n',
    headers: { 'content-type': 'text/csv' },
  });
  t.match(unknownColumn.json.results[0]?.error?.errors, [
    { path: 'neighborhood' },
    { path: 'yearBuilt' },
    { path: 'numberOfFloors' },
    { path: 'propertyGfaTotal' },
    { path: '__proto__', message: 'unknown field' },
  ]);
  t.equal(({} as Record<string, unknown>)['1'], undefined, 'Object.prototype untouched');

  const broken = await h.request<ProblemBody>('POST', '/v1/predict/batch', {
    body: 'a,b\n"unclosed,1\n',
    headers: { 'content-type': 'text/csv' },
  });
  t.equal(broken.status, 400);
  t.equal(broken.json.type, '/problems/malformed-csv');
  const repeated = await h.request('POST', '/v1/predict/batch', {
    body: 'yearBuilt,yearBuilt\n1,2\n',
    headers: { 'content-type': 'text/csv' },
  });
  t.equal(repeated.status, 422);
  const empty = await h.request<BatchResponse>('POST', '/v1/predict/batch', json({ buildings: [] }));
  t.same([empty.status, empty.json.count, empty.json.results], [200, 0, []]);
  const tooMany = 'primaryPropertyType\n' + 'Hotel\n'.repeat(h.deps.config.batchLimit + 1);
  const over = await h.request<ProblemBody>('POST', '/v1/predict/batch', {
    body: tooMany,
    headers: { 'content-type': 'text/csv' },
  });
  t.same([over.status, over.json.type], [413, '/problems/batch-too-large']);
});

t.test('model metadata', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const list = await h.request<ModelList>('GET', '/v1/models');
  t.same(list.json.defaultModel, 'site-energy');
  t.same(
    list.json.models.map((m: { name: string; version: string; versions: string[] }) => [m.name, m.version, m.versions]),
    [
      ['ghg-emissions', '1.0.0', ['1.0.0']],
      ['site-energy', '1.0.0', ['1.0.0', '0.9.0']],
    ],
  );
  const one = await h.request<ModelDetail>('GET', '/v1/models/site-energy');
  t.match(one.json, {
    name: 'site-energy',
    version: '1.0.0',
    target: 'SiteEnergyUse(kBtu)',
    unit: 'kBtu',
    transform: 'log',
    metrics: { r2Log: 0.8 },
  });
  t.same(one.json.inputs, ['propertyGfaTotal', 'yearBuilt', 'numberOfFloors']);
  t.equal(one.json.features.length, 3);
  t.same(one.json.inputSchema, h.deps.schema.buildingJsonSchema());
  const head = await h.request('HEAD', '/v1/models');
  t.same([head.status, head.text], [200, '']);
});

t.test('probes and metrics', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  t.same((await h.request('GET', '/livez')).json, { status: 'ok' });
  t.same((await h.request('GET', '/readyz')).json, { status: 'ready', models: ['ghg-emissions', 'site-energy'] });
  const health = await h.request('GET', '/healthz');
  t.match(health.json, {
    status: 'ok',
    live: true,
    ready: true,
    state: 'ready',
    models: ['ghg-emissions', 'site-energy'],
  });

  await h.request('POST', '/v1/predict', json(building));
  await h.request('POST', '/v1/predict', json({ ...building, yearBuilt: 1700, colour: 'red', somethingElse: 1 }));
  await h.request('POST', '/v1/predict/batch', json({ buildings: [building, building] }));
  const metrics = await h.request('GET', '/metrics');
  t.equal(metrics.status, 200);
  t.match(metrics.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const text = metrics.text;
  t.match(text, 'http_requests_total{method="POST",route="/v1/predict",status="200"} 1');
  t.match(text, 'http_requests_total{method="POST",route="/v1/predict",status="422"} 1');
  t.match(text, 'http_request_duration_seconds_count{method="POST",route="/v1/predict",status="200"} 1');
  t.match(text, 'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/readyz",status="200"} 1');
  t.match(text, 'predictions_total{model="site-energy",version="1.0.0",source="single"} 1');
  t.match(text, 'predictions_total{model="site-energy",version="1.0.0",source="batch"} 2');
  t.match(text, 'validation_failures_total{field="yearBuilt"} 1');
  t.match(text, 'validation_failures_total{field="(unknown)"} 2', 'unknown field names never become label values');
  t.notMatch(text, 'colour');
  t.match(text, /process_resident_memory_bytes \d+/);
  t.match(text, /nodejs_eventloop_lag_seconds/);
  await h.request('GET', '/no/such/path');
  t.match(
    (await h.request('GET', '/metrics')).text,
    'http_requests_total{method="GET",route="unmatched",status="404"} 1',
  );
});

t.test('GET / serves public/index.html when it exists, and the page files beside it', async (t) => {
  const missing = await startHarness({ publicDir: join(tmpdir(), 'no-such-public-dir') });
  t.teardown(() => missing.close());
  const none = await missing.request<ProblemBody>('GET', '/');
  t.same([none.status, none.json.type], [404, '/problems/not-found']);

  const dir = mkdtempSync(join(tmpdir(), 'public-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.env'), 'X=1');
  const h = await startHarness({ publicDir: dir });
  t.teardown(() => h.close());
  const page = await h.request('GET', '/');
  t.same([page.status, page.text], [200, '<!doctype html><title>page</title>']);
  t.match(page.headers['content-type'], 'text/html');
  t.match(page.headers['content-security-policy'], "script-src 'self'");
  const script = await h.request('GET', '/app.js');
  t.same([script.status, script.headers['content-type']], [200, 'text/javascript; charset=utf-8']);
  t.equal((await h.request('GET', '/secret.env')).status, 404, 'only known file types');
  t.equal((await h.request('GET', '/..%2F..%2Fpackage.json')).status, 404, 'never outside the folder');
  t.equal((await h.request('POST', '/', json({}))).status, 405);
});
