import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { contribMismatches, exactMismatches, ulpMismatches } from './fixtures/compare.js';
import { fixtureFile, readFixtureJson, readFixtureText } from './fixtures/read-fixture.js';
import { dumpOptions } from './fixtures/xgboost-parity.js';

// The parity contract: `node packages/runtime/dist/cli.js predict --model FILE --input FILE --output KIND`.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(packageDir, 'dist/cli.js');
const tsc = join(packageDir, '../../node_modules/typescript/bin/tsc');
const work = mkdtempSync(join(tmpdir(), 'runtime-cli-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

t.before(() => {
  const build = spawnSync(process.execPath, [tsc, '-b', packageDir], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stdout}${build.stderr}`);
});

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Expected {
  margin: number[] | number[][];
  prediction: number[] | number[][];
  contrib: number[][] | number[][][];
}
interface Input {
  feature_names: string[];
  rows: (number | null)[][];
}

function predict(model: string, input: string, output: string, ...extra: string[]): unknown[] {
  const result = run('predict', '--model', model, '--input', input, '--output', output, ...extra);
  if (result.status !== 0) throw new Error(`cli exited ${String(result.status)}: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown[];
}

for (const [version, name, file] of [
  ['3.4.1', 'binary_logistic', 'model.json'],
  ['1.7.4', 'categorical_hist', 'model.json'],
  ['3.4.1', 'multi_softprob_3class', 'model.json'],
  ['1.7.4', 'reg_squarederror_seattle', 'model.json'],
  ['generated', 'rank_pairwise', 'model.json'],
  ['generated', 'survival_cox', 'model.ubj'],
  ['generated', 'survival_aft', 'model.json'],
  ['generated', 'multi_target_3', 'model.ubj'],
  ['generated-3.4.1', 'reg_quantileerror_3_alphas', 'model.ubj'],
  ['generated-3.4.1', 'reg_expectileerror', 'model.json'],
  ['generated', 'gblinear_reg_squarederror', 'model.json'],
  ['generated', 'gblinear_multi_softprob', 'model.ubj'],
  ['generated-3.4.1', 'gblinear', 'model.ubj'],
] as const) {
  t.test(`${version}/${name}/${file}: margin, prediction and contrib through the CLI`, (t) => {
    const dir = `xgboost/${version}/${name}`;
    const model = fixtureFile(`${dir}/${file}`);
    const input = fixtureFile(`${dir}/input.json`);
    const expected = readFixtureJson<Expected>(`${dir}/expected.json`);
    const numFeatures = readFixtureJson<Input>(`${dir}/input.json`).feature_names.length;
    const margin = predict(model, input, 'margin');
    t.equal(margin.length, expected.margin.length, 'one entry per row');
    t.same(
      exactMismatches(margin.flat() as number[], expected.margin.flat()),
      { count: 0, mismatches: [] },
      'margins bit for bit',
    );
    const prediction = predict(model, input, 'prediction');
    t.same(
      ulpMismatches(prediction.flat() as number[], expected.prediction.flat()),
      { count: 0, mismatches: [] },
      'predictions within 1 ulp',
    );
    const contrib = predict(model, input, 'contrib');
    t.same(
      contribMismatches(contrib.flat(2) as number[], expected.contrib.flat(2), numFeatures),
      { count: 0, mismatches: [] },
      'contributions within 1e-5',
    );
    t.end();
  });
}

t.test('reads CSV with a header (empty cell = missing) and a get_dump model with caller-given metadata', (t) => {
  const dir = 'xgboost/3.4.1/reg_gamma';
  const input = readFixtureJson<Input>(`${dir}/input.json`);
  const expected = readFixtureJson<Expected>(`${dir}/expected.json`);
  const csv = join(work, 'rows.csv');
  // String(x) is the shortest text that parses back to the same double.
  writeFileSync(
    csv,
    [
      input.feature_names.join(','),
      ...input.rows.map((row) => row.map((v) => (v === null ? '' : String(v))).join(',')),
    ].join('\n'),
  );
  const options = dumpOptions(readFixtureText(`${dir}/model.json`), input);
  const margin = predict(
    fixtureFile(`${dir}/dump.json`),
    csv,
    'margin',
    '--objective',
    options.objective,
    '--base-score',
    String(options.baseScore),
  );
  t.same(
    exactMismatches(margin as number[], expected.margin as number[]),
    { count: 0, mismatches: [] },
    'margins bit for bit',
  );
  const prediction = predict(
    fixtureFile(`${dir}/dump.json`),
    csv,
    'prediction',
    '--objective',
    options.objective,
    '--base-score',
    String(options.baseScore),
  );
  t.same(
    ulpMismatches(prediction as number[], expected.prediction as number[]),
    { count: 0, mismatches: [] },
    'predictions within 1 ulp',
  );
  t.end();
});

t.test('puts input columns in the model feature order by name', (t) => {
  const dir = 'xgboost/3.4.1/binary_logitraw';
  const input = readFixtureJson<Input>(`${dir}/input.json`);
  const expected = readFixtureJson<Expected>(`${dir}/expected.json`);
  const order = input.feature_names.map((_, j) => j).reverse();
  const reversed = join(work, 'reversed.json');
  writeFileSync(
    reversed,
    JSON.stringify({
      feature_names: order.map((j) => input.feature_names[j]),
      rows: input.rows.map((row) => order.map((j) => row[j])),
    }),
  );
  const margin = predict(fixtureFile(`${dir}/model.json`), reversed, 'margin');
  t.same(exactMismatches(margin as number[], expected.margin as number[]), { count: 0, mismatches: [] });
  t.end();
});

t.test('exits 2 with usage on bad arguments and 1 with the error code on a bad model', (t) => {
  const usage = run('predict', '--model', 'x.json');
  t.equal(usage.status, 2);
  t.match(usage.stderr, /--model and --input are required/);
  t.match(usage.stderr, /usage: cli\.js predict/);
  t.equal(run('explain').status, 2);
  const bad = join(work, 'bad.json');
  writeFileSync(bad, '{"learner": {');
  const input = fixtureFile('xgboost/3.4.1/binary_logitraw/input.json');
  const refused = run('predict', '--model', bad, '--input', input);
  t.equal(refused.status, 1);
  t.match(refused.stderr, /^error: MODEL_TRUNCATED: the model is not valid JSON/);
  t.equal(refused.stdout, '');
  t.end();
});
