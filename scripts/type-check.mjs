#!/usr/bin/env node
// Type-checks each TypeScript project folder given, without emitting; fails if any of them has an error.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
let ok = true;
for (const project of process.argv.slice(2)) {
  const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: root, stdio: 'inherit' });
  console.log(`${result.status === 0 ? 'ok' : 'errors in'} ${project}`);
  if (result.status !== 0) ok = false;
}
process.exit(ok ? 0 : 1);
