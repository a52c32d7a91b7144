import t, { type Test } from 'tap';

import { fakeStore } from './fixtures/fake-parts.js';
import { json, startHarness, type Reply } from './fixtures/http-harness.js';
import type { Health, ProblemBody } from './fixtures/api-bodies.js';

const building = {
  primaryPropertyType: 'Hotel',
  neighborhood: 'Downtown',
  yearBuilt: 1927,
  numberOfFloors: 12,
  propertyGfaTotal: 88434,
};

/** Every error answer is RFC 9457 problem+json with the same fields, and leaks nothing. */
function assertProblem(
  t: Test,
  reply: Reply,
  status: number,
  type: string,
  protocol = false,
): asserts reply is Reply<ProblemBody> {
  t.equal(reply.status, status, `status ${status}`);
  t.match(reply.headers['content-type'], /^application\/problem\+json/);
  const body = (reply.json ?? {}) as Partial<ProblemBody>;
  // Under /v2 (`protocol`) the Open Inference Protocol's `error` member is added (inference-protocol-rest.test.ts).
  t.same(Object.keys(body).sort(), [
    'detail',
    ...(protocol ? ['error'] : []),
    'errors',
    'instance',
    'status',
    'title',
    'type',
  ]);
  t.equal(body.status, status);
  t.equal(body.type, `/problems/${type}`);
  t.equal(body.instance, `urn:request:${String(reply.headers['x-request-id'])}`);
  t.notMatch(reply.text, /at .*\(|\/work\/|node_modules|\.ts:|\.js:/, 'no stack trace or file path');
  t.equal(reply.headers['x-content-type-options'], 'nosniff');
  t.equal(reply.headers['x-powered-by'], undefined);
}

t.test('the error statuses of the API, each as problem+json', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());

  t.test('400 for malformed JSON', async (t) => {
    const reply = await h.request('POST', '/v1/predict', {
      body: '{"yearBuilt": 19',
      headers: { 'content-type': 'application/json' },
    });
    assertProblem(t, reply, 400, 'malformed-json');
    t.same(reply.json.errors, [{ path: '', message: 'invalid JSON' }]);
  });

  t.test('400 for an empty body and for a bad query flag', async (t) => {
    assertProblem(
      t,
      await h.request('POST', '/v1/predict', { body: '', headers: { 'content-type': 'application/json' } }),
      400,
      'malformed-request',
    );
    const reply = await h.request('POST', '/v1/predict?explain=maybe', json(building));
    assertProblem(t, reply, 400, 'invalid-query');
    t.same(reply.json.errors, [{ path: 'explain', message: 'must be true or false' }]);
  });

  t.test('404 for an unknown route and an unknown model or version', async (t) => {
    assertProblem(t, await h.request('GET', '/nope'), 404, 'not-found');
    const model = await h.request<ProblemBody>('POST', '/v1/models/nope/predict', json(building));
    assertProblem(t, model, 404, 'model-not-found');
    t.match(model.json.detail, 'Known models: ghg-emissions, site-energy.');
    const version = await h.request<ProblemBody>('GET', '/v1/models/site-energy?version=9.9.9');
    assertProblem(t, version, 404, 'model-not-found');
    t.same(version.json.errors, [{ path: 'version', message: 'unknown version' }]);
  });

  t.test('405 with Allow for a method a route does not serve; OPTIONS lists them', async (t) => {
    const reply = await h.request('GET', '/v1/predict');
    assertProblem(t, reply, 405, 'method-not-allowed');
    t.equal(reply.headers['allow'], 'POST, OPTIONS');
    const del = await h.request('DELETE', '/v1/models');
    assertProblem(t, del, 405, 'method-not-allowed');
    t.equal(del.headers['allow'], 'HEAD, GET, OPTIONS');
    const options = await h.request('OPTIONS', '/v1/predict');
    t.equal(options.status, 204);
    t.equal(options.headers['allow'], 'POST, OPTIONS');
  });

  t.test('413 for a body over the limit', async (t) => {
    const big = JSON.stringify({ ...building, neighborhood: 'x'.repeat(h.deps.config.bodyLimit) });
    const reply = await h.request('POST', '/v1/predict', {
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    assertProblem(t, reply, 413, 'payload-too-large');
    t.match(reply.json.detail, String(h.deps.config.bodyLimit));
  });

  t.test('413 naming the limit for a batch over the batch limit', async (t) => {
    const limit = h.deps.config.batchLimit;
    const reply = await h.request(
      'POST',
      '/v1/predict/batch',
      json({ buildings: Array.from({ length: limit + 1 }, () => building) }),
    );
    assertProblem(t, reply, 413, 'batch-too-large');
    t.same(reply.json.errors, [{ path: 'buildings', message: `at most ${limit} buildings per request` }]);
  });

  t.test('415 for a wrong or missing content type', async (t) => {
    const reply = await h.request('POST', '/v1/predict', {
      body: JSON.stringify(building),
      headers: { 'content-type': 'text/plain' },
    });
    assertProblem(t, reply, 415, 'unsupported-media-type');
    t.match(reply.json.detail, 'accepts application/json; the request has Content-Type text/plain');
    assertProblem(
      t,
      await h.request('POST', '/v1/predict', { body: JSON.stringify(building) }),
      415,
      'unsupported-media-type',
    );
    assertProblem(
      t,
      await h.request('POST', '/v1/predict/batch', { body: 'a', headers: { 'content-type': 'application/xml' } }),
      415,
      'unsupported-media-type',
    );
  });

  t.test('422 listing every violation of an invalid building', async (t) => {
    const reply = await h.request(
      'POST',
      '/v1/predict',
      json({
        primaryPropertyType: 'Castle',
        yearBuilt: 1700,
        numberOfFloors: 1.5,
        propertyGfaTotal: 1000,
        colour: 'red',
      }),
    );
    assertProblem(t, reply, 422, 'invalid-building');
    t.same(reply.json.errors, [
      { path: 'neighborhood', message: 'is required' },
      { path: 'primaryPropertyType', message: 'must be a known string' },
      { path: 'yearBuilt', message: 'must be a valid integer' },
      { path: 'numberOfFloors', message: 'must be a valid integer' },
      { path: 'colour', message: 'unknown field' },
    ]);
    t.equal(reply.json.detail, 'The building has 5 invalid fields.');
    for (const body of ['[]', '"text"', '42', 'null']) {
      const scalar = await h.request('POST', '/v1/predict', { body, headers: { 'content-type': 'application/json' } });
      assertProblem(t, scalar, 422, 'invalid-building');
    }
  });

  t.test('422 for a batch body of the wrong shape', async (t) => {
    assertProblem(t, await h.request('POST', '/v1/predict/batch', json([building])), 422, 'invalid-body');
    const extra = await h.request<ProblemBody>('POST', '/v1/predict/batch', json({ buildings: [], model: 'x' }));
    assertProblem(t, extra, 422, 'invalid-body');
    t.same(extra.json.errors, [{ path: 'model', message: 'unknown field' }]);
  });
});

t.test('500 without internals, logged once with the error', async (t) => {
  const h = await startHarness({ store: fakeStore({ throwOnPredict: true }) });
  t.teardown(() => h.close());
  const reply = await h.request('POST', '/v1/predict', json(building));
  assertProblem(t, reply, 500, 'internal');
  t.equal(reply.json.detail, 'The server failed to answer this request; it has been logged.');
  t.notMatch(reply.text, /boom|secret/);
  const logged = h.logLines.filter((line) => line['msg'] === 'unexpected error');
  t.equal(logged.length, 1);
  t.equal(logged[0]?.['reqId'], reply.headers['x-request-id']);
  t.match((logged[0]?.['err'] as { message: string }).message, 'boom');
});

t.test('a store that fails while looking a model up is a 500, not an unknown model', async (t) => {
  const store = fakeStore();
  const h = await startHarness({
    store: {
      ...store,
      get: () => {
        throw new Error('boom reading the store');
      },
    },
  });
  t.teardown(() => h.close());
  const reply = await h.request('POST', '/v1/models/site-energy/predict', json(building));
  assertProblem(t, reply, 500, 'internal');
  t.notMatch(reply.text, /boom/);
});

t.test('503 while the models are not loaded', async (t) => {
  const h = await startHarness({ store: null });
  t.teardown(() => h.close());
  for (const [method, path] of [
    ['POST', '/v1/predict'],
    ['GET', '/v1/models'],
    ['GET', '/readyz'],
    ['GET', '/v2/health/ready'],
    ['POST', '/v2/models/site-energy/infer'],
  ] as const) {
    const reply = await h.request(method, path, method === 'POST' ? json(building) : {});
    assertProblem(t, reply, 503, 'not-ready', path.startsWith('/v2'));
    t.equal(reply.headers['retry-after'], '1', `${method} ${path} says when to retry`);
  }
  t.equal((await h.request('GET', '/livez')).status, 200, 'still live');
  const health = await h.request<Health>('GET', '/healthz');
  t.same(health.json, {
    status: 'degraded',
    live: true,
    ready: false,
    state: 'loading',
    models: [],
    uptimeSeconds: health.json.uptimeSeconds,
  });
  h.deps.registry.fail('BUNDLE_HASH_MISMATCH: /models/x');
  const failed = await h.request('GET', '/readyz');
  assertProblem(t, failed, 503, 'not-ready');
  t.notMatch(failed.text, /HASH|models\/x/, 'the reason stays in the logs');
});

t.test('request ids: a sane one is echoed, anything else replaced', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const echoed = await h.request('GET', '/livez', { headers: { 'x-request-id': 'abc-123.def:4@x' } });
  t.equal(echoed.headers['x-request-id'], 'abc-123.def:4@x');
  const insane = await h.request('GET', '/livez', { headers: { 'x-request-id': '<script>alert(1)</script>' } });
  t.match(insane.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  const long = await h.request('GET', '/livez', { headers: { 'x-request-id': 'a'.repeat(129) } });
  t.match(long.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  const generated = await h.request('GET', '/livez');
  t.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  const line = h.logLines.find((l) => l['reqId'] === 'abc-123.def:4@x');
  t.match(line, { msg: 'request', method: 'GET', path: '/livez', route: '/livez', status: 200 });
  t.type(line?.['ms'], 'number');
});

t.test('security headers and CORS', async (t) => {
  const closed = await startHarness();
  t.teardown(() => closed.close());
  const reply = await closed.request('GET', '/v1/models', { headers: { origin: 'https://evil.example' } });
  t.equal(reply.headers['access-control-allow-origin'], undefined, 'CORS closed by default');
  t.equal(reply.headers['x-content-type-options'], 'nosniff');
  t.equal(reply.headers['x-frame-options'], 'DENY');
  t.equal(
    reply.headers['content-security-policy'],
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  );
  t.equal(reply.headers['x-powered-by'], undefined);

  const open = await startHarness({ env: { CORS_ORIGINS: 'https://city.example' } });
  t.teardown(() => open.close());
  const allowed = await open.request('GET', '/v1/models', { headers: { origin: 'https://city.example' } });
  t.equal(allowed.headers['access-control-allow-origin'], 'https://city.example');
  t.equal(allowed.headers['access-control-expose-headers'], 'x-request-id');
  const other = await open.request('GET', '/v1/models', { headers: { origin: 'https://evil.example' } });
  t.equal(other.headers['access-control-allow-origin'], undefined);
  const preflight = await open.request('OPTIONS', '/v1/predict', {
    headers: {
      origin: 'https://city.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  t.equal(preflight.status, 204);
  t.equal(preflight.headers['access-control-allow-origin'], 'https://city.example');
  t.match(preflight.headers['access-control-allow-methods'], 'POST');
});

t.test('an empty path parameter is a 404 on its route, or 405 for other methods', async (t) => {
  const h = await startHarness();
  t.teardown(() => h.close());
  const post = await h.request<ProblemBody>('POST', '/v1/models//predict', json(building));
  assertProblem(t, post, 404, 'not-found');
  t.same(post.json.errors, [{ path: '', message: 'empty path parameter' }]);
  const del = await h.request('DELETE', '/v2/models//infer');
  assertProblem(t, del, 405, 'method-not-allowed', true);
  t.equal(del.headers['allow'], 'POST, OPTIONS');
  assertProblem(t, await h.request('GET', '/no//where'), 404, 'not-found');
  const trailing = await h.request<ProblemBody>('GET', '/v1/models/');
  assertProblem(t, trailing, 404, 'not-found');
  t.same(
    trailing.json.errors,
    [{ path: '', message: 'empty path parameter' }],
    'the model route with an empty name, not the list',
  );
});
