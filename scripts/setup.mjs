#!/usr/bin/env node
// Installs the workspace's npm dependencies with the pinned pnpm and builds every package.
// Used by `npm start`, `npm test` and `npm run bench`, so a fresh clone needs nothing but Node.js >= 20.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const quiet = process.argv.includes('--quiet');

function run(command, args) {
  execFileSync(command, args, { cwd: root, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
}

/** Runs the pnpm version pinned in package.json, fetched from the npm registry on first use. */
export function pnpm(args) {
  run('npx', ['--yes', packageManager, ...args]);
}

pnpm(['install', '--frozen-lockfile', '--reporter=append-only']);
// Before the build: the server's index of the city's building records, from the 2016 file in fixtures/.
run(process.execPath, [join(root, 'packages/server/scripts/build-building-index.mjs')]);
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);
// The one-file server the image runs (and the benchmarks measure): packages/server/dist/serve.bundle.js.
run(process.execPath, [join(root, 'packages/server/scripts/bundle.mjs')]);
