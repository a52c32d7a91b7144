#!/usr/bin/env node
// Server benchmark (`npm run bench:server`): in ONE run, on loopback, with autocannon at 16 and 64 connections:
//   1. this server, POST /v1/predict (validation, encoding, inference), WORKERS=1 and the default workers;
//   2. a raw node:http JSON echo (bench/server/echo.mjs), the ceiling of one Node process;
//   3. the FastAPI + pydantic + XGBoost peer (bench/peers/fastapi_app.py), one uvicorn worker, same model file.
// Prints req/s, p50, p99, RSS and the ratios, plus process start to /readyz 200. Writes bench/results/server-*.json.
// BENCH_DURATION (seconds, default 15) and BENCH_WARMUP (default 3) shorten a trial run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import { createServer as createNetServer } from 'node:net';

import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const duration = Number(process.env.BENCH_DURATION ?? 15);
const warmup = Number(process.env.BENCH_WARMUP ?? 3);
const connectionsList = [16, 64];
const serveJs = join(root, 'packages/server/dist/serve.js');
if (!existsSync(serveJs)) throw new Error('build first: node node_modules/typescript/bin/tsc -b');

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
async function startTarget(target) {
  const port = await freePort();
  const started = performance.now();
  // uvicorn takes the port as a flag; the Node targets read PORT.
  const args = target.portFlag ? [...target.args, String(port)] : target.args;
  const child = spawn(target.command, args, {
    cwd: target.cwd ?? root,
    env: {
      ...process.env,
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

const targets = [
  { name: 'this server, WORKERS=1', command: process.execPath, args: [serveJs], env: { WORKERS: '1' } },
  { name: `this server, default workers (${cpus().length})`, command: process.execPath, args: [serveJs], env: {} },
  { name: 'raw node:http JSON echo', command: process.execPath, args: [join(root, 'bench/server/echo.mjs')], env: {} },
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

const results = [];
const readiness = {};
for (const target of targets) {
  const readyTimes = [];
  // Start to ready: three cold starts, the median reported.
  for (let i = 0; i < 3; i++) {
    const { child, readyMs } = await startTarget(target);
    readyTimes.push(readyMs);
    await stopTarget(child);
  }
  readyTimes.sort((a, b) => a - b);
  readiness[target.name] = readyTimes[1];

  const { child, port } = await startTarget(target);
  if (!target.name.startsWith('raw')) {
    const check = await post(port, '/v1/predict');
    if (check.status !== 200) throw new Error(`${target.name}: POST /v1/predict answered ${check.status}`);
    target.value = check.json.value;
  }
  await load(port, 16, warmup);
  for (const connections of connectionsList) {
    const result = await load(port, connections, duration);
    const rssMb = treeRssMb(child.pid);
    const errors = result.errors + result.timeouts + result.non2xx;
    results.push({
      target: target.name,
      connections,
      reqPerSec: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      rssMb,
      errors,
      total: result.requests.total,
    });
    console.log(
      `${target.name} @${connections}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, RSS ${rssMb.toFixed(0)} MB, errors ${errors}`,
    );
  }
  await stopTarget(child);
}

const ours = targets[0];
const peer = targets[3];
if (Math.abs(ours.value - peer.value) > 1e-6 * Math.abs(ours.value)) {
  console.log(`WARNING: the peer predicts ${peer.value}, this server ${ours.value}`);
}

const find = (name, c) => results.find((r) => r.target === name && r.connections === c);
console.log('\n| target | conns | req/s | p50 ms | p99 ms | RSS MB | errors | vs FastAPI | vs echo |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const fast = find(targets[3].name, r.connections).reqPerSec;
  const echo = find(targets[2].name, r.connections).reqPerSec;
  console.log(
    `| ${r.target} | ${r.connections} | ${r.reqPerSec.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.rssMb.toFixed(0)} | ${r.errors} | ${(r.reqPerSec / fast).toFixed(2)}x | ${((r.reqPerSec / echo) * 100).toFixed(0)}% |`,
  );
}
console.log('\n| target | process start to /readyz 200 (median of 3) |');
console.log('|---|---:|');
for (const [name, ms] of Object.entries(readiness)) console.log(`| ${name} | ${ms.toFixed(0)} ms |`);

const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const meta = {
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  loadAverageAfter: load1,
  durationSeconds: duration,
};
console.log(`\n${JSON.stringify(meta)}`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, `bench/results/server-${meta.date.replace(/[:.]/g, '-')}.json`),
  JSON.stringify({ meta, results, readiness }, null, 2),
);
