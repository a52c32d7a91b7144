// GET /v1/buildings and GET /v1/buildings/{id}: the city's 2016 records through HTTP, with the real validator.
import t from 'tap';

import { loadSchemaPackage } from '../src/schema-adapter.js';
import { startHarness, type Harness } from './fixtures/http-harness.js';

const schema = loadSchemaPackage();
let h: Harness;
t.before(async () => {
  h = await startHarness({ schema });
});
t.teardown(() => h.close());

interface Summary {
  id: number;
  name: string;
  address: string;
  type: string;
}

interface RecordReply extends Summary {
  dataYear: number;
  building: Record<string, unknown>;
  valid: boolean;
  warnings: unknown[];
  errors: { path: string; message: string }[];
  reported: Record<string, unknown>;
  comparison: { propertyType: string; buildings: number; percentile: number | null; siteEui: number[] };
}
interface ProblemReply {
  type: string;
  errors: { path: string; message: string }[];
}

/** The record of `id`, typed. */
async function record(id: string) {
  const reply = await h.request('GET', `/v1/buildings/${id}`);
  return { status: reply.status, headers: reply.headers, body: reply.json as RecordReply & ProblemReply };
}

async function search(q: string) {
  const reply = await h.request('GET', `/v1/buildings?q=${encodeURIComponent(q)}`);
  return { status: reply.status, body: reply.json as { query: string; count: number; results: Summary[] } };
}

t.test('finds a building by a partial address, forgiving of case, punctuation and abbreviations', async (t) => {
  const first = await search('405 oliv');
  t.equal(first.status, 200);
  t.same(first.body, {
    query: '405 oliv',
    count: 1,
    results: [{ id: 1, name: 'Mayflower park hotel', address: '405 Olive way', type: 'Hotel' }],
  });
  for (const q of [
    'MAYFLOWER',
    'mayflower-park',
    'mayflowerpark',
    '  Olive Way 405 ',
    'may olive',
    'Mayflower Park Hotel.',
  ])
    t.equal((await search(q)).body.results[0]?.id, 1, `"${q}" finds the Mayflower Park Hotel first`);
  // The file writes "724 Pine street"; people write "St" as often.
  t.equal((await search('724 pine st')).body.results[0]?.id, 2);
  t.equal((await search('Paramount Hotel, 724 Pine Street')).body.results[0]?.id, 2);
});

t.test('ranks whole words first and returns at most 20 results', async (t) => {
  const many = await search('ave');
  t.equal(many.status, 200);
  t.equal(many.body.results.length, 20, 'capped at 20');
  t.equal(many.body.count, 20);
  for (const result of many.body.results) t.same(Object.keys(result).sort(), ['address', 'id', 'name', 'type']);
  const hotel = await search('paramount');
  t.same(
    hotel.body.results.map((r) => r.id),
    [2, 11],
    'the Paramount Hotel and the Paramount Theatre, by id when they match alike',
  );
  t.same((await search('no such building anywhere')).body, {
    query: 'no such building anywhere',
    count: 0,
    results: [],
  });
});

t.test('refuses a missing, too short, too long or repeated query with problem+json', async (t) => {
  for (const path of [
    '/v1/buildings',
    '/v1/buildings?q=',
    '/v1/buildings?q=a',
    '/v1/buildings?q=%20%20a%20',
    `/v1/buildings?q=${'x'.repeat(101)}`,
    '/v1/buildings?q=olive&q=way',
  ]) {
    const reply = await h.request('GET', path);
    const problem = reply.json as ProblemReply;
    t.equal(reply.status, 400, path);
    t.match(reply.headers['content-type'], /^application\/problem\+json/);
    t.equal(problem.type, '/problems/invalid-query');
    t.same(problem.errors, [{ path: 'q', message: 'must be 2 to 100 characters, given once' }]);
  }
  t.equal((await h.request('GET', `/v1/buildings?q=${'x'.repeat(100)}`)).status, 200, '100 characters are allowed');
});

t.test('reads one record as the API reads a building, with what the city reported', async (t) => {
  const reply = await record('1');
  t.equal(reply.status, 200);
  const mayflower = reply.body;
  t.equal(mayflower.name, 'Mayflower park hotel');
  t.equal(mayflower.dataYear, 2016);
  t.equal(mayflower.valid, true);
  // The file's "DOWNTOWN" is read as the canonical "Downtown", exactly as the validator reads what a caller sends.
  const validation = schema.validateBuilding(mayflower.building);
  t.ok(validation.ok);
  if (validation.ok) t.same(mayflower.building, validation.building, 'the canonical building');
  t.equal(mayflower.building.neighborhood, 'Downtown');
  t.same(mayflower.building, { ...schema.exampleBuilding }, "the schema's example building is this record");
  t.same(mayflower.reported, {
    siteEnergyKbtu: 7226362.5,
    siteEuiKbtuPerSqFt: 81.7,
    ghgEmissionsTonnes: 249.98,
    complianceStatus: 'Compliant',
    outlier: null,
  });
  t.equal(mayflower.comparison.propertyType, 'Hotel');
  t.equal(mayflower.comparison.buildings, 74);
  t.equal(mayflower.comparison.siteEui.length, 74);

  const predicted = await h.request('POST', '/v1/predict', {
    body: JSON.stringify(mayflower.building),
    headers: { 'content-type': 'application/json' },
  });
  t.not(predicted.status, 422, 'the record is a building the prediction endpoint accepts');
});

t.test('a record that breaks a rule of the API says what to fix', async (t) => {
  // The Grand Hyatt reports 0 floors: training reads that as "floors unknown", and the API needs the number.
  t.equal((await search('grand hyatt')).body.results[0]?.id, 267);
  const reply = await record('267');
  t.equal(reply.status, 200);
  t.equal(reply.body.valid, false);
  t.notOk('numberOfFloors' in reply.body.building, 'the floors are left out, as training leaves them');
  t.same(
    reply.body.errors.map((e) => e.path),
    ['numberOfFloors'],
    'the one field to fill in',
  );
  t.equal(reply.body.building.neighborhood, 'DOWNTOWN', "an invalid record keeps the file's spellings");
  t.same(reply.body.warnings, []);
  t.ok((reply.body.comparison.percentile ?? 0) > 0, 'and is still compared with its peers');
});

t.test('an unknown or malformed id is a 404 problem', async (t) => {
  for (const id of ['99999', '0', 'abc', '1.0', '01', '12345678901']) {
    const reply = await record(id);
    t.equal(reply.status, 404, id);
    t.match(reply.headers['content-type'], /^application\/problem\+json/);
    t.equal(reply.body.type, '/problems/building-not-found');
    t.same(reply.body.errors, [{ path: 'id', message: 'unknown building id' }]);
  }
  const multifamily = await record('13');
  t.equal(multifamily.status, 404, 'the Lyon Building, multifamily, is outside the service');
});
