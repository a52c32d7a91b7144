// Every LightGBM 4.6 fixture case, through loadModel from both model.json and model.txt: raw scores bit for bit,
// predictions within 1e-15 relative (V8's Math.exp vs glibc's exp), TreeSHAP within 1e-5 of pred_contrib (relative to
// the row's largest contribution).
// Golden values are LightGBM's own outputs (fixtures/lightgbm/README.md).
import t from 'tap';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../src/index.js';
import { readFixtureText } from './fixtures/read-fixture.js';

const root = fileURLToPath(new URL('../../../fixtures/lightgbm/', import.meta.url));

interface Expected {
  raw: (number | number[])[];
  prediction: (number | number[])[];
  contrib: number[][];
}

// Linear trees have their own test (below: LightGBM gives them no contributions); every other case runs the loop.
const LINEAR = 'linear_tree';
const cases = readdirSync(root)
  .filter((name) => statSync(join(root, name)).isDirectory() && name !== LINEAR)
  .sort();

/** Largest |a - b| / max(|b|, floor) over two equal-length lists. */
function worstRelative(actual: ArrayLike<number>, expected: readonly number[], floor: number): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    worst = Math.max(worst, Math.abs(actual[i]! - e) / Math.max(Math.abs(e), floor));
  }
  return worst;
}

t.test('the fixture set is complete', async (t) => {
  t.equal(cases.length, 19, 'nineteen LightGBM cases besides linear_tree');
});

t.test(
  'linear trees: raw scores bit for bit from both files, contributions refused as LightGBM refuses them',
  async (t) => {
    const dir = join(root, LINEAR);
    const expected = JSON.parse(readFixtureText(join(dir, 'expected.json'))) as { raw: number[]; prediction: number[] };
    const input = JSON.parse(readFixtureText(join(dir, 'input.json'))) as {
      feature_names: string[];
      rows: (number | null)[][];
    };
    const columns = input.feature_names.length;
    const missing = input.rows.filter((row) => row.includes(null)).length;
    t.ok(
      missing > 0,
      `${missing} rows with a missing value (a leaf whose linear features include it gives leaf_value)`,
    );
    for (const file of ['model.json', 'model.txt']) {
      const model = loadModel(readFixtureText(join(dir, file)));
      t.equal(model.evaluatorForm, 'interpreted', `${file}: linear leaves run on the interpreter`);
      const margins = model.predictBatch(input.rows, columns, 'margin');
      t.equal(expected.raw.filter((r, i) => !Object.is(r, margins[i])).length, 0, `${file}: raw scores bit for bit`);
      const predictions = model.predictBatch(input.rows, columns, 'prediction');
      t.equal(
        expected.prediction.filter((p, i) => !Object.is(p, predictions[i])).length,
        0,
        `${file}: predictions bit for bit`,
      );
      t.throws(() => model.predictBatch(input.rows, columns, 'contrib'), { code: 'MODEL_FEATURE_UNSUPPORTED' });
      t.throws(() => model.predict(input.rows[0]!, 'contrib'), { code: 'MODEL_FEATURE_UNSUPPORTED' });
    }
    // What ignoring the linear part would predict: the same model with the constant leaf_value of each leaf.
    const constant = JSON.parse(readFixtureText(join(dir, 'model.json'))) as {
      tree_info: { tree_structure: unknown }[];
    };
    const strip = (node: Record<string, unknown>): void => {
      delete node['leaf_const'];
      delete node['leaf_features'];
      delete node['leaf_coeff'];
      for (const child of ['left_child', 'right_child']) if (node[child]) strip(node[child] as Record<string, unknown>);
    };
    for (const tree of constant.tree_info) strip(tree.tree_structure as Record<string, unknown>);
    const wrong = loadModel(constant).predictBatch(input.rows, columns, 'margin');
    const differ = expected.raw.filter((r, i) => r !== wrong[i]).length;
    t.ok(differ > expected.raw.length / 2, `constant leaves would mispredict ${differ} of ${expected.raw.length} rows`);
  },
);

for (const name of cases) {
  const dir = join(root, name);
  const input = JSON.parse(readFixtureText(join(dir, 'input.json'))) as {
    feature_names: string[];
    rows: (number | null)[][];
  };
  const expected = JSON.parse(readFixtureText(join(dir, 'expected.json'))) as Expected;
  const raw = expected.raw.flat();
  const prediction = expected.prediction.flat();
  const contrib = expected.contrib.flat();

  for (const file of ['model.json', 'model.txt']) {
    t.test(`${name}/${file} matches LightGBM`, async (t) => {
      const model = loadModel(readFixtureText(join(dir, file)));
      t.equal(model.format, file === 'model.txt' ? 'lightgbm-text' : 'lightgbm-json');
      t.same(model.featureNames, input.feature_names, 'feature names');

      const margins = model.predictBatch(input.rows, input.feature_names.length, 'margin');
      let mismatches = 0;
      for (let i = 0; i < raw.length; i++) if (!Object.is(margins[i], raw[i])) mismatches++;
      t.equal(mismatches, 0, `raw scores bit for bit (${raw.length} values)`);

      const predictions = model.predictBatch(input.rows, input.feature_names.length, 'prediction');
      t.ok(worstRelative(predictions, prediction, 1e-300) <= 1e-15, 'prediction within 1e-15 relative');

      // TreeSHAP costs trees x leaves x depth^2 per row, so it runs on a spread of rows (every 3rd from model.json,
      // every 10th from model.txt and from the 1000-tree case); the rows include edge values of every kind.
      const step = file === 'model.txt' || name === 'deep_1000_trees' ? 10 : 3;
      const picked = input.rows.map((_, r) => r).filter((r) => r % step === 0);
      const contributions = model.predictBatch(
        picked.map((r) => input.rows[r]!),
        input.feature_names.length,
        'contrib',
      );
      const stride = model.numOutputs * (model.numFeatures + 1);
      t.equal(stride * input.rows.length, contrib.length, 'num_class * (F + 1) contributions per row');
      // Relative to the row's largest contribution, so that near-zero entries are held to the same absolute scale.
      let worst = 0;
      picked.forEach((r, i) => {
        const slice = contrib.slice(r * stride, (r + 1) * stride);
        const scale = Math.max(...slice.map(Math.abs), 1e-12);
        worst = Math.max(worst, worstRelative(contributions.subarray(i * stride, (i + 1) * stride), slice, scale));
      });
      t.ok(worst <= 1e-5, `contrib within 1e-5 relative (worst ${worst.toExponential(2)})`);
    });
  }
}

t.test('one row at a time agrees with the batch', async (t) => {
  const dir = join(root, 'multiclass');
  const input = JSON.parse(readFixtureText(join(dir, 'input.json'))) as { rows: (number | null)[][] };
  const expected = JSON.parse(readFixtureText(join(dir, 'expected.json'))) as Expected;
  const model = loadModel(readFixtureText(join(dir, 'model.txt')));
  for (let r = 0; r < 20; r++) t.same(model.predict(input.rows[r]!, 'margin'), expected.raw[r]);
});
