// Conformance with the Open Inference Protocol's REST specification, on the real bundles: every endpoint of the
// vendored open_inference_rest.yaml (and the unversioned form of each versioned path, which inference_rest.md
// lists as optional), each answer validated against the specification's own schemas, errors included.
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv } from 'ajv';
import t, { type Test } from 'tap';

import { loadSchemaPackage } from '../src/schema-adapter.js';
import { defaultModelsDir } from '../src/config.js';
import { inferOf, json, startHarness, type Reply } from './fixtures/http-harness.js';
import { goldenRows, readRestSpec, type SpecOperation } from './fixtures/protocol-spec.js';

const spec = readRestSpec();
const schema = loadSchemaPackage();
const store = await schema.loadModelStore(defaultModelsDir);
const h = await startHarness({ store, schema });
t.teardown(() => h.close());

const ajv = new Ajv({ strict: false, allErrors: true });
const SPEC_ID = 'https://spec.test/open_inference_rest.yaml';
ajv.addSchema({ $id: SPEC_ID, components: spec.components });
const specSchema = (name: string) => {
  const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${name}`);
  if (validate === undefined) throw new Error(`the specification has no schema ${name}`);
  return validate;
};
const refName = (ref: string) => ref.replace('#/components/schemas/', '');

function conforms(t: Test, reply: Reply, schemaName: string, what: string) {
  const validate = specSchema(schemaName);
  t.ok(validate(reply.json), `${what}: ${reply.status} body is a valid ${schemaName}`, { errors: validate.errors });
}

// Rows every feature of which is known: the specification's tensor data has no null.
const row = goldenRows('site-energy').find((r) => !r.encoded.includes(null));
if (row === undefined) throw new Error('no complete golden row');
const request = {
  id: 'conformance-1',
  parameters: { explain: true },
  inputs: [{ name: 'features', shape: [1, row.encoded.length], datatype: 'FP64', data: row.encoded }],
  outputs: [{ name: 'predict' }, { name: 'contributions' }],
};
const badRequest = { inputs: [{ name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] }] };

t.test('the vendored specification is a valid OpenAPI 3.0 document', async (t) => {
  const result = await new Validator().validate(structuredClone(spec));
  t.same(result.errors ?? [], []);
  t.equal(result.valid, true);
  t.ok(specSchema('inference_request')(request), 'the request this test sends is a valid inference_request');
  t.ok(specSchema('inference_request')(badRequest), 'so is the invalid one (the model refuses it, not the schema)');
});

t.test('every endpoint of the specification, versioned and unversioned', async (t) => {
  const walked: string[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const [method, value] of Object.entries(item)) {
      if (method === 'parameters') continue;
      const operation = value as SpecOperation;
      const concrete = template.replace('${MODEL_NAME}', 'site-energy').replace('${MODEL_VERSION}', '1.0.0');
      const paths = [concrete, ...(concrete.includes('/versions/') ? [concrete.replace('/versions/1.0.0', '')] : [])];
      for (const path of paths) {
        walked.push(`${method.toUpperCase()} ${path}`);
        const reply = method === 'post' ? await h.request('POST', path, json(request)) : await h.request('GET', path);
        t.equal(reply.status, 200, `${method} ${path} answers 200`);
        const ok = operation.responses['200']?.content?.['application/json']?.schema;
        if (ok) conforms(t, reply, refName(ok.$ref), `${method} ${path}`);
        else t.match(reply.headers['content-type'], /^application\/json/, `${method} ${path}: a JSON body`);

        if (method === 'post') {
          t.same(
            inferOf(reply).outputs.map((o: { name: string }) => o.name),
            ['predict', 'contributions'],
          );
          t.equal(inferOf(reply).id, 'conformance-1', 'the id is returned');
          t.equal(inferOf(reply).outputs[0]?.data[0], Math.exp(row.margin), 'predict = exp(XGBoost margin)');
          const bad = await h.request('POST', path, json(badRequest));
          t.equal(bad.status, 400, `${path}: an input the model does not have is a 400`);
          const error = operation.responses['400']?.content?.['application/json']?.schema;
          t.ok(error, 'the specification documents the 400');
          if (error) conforms(t, bad, refName(error.$ref), `${method} ${path} refused`);
        }
        if (path.includes('site-energy')) {
          // Every model endpoint's error: an unknown model, with the error object the specification defines.
          const other = path.replace('site-energy', 'nope');
          const unknown =
            method === 'post' ? await h.request('POST', other, json(request)) : await h.request('GET', other);
          t.equal(unknown.status, 404, `${path} for an unknown model is a 404`);
          conforms(
            t,
            unknown,
            method === 'post' ? 'inference_error_response' : 'metadata_model_error_response',
            `${method} ${path} unknown model`,
          );
        }
      }
    }
  }
  t.same(walked.sort(), [
    'GET /v2/',
    'GET /v2/health/live',
    'GET /v2/health/ready',
    'GET /v2/models/site-energy',
    'GET /v2/models/site-energy/ready',
    'GET /v2/models/site-energy/versions/1.0.0',
    'GET /v2/models/site-energy/versions/1.0.0/ready',
    'POST /v2/models/site-energy/infer',
    'POST /v2/models/site-energy/versions/1.0.0/infer',
  ]);
});

t.test('the bodies inference_rest.md defines without a schema in the OpenAPI document', async (t) => {
  t.same((await h.request('GET', '/v2/health/live')).json, { live: true }, '$live_server_response');
  // The document writes $ready_server_response with a "live" member, a slip: servers (KServe, Triton) say "ready".
  t.same((await h.request('GET', '/v2/health/ready')).json, { ready: true }, '$ready_server_response');
  t.same((await h.request('GET', '/v2/models/site-energy/ready')).json, { name: 'site-energy', ready: true });
  const metadata = (await h.request('GET', '/v2')).json as { extensions: string[] };
  t.ok(metadata.extensions.includes('explain'), 'the server metadata lists the explain extension');
});

t.test('a server that is not ready answers the error objects too', async (t) => {
  const loading = await startHarness({ store: null, schema });
  t.teardown(() => loading.close());
  for (const path of ['/v2/health/ready', '/v2/models/site-energy', '/v2/models/site-energy/versions/1.0.0/ready']) {
    const reply = await loading.request('GET', path);
    t.equal(reply.status, 503, path);
    conforms(t, reply, 'metadata_model_error_response', `GET ${path} while loading`);
  }
  const infer = await loading.request('POST', '/v2/models/site-energy/infer', json(request));
  conforms(t, infer, 'inference_error_response', 'POST infer while loading');
  conforms(t, await loading.request('GET', '/v2/'), 'metadata_server_response', 'GET /v2/ while loading');
});
