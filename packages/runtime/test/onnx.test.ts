// ONNX tree ensembles (fixtures/onnx, built with python3-onnx from the project's XGBoost and scikit-learn fixtures and
// from random trees of every node mode), against onnxruntime-node itself: the same float32 rows through an
// InferenceSession (one thread) and through loadModel. Outputs are compared bit for bit, and every output must be
// within 1 float32 ulp of onnxruntime's; the test reports how many are not bit for bit.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import * as ort from 'onnxruntime-node';
import { loadModel } from '../src/index.js';
import { float32Ulp } from './fixtures/compare.js';
import { FIXTURES, fixtureFile, readFixtureBytes, readFixtureJson } from './fixtures/read-fixture.js';
import { codeOf } from './fixtures/code-of.js';

// Every case folder but refused/ (models the loader refuses: refusals.test.ts).
const cases = readdirSync(join(FIXTURES, 'onnx'))
  .filter((name) => statSync(join(FIXTURES, 'onnx', name)).isDirectory() && name !== 'refused')
  .sort();

async function onnxruntime(model: Uint8Array, rows: (number | null)[][], columns: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const data = Float32Array.from(rows.flatMap((r) => r.map((v) => (v === null ? NaN : v))));
  const outputs = await session.run({ X: new ort.Tensor('float32', data, [rows.length, columns]) });
  const scores = outputs['probabilities'] ?? outputs['Y'];
  await session.release();
  return scores!.data as Float32Array;
}

t.test('the fixture set', async (t) => {
  t.equal(cases.length, 25, 'twenty-five ONNX cases');
});

for (const name of cases) {
  t.test(`onnx/${name} matches onnxruntime`, async (t) => {
    const dir = `onnx/${name}`;
    const input = readFixtureJson<{ feature_names: string[]; rows: (number | null)[][] }>(`${dir}/input.json`);
    const columns = input.feature_names.length;
    const expected = await onnxruntime(readFixtureBytes(`${dir}/model.onnx`), input.rows, columns);
    const model = loadModel(readFixtureBytes(`${dir}/model.onnx`));
    t.equal(model.format, 'onnx');
    const actual = model.predictBatch(input.rows, columns, 'prediction');
    t.equal(actual.length, expected.length, 'one output per ONNX Runtime output');
    let notExact = 0;
    let beyondUlp = 0;
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i]!;
      const a = actual[i]!;
      if (Object.is(a, e) || (a === e && a !== 0)) continue;
      notExact++;
      if (!(Math.abs(a - e) <= float32Ulp(e))) beyondUlp++;
    }
    t.equal(beyondUlp, 0, `every output within 1 float32 ulp (${expected.length} outputs)`);
    // Sums and comparisons are exact; only the float32 exp / log / sqrt of the transforms may differ by an ulp.
    if (/_none|_sum|_average|_min|_max_|_max$|random_forest|extra_trees/.test(name))
      t.equal(notExact, 0, 'bit for bit');
    else t.pass(`${notExact} of ${expected.length} outputs not bit for bit`);

    if (/_min|_max_|_max$/.test(name)) {
      // MIN / MAX: only the interpreter expresses them (evaluators/select.ts); TreeSHAP explains sums, so no contrib.
      t.equal(model.evaluatorForm, 'interpreted', 'MIN / MAX run on the interpreter');
      t.equal(
        codeOf(() => model.predictBatch(input.rows, columns, 'contrib')),
        'MODEL_FEATURE_UNSUPPORTED',
        'contributions refused',
      );
      return;
    }
    // ONNX Runtime has no contributions: check that TreeSHAP's add up to each margin.
    const margins = model.predictBatch(input.rows, columns, 'margin');
    const phi = model.predictBatch(input.rows, columns, 'contrib');
    let worst = 0;
    for (let i = 0; i < margins.length; i++) {
      let sum = 0;
      for (let j = 0; j <= columns; j++) sum += phi[i * (columns + 1) + j]!;
      worst = Math.max(worst, Math.abs(sum - margins[i]!) / Math.max(1, Math.abs(margins[i]!)));
    }
    t.ok(worst <= 1e-6, `contributions add up to the margin (worst ${worst.toExponential(2)})`);
  });
}

t.test('the CLI predicts an .onnx model as onnxruntime does', async (t) => {
  const dir = 'onnx/xgboost_multi_softprob';
  const input = readFixtureJson<{ feature_names: string[]; rows: (number | null)[][] }>(`${dir}/input.json`);
  const expected = await onnxruntime(readFixtureBytes(`${dir}/model.onnx`), input.rows, input.feature_names.length);
  const cli = join(dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');
  const model = fixtureFile(`${dir}/model.onnx`);
  const result = spawnSync(
    process.execPath,
    [cli, 'predict', '--model', model, '--input', fixtureFile(`${dir}/input.json`)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    },
  );
  t.equal(result.status, 0, result.stderr);
  const predictions = (JSON.parse(result.stdout) as number[][]).flat();
  let beyondUlp = 0;
  predictions.forEach((p, i) => {
    if (!(Math.abs(p - expected[i]!) <= float32Ulp(expected[i]!))) beyondUlp++;
  });
  t.equal(predictions.length, expected.length, 'one probability per class and row');
  t.equal(beyondUlp, 0, 'within 1 float32 ulp of onnxruntime');
});

t.test('the CLI predicts MIN / MAX models as onnxruntime does, and refuses their contributions', async (t) => {
  const cli = join(dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');
  for (const name of ['modes_regressor_min', 'opset5_member_max_3_targets']) {
    const dir = `onnx/${name}`;
    const input = readFixtureJson<{ feature_names: string[]; rows: (number | null)[][] }>(`${dir}/input.json`);
    const expected = await onnxruntime(readFixtureBytes(`${dir}/model.onnx`), input.rows, input.feature_names.length);
    const run = (output: string) =>
      spawnSync(
        process.execPath,
        [
          cli,
          'predict',
          '--model',
          fixtureFile(`${dir}/model.onnx`),
          '--input',
          fixtureFile(`${dir}/input.json`),
        ].concat(['--output', output]),
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      );
    const result = run('prediction');
    t.equal(result.status, 0, result.stderr);
    const predictions = (JSON.parse(result.stdout) as (number | number[])[]).flat();
    t.same(predictions, Array.from(expected), `${name}: predictions bit for bit`);
    const contrib = run('contrib');
    t.equal(contrib.status, 1, `${name}: contrib exits 1`);
    t.match(contrib.stderr, /MODEL_FEATURE_UNSUPPORTED/, `${name}: with the typed code`);
  }
});

t.test('damaged ONNX files are refused with typed errors', async (t) => {
  const bytes = readFixtureBytes('onnx/modes_regressor_sum/model.onnx');
  let refused = 0;
  const offsets = Array.from({ length: 200 }, (_, i) => 3 + Math.floor((i * (bytes.length - 3)) / 200));
  for (const n of offsets) {
    const code = codeOf(() => loadModel(bytes.subarray(0, n)));
    if (code !== undefined && !code.startsWith('not a')) refused++;
  }
  t.equal(refused, offsets.length, `${offsets.length} truncations refused with a TreeModelError`);
  const flipped = new Uint8Array(bytes);
  flipped[1] = 0xff; // the ir_version varint now runs on into the next bytes
  t.ok(codeOf(() => loadModel(flipped))?.startsWith('MODEL_'), 'a corrupted varint');
});
