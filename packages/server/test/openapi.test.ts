import { Validator } from '@seriousme/openapi-schema-validator';
import t, { type Test } from 'tap';

import { createApp } from '../src/app.js';
import { DOCS_CSP } from '../src/middleware/security-headers.js';
import { json, startHarness, type Reply } from './fixtures/http-harness.js';
import { readOpenApi, type Media, type OpenApiDoc } from './fixtures/openapi-doc.js';

const h = await startHarness();
t.teardown(() => h.close());
const docReply = await h.request<OpenApiDoc>('GET', '/openapi.json');
const doc = docReply.json;
const { resolve, validatorFor } = readOpenApi(doc, { allErrors: true });

t.test('GET /openapi.json is a valid OpenAPI 3.1 document', async (t) => {
  t.equal(docReply.status, 200);
  t.match(docReply.headers['content-type'], /^application\/json/);
  t.equal(doc.openapi, '3.1.0');
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc) as unknown as Parameters<Validator['validate']>[0]);
  t.same(result.errors ?? [], [], 'no validation errors');
  t.equal(result.valid, true);
  t.equal(validator.version, '3.1');
});

t.test("the building schema is the schema package's own", async (t) => {
  const expected = { ...h.deps.schema.buildingJsonSchema() };
  delete expected['$schema']; // a component is not a document
  t.same(doc.components.schemas['Building'], expected);
  t.same(doc.components.examples['Building']?.value, h.deps.schema.exampleBuilding);
});

t.test('every route is documented and every documented route is served', async (t) => {
  const { router } = createApp(h.deps);
  const served = new Set<string>();
  for (const layer of router.stack) {
    for (const method of layer.methods) {
      if (method === 'HEAD') continue; // added by the router for every GET
      served.add(`${method} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  const documented = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`);
  t.same([...served].sort(), [...documented].sort());
  t.ok(
    documented.has('POST /v1/predict') &&
      documented.has('POST /v2/models/{name}/infer') &&
      documented.has('GET /metrics'),
  );
  const ids = [...Object.values(doc.paths)].flatMap((item) => Object.values(item).map((op) => op.operationId));
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

t.test('every request and response example is valid against its schema', async (t) => {
  let checked = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const media: [string, Media][] = [];
      for (const [type, m] of Object.entries(operation.requestBody?.content ?? {}))
        media.push([`${method} ${path} request ${type}`, m]);
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, m] of Object.entries(resolve(response).content ?? {}))
          media.push([`${method} ${path} ${status} ${type}`, m]);
      }
      for (const [where, m] of media) {
        const examples = [
          ...(m.example === undefined ? [] : [m.example]),
          ...Object.values(m.examples ?? {}).map((e) => resolve(e).value),
        ];
        if (m.schema === undefined) continue;
        const validate = validatorFor(m.schema);
        for (const example of examples) {
          const valid = validate(example);
          t.ok(valid, where, { errors: validate.errors });
          checked++;
        }
      }
    }
  }
  t.ok(checked >= 20, `checked ${checked} examples`);
  // The example building passes the real validator in use, not only the JSON Schema.
  t.equal(h.deps.schema.validateBuilding(doc.components.examples['Building']?.value).ok, true);
});

/** Checks a live answer against the schema the document gives for that operation and status. */
function assertDocumented(t: Test, path: string, method: string, reply: Reply) {
  const operation = doc.paths[path]?.[method];
  const response = operation ? resolve(operation.responses[String(reply.status)] ?? {}) : undefined;
  t.ok(response?.content, `${method} ${path} documents status ${reply.status}`);
  const type = String(reply.headers['content-type']).split(';')[0] ?? '';
  const media = response?.content?.[type];
  t.ok(media, `${method} ${path} ${reply.status} documents ${type}`);
  if (media?.schema !== undefined && type.endsWith('json')) {
    const validate = validatorFor(media.schema);
    t.ok(validate(reply.json), `${method} ${path} ${reply.status} matches its schema`, { errors: validate.errors });
  }
}

t.test('live answers match their documented schemas', async (t) => {
  const building = h.deps.schema.exampleBuilding;
  assertDocumented(t, '/v1/predict', 'post', await h.request('POST', '/v1/predict', json(building)));
  assertDocumented(t, '/v1/predict', 'post', await h.request('POST', '/v1/predict?explain=true', json(building)));
  assertDocumented(t, '/v1/predict', 'post', await h.request('POST', '/v1/predict', json({ yearBuilt: 1 })));
  assertDocumented(
    t,
    '/v1/predict',
    'post',
    await h.request('POST', '/v1/predict', { body: '{', headers: { 'content-type': 'application/json' } }),
  );
  assertDocumented(
    t,
    '/v1/predict',
    'post',
    await h.request('POST', '/v1/predict', { body: '{}', headers: { 'content-type': 'text/plain' } }),
  );
  assertDocumented(
    t,
    '/v1/models/{name}/predict',
    'post',
    await h.request('POST', '/v1/models/nope/predict', json(building)),
  );
  assertDocumented(
    t,
    '/v1/predict/batch',
    'post',
    await h.request('POST', '/v1/predict/batch', json({ buildings: [building, {}] })),
  );
  assertDocumented(t, '/v1/models', 'get', await h.request('GET', '/v1/models'));
  assertDocumented(t, '/v1/models/{name}', 'get', await h.request('GET', '/v1/models/site-energy'));
  assertDocumented(t, '/v1/buildings', 'get', await h.request('GET', '/v1/buildings?q=405%20olive'));
  assertDocumented(t, '/v1/buildings', 'get', await h.request('GET', '/v1/buildings?q=a'));
  assertDocumented(t, '/v1/buildings/{id}', 'get', await h.request('GET', '/v1/buildings/1'));
  assertDocumented(t, '/v1/buildings/{id}', 'get', await h.request('GET', '/v1/buildings/99999'));
  assertDocumented(t, '/v2/health/live', 'get', await h.request('GET', '/v2/health/live'));
  assertDocumented(t, '/v2/health/ready', 'get', await h.request('GET', '/v2/health/ready'));
  assertDocumented(t, '/v2/models/{name}', 'get', await h.request('GET', '/v2/models/site-energy'));
  assertDocumented(
    t,
    '/v2/models/{name}/infer',
    'post',
    await h.request(
      'POST',
      '/v2/models/site-energy/infer',
      json({ inputs: [{ name: 'f', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }),
    ),
  );
  assertDocumented(
    t,
    '/v2/models/{name}/infer',
    'post',
    await h.request('POST', '/v2/models/site-energy/infer', json({ inputs: [] })),
  );
  assertDocumented(t, '/livez', 'get', await h.request('GET', '/livez'));
  assertDocumented(t, '/readyz', 'get', await h.request('GET', '/readyz'));
  assertDocumented(t, '/healthz', 'get', await h.request('GET', '/healthz'));
  assertDocumented(t, '/metrics', 'get', await h.request('GET', '/metrics'));
  assertDocumented(t, '/docs', 'get', await h.request('GET', '/docs'));
});

t.test('GET /docs serves Swagger UI from the installed package with a CSP that lets it run', async (t) => {
  const page = await h.request('GET', '/docs');
  t.equal(page.status, 200);
  t.match(page.headers['content-type'], 'text/html');
  t.equal(page.headers['content-security-policy'], DOCS_CSP);
  t.notMatch(page.text, /https?:\/\//, 'no CDN or other origin');
  t.notMatch(page.text, /<script>[^<]/, 'no inline script (the CSP forbids it)');
  for (const [file, type, size] of [
    ['swagger-ui-bundle.js', 'text/javascript', 100_000],
    ['swagger-ui.css', 'text/css', 10_000],
    ['swagger-initializer.js', 'text/javascript', 50],
    ['favicon-32x32.png', 'image/png', 100],
  ] as const) {
    const asset = await h.request('GET', `/docs/${file}`);
    t.equal(asset.status, 200, file);
    t.match(asset.headers['content-type'], type);
    t.ok(Number(asset.headers['content-length']) > size, `${file} is the real file`);
  }
  t.match((await h.request('GET', '/docs/swagger-initializer.js')).text, "url: '/openapi.json'");
  t.equal((await h.request('GET', '/docs/package.json')).status, 404);
  t.equal((await h.request('GET', '/docs/..%2Fpackage.json')).status, 404);
});
