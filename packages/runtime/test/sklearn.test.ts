// scikit-learn 1.2.1 models exported by exporters/export_sklearn.py (fixtures/sklearn/generate.py): margins and
// predictions equal scikit-learn's own `_raw_predict`/`predict` bit for bit, except poisson's exp (V8 vs numpy,
// within 1 ulp). Malformed exports are refused with typed errors.
import t from 'tap';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../src/index.js';
import { codeOf } from './fixtures/code-of.js';
import { readFixtureText } from './fixtures/read-fixture.js';

const root = fileURLToPath(new URL('../../../fixtures/sklearn/', import.meta.url));

const cases = readdirSync(root)
  .filter((name) => statSync(join(root, name)).isDirectory())
  .sort();

t.test('the fixture set covers every estimator', async (t) => {
  const kinds = new Set(
    cases.map(
      (name) => (JSON.parse(readFixtureText(join(root, name, 'model.json'))) as { estimator: string }).estimator,
    ),
  );
  t.same([...kinds].sort(), [
    'DecisionTreeClassifier',
    'DecisionTreeRegressor',
    'ExtraTreesClassifier',
    'ExtraTreesRegressor',
    'GradientBoostingClassifier',
    'GradientBoostingRegressor',
    'HistGradientBoostingClassifier',
    'HistGradientBoostingRegressor',
    'RandomForestClassifier',
    'RandomForestRegressor',
  ]);
});

/** Cases whose prediction goes through `exp` (V8's Math.exp vs glibc's exp may differ by an ulp). */
const EXP_LINKS = /poisson|gradient_boosting_classifier|hist_gradient_boosting_classifier/;

for (const name of cases) {
  t.test(`${name} matches scikit-learn`, async (t) => {
    const dir = join(root, name);
    const input = JSON.parse(readFixtureText(join(dir, 'input.json'))) as {
      feature_names: string[];
      rows: (number | null)[][];
    };
    const expected = JSON.parse(readFixtureText(join(dir, 'expected.json'))) as {
      margin: (number | number[])[];
      prediction: (number | number[])[];
    };
    const exported = JSON.parse(readFixtureText(join(dir, 'model.json'))) as { classes?: unknown[] };
    const model = loadModel(readFixtureText(join(dir, 'model.json')));
    t.equal(model.format, 'sklearn-json');
    t.same(model.featureNames, input.feature_names);
    t.same(model.classes, exported.classes, 'classes as scikit-learn lists them');
    const columns = input.feature_names.length;
    const expectedMargin = expected.margin.flat();
    const expectedPrediction = expected.prediction.flat();
    t.equal(model.outputWidth('margin') * input.rows.length, expectedMargin.length, 'margin width');
    t.equal(model.outputWidth('prediction') * input.rows.length, expectedPrediction.length, 'prediction width');

    const margins = model.predictBatch(input.rows, columns, 'margin');
    const predictions = model.predictBatch(input.rows, columns, 'prediction');
    let marginMismatches = 0;
    let predictionMismatches = 0;
    let worst = 0;
    expectedMargin.forEach((e, i) => {
      if (!Object.is(margins[i], e)) marginMismatches++;
    });
    expectedPrediction.forEach((e, i) => {
      if (!Object.is(predictions[i], e)) predictionMismatches++;
      if (e !== predictions[i]) worst = Math.max(worst, Math.abs(predictions[i]! - e) / Math.abs(e));
    });
    t.equal(marginMismatches, 0, `margins bit for bit (${input.rows.length} rows)`);
    if (EXP_LINKS.test(name)) {
      t.ok(
        worst <= 1e-12,
        `predictions within 1e-12 relative (worst ${worst.toExponential(2)}, ${predictionMismatches} not bit for bit)`,
      );
    } else t.equal(predictionMismatches, 0, 'predictions bit for bit');

    // No SHAP library here to compare with: check TreeSHAP's local accuracy on a spread of rows instead.
    const picked = input.rows.filter((_, r) => r % 9 === 0);
    const phi = model.predictBatch(picked, columns, 'contrib');
    const stride = columns + 1;
    const outputs = model.numOutputs;
    let worstSum = 0;
    const pickedMargins = model.predictBatch(picked, columns, 'margin');
    for (let i = 0; i < picked.length; i++) {
      for (let k = 0; k < outputs; k++) {
        let sum = 0;
        for (let j = 0; j < stride; j++) sum += phi[(i * outputs + k) * stride + j]!;
        const margin = pickedMargins[i * outputs + k]!;
        worstSum = Math.max(worstSum, Math.abs(sum - margin) / Math.max(Math.abs(margin), 1));
      }
    }
    t.ok(worstSum <= 1e-9, `contributions add up to the margin (worst ${worstSum.toExponential(2)})`);
  });
}

// The fields of an export (exporters/export_sklearn.py) that the damage below touches.
interface ExportTree {
  children_left: number[];
  children_right?: number[];
  value: number[];
  threshold: (number | string)[];
  feature: number[];
  left_category_bitsets: number[][];
  is_categorical?: unknown;
}
interface Export {
  version: number;
  estimator: string;
  init?: unknown;
  input_dtype: string;
  link: string;
  known_category_bitsets: Record<string, number[]>;
  trees: ExportTree[];
}

t.test('refuses damaged exports with typed errors', async (t) => {
  const forest = readFixtureText(join(root, 'random_forest_seattle', 'model.json'));
  const hist = readFixtureText(join(root, 'hist_gradient_boosting_nan_categorical', 'model.json'));
  const damaged = (text: string, damage: (m: Export) => void): Export => {
    const model = JSON.parse(text) as Export;
    damage(model);
    return model;
  };
  const cases: [string, string, Export][] = [
    ['untouched', '', damaged(forest, () => {})],
    ['unknown version', 'MODEL_FORMAT_UNSUPPORTED', damaged(forest, (m) => (m.version = 2))],
    ['unknown estimator', 'MODEL_FEATURE_UNSUPPORTED', damaged(forest, (m) => (m.estimator = 'AdaBoostRegressor'))],
    ['missing children_right', 'MODEL_TRUNCATED', damaged(forest, (m) => delete m.trees[3]!.children_right)],
    ['short value array', 'MODEL_TRUNCATED', damaged(forest, (m) => void m.trees[0]!.value.pop())],
    ['missing init', 'MODEL_TRUNCATED', damaged(forest, (m) => delete m.init)],
    ['dtype contradicting the estimator', 'MODEL_TRUNCATED', damaged(forest, (m) => (m.input_dtype = 'float64'))],
    [
      'threshold that is not a number',
      'MODEL_THRESHOLD_NOT_FINITE',
      damaged(forest, (m) => (m.trees[0]!.threshold[0] = 'NaN')),
    ],
    [
      'child index out of range',
      'MODEL_CHILD_OUT_OF_RANGE',
      damaged(forest, (m) => (m.trees[0]!.children_left[0] = 99999)),
    ],
    ['child pointing back to the root', 'MODEL_CYCLE', damaged(forest, (m) => (m.trees[0]!.children_left[1] = 0))],
    ['feature beyond n_features', 'MODEL_FEATURE_OUT_OF_RANGE', damaged(forest, (m) => (m.trees[0]!.feature[0] = 10))],
    ['unknown link', 'MODEL_OBJECTIVE_UNKNOWN', damaged(hist, (m) => (m.link = 'logit'))],
    [
      'short category bitset',
      'MODEL_CATEGORY_INVALID',
      damaged(hist, (m) => void m.trees[0]!.left_category_bitsets[0]!.pop()),
    ],
    ['negative bitset word', 'MODEL_CATEGORY_INVALID', damaged(hist, (m) => (m.known_category_bitsets['5']![0] = -1))],
    ['missing known categories', 'MODEL_CATEGORY_INVALID', damaged(hist, (m) => (m.known_category_bitsets = {}))],
    ['missing is_categorical', 'MODEL_TRUNCATED', damaged(hist, (m) => delete m.trees[2]!.is_categorical)],
  ];
  for (const [what, code, model] of cases) {
    t.equal(
      codeOf(() => loadModel(model)),
      code === '' ? undefined : code,
      what,
    );
  }
});

t.test('HistGradientBoosting sends unseen categories the way missing values go, seen ones by the bitset', async (t) => {
  const dir = join(root, 'hist_gradient_boosting_nan_categorical');
  const input = JSON.parse(readFixtureText(join(dir, 'input.json'))) as {
    row_tags: string[];
    rows: (number | null)[][];
  };
  const expected = JSON.parse(readFixtureText(join(dir, 'expected.json'))) as { prediction: number[] };
  const model = loadModel(readFixtureText(join(dir, 'model.json')));
  const at = (tag: string): number => input.row_tags.indexOf(tag);
  for (const tag of ['cat:12.0', 'cat:200.0', 'cat:255.0', 'cat:nan']) {
    t.equal(model.predict(input.rows[at(tag)]!), expected.prediction[at(tag)], tag);
  }
  // Unseen codes and NaN share one path, so they predict alike; a fraction truncates to its code.
  t.equal(model.predict(input.rows[at('cat:200.0')]!), model.predict(input.rows[at('cat:nan')]!));
  t.equal(model.predict(input.rows[at('cat:2.7')]!), expected.prediction[at('cat:2.7')]);
});

t.test('refuses missing values where scikit-learn 1.2 does, instead of inventing a direction', async (t) => {
  for (const name of ['random_forest_seattle', 'extra_trees_seattle', 'gradient_boosting_seattle']) {
    const dir = join(root, name);
    const source = JSON.parse(readFixtureText(join(dir, 'model.json'))) as {
      missing_values: string;
      n_features: number;
    };
    t.equal(source.missing_values, 'refuse', `${name} is exported as refusing missing values`);
    const model = loadModel(source);
    const row = Array.from({ length: source.n_features }, () => 1);
    t.type(model.predict(row), 'number', `${name} predicts a complete row`);
    row[2] = NaN;
    t.throws(() => model.predict(row), { name: 'RangeError', message: /feature 2 is missing/ }, `${name}: NaN`);
    t.throws(
      () => model.predictBatch([row.map((v, j) => (j === 2 ? null : v))], source.n_features),
      RangeError,
      `${name}: null`,
    );
    t.throws(() => model.predictBatch(new Float64Array(2), 2), RangeError, `${name}: missing trailing columns`);
  }
  const hist = JSON.parse(readFixtureText(join(root, 'hist_gradient_boosting_nan_categorical', 'model.json'))) as {
    missing_values: string;
  };
  t.equal(hist.missing_values, 'route', 'HistGradientBoosting learned where missing values go');
});
