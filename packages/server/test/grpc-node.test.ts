// The Open Inference Protocol over gRPC, with a @grpc/grpc-js client, against the real bundles served by runServer
// (HTTP and gRPC from one registry): every RPC, typed and raw contents, the same validation and the same numbers as
// REST, the gRPC status of each problem, readiness while loading and draining, and a graceful stop.
import { status } from '@grpc/grpc-js';
import t from 'tap';

import { loadConfig } from '../src/config.js';
import type { ModelStoreView } from '../src/contract.js';
import { runServer } from '../src/run-server.js';
import { loadSchemaPackage } from '../src/schema-adapter.js';
import { failure, fromRaw, inferenceClient, rawBytes } from './fixtures/grpc-client.js';
import { inferOf, json, send } from './fixtures/http-harness.js';
import { goldenRows } from './fixtures/protocol-spec.js';
import { freePort, startServe, until, whenReady } from './fixtures/reliability-kit.js';

const schema = loadSchemaPackage();
const env = { HOST: '127.0.0.1', PORT: '0', GRPC_PORT: '0', LOG_LEVEL: 'silent', BATCH_LIMIT: '1000' };

async function serve(load: (dir: string) => Promise<ModelStoreView> = schema.loadModelStore, extra = {}) {
  const proc = await runServer(loadConfig({ ...env, ...extra }), schema, load);
  const port = proc.grpc?.port;
  if (port === undefined) throw new Error('GRPC_PORT=0 did not start gRPC');
  return {
    proc,
    client: inferenceClient(port),
    http: (m: string, p: string, b?: unknown) => send(proc.running.port, m, p, b === undefined ? {} : json(b)),
  };
}

const { proc, client, http } = await serve();
await proc.loaded;
t.teardown(async () => {
  client.close();
  await proc.stop();
});

const rows = goldenRows('site-energy');
const width = rows[0]?.encoded.length ?? 0;
const flat = rows.flatMap((r) => r.encoded.map((v) => (v === null ? Number.NaN : v)));
const restBody = (datatype: string, explain = false) => ({
  ...(explain ? { parameters: { explain: true } } : {}),
  inputs: [{ name: 'features', shape: [rows.length, width], datatype, data: rows.map((r) => r.encoded) }],
});
const grpcRequest = (datatype: 'FP32' | 'FP64', options: { raw?: boolean; explain?: boolean } = {}) => ({
  model_name: 'site-energy',
  id: 'g1',
  ...(options.explain ? { parameters: { explain: { bool_param: true } } } : {}),
  inputs: [
    {
      name: 'features',
      datatype,
      shape: [rows.length, width],
      ...(options.raw ? {} : { contents: datatype === 'FP32' ? { fp32_contents: flat } : { fp64_contents: flat } }),
    },
  ],
  ...(options.raw ? { raw_input_contents: [rawBytes(flat, datatype)] } : {}),
});

interface InferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: { name: string; datatype: string; shape: number[]; contents?: { fp64_contents: number[] } }[];
  raw_output_contents: Buffer[];
}

t.test('health, server and model metadata', async (t) => {
  t.same(await client.call('ServerLive'), { live: true });
  t.same(await client.call('ServerReady'), { ready: true });
  t.same(await client.call('ServerMetadata'), { name: 'seattle-energy', version: '1.0.0', extensions: ['explain'] });
  t.same(await client.call('ModelReady', { name: 'site-energy' }), { ready: true });
  t.same(await client.call('ModelReady', { name: 'site-energy', version: '1.0.0' }), { ready: true });
  t.equal((await failure(client.call('ModelReady', { name: 'nope' }))).code, status.NOT_FOUND);
  const rest = (await http('GET', '/v2/models/ghg-emissions')).json as Record<string, unknown>;
  const metadata = await client.call('ModelMetadata', { name: 'ghg-emissions' });
  t.same(metadata, {
    name: rest['name'],
    versions: rest['versions'],
    platform: rest['platform'],
    inputs: rest['inputs'],
    outputs: rest['outputs'],
    properties: {
      target: 'TotalGHGEmissions',
      unit: 'metric tons CO2e',
      feature_names: JSON.stringify((rest['parameters'] as { feature_names: string[] }).feature_names),
    },
  });
  const unknown = await failure(client.call('ModelMetadata', { name: 'site-energy', version: '9.9.9' }));
  t.equal(unknown.code, status.NOT_FOUND);
  t.match(unknown.details, 'There is no version "9.9.9" of model "site-energy"');
});

t.test('ModelInfer: typed and raw contents give exactly the REST numbers', async (t) => {
  for (const datatype of ['FP64', 'FP32'] as const) {
    const rest = inferOf(await http('POST', '/v2/models/site-energy/infer', restBody(datatype)));
    t.equal(rest.outputs[0]?.data.length, rows.length);
    const typed = await client.call<InferResponse>('ModelInfer', grpcRequest(datatype));
    t.same(
      { ...typed, outputs: typed.outputs.map((o) => ({ ...o, contents: undefined })) },
      {
        model_name: 'site-energy',
        model_version: '1.0.0',
        id: 'g1',
        parameters: {},
        outputs: [{ name: 'predict', datatype: 'FP64', shape: [rows.length], parameters: {}, contents: undefined }],
        raw_output_contents: [],
      },
    );
    t.same(typed.outputs[0]?.contents?.fp64_contents, rest.outputs[0]?.data, `${datatype} typed = REST`);
    const raw = await client.call<InferResponse>('ModelInfer', grpcRequest(datatype, { raw: true }));
    t.equal(raw.outputs[0]?.contents, undefined, 'a raw request gets raw outputs');
    t.same(fromRaw(raw.raw_output_contents[0] ?? Buffer.alloc(0)), rest.outputs[0]?.data, `${datatype} raw = REST`);
  }
  const typed = await client.call<InferResponse>('ModelInfer', grpcRequest('FP64'));
  t.same(
    typed.outputs[0]?.contents?.fp64_contents,
    rows.map((r) => Math.exp(r.margin)),
    'FP64 golden rows = exp(XGBoost margin)',
  );
});

t.test('the explain extension: the same contributions as REST', async (t) => {
  const rest = inferOf(await http('POST', '/v2/models/site-energy/infer', restBody('FP64', true)));
  const typed = await client.call<InferResponse>('ModelInfer', grpcRequest('FP64', { explain: true }));
  t.same(
    typed.outputs.map((o) => [o.name, o.shape]),
    [
      ['predict', [rows.length]],
      ['contributions', [rows.length, width + 1]],
    ],
  );
  t.same(typed.outputs[1]?.contents?.fp64_contents, rest.outputs[1]?.data, 'typed contributions = REST');
  const raw = await client.call<InferResponse>('ModelInfer', grpcRequest('FP64', { raw: true, explain: true }));
  t.same(fromRaw(raw.raw_output_contents[1] ?? Buffer.alloc(0)), rest.outputs[1]?.data, 'raw contributions = REST');
  const only = await client.call<InferResponse>('ModelInfer', {
    ...grpcRequest('FP64', { explain: true }),
    outputs: [{ name: 'contributions' }],
  });
  t.same(
    only.outputs.map((o) => o.name),
    ['contributions'],
  );
});

t.test('the same validation as REST, with the gRPC status of each problem', async (t) => {
  const one = {
    name: 'features',
    datatype: 'FP64',
    shape: [1, width],
    contents: { fp64_contents: flat.slice(0, width) },
  };
  const call = (request: object) => failure(client.call('ModelInfer', { model_name: 'site-energy', ...request }));
  const cases: [string, object, number, string][] = [
    ['unknown input', { inputs: [{ ...one, name: 'input-0' }] }, status.INVALID_ARGUMENT, 'unknown input "input-0"'],
    ['unknown output', { inputs: [one], outputs: [{ name: 'output0' }] }, status.INVALID_ARGUMENT, 'unknown output'],
    [
      'contributions without explain',
      { inputs: [one], outputs: [{ name: 'contributions' }] },
      status.INVALID_ARGUMENT,
      'set parameters.explain to true',
    ],
    [
      'explain not a boolean',
      { inputs: [one], parameters: { explain: { string_param: 'yes' } } },
      status.INVALID_ARGUMENT,
      'parameters/explain: must be a boolean',
    ],
    ['another datatype', { inputs: [{ ...one, datatype: 'INT64' }] }, status.INVALID_ARGUMENT, 'not INT64'],
    [
      'contents in the wrong field',
      { inputs: [{ ...one, contents: { fp32_contents: flat.slice(0, width) } }] },
      status.INVALID_ARGUMENT,
      'FP64 data go in fp64_contents',
    ],
    [
      'shape not the features',
      { inputs: [{ ...one, shape: [1, width + 1] }] },
      status.INVALID_ARGUMENT,
      `the model's ${width} features`,
    ],
    [
      'too few values',
      { inputs: [{ ...one, shape: [2, width] }] },
      status.INVALID_ARGUMENT,
      `must hold rows x features = ${2 * width} values (had ${width})`,
    ],
    [
      'raw bytes short',
      { inputs: [{ ...one, contents: undefined }], raw_input_contents: [Buffer.alloc(8)] },
      status.INVALID_ARGUMENT,
      'bytes (had 8)',
    ],
    [
      'raw and typed',
      { inputs: [one], raw_input_contents: [rawBytes(flat.slice(0, width), 'FP64')] },
      status.INVALID_ARGUMENT,
      'must be empty when raw_input_contents is used',
    ],
    [
      'infinite value',
      { inputs: [{ ...one, contents: { fp64_contents: [Infinity, ...flat.slice(1, width)] } }] },
      status.INVALID_ARGUMENT,
      'is infinite',
    ],
    ['no input', { inputs: [] }, status.INVALID_ARGUMENT, 'must hold the input tensor "features"'],
    [
      'over the batch limit',
      { inputs: [{ ...one, shape: [1001, width] }] },
      status.RESOURCE_EXHAUSTED,
      'the limit is 1000',
    ],
    ['unknown model', { model_name: 'nope', inputs: [one] }, status.NOT_FOUND, 'There is no model "nope"'],
  ];
  for (const [what, request, code, message] of cases) {
    const result = await call(request);
    t.equal(result.code, code, `${what}: ${status[code]}`);
    t.match(result.details, message, `${what}: the details say why`);
  }
  const big = await call({
    inputs: [{ ...one, shape: [1000, width], contents: { fp64_contents: Array(1000 * width * 4).fill(1) } }],
  });
  t.equal(big.code, status.RESOURCE_EXHAUSTED, 'a message over BODY_LIMIT is refused by gRPC itself');
  t.ok(await client.call('ModelInfer', { model_name: 'site-energy', inputs: [one] }), 'and the server still serves');
});

t.test('readiness: UNAVAILABLE while the models load; not ready while draining', async (t) => {
  let release: (store: ModelStoreView) => void = () => {};
  const loading = await serve(() => new Promise<ModelStoreView>((resolve) => (release = resolve)));
  t.same(await loading.client.call('ServerLive'), { live: true });
  t.same(await loading.client.call('ServerReady'), { ready: false });
  t.same(await loading.client.call('ModelReady', { name: 'site-energy' }), { ready: false });
  t.equal((await failure(loading.client.call('ModelMetadata', { name: 'site-energy' }))).code, status.UNAVAILABLE);
  const refused = await failure(loading.client.call('ModelInfer', grpcRequest('FP64')));
  t.same(
    [refused.code, refused.details],
    [status.UNAVAILABLE, 'The models are not loaded and verified yet; retry shortly.'],
  );
  release(await schema.loadModelStore(loadConfig(env).modelsDir));
  await loading.proc.loaded;
  t.same(await loading.client.call('ServerReady'), { ready: true });
  loading.proc.registry.drain();
  t.same(await loading.client.call('ServerReady'), { ready: false }, 'draining: not ready');
  t.same(await loading.client.call('ModelReady', { name: 'site-energy' }), { ready: false });
  t.ok(await loading.client.call('ModelInfer', grpcRequest('FP64')), 'calls still answered while draining');
  loading.client.close();
  await loading.proc.stop();
});

t.test('graceful stop: calls in flight are answered, new ones refused', async (t) => {
  const stopping = await serve();
  await stopping.proc.loaded;
  const expected = (await stopping.client.call<InferResponse>('ModelInfer', grpcRequest('FP64', { explain: true })))
    .outputs;
  const inFlight = Array.from({ length: 6 }, () =>
    stopping.client.call<InferResponse>('ModelInfer', grpcRequest('FP64', { explain: true })),
  );
  await inFlight[0];
  const stopped = stopping.proc.stop();
  const answers = await Promise.all(inFlight);
  t.ok(
    answers.every((a) => JSON.stringify(a.outputs) === JSON.stringify(expected)),
    'every call in flight answered in full',
  );
  await stopped;
  const after = await failure(stopping.client.call('ServerLive'));
  t.equal(after.code, status.UNAVAILABLE, 'a stopped server refuses new calls');
  stopping.client.close();
});

t.test('serve.js: GRPC_PORT starts gRPC beside HTTP; SIGTERM stops both and exits 0', async (t) => {
  const grpcPort = await freePort();
  const served = await startServe({ WORKERS: '1', LOG_LEVEL: 'info', GRPC_PORT: String(grpcPort) });
  t.teardown(() => void served.child.kill('SIGKILL'));
  await whenReady(served.port);
  await until(() => served.lines.some((l) => l['msg'] === 'grpc listening'), 'grpc listening log');
  t.equal(served.lines.find((l) => l['msg'] === 'grpc listening')?.['port'], grpcPort);
  const remote = inferenceClient(grpcPort);
  t.same(await remote.call('ServerReady'), { ready: true });
  await until(() => served.lines.some((l) => l['msg'] === 'grpc call' && l['rpc'] === 'ServerReady'), 'call log');
  t.match(
    served.lines.find((l) => l['msg'] === 'grpc call'),
    { rpc: 'ServerReady', code: 0 },
  );
  served.child.kill('SIGTERM');
  t.same(await served.exited, { code: 0, signal: null }, 'exit 0');
  t.equal((await failure(remote.call('ServerLive'))).code, status.UNAVAILABLE, 'gRPC closed');
  remote.close();

  const off = await startServe({ WORKERS: '1', GRPC_PORT: 'x' });
  t.same(await off.exited, { code: 2, signal: null });
  t.match(off.stderr(), 'serve: GRPC_PORT must be a whole number, got "x"');
  t.equal(loadConfig({}).grpcPort, undefined, 'no GRPC_PORT, no gRPC');
});

t.test('serve.js with two cluster workers: both serve gRPC on the one port', async (t) => {
  const grpcPort = await freePort();
  const served = await startServe({ WORKERS: '2', LOG_LEVEL: 'info', GRPC_PORT: String(grpcPort) });
  t.teardown(() => void served.child.kill('SIGKILL'));
  await until(() => served.lines.filter((l) => l['msg'] === 'grpc listening').length === 2, 'two workers listening');
  for (let i = 0; i < 8; i++) {
    const remote = inferenceClient(grpcPort); // a new connection each time, for the primary to hand out
    t.same(await remote.call('ServerReady'), { ready: true });
    remote.close();
  }
  await until(() => served.lines.filter((l) => l['msg'] === 'grpc call').length === 8, 'eight call logs');
  const pids = new Set(served.lines.filter((l) => l['msg'] === 'grpc call').map((l) => l['pid'] as number));
  t.equal(pids.size, 2, 'calls answered by both workers');
  served.child.kill('SIGTERM');
  t.same(await served.exited, { code: 0, signal: null }, 'the primary and its workers exit 0');
});
