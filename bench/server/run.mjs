#!/usr/bin/env node
// Server benchmark (`npm run bench:server`): in ONE run, on loopback, with autocannon at 16 connections:
//   1. this server as the image runs it: the bundled dist/serve.bundle.js on the image's Node.js (24, fetched by
//      scripts/node-lts.mjs), Node's compile cache filled by a first start, `--max-semi-space-size=1`, WORKERS=1,
//      POST /v1/predict with validation, encoding, inference, the access log and the metrics all on;
//   2. Koa + @koa/router + koa-body answering a constant small JSON document for the same body (koa-echo.mjs): the
//      stack the server is built on, doing no work; 3. a raw node:http JSON echo (echo.mjs), the ceiling of one Node
//      process; both on the same Node.js as (1);
//   4. the FastAPI + pydantic + XGBoost peer (bench/peers/fastapi_app.py), one uvicorn worker, same model file.
// Prints req/s, p50, p99, the ratios, and the server process's RSS after the warm-up and after the load; then process
// start to /readyz 200 (median of 5 cold starts) of this server against a bare `node -e 0`, alternated, on each Node.
// Writes bench/results/server-*.json. BENCH_DURATION (seconds, default 60) and BENCH_WARMUP (default 5).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import { createServer as createNetServer } from 'node:net';

import autocannon from 'autocannon';

import { imageNode, imageNodeVersion } from '../../scripts/node-lts.mjs';
import { benchPackages, ensureDebianPackages } from '../../scripts/system-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
ensureDebianPackages(benchPackages);
const duration = Number(process.env.BENCH_DURATION ?? 60);
const warmup = Number(process.env.BENCH_WARMUP ?? 5);
const connections = 16;
const serveJs = join(root, 'packages/server/dist/serve.js');
const serveBundle = join(root, 'packages/server/dist/serve.bundle.js');
if (!existsSync(serveBundle)) throw new Error('build first: npm run build');
const node24 = imageNode();
const nodeVersions = { [process.execPath]: process.version, [node24]: `v${imageNodeVersion()}` };
// The image's compile cache, made the same way: one start fills it (see packages/server/scripts/prime-compile-cache.mjs).
const compileCache = mkdtempSync(join(tmpdir(), 'bench-compile-cache-'));
const imageFlags = ['--max-semi-space-size=1'];

// The same building for every target: the schema's example (OSEBuildingID 1, the Mayflower Park Hotel).
const { exampleBuilding } = await import(join(root, 'packages/schema/dist/index.js'));
const body = JSON.stringify(exampleBuilding);

/** A port the kernel reports free right now (other suites on this machine start servers on fixed ports too). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function get(port, path) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

function post(port, path) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Resident memory of a process and all its descendants (cluster workers), in MB, from /proc. */
function treeRssMb(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while being read
    }
  }
  let kb = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop();
    try {
      const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // the process ended while being read
    }
    stack.push(...(children.get(p) ?? []));
  }
  return kb / 1024;
}

/** Starts a target and measures process start to the first /readyz 200 (polled every 2 ms). */
// Only the compile cache a target names is used.
const inheritedEnv = { ...process.env };
delete inheritedEnv.NODE_COMPILE_CACHE;

async function startTarget(target) {
  const port = await freePort();
  const started = performance.now();
  // uvicorn takes the port as a flag; the Node targets read PORT.
  const args = target.portFlag ? [...target.args, String(port)] : target.args;
  const child = spawn(target.command, args, {
    cwd: target.cwd ?? root,
    env: {
      ...inheritedEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      PYTHONDONTWRITEBYTECODE: '1',
      ...target.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if ((await get(port, '/readyz')) === 200) break;
    if (child.exitCode !== null) throw new Error(`${target.name} exited with ${child.exitCode}`);
    if (performance.now() - started > 120_000) {
      // Never leave a server behind: a refused models folder keeps /readyz at 503 forever.
      child.kill('SIGKILL');
      throw new Error(`${target.name} not ready in 120 s`);
    }
    await sleep(2);
  }
  return { child, port, readyMs: performance.now() - started };
}

async function stopTarget(child) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function load(port, connections, seconds) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}/v1/predict`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections,
        duration: seconds,
        pipelining: 1,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const imageServer = {
  name: `this server (image: bundle, Node ${imageNodeVersion()}, compile cache)`,
  command: node24,
  args: [...imageFlags, serveBundle],
  env: { WORKERS: '1', NODE_COMPILE_CACHE: compileCache },
};
const targets = [
  imageServer,
  {
    name: 'Koa + @koa/router + koa-body echo',
    command: node24,
    args: [join(root, 'bench/server/koa-echo.mjs')],
    env: {},
  },
  { name: 'raw node:http JSON echo', command: node24, args: [join(root, 'bench/server/echo.mjs')], env: {} },
  {
    name: 'FastAPI + pydantic + XGBoost (1 uvicorn worker)',
    command: '/usr/bin/python3',
    args: [
      '-m',
      'uvicorn',
      'fastapi_app:app',
      '--host',
      '127.0.0.1',
      '--workers',
      '1',
      '--log-level',
      'warning',
      '--port',
    ],
    cwd: join(root, 'bench/peers'),
    env: {},
    portFlag: true,
  },
];

const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`load average before: ${loadBefore}`);
// Fills the compile cache the image would carry.
await stopTarget((await startTarget(imageServer)).child);

const results = [];
for (const target of targets) {
  const { child, port } = await startTarget(target);
  if (target.name !== 'raw node:http JSON echo' && !target.name.startsWith('Koa')) {
    const check = await post(port, '/v1/predict');
    if (check.status !== 200) throw new Error(`${target.name}: POST /v1/predict answered ${check.status}`);
    target.value = check.json.value;
  }
  await load(port, connections, warmup);
  const rssWarmMb = treeRssMb(child.pid);
  const result = await load(port, connections, duration);
  const rssLoadedMb = treeRssMb(child.pid);
  const errors = result.errors + result.timeouts + result.non2xx;
  results.push({
    target: target.name,
    connections,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rssWarmMb,
    rssLoadedMb,
    errors,
    total: result.requests.total,
  });
  console.log(
    `${target.name}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, RSS ${rssWarmMb.toFixed(0)} MB after warm-up, ${rssLoadedMb.toFixed(0)} MB after ${duration} s, errors ${errors}`,
  );
  await stopTarget(child);
}

const ours = targets[0];
const peer = targets[3];
if (Math.abs(ours.value - peer.value) > 1e-6 * Math.abs(ours.value)) {
  console.log(`WARNING: the peer predicts ${peer.value}, this server ${ours.value}`);
}

// Start to ready: this server against a bare `node -e 0`, alternated, on each Node line.
const rounds = Number(process.env.BENCH_START_ROUNDS ?? 5);
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
function bareNode(command) {
  return new Promise((resolve) => {
    const started = performance.now();
    spawn(command, ['-e', '0'], { stdio: 'ignore' }).once('exit', () => resolve(performance.now() - started));
  });
}
const startCases = [
  { label: `Node ${imageNodeVersion()}, bundle + compile cache (the image)`, node: node24, target: imageServer },
  {
    label: `Node ${imageNodeVersion()}, bundle, no compile cache`,
    node: node24,
    target: { ...imageServer, env: { WORKERS: '1' } },
  },
  {
    label: `Node ${process.version.slice(1)}, bundle`,
    node: process.execPath,
    target: { ...imageServer, command: process.execPath, args: [serveBundle], env: { WORKERS: '1' } },
  },
  {
    label: `Node ${process.version.slice(1)}, dist/serve.js (npm start)`,
    node: process.execPath,
    target: { ...imageServer, command: process.execPath, args: [serveJs], env: { WORKERS: '1' } },
  },
];
const starts = [];
for (const { label, node, target } of startCases) {
  const bare = [];
  const ready = [];
  for (let i = 0; i < rounds; i++) {
    bare.push(await bareNode(node));
    const started = await startTarget(target);
    ready.push(started.readyMs);
    await stopTarget(started.child);
  }
  const entry = { label, node: nodeVersions[node], bareMs: median(bare), readyMs: median(ready), bare, ready };
  starts.push(entry);
  console.log(
    `${label}: start to /readyz 200 ${entry.readyMs.toFixed(0)} ms, node -e 0 ${entry.bareMs.toFixed(0)} ms, ${(entry.readyMs / entry.bareMs).toFixed(1)}x`,
  );
}
rmSync(compileCache, { recursive: true, force: true });

const find = (name) => results.find((r) => r.target === name);
console.log(
  '\n| target | req/s | p50 ms | p99 ms | RSS after warm-up MB | RSS after load MB | errors | vs Koa echo | vs FastAPI | vs raw echo |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const ratio = (name) => (r.reqPerSec / find(name).reqPerSec).toFixed(2);
  console.log(
    `| ${r.target} | ${r.reqPerSec.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.rssWarmMb.toFixed(0)} | ${r.rssLoadedMb.toFixed(0)} | ${r.errors} | ${ratio(targets[1].name)} | ${ratio(targets[3].name)}x | ${ratio(targets[2].name)} |`,
  );
}
console.log(`\n| process start to /readyz 200 (median of ${rounds}) | server | \`node -e 0\` | ratio |`);
console.log('|---|---:|---:|---:|');
for (const s of starts) {
  console.log(
    `| ${s.label} | ${s.readyMs.toFixed(0)} ms | ${s.bareMs.toFixed(0)} ms | ${(s.readyMs / s.bareMs).toFixed(1)}x |`,
  );
}

const loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const meta = {
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 1024 ** 3),
  nodes: Object.values(nodeVersions),
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadAfter,
  durationSeconds: duration,
  connections,
};
console.log(`\n${JSON.stringify(meta)}`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, `bench/results/server-${meta.date.replace(/[:.]/g, '-')}.json`),
  JSON.stringify({ meta, results, starts }, null, 2),
);
