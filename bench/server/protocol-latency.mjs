#!/usr/bin/env node
// Open Inference Protocol latency (`npm run bench:protocol`): in ONE run, against ONE server process
// (packages/server/dist/serve.js, WORKERS=1, GRPC_PORT set, logs at info to /dev/null), the same encoded feature rows
// (the served model's golden vectors) sent over REST (POST /v2/models/site-energy/infer, keep-alive) and over gRPC
// (@grpc/grpc-js, ModelInfer with typed fp64_contents and with raw_input_contents), one row and batches.
// Sequential calls from one client give p50/p99 latency; 16 calls kept in flight give calls/s. Every answer is
// checked to hold the same predictions over both protocols. BENCH_CALLS (default 2000) and BENCH_ROUNDS (default 2)
// shorten or lengthen the run; rounds alternate the protocols.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'packages/server/package.json'));
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { LOADER_OPTIONS } = await import(join(root, 'packages/server/dist/grpc/grpc-messages.js'));
const { PROTO_PATH } = await import(join(root, 'packages/server/dist/grpc/grpc-server.js'));

const calls = Number(process.env.BENCH_CALLS ?? 2000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const inFlight = 16;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const loadBefore = load();

const golden = JSON.parse(readFileSync(join(root, 'models/site-energy/1.0.0/golden.json'), 'utf8')).rows;
const width = golden[0].encoded.length;
/** `n` rows cycling through the golden vectors. */
const rowsOf = (n) => Array.from({ length: n }, (_, i) => golden[i % golden.length].encoded);

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
const [httpPort, grpcPort] = [await freePort(), await freePort()];
const server = spawn(process.execPath, [join(root, 'packages/server/dist/serve.js')], {
  env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(httpPort), GRPC_PORT: String(grpcPort), WORKERS: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
process.on('exit', () => server.kill('SIGKILL'));

const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
function rest(body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: httpPort,
        path: '/v2/models/site-energy/infer',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(JSON.parse(text).outputs[0].data) : reject(new Error(text)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
for (let i = 0; ; i++) {
  const ready = await new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: httpPort, path: '/v2/health/ready', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
  if (ready) break;
  if (i > 600) throw new Error('the server did not get ready in 60 s');
  await new Promise((r) => setTimeout(r, 100));
}

const definition = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_PATH, LOADER_OPTIONS));
const client = new definition.inference.GRPCInferenceService(
  `127.0.0.1:${grpcPort}`,
  grpc.credentials.createInsecure(),
);
const grpcCall = (message, raw) =>
  new Promise((resolve, reject) =>
    client.ModelInfer(message, (error, response) => {
      if (error) return reject(error);
      if (!raw) return resolve(response.outputs[0].contents.fp64_contents);
      const bytes = response.raw_output_contents[0];
      resolve(Array.from({ length: bytes.length / 8 }, (_, i) => bytes.readDoubleLE(i * 8)));
    }),
  );

/** The three ways to send `n` rows, each a function that makes one call and resolves with the predictions. */
function targets(n) {
  const rows = rowsOf(n);
  const flat = rows.flatMap((r) => r.map((v) => (v === null ? Number.NaN : v)));
  const body = JSON.stringify({ inputs: [{ name: 'features', shape: [n, width], datatype: 'FP64', data: rows }] });
  const tensor = { name: 'features', datatype: 'FP64', shape: [n, width] };
  const typed = { model_name: 'site-energy', inputs: [{ ...tensor, contents: { fp64_contents: flat } }] };
  const bytes = Buffer.alloc(flat.length * 8);
  flat.forEach((v, i) => bytes.writeDoubleLE(v, i * 8));
  const raw = { model_name: 'site-energy', inputs: [tensor], raw_input_contents: [bytes] };
  return [
    ['REST JSON', () => rest(body)],
    ['gRPC typed contents', () => grpcCall(typed, false)],
    ['gRPC raw contents', () => grpcCall(raw, true)],
  ];
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
async function sequential(call, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}
async function concurrent(call, count) {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < count) await call();
    }),
  );
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

const results = [];
for (const n of [1, 100, 1000]) {
  const count = Math.max(20, Math.round(calls / Math.sqrt(n)));
  const list = targets(n);
  const answers = await Promise.all(list.map(([, call]) => call()));
  for (const answer of answers.slice(1))
    if (JSON.stringify(answer) !== JSON.stringify(answers[0])) throw new Error(`${n} rows: the protocols disagree`);
  for (const [, call] of list) await sequential(call, Math.min(200, count)); // warm-up
  const figures = new Map(list.map(([name]) => [name, { p50: [], p99: [], rate: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, call] of round % 2 === 0 ? list : [...list].reverse()) {
      const latency = await sequential(call, count);
      const rate = await concurrent(call, count);
      const f = figures.get(name);
      f.p50.push(latency.p50);
      f.p99.push(latency.p99);
      f.rate.push(rate);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const restP50 = median(figures.get('REST JSON').p50);
  const restRate = median(figures.get('REST JSON').rate);
  for (const [name, f] of figures) {
    results.push({
      rows: n,
      target: name,
      calls: count,
      p50ms: median(f.p50),
      p99ms: median(f.p99),
      callsPerS: median(f.rate),
      p50VsRest: restP50 / median(f.p50),
      rateVsRest: median(f.rate) / restRate,
    });
  }
}
client.close();
agent.destroy();
server.kill('SIGTERM');

const loadAfter = load();
console.log(`load average (1, 5, 15 min): before ${loadBefore}; after ${loadAfter}`);
if (Math.max(Number(loadBefore.split(' ')[0]), Number(loadAfter.split(' ')[0])) > 1.5)
  console.log('LOAD ABOVE 1.5: the machine is shared; read the same-run ratios, not the absolute figures');
console.log(
  '| rows per call | protocol | calls | p50 ms | p99 ms | calls/s (16 in flight) | p50 REST/this | calls/s this/REST |',
);
console.log('|---:|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.rows} | ${r.target} | ${r.calls} | ${r.p50ms.toFixed(2)} | ${r.p99ms.toFixed(2)} | ${r.callsPerS.toFixed(0)} | ${r.p50VsRest.toFixed(2)}x | ${r.rateVsRest.toFixed(2)}x |`,
  );
}
const out = join(root, 'bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, `protocol-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify({ loadBefore, loadAfter, results }, null, 2),
);
process.exit(0);
