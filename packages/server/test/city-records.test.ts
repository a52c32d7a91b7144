// The city's records as a data client sends them, through POST /v1/predict with the real validator and bundles:
// names of other years and zero-area uses are answered with warnings, hidden characters and unknown names with 422.
import t from 'tap';

import { defaultModelsDir } from '../src/config.js';
import { loadSchemaPackage } from '../src/schema-adapter.js';
import { json, startHarness } from './fixtures/http-harness.js';

const schema = loadSchemaPackage();
const store = await schema.loadModelStore(defaultModelsDir);
const h = await startHarness({ store, schema });
t.teardown(() => h.close());

interface Warning {
  field?: string;
  code: string;
  message: string;
}
interface Answer {
  value: number;
  warnings: Warning[];
  errors: { path: string; message: string }[];
}
interface BatchAnswer {
  results: { value?: number; error?: { errors: { path: string }[] } }[];
}
interface OpenApi {
  components: { schemas: { Warning: { properties: { code: { enum: string[]; description: string } } } } };
}

async function predict(body: unknown) {
  const reply = await h.request('POST', '/v1/predict', json(body));
  return { status: reply.status, contentType: reply.headers['content-type'], body: reply.json as Answer };
}
const codes = (warnings: Warning[]) => warnings.map((w) => `${w.code} ${w.field ?? ''}`);

// OSEBuildingID 1 of the 2016 file, as an owner would send it.
const hotel = {
  primaryPropertyType: 'Hotel',
  neighborhood: 'DOWNTOWN',
  yearBuilt: 1927,
  numberOfFloors: 12,
  propertyGfaTotal: 88434,
  largestPropertyUseType: 'Hotel',
  largestPropertyUseTypeGfa: 88434,
};

t.test('a second use named with 0 sq ft and 0 buildings are accepted, with warnings naming the fields', async (t) => {
  const reply = await predict({
    ...hotel,
    secondLargestPropertyUseType: 'Parking',
    secondLargestPropertyUseTypeGfa: 0,
    numberOfBuildings: 0,
  });
  t.equal(reply.status, 200);
  t.same(codes(reply.body.warnings), [
    'USE_AREA_ZERO secondLargestPropertyUseTypeGfa',
    'ZERO_AS_MISSING numberOfBuildings',
  ]);
  const plain = await predict(hotel);
  t.equal(reply.body.value, plain.body.value, 'the zero-area use and the 0 buildings change nothing in the estimate');
});

t.test('names of other years: "Office" by size, a type never seen as its nearest category', async (t) => {
  const office = await predict({
    ...hotel,
    primaryPropertyType: 'Office',
    largestPropertyUseType: 'Office',
    propertyGfaTotal: 150000,
  });
  t.equal(office.status, 200);
  t.match(
    office.body.warnings.find((w) => w.field === 'primaryPropertyType'),
    { code: 'CATEGORY_ALIAS', message: /^primaryPropertyType "Office" was read as "Large Office"/ },
  );
  const rink = await predict({ ...hotel, primaryPropertyType: 'Ice/Curling Rink' });
  t.equal(rink.status, 200);
  t.ok(codes(rink.body.warnings).includes('CATEGORY_NEAREST primaryPropertyType'));
});

t.test('a hidden character is refused with 422 naming the field, never stripped', async (t) => {
  for (const [field, value] of [
    ['primaryPropertyType', 'Hotel\u0000'],
    ['neighborhood', 'Down\u200btown'],
    ['largestPropertyUseType', '\u202eHotel'],
    ['primaryPropertyType', '\ufeffHotel'],
  ] as const) {
    const reply = await predict({ ...hotel, [field]: value });
    t.equal(reply.status, 422, `${field} ${JSON.stringify(value)}`);
    t.match(reply.contentType, /^application\/problem\+json/);
    t.same(
      reply.body.errors.map((e) => e.path),
      [field],
    );
    t.match(reply.body.errors[0]?.message, /must not contain control or invisible formatting characters/);
  }
  const batch = await h.request(
    'POST',
    '/v1/predict/batch',
    json({ buildings: [hotel, { ...hotel, neighborhood: 'DOWNTOWN\n' }] }),
  );
  t.equal(batch.status, 200);
  const results = (batch.json as BatchAnswer).results;
  t.ok((results[0]?.value ?? 0) > 0, 'the clean row is predicted');
  t.same(
    results[1]?.error?.errors.map((e) => e.path),
    ['neighborhood'],
  );
});

t.test('an unknown name is refused with the closest names', async (t) => {
  const reply = await predict({ ...hotel, primaryPropertyType: 'Hotle' });
  t.equal(reply.status, 422);
  t.match(reply.body.errors, [{ path: 'primaryPropertyType', message: /did you mean "Hotel"\?$/ }]);
});

t.test('the OpenAPI document lists every warning code the answers carry', async (t) => {
  const doc = (await h.request('GET', '/openapi.json')).json as OpenApi;
  const code = doc.components.schemas.Warning.properties.code;
  t.same(code.enum, Object.keys(schema.warningCodes ?? {}));
  for (const name of ['USE_AREA_ZERO', 'ZERO_AS_MISSING', 'CATEGORY_ALIAS', 'CATEGORY_NEAREST'])
    t.ok(code.enum.includes(name) && code.description.includes(`${name}: `), name);
});
