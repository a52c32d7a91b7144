// The parity contract for LightGBM, scikit-learn and ml-random-forest: every fixture case through
// `node dist/cli.js predict --model FILE --input FILE --output KIND`, against the libraries' own outputs.
// LightGBM: raw scores from model.txt bit for bit (linear trees from both files), predictions from model.json within 1e-15 relative;
// scikit-learn: margins and predictions bit for bit (poisson's exp within 1 ulp); ml-random-forest: bit for bit.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { exactMismatches } from './fixtures/compare.js';
import { FIXTURES, fixtureFile, readFixtureJson } from './fixtures/read-fixture.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(packageDir, 'dist/cli.js');
const tsc = join(packageDir, '../../node_modules/typescript/bin/tsc');

t.before(() => {
  const build = spawnSync(process.execPath, [tsc, '-b', packageDir], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);
});

function predict(model: string, input: string, output: string): number[] {
  const result = spawnSync(process.execPath, [cli, 'predict', '--model', model, '--input', input, '--output', output], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) throw new Error(`cli exited ${String(result.status)}: ${result.stderr}`);
  // contrib rows of a multi-output model are classes x (features + 1): flatten both levels.
  return (JSON.parse(result.stdout) as (number | number[] | number[][])[]).flat(2);
}

function caseNames(folder: string): string[] {
  return readdirSync(join(FIXTURES, folder))
    .filter((name) => statSync(join(FIXTURES, folder, name)).isDirectory())
    .sort();
}

/** Entries of `actual` farther than `relative` x |expected| from `expected`. */
function relativeMismatches(actual: readonly number[], expected: readonly number[], relative: number): number {
  let count = actual.length === expected.length ? 0 : Math.abs(actual.length - expected.length);
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    if (Math.abs(actual[i]! - expected[i]!) > relative * Math.abs(expected[i]!)) count++;
  }
  return count;
}

t.test(
  'lightgbm/linear_tree: raw scores bit for bit through the CLI, contributions refused as LightGBM does',
  async (t) => {
    const dir = 'lightgbm/linear_tree';
    const input = fixtureFile(`${dir}/input.json`);
    const expected = readFixtureJson<{ raw: number[]; prediction: number[] }>(`${dir}/expected.json`);
    for (const file of ['model.txt', 'model.json']) {
      const raw = predict(fixtureFile(`${dir}/${file}`), input, 'margin');
      t.same(exactMismatches(raw, expected.raw), { count: 0, mismatches: [] }, `${file}: raw scores bit for bit`);
      const prediction = predict(fixtureFile(`${dir}/${file}`), input, 'prediction');
      t.same(exactMismatches(prediction, expected.prediction), { count: 0, mismatches: [] }, `${file}: predictions`);
    }
    for (const file of ['model.txt', 'model.json']) {
      const result = spawnSync(
        process.execPath,
        [
          cli,
          'predict',
          '--model',
          fixtureFile(`lightgbm/linear_tree/${file}`),
          '--input',
          fixtureFile('lightgbm/linear_tree/input.json'),
          '--output',
          'contrib',
        ],
        { encoding: 'utf8' },
      );
      t.equal(result.status, 1, `${file}: contrib exit code`);
      t.match(result.stderr, /^error: MODEL_FEATURE_UNSUPPORTED: /, `${file}: the code on stderr`);
      t.equal(result.stdout, '', `${file}: no contributions`);
    }
  },
);

for (const name of caseNames('lightgbm').filter((name) => name !== 'linear_tree')) {
  t.test(`lightgbm/${name} through the CLI`, async (t) => {
    const dir = `lightgbm/${name}`;
    const input = fixtureFile(`${dir}/input.json`);
    const expected = readFixtureJson<{ raw: (number | number[])[]; prediction: (number | number[])[] }>(
      `${dir}/expected.json`,
    );
    const raw = predict(fixtureFile(`${dir}/model.txt`), input, 'margin');
    t.same(exactMismatches(raw, expected.raw.flat()), { count: 0, mismatches: [] }, 'model.txt raw scores bit for bit');
    const prediction = predict(fixtureFile(`${dir}/model.json`), input, 'prediction');
    t.equal(
      relativeMismatches(prediction, expected.prediction.flat(), 1e-15),
      0,
      'model.json predictions within 1e-15',
    );
  });
}

for (const name of caseNames('sklearn')) {
  t.test(`sklearn/${name} through the CLI`, async (t) => {
    const dir = `sklearn/${name}`;
    const input = fixtureFile(`${dir}/input.json`);
    const model = fixtureFile(`${dir}/model.json`);
    const expected = readFixtureJson<{ margin: (number | number[])[]; prediction: (number | number[])[] }>(
      `${dir}/expected.json`,
    );
    t.same(
      exactMismatches(predict(model, input, 'margin'), expected.margin.flat()),
      { count: 0, mismatches: [] },
      'margins bit for bit',
    );
    const prediction = predict(model, input, 'prediction');
    // Links through exp (poisson, the boosted classifiers' sigmoid and softmax): V8's Math.exp vs glibc's exp.
    if (/poisson|gradient_boosting_classifier/.test(name))
      t.equal(relativeMismatches(prediction, expected.prediction.flat(), 1e-12), 0, 'predictions within 1e-12');
    else
      t.same(
        exactMismatches(prediction, expected.prediction.flat()),
        { count: 0, mismatches: [] },
        'predictions bit for bit',
      );
    // scikit-learn has no contributions to compare with: the CLI gives one per feature plus the bias, per margin.
    const features = readFixtureJson<{ feature_names: string[] }>(`${dir}/input.json`).feature_names.length;
    const margins = expected.margin.flat().length;
    t.equal(predict(model, input, 'contrib').length, margins * (features + 1), 'contributions: features + bias');
  });
}

for (const name of caseNames('ml-random-forest')) {
  t.test(`ml-random-forest/${name} through the CLI`, async (t) => {
    const dir = `ml-random-forest/${name}`;
    const prediction = predict(fixtureFile(`${dir}/model.json`), fixtureFile(`${dir}/input.json`), 'prediction');
    const expected = readFixtureJson<{ prediction: number[] }>(`${dir}/expected.json`);
    t.same(exactMismatches(prediction, expected.prediction), { count: 0, mismatches: [] }, 'predictions bit for bit');
  });
}
