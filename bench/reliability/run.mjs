#!/usr/bin/env node
// The long reliability run (`npm run test:long`): the same test files CI runs in their short form
// (packages/server/test/reliability-*.test.ts), with RELIABILITY_PROFILE=long: 7,500 fuzz cases, a 150 s soak at 80%
// of measured capacity, 1,000 slow clients, 3,000 concurrent connections, five rounds of rolling restarts, a crashed
// worker under 30 s of load. Prints every measured number and a summary; exits non-zero if any test fails.
// Pass file names to run only some of them: `npm run test:long -- fuzz soak`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const serverDir = join(root, 'packages', 'server');
const filters = process.argv.slice(2);
const files = readdirSync(join(serverDir, 'test'))
  .filter((f) => /^reliability-.*\.test\.ts$/.test(f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .map((f) => join('test', f));

const tap = join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
const started = Date.now();
// One file at a time: the long runs measure capacity and memory, which parallel files would distort.
const child = spawn(
  process.execPath,
  [tap, '--reporter=tap', '--disable-coverage', '--jobs=1', '--timeout=1800', ...files],
  {
    cwd: serverDir,
    env: { ...process.env, RELIABILITY_PROFILE: 'long' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let out = '';
child.stdout.on('data', (chunk) => {
  out += chunk;
  process.stdout.write(chunk);
});
child.on('exit', (code) => {
  const measured = [
    ...new Set(
      out
        .split('\n')
        .filter((l) => /^\s*# (fuzz|slow clients|soak|crash|shutdown|rolling)/.test(l))
        .map((l) => l.trim()),
    ),
  ];
  const passed = out.split('\n').filter((l) => /^ {4}ok \d+/.test(l)).length;
  const failed = out.split('\n').filter((l) => /^ {4}not ok \d+/.test(l)).length;
  console.log('\n== reliability, long profile');
  for (const line of measured) console.log(line);
  console.log(
    `reliability tests: ${passed} passed, ${failed} failed in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  process.exit(code ?? 1);
});
