// The Open Inference Protocol over REST against the tiny fake store (value = sum of the features, a missing one
// counting 100): every route, versioned and unversioned, the `error` member of every /v2 error, and the request
// rules (inputs, outputs, datatypes, shapes, parameters, the explain extension).
import t, { type Test } from 'tap';

import { inferOf, json, problemOf, startHarness, type Reply } from './fixtures/http-harness.js';

const h = await startHarness();
t.teardown(() => h.close());

const infer = (body: unknown, path = '/v2/models/site-energy/infer') => h.request('POST', path, json(body));
const features = (data: unknown, shape: unknown = [1, 3], datatype = 'FP64') => ({
  inputs: [{ name: 'features', shape, datatype, data }],
});

/** A /v2 error: the status, a problem+json body that carries the protocol's `error` (the detail). */
function protocolError(t: Test, reply: Reply, status: number, type: string) {
  t.equal(reply.status, status, `status ${status}`);
  t.match(reply.headers['content-type'], /^application\/problem\+json/);
  t.equal(problemOf(reply).type, `/problems/${type}`);
  t.equal(typeof problemOf(reply).error, 'string');
  t.equal(problemOf(reply).error, problemOf(reply).detail, 'error is the detail');
}

t.test('health, server metadata, model metadata and readiness, versioned and not', async (t) => {
  t.same((await h.request('GET', '/v2/health/live')).json, { live: true });
  t.same((await h.request('GET', '/v2/health/ready')).json, { ready: true });
  const server = { name: 'seattle-energy', version: '1.0.0', extensions: ['explain'] };
  t.same((await h.request('GET', '/v2')).json, server);
  t.same((await h.request('GET', '/v2/')).json, server);
  const meta = {
    name: 'site-energy',
    versions: ['1.0.0', '0.9.0'],
    platform: 'seattle-energy-tree-ensemble',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 3] }],
    outputs: [{ name: 'predict', datatype: 'FP64', shape: [-1] }],
    parameters: { feature_names: ['log_gfa', 'year', 'floors'], target: 'SiteEnergyUse(kBtu)', unit: 'kBtu' },
  };
  t.same((await h.request('GET', '/v2/models/site-energy')).json, meta);
  t.same((await h.request('GET', '/v2/models/site-energy/versions/0.9.0')).json, meta);
  t.same((await h.request('GET', '/v2/models/site-energy/ready')).json, { name: 'site-energy', ready: true });
  t.same((await h.request('GET', '/v2/models/site-energy/versions/0.9.0/ready')).json, {
    name: 'site-energy',
    ready: true,
  });
  protocolError(t, await h.request('GET', '/v2/models/nope'), 404, 'model-not-found');
  protocolError(t, await h.request('GET', '/v2/models/nope/ready'), 404, 'model-not-found');
  protocolError(t, await h.request('GET', '/v2/models/site-energy/versions/7.0.0'), 404, 'model-not-found');
  protocolError(t, await h.request('GET', '/v2/models/site-energy/versions/7.0.0/ready'), 404, 'model-not-found');
  protocolError(t, await h.request('GET', '/v2/nothing'), 404, 'not-found');
  protocolError(t, await h.request('DELETE', '/v2/models/site-energy'), 405, 'method-not-allowed');
  t.equal(problemOf(await h.request('GET', '/v1/models/nope')).error, undefined, '/v1 problems are unchanged');
});

t.test('inference: flat and nested data, FP32 and FP64, id, versions', async (t) => {
  const reply = await infer({
    id: 'r1',
    ...features(
      [
        [1, 2, 3],
        [0.1, 0.2, null],
      ],
      [2, 3],
    ),
  });
  t.same(reply.json, {
    model_name: 'site-energy',
    model_version: '1.0.0',
    id: 'r1',
    outputs: [{ name: 'predict', datatype: 'FP64', shape: [2], data: [6, 0.1 + 0.2 + 100] }],
  });
  const flat = await infer(features([1, 2, 3, 0.1, 0.2, null], [2, 3]));
  t.same(inferOf(flat).outputs[0]?.data, [6, 0.1 + 0.2 + 100], 'flat data reads like nested');
  t.equal(inferOf(flat).id, undefined, 'no id when none was sent');
  const fp32 = await infer(features([0.1, 0.2, 0.3], [3], 'FP32'));
  t.same(inferOf(fp32).outputs[0]?.data, [Math.fround(0.1) + Math.fround(0.2) + Math.fround(0.3)], 'FP32 is float32');
  const old = await infer(features([1, 1, 1]), '/v2/models/site-energy/versions/0.9.0/infer');
  t.same([inferOf(old).model_version, inferOf(old).outputs[0]?.data], ['0.9.0', [3]]);
  const query = await infer(features([1, 1, 1]), '/v2/models/site-energy/infer?version=0.9.0');
  t.equal(inferOf(query).model_version, '0.9.0', '?version= still works on the unversioned path');
  const none = await infer(features([], [0, 3]));
  t.same(inferOf(none).outputs, [{ name: 'predict', datatype: 'FP64', shape: [0], data: [] }], 'zero rows');
  protocolError(
    t,
    await infer(features([1, 1, 1]), '/v2/models/site-energy/versions/7.0.0/infer'),
    404,
    'model-not-found',
  );
});

t.test('the explain extension: contributions [rows, features + 1], bias last', async (t) => {
  const body = {
    parameters: { explain: true },
    ...features(
      [
        [1, 2, 3],
        [4, null, 6],
      ],
      [2, 3],
    ),
  };
  const reply = await infer(body);
  t.same(inferOf(reply).outputs, [
    { name: 'predict', datatype: 'FP64', shape: [2], data: [6, 110] },
    { name: 'contributions', datatype: 'FP64', shape: [2, 4], data: [1, 2, 3, 0.5, 4, 100, 6, 0.5] },
  ]);
  const only = await infer({ ...body, outputs: [{ name: 'contributions' }] });
  t.same(
    inferOf(only).outputs.map((o: { name: string }) => o.name),
    ['contributions'],
    'the requested outputs only',
  );
  const ordered = await infer({ ...body, outputs: [{ name: 'contributions' }, { name: 'predict' }] });
  t.same(
    inferOf(ordered).outputs.map((o: { name: string }) => o.name),
    ['contributions', 'predict'],
    'in the order asked',
  );
  const off = await infer({ parameters: { explain: false, other: 'kept' }, ...features([1, 2, 3]) });
  t.same(
    inferOf(off).outputs.map((o: { name: string }) => o.name),
    ['predict'],
    'explain false; unknown parameters pass',
  );
});

t.test('every invalid request is a 400 listing each problem', async (t) => {
  const paths = (reply: Reply) => problemOf(reply).errors.map((e: { path: string }) => e.path);
  const unknownInput = await infer({ inputs: [{ name: 'input-0', shape: [1, 3], datatype: 'FP64', data: [1, 2, 3] }] });
  protocolError(t, unknownInput, 400, 'invalid-tensor');
  t.same(problemOf(unknownInput).errors, [
    { path: 'inputs/0/name', message: 'unknown input "input-0"; the model\'s only input is "features"' },
  ]);
  const extraInput = await infer({
    inputs: [...features([1, 2, 3]).inputs, { name: 'extra', shape: [1], datatype: 'FP64', data: [1] }],
  });
  t.same(paths(extraInput), ['inputs/1/name'], 'an unknown second input is refused too');
  const twice = await infer({ inputs: [...features([1, 2, 3]).inputs, ...features([1, 2, 3]).inputs] });
  t.same(problemOf(twice).errors, [{ path: 'inputs/1/name', message: 'input "features" is given twice' }]);
  const unknownOutput = await infer({ ...features([1, 2, 3]), outputs: [{ name: 'output0' }] });
  protocolError(t, unknownOutput, 400, 'invalid-tensor');
  t.same(paths(unknownOutput), ['outputs/0/name']);
  const noExplain = await infer({ ...features([1, 2, 3]), outputs: [{ name: 'contributions' }] });
  t.match(problemOf(noExplain).errors[0]?.message, /set parameters.explain to true/);
  const repeated = await infer({ ...features([1, 2, 3]), outputs: [{ name: 'predict' }, { name: 'predict' }] });
  t.same(paths(repeated), ['outputs/1/name']);
  const bad = await infer({
    id: 7,
    parameters: { explain: 'yes', nested: { a: 1 } },
    inputs: [{ name: 'features', shape: [1, 3], datatype: 'INT8', data: [1, 2, 3] }],
  });
  t.same(paths(bad), ['id', 'parameters/nested', 'parameters/explain', 'inputs/0/datatype']);
  t.match(problemOf(bad).errors[3]?.message, 'not INT8');
  const notADatatype = await infer(features([1, 2, 3], [1, 3], 'FLOAT'));
  t.match(problemOf(notADatatype).errors[0]?.message, 'is not a datatype of the protocol');
  const shape = await infer(features([1, 2, 3, 4], [1, 4]));
  t.same(problemOf(shape).errors, [
    { path: 'inputs/0/shape', message: "the last dimension must be the model's 3 features (was 4)" },
  ]);
  t.same(paths(await infer(features([1, 2, 3], [1, 1, 3]))), ['inputs/0/shape'], 'three dimensions');
  t.same(paths(await infer(features([1, 2, 3], [-1, 3]))), ['inputs/0/shape'], 'a negative dimension');
  const short = await infer(features([1, 2, 3], [2, 3]));
  t.same(problemOf(short).errors, [{ path: 'inputs/0/data', message: 'flat data must hold 6 elements (had 3)' }]);
  const ragged = await infer(
    features(
      [
        [1, 2, 3],
        [4, 5],
      ],
      [2, 3],
    ),
  );
  t.match(problemOf(ragged).errors[0]?.message, 'nested data must follow the shape [2, 3]');
  const strings = await infer(features([1, 'x', true]));
  t.same(problemOf(strings).errors, [
    { path: 'inputs/0/data', message: 'every element must be a number, or null for a missing feature' },
  ]);
  const huge = await h.request('POST', '/v2/models/site-energy/infer', {
    body: '{"inputs":[{"name":"features","shape":[1,3],"datatype":"FP64","data":[1e999,1,1]}]}',
    headers: { 'content-type': 'application/json' },
  });
  t.match(problemOf(huge).errors[0]?.message, 'is infinite');
  const fp32Range = await infer(features([1e39, 1, 1], [1, 3], 'FP32'));
  t.match(problemOf(fp32Range).errors[0]?.message, 'outside the FP32 range');
  t.same(paths(await infer({ inputs: [] })), ['inputs']);
  t.same(paths(await infer([1, 2])), ['']);
  const tooMany = await infer(features([], [100000, 3]));
  protocolError(t, tooMany, 413, 'batch-too-large');
  protocolError(
    t,
    await h.request('POST', '/v2/models/site-energy/infer', {
      body: '{',
      headers: { 'content-type': 'application/json' },
    }),
    400,
    'malformed-json',
  );
  protocolError(
    t,
    await h.request('POST', '/v2/models/site-energy/infer', { body: '{}', headers: { 'content-type': 'text/plain' } }),
    415,
    'unsupported-media-type',
  );
});

t.test('readiness gates the protocol: 503 with error while loading and while draining', async (t) => {
  const loading = await startHarness({ store: null });
  t.teardown(() => loading.close());
  t.same((await loading.request('GET', '/v2/health/live')).json, { live: true });
  t.same((await loading.request('GET', '/v2')).status, 200, 'server metadata needs no model');
  for (const path of ['/v2/health/ready', '/v2/models/site-energy', '/v2/models/site-energy/ready']) {
    const reply = await loading.request('GET', path);
    protocolError(t, reply, 503, 'not-ready');
    t.equal(reply.headers['retry-after'], '1');
  }
  protocolError(
    t,
    await loading.request('POST', '/v2/models/site-energy/infer', json(features([1, 2, 3]))),
    503,
    'not-ready',
  );

  const draining = await startHarness();
  t.teardown(() => draining.close());
  draining.deps.registry.drain();
  protocolError(t, await draining.request('GET', '/v2/health/ready'), 503, 'not-ready');
  protocolError(t, await draining.request('GET', '/v2/models/site-energy/ready'), 503, 'not-ready');
  const inFlight = await draining.request('POST', '/v2/models/site-energy/infer', json(features([1, 2, 3])));
  t.equal(inFlight.status, 200, 'a draining server still answers inference (requests in flight finish)');
});
