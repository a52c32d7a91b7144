#!/usr/bin/env node
// Process start to the first /readyz 200 of `serve.js` (WORKERS=1 unless set), median of BENCH_ROUNDS (default 5).
// `node bench/server/start-time.mjs [extra node flags...]`, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const serveJs = join(root, 'packages/server/dist', process.env.SERVE_FILE ?? 'serve.js');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const get = (port, path) =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end();
  });

/** CPU time (user + system) a process has used, in ms: steadier than wall time on a shared machine. */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
}

const times = [];
const cpu = [];
for (let i = 0; i < rounds; i += 1) {
  const port = 39300 + i;
  const started = performance.now();
  const child = spawn(process.execPath, [...process.argv.slice(2), serveJs], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', WORKERS: process.env.WORKERS ?? '1' },
    stdio: 'ignore',
  });
  while ((await get(port, '/readyz')) !== 200) {
    if (performance.now() - started > 30_000) break;
    await sleep(2);
  }
  times.push(performance.now() - started);
  cpu.push(cpuMs(child.pid));
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}
const report = (label, list) => {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(
    `${label}: median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} (all: ${sorted.map((t) => t.toFixed(0)).join(', ')})`,
  );
};
report('start to /readyz 200, wall ms', times);
report('start to /readyz 200, server CPU ms', cpu);
