#!/usr/bin/env node
// Runs the linter, the formatter check and the type check of the tests, then every test of the workspace, test home
// by test home, printing each line as it comes, and closes with one line: "tests: N passed, N failed".
// A test here is a named test of a test file (the second level of tap's output); each of the three checks counts as
// one test, so a lint, format or type violation fails the run like any failing test.
// With --unit (`npm run test:unit`): only the test files that need no browser, container, Python, network or long
// run (scripts/test-needs.mjs), and neither the checks nor the Debian packages.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageNode, imageNodeVersion } from './node-lts.mjs';
import { ensureDebianPackages } from './system-packages.mjs';
import { testNeeds } from './test-needs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testHomes = ['packages/runtime', 'packages/schema', 'packages/server', 'deploy'];
// Run again on the Node.js the image runs (the Dockerfile's pin, Node 24 LTS): the server and the deployment, so
// that both the development line (this machine's Node, >= 20) and the production line are proved on every run.
const imageNodeHomes = ['packages/server', 'deploy'];

/** Runs a command, passing its output through line by line as it arrives; `onLine` sees every stdout line. */
function run(command, args, cwd, onLine = () => {}) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.on('close', (code, signal) => {
      if (pending) onLine(pending);
      resolveRun(code === 0 && signal === null);
    });
  });
}

const unit = process.argv.includes('--unit');
const started = performance.now();
if (!unit) ensureDebianPackages();

/** The test files of a test home that `--unit` runs (every file of the home not listed in test-needs.mjs). */
function unitFiles(home) {
  const excluded = new Set(Object.values(testNeeds).flat());
  return readdirSync(join(root, home, 'test'), { recursive: true })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => `test/${file}`)
    .filter((file) => !excluded.has(`${home}/${file}`))
    .sort();
}

let passed = 0;
let failed = 0;
let crashed = false;

const bin = (name) => join(root, 'node_modules', '.bin', name);
// The sources are type-checked by the build (tsc -b); the tests, which tap runs without type checking, here.
const testProjects = testHomes.map((home) => (home === 'deploy' ? home : `${home}/test`));
const checks = [
  ['eslint', bin('eslint'), ['.']],
  ['prettier', bin('prettier'), ['--check', '.']],
  ['tsc (tests)', process.execPath, [join(root, 'scripts/type-check.mjs'), ...testProjects]],
];
for (const [name, command, args] of unit ? [] : checks) {
  console.log(`\n== ${name}`);
  const ok = await run(command, args, root);
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}`);
  if (ok) passed++;
  else failed++;
}

const tap = join(root, 'node_modules/tap/dist/esm/run.mjs');
const runs = [
  ...testHomes.map((home) => [process.execPath, home, '']),
  // The full run only: the image's Node.js is fetched (about 30 MB) and the suites take as long again.
  ...(unit ? [] : imageNodeHomes.map((home) => [imageNode(), home, ` on Node ${imageNodeVersion()}`])),
];
for (const [node, home, label] of runs) {
  const files = unit ? unitFiles(home) : [];
  if (unit && files.length === 0) continue;
  console.log(`
== ${home}${label}${unit ? ` (${files.length} test files)` : ''}`);
  const ok = await run(node, [tap, '--reporter=tap', ...files], join(root, home), (line) => {
    if (/^ {4}ok \d+/.test(line)) passed++;
    else if (/^ {4}not ok \d+/.test(line)) failed++;
  });
  if (!ok) crashed = true;
}
if (unit) console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(crashed || failed > 0 ? 1 : 0);
