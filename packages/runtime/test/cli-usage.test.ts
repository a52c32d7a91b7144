// The command line's own interface: `--help` prints the usage and exits 0, an unknown flag prints it and exits 2,
// and a large batch shows its progress on a terminal (stderr) but never in a pipe.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import t from 'tap';

import { fixtureFile, readFixtureJson } from './fixtures/read-fixture.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'runtime-cli-usage-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

t.test('--help prints the usage on stdout and exits 0', async (t) => {
  for (const args of [['--help'], ['-h'], ['predict', '--help']]) {
    const result = run(...args);
    t.equal(result.status, 0, args.join(' '));
    t.match(result.stdout, /^usage: cli\.js predict --model FILE --input FILE/);
    t.equal(result.stderr, '');
  }
});

t.test('an unknown flag prints the usage on stderr and exits 2', async (t) => {
  const result = run('predict', '--model', 'm.json', '--input', 'i.json', '--outptu', 'margin');
  t.equal(result.status, 2);
  t.match(result.stderr, /^error: unknown argument --outptu\nusage: cli\.js predict/);
  t.equal(result.stdout, '');
});

t.test('a large batch shows progress on a terminal only', async (t) => {
  const dir = 'xgboost/3.4.1/binary_logitraw';
  const input = readFixtureJson<{ feature_names: string[]; rows: (number | null)[][] }>(`${dir}/input.json`);
  const rows = Array.from({ length: 25_000 }, (_, i) => input.rows[i % input.rows.length]!);
  const inputFile = join(work, 'large.json');
  writeFileSync(inputFile, JSON.stringify({ feature_names: input.feature_names, rows }));
  const args = ['predict', '--model', fixtureFile(`${dir}/model.json`), '--input', inputFile, '--output', 'margin'];

  const piped = run(...args);
  t.equal(piped.status, 0);
  t.equal(piped.stderr, '', 'no progress into a pipe');
  t.equal((JSON.parse(piped.stdout) as unknown[]).length, 25_000);

  // script(1) gives the command a terminal; stdout goes to a file, so the terminal shows stderr only.
  const out = join(work, 'out.json');
  const command = [process.execPath, cli, ...args].map((arg) => `'${arg}'`).join(' ');
  const onTerminal = spawnSync('script', ['-qec', `${command} > '${out}'`, '/dev/null'], { encoding: 'utf8' });
  t.equal(onTerminal.status, 0);
  t.same(
    onTerminal.stdout
      .split('\r')
      .map((line) => line.trim())
      .filter(Boolean),
    ['predicted 10000 of 25000 rows', 'predicted 20000 of 25000 rows', 'predicted 25000 of 25000 rows'],
    'progress on the terminal',
  );
  t.equal(readFileSync(out, 'utf8'), piped.stdout, 'the same predictions');
});
