// The `serve` command's own interface, without starting a server: `--help` prints the usage and exits 0; an unknown
// flag names itself, prints the usage and exits 2.
import { spawnSync } from 'node:child_process';

import t from 'tap';

import { repoRoot, serveJs } from './fixtures/reliability-kit.js';

const serve = (...args: string[]) =>
  spawnSync(process.execPath, [serveJs, ...args], { cwd: repoRoot, encoding: 'utf8' });

t.test('--help prints the usage on stdout and exits 0', async (t) => {
  for (const flag of ['--help', '-h']) {
    const result = serve('--port', '1', flag);
    t.equal(result.status, 0, flag);
    t.match(result.stdout, /^usage: serve \[--port N\] \[--host H\] \[--models-dir DIR\] \[--workers N\] \[--reload\]/);
    t.equal(result.stderr, '');
  }
});

t.test('an unknown flag prints what is wrong and the usage on stderr, and exits 2', async (t) => {
  const result = serve('--prot', '1');
  t.equal(result.status, 2);
  t.match(result.stderr, /^serve: unknown option "--prot" \(known: [^\n]+\)\nusage: serve /);
  t.equal(result.stdout, '');
});
