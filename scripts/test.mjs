#!/usr/bin/env node
// Runs every test of the workspace, package by package, and closes with one line: "tests: N passed, N failed".
// A test here is a named test of a test file (the second level of tap's output).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages } from './system-packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['runtime', 'schema', 'server'];

ensureDebianPackages();

let passed = 0;
let failed = 0;
let crashed = false;
for (const name of packages) {
  const cwd = join(root, 'packages', name);
  console.log(`\n== packages/${name}`);
  const tap = join(root, 'node_modules/tap/dist/esm/run.mjs');
  const result = spawnSync(process.execPath, [tap, '--reporter=tap'], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  for (const line of result.stdout.split('\n')) {
    if (/^ {4}ok \d+/.test(line)) passed++;
    else if (/^ {4}not ok \d+/.test(line)) failed++;
  }
  if (result.status !== 0) crashed = true;
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(crashed || failed > 0 ? 1 : 0);
