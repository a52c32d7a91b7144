// The Open Inference Protocol over gRPC from another stack: Debian's python3-grpcio, with stubs generated at test
// time by python3-grpc-tools from the vendored protos: the protocol's own (the one served) and KServe's
// grpc_predict_v2.proto, which KServe's Python clients use. Both must get exactly the REST numbers.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import t from 'tap';

import { loadConfig, packageDir } from '../src/config.js';
import { runServer } from '../src/run-server.js';
import { loadSchemaPackage } from '../src/schema-adapter.js';
import { inferOf, json, send } from './fixtures/http-harness.js';
import { goldenRows, protocolDir } from './fixtures/protocol-spec.js';

const PYTHON = '/usr/bin/python3';
const schema = loadSchemaPackage();
const proc = await runServer(
  loadConfig({ HOST: '127.0.0.1', PORT: '0', GRPC_PORT: '0', LOG_LEVEL: 'silent' }),
  schema,
  schema.loadModelStore,
);
await proc.loaded;
const stubs = mkdtempSync(join(tmpdir(), 'oip-python-'));
t.teardown(async () => {
  rmSync(stubs, { recursive: true, force: true });
  await proc.stop();
});

/** Runs /usr/bin/python3 with `input` on stdin; resolves with its stdout, rejects with its stderr. */
function python(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, args, { encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin?.end(input);
  });
}

const rows = goldenRows('site-energy').map((r) => r.encoded);
const rest = async (datatype: string, explain = false) =>
  inferOf(
    await send(
      proc.running.port,
      'POST',
      '/v2/models/site-energy/infer',
      json({
        ...(explain ? { parameters: { explain: true } } : {}),
        inputs: [{ name: 'features', shape: [rows.length, rows[0]?.length], datatype, data: rows }],
      }),
    ),
  ).outputs;

for (const proto of ['open_inference_grpc', 'grpc_predict_v2']) {
  t.test(`a Python client with stubs from ${proto}.proto`, async (t) => {
    execFileSync(PYTHON, [
      '-m',
      'grpc_tools.protoc',
      `-I${protocolDir}`,
      `--python_out=${stubs}`,
      `--grpc_python_out=${stubs}`,
      `${proto}.proto`,
    ]);
    // Asynchronously: the server answering the client runs in this very process.
    const output = await python(
      [join(packageDir, 'test', 'fixtures', 'grpc-python-client.py'), stubs, proto, String(proc.grpc?.port)],
      JSON.stringify(rows),
    );
    const got = JSON.parse(output) as Record<string, unknown>;
    const fp64 = await rest('FP64');
    const fp32 = await rest('FP32');
    const explained = await rest('FP64', true);
    const metadata = (await send(proc.running.port, 'GET', '/v2/models/site-energy')).json as Record<string, unknown>;
    t.same(got, {
      live: true,
      ready: true,
      server: { name: 'seattle-energy', version: '1.0.0', extensions: ['explain'] },
      model_ready: true,
      model: {
        name: 'site-energy',
        versions: metadata['versions'],
        platform: metadata['platform'],
        inputs: metadata['inputs'],
        outputs: metadata['outputs'],
      },
      id: 'py-1',
      model_version: '1.0.0',
      fp64: { predict: fp64[0]?.data },
      fp32: { predict: fp32[0]?.data },
      fp64_raw: { predict: fp64[0]?.data },
      fp32_raw: { predict: fp32[0]?.data },
      explain: { predict: explained[0]?.data, contributions: explained[1]?.data },
      explain_shapes: [explained[0]?.shape, explained[1]?.shape],
      unknown_input: 'INVALID_ARGUMENT',
      unknown_model: 'NOT_FOUND',
      int64: 'INVALID_ARGUMENT',
      ...(proto === 'grpc_predict_v2' ? { repository_load: 'UNIMPLEMENTED' } : {}),
    });
    t.same(
      (got['fp64'] as { predict: number[] }).predict,
      goldenRows('site-energy').map((r) => Math.exp(r.margin)),
      'FP64 = exp(XGBoost margin) for every golden row',
    );
  });
}
