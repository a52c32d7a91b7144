import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { runModelsCli } from '../src/models-cli.js';
import { copyModels, modelsDir } from './helpers/bundles.js';
import { repoRoot } from './helpers/seattle-rows.js';

const { dir, done } = await copyModels();
t.teardown(done);
const site = join(modelsDir, 'site-energy', '1.0.0');

t.test('list names every bundle with its target', async (t) => {
  const result = await runModelsCli(['list', '--models-dir', dir], '/nowhere');
  t.equal(result.exitCode, 0);
  const lines = result.stdout.trim().split('\n');
  t.match(lines[0], /^NAME\s+VERSION\s+TARGET\s+FEATURES\s+CREATED$/);
  t.match(lines[1], /^ghg-emissions\s+1\.0\.0\s+TotalGHGEmissions \(metric tons CO2e\)\s+\d+\s+/);
  t.match(lines[2], /^site-energy\s+1\.0\.0\s+SiteEnergyUse\(kBtu\) \(kBtu\)\s+\d+\s+/);
  t.equal(lines.length, 3);
});

t.test('show summarises one bundle, latest version by default', async (t) => {
  const result = await runModelsCli(['show', 'site-energy'], dir);
  t.equal(result.exitCode, 0);
  t.match(result.stdout, /^site-energy:1\.0\.0 /);
  t.match(result.stdout, /framework {2}xgboost 1\.7\.4/);
  t.match(result.stdout, /interval {3}90% from \d+ strata/);
  t.same(await runModelsCli(['show', 'site-energy:3.0.0'], dir), {
    exitCode: 1,
    stdout: '',
    stderr: `MODEL_NOT_FOUND: no bundle site-energy:3.0.0 under ${dir} (versions of site-energy: 1.0.0)\n`,
  });
});

t.test('verify checks sha256, load and golden predictions', async (t) => {
  const all = await runModelsCli(['verify'], dir);
  t.equal(all.exitCode, 0, all.stderr);
  t.match(
    all.stdout,
    /^ghg-emissions:1\.0\.0 verified: sha256 [0-9a-f]{64} matches; \d+ trees over \d+ features load; \d+ golden rows encode and predict bit for bit\nsite-energy:1\.0\.0 verified/,
  );
  const model = join(dir, 'ghg-emissions', '1.0.0', 'model.json');
  const text = await readFile(model, 'utf8');
  await writeFile(model, `${text} `);
  try {
    const refused = await runModelsCli(['verify', 'ghg-emissions:1.0.0'], dir);
    t.equal(refused.exitCode, 1);
    t.match(
      refused.stderr,
      /^BUNDLE_HASH_MISMATCH: .*model\.json has sha256 [0-9a-f]{64} but .*SHA256SUMS expects [0-9a-f]{64}/,
    );
  } finally {
    await writeFile(model, text);
  }
});

t.test('import writes a verified bundle with the computed sha256', async (t) => {
  const manifest = JSON.parse(await readFile(join(site, 'bundle.json'), 'utf8')) as Record<string, unknown>;
  const spec = join(dir, 'spec.json');
  await writeFile(
    spec,
    JSON.stringify({ target: manifest['target'], features: manifest['features'], interval: manifest['interval'] }),
  );
  const args = [
    'import',
    '--name',
    'site-energy',
    '--version',
    '1.1.0',
    '--model',
    join(site, 'model.json'),
    '--features',
    spec,
  ];
  const imported = await runModelsCli(
    [...args, '--golden', join(site, 'golden.json'), '--models-dir', dir],
    '/nowhere',
  );
  t.equal(imported.exitCode, 0, imported.stderr);
  t.match(imported.stdout, /site-energy:1\.1\.0 verified: sha256 /);
  const written = JSON.parse(await readFile(join(dir, 'site-energy', '1.1.0', 'bundle.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  t.same(written['model'], {
    file: 'model.json',
    format: 'xgboost-json',
    sha256: (manifest['model'] as { sha256: string }).sha256,
  });
  t.same(written['framework'], { name: 'xgboost', version: '1.7.4' });
  t.same(written['inputs'], manifest['inputs']);
  t.match(
    (await runModelsCli(['show', 'site-energy'], dir)).stdout,
    /^site-energy:1\.1\.0/,
    'the new version is the latest',
  );

  const again = await runModelsCli([...args, '--models-dir', dir], '/nowhere');
  t.equal(again.exitCode, 1);
  t.match(again.stderr, /^BUNDLE_EXISTS: /);

  const wrong = await runModelsCli(
    [
      'import',
      '--name',
      'site-energy',
      '--version',
      '1.2.0',
      '--model',
      join(site, 'model.json'),
      '--features',
      spec,
      '--golden',
      join(modelsDir, 'ghg-emissions', '1.0.0', 'golden.json'),
    ],
    dir,
  );
  t.equal(wrong.exitCode, 1);
  t.match(wrong.stderr, /^BUNDLE_GOLDEN_MISMATCH: /);
  t.notOk(existsSync(join(dir, 'site-energy', '1.2.0')), 'a bundle that does not verify is removed again');

  const bare = await runModelsCli(
    ['import', '--name', 'site-energy', '--version', '1.3.0', '--model', join(site, 'model.json'), '--features', spec],
    dir,
  );
  t.equal(bare.exitCode, 0);
  t.match(bare.stdout, /without a golden file: loading will refuse it/);
});

t.test('usage errors, unknown flags included, exit 2 with the usage', async (t) => {
  for (const args of [[], ['frobnicate'], ['show'], ['import', '--name', 'x'], ['list', '--verbose']]) {
    const result = await runModelsCli(args, dir);
    t.equal(result.exitCode, 2, args.join(' '));
    t.match(result.stderr, /^usage: seattle-models/);
  }
});

t.test('--help prints the usage on stdout and exits 0, from the built binary too', async (t) => {
  for (const args of [['--help'], ['-h'], ['verify', '--help']]) {
    const result = await runModelsCli(args, dir);
    t.same([result.exitCode, result.stderr], [0, ''], args.join(' '));
    t.match(result.stdout, /^usage: seattle-models <command>/);
  }
  const cli = join(repoRoot, 'packages/schema/dist/cli.js');
  const built = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  t.equal(built.status, 0);
  t.match(built.stdout, /^usage: seattle-models <command>/);
  const unknown = spawnSync(process.execPath, [cli, 'list', '--verbose'], { encoding: 'utf8' });
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /^usage: seattle-models <command>/);
});

t.test('the built binary runs with the repository models by default', async (t) => {
  const cli = join(repoRoot, 'packages/schema/dist/cli.js');
  const result = spawnSync(process.execPath, [cli, 'list'], {
    encoding: 'utf8',
    env: { ...process.env, MODELS_DIR: undefined },
  });
  t.equal(result.status, 0, result.stderr);
  t.match(result.stdout, /site-energy\s+1\.0\.0/);
});
