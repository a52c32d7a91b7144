// Every loader refuses a model that uses something it does not implement, with a typed error, instead of predicting
// without it. Each case takes a valid fixture model, checks it loads, then adds one field that would change the
// prediction in the library that wrote it (or one the loader does not know) and expects MODEL_FEATURE_UNSUPPORTED.
import t from 'tap';
import { loadModel } from '../src/index.js';
import { readFixtureBytes, readFixtureText } from './fixtures/read-fixture.js';
import { codeOf } from './fixtures/code-of.js';

type Json = Record<string, unknown>;

/** The object at `path` inside a parsed model (a test helper: the path is known to exist). */
function at(model: unknown, ...path: (string | number)[]): Json {
  let node = model;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node as Json;
}

/** Loads `text` untouched, then with `change` applied to its parsed JSON, and returns the two outcomes. */
function withField(text: string, change: (model: Json) => void): [string | undefined, string | undefined] {
  const model = JSON.parse(text) as Json;
  change(model);
  return [codeOf(() => loadModel(text)), codeOf(() => loadModel(model))];
}

t.test('XGBoost save_model JSON', async (t) => {
  const text = readFixtureText('xgboost/3.4.1/binary_logistic/model.json');
  const gbtree = (m: Json): Json => at(m, 'learner', 'gradient_booster', 'model');
  // XGBoost 3.1+ re-codes DataFrame categories at prediction when cats.enc lists them.
  t.same(
    withField(text, (m) => (at(gbtree(m), 'cats')['enc'] = [['red', 'green']])),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'category re-coding (cats.enc)',
  );
  t.same(
    withField(text, (m) => (at(gbtree(m), 'trees', 0)['leaf_vector'] = [0.5, 0.25])),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an unknown tree field',
  );
  t.same(
    withField(text, (m) => (at(m, 'learner', 'learner_model_param')['num_parallel_targets'] = '2')),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an unknown learner_model_param',
  );
});

t.test('XGBoost gblinear save_model JSON', async (t) => {
  const text = readFixtureText('xgboost/generated-3.4.1/gblinear/model.json');
  const linear = (m: Json): Json => at(m, 'learner', 'gradient_booster', 'model');
  t.same(
    withField(text, (m) => (linear(m)['feature_selector'] = 'shuffle')),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an unknown gblinear model field',
  );
  t.same(
    withField(text, (m) => (linear(m)['weights'] as number[]).pop()),
    [undefined, 'MODEL_TRUNCATED'],
    'one weight short of (num_feature + 1) x outputs',
  );
  t.same(
    withField(text, (m) => (at(m, 'learner', 'gradient_booster')['name'] = 'gbforest')),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'a booster that is not gbtree, dart or gblinear',
  );
});

t.test('XGBoost get_dump JSON', async (t) => {
  const text = readFixtureText('xgboost/3.4.1/binary_logitraw/dump.json');
  const firstLeaf = (node: Json): Json => ('leaf' in node ? node : firstLeaf(at(node, 'children', 0)));
  const { feature_names: featureNames } = JSON.parse(readFixtureText('xgboost/3.4.1/binary_logitraw/input.json')) as {
    feature_names: string[];
  };
  const options = { objective: 'binary:logitraw', featureNames };
  const model = JSON.parse(text) as Json[];
  t.equal(
    codeOf(() => loadModel(text, options)),
    undefined,
    'the dump loads',
  );
  firstLeaf(model[0]!)['leaf_scale'] = 2;
  t.equal(
    codeOf(() => loadModel(model, options)),
    'MODEL_FEATURE_UNSUPPORTED',
    'an unknown leaf field',
  );
  const split = JSON.parse(text) as Json[];
  at(split, 0)['split_type'] = 'partition';
  t.equal(
    codeOf(() => loadModel(split, options)),
    'MODEL_FEATURE_UNSUPPORTED',
    'an unknown split field',
  );
});

t.test('LightGBM dump_model() JSON', async (t) => {
  const text = readFixtureText('lightgbm/regression/model.json');
  const firstLeaf = (node: Json): Json => ('leaf_value' in node ? node : firstLeaf(at(node, 'left_child')));
  // What LightGBM writes for a linear tree's leaf (tree.cpp LinearModelToJSON) is read (lightgbm.test.ts); a leaf
  // model missing its coefficients is refused rather than read as a constant leaf.
  t.same(
    withField(text, (m) => {
      const leaf = firstLeaf(at(m, 'tree_info', 0, 'tree_structure'));
      Object.assign(leaf, { leaf_const: 0.25, leaf_features: [3], leaf_coeff: [1e-5] });
    }),
    [undefined, undefined],
    'a linear leaf loads',
  );
  t.same(
    withField(text, (m) => {
      const leaf = firstLeaf(at(m, 'tree_info', 0, 'tree_structure'));
      Object.assign(leaf, { leaf_const: 0.25, leaf_features: [3] });
    }),
    [undefined, 'MODEL_TRUNCATED'],
    'a linear leaf without leaf_coeff',
  );
  t.same(
    withField(text, (m) => (at(m, 'tree_info', 0)['is_linear'] = true)),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an unknown tree field',
  );
  t.same(
    withField(text, (m) => (at(m, 'tree_info', 0, 'tree_structure')['split_scale'] = 2)),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an unknown split field',
  );
  t.same(
    withField(text, (m) => (m['linear_tree'] = true)),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an unknown model field',
  );
});

t.test('LightGBM model.txt', async (t) => {
  const text = readFixtureText('lightgbm/regression/model.txt');
  t.equal(
    codeOf(() => loadModel(text)),
    undefined,
    'the model loads',
  );
  const tree0 = text.indexOf('is_linear=0');
  const linear = `${text.slice(0, tree0)}is_linear=1\nleaf_const=0.5 0.5\nnum_features=1 1\n${text.slice(tree0 + 12)}`;
  t.equal(
    codeOf(() => loadModel(linear)),
    'MODEL_TRUNCATED',
    'a linear tree without leaf_features and leaf_coeff',
  );
  // A whole linear tree 0 as LightGBM writes one: a constant and one term per leaf, leaves separated by two spaces.
  const leaves = Number(/num_leaves=(\d+)/.exec(text.slice(text.indexOf('Tree=0')))![1]);
  const perLeaf = (token: string, separator: string) => Array.from({ length: leaves }, () => token).join(separator);
  const complete =
    `${text.slice(0, tree0)}is_linear=1\nleaf_const=${perLeaf('0.5', ' ')}\nnum_features=${perLeaf('1', ' ')}\n` +
    `leaf_features=${perLeaf('0', '  ')}  \nleaf_coeff=${perLeaf('-2', '  ')}  \n${text.slice(tree0 + 12)}`;
  t.equal(
    codeOf(() => loadModel(complete)),
    undefined,
    'a complete linear tree loads',
  );
  t.equal(
    codeOf(() => loadModel(complete.replace('leaf_features=0  0', 'leaf_features=0  0  0'))),
    'MODEL_TRUNCATED',
    'more leaf_features than num_features counts',
  );
  const extra = `${text.slice(0, tree0)}leaf_const=0.5 0.5\n${text.slice(tree0)}`;
  t.equal(
    codeOf(() => loadModel(extra)),
    'MODEL_FEATURE_UNSUPPORTED',
    'an unknown tree key',
  );
  const header = text.replace('\nfeature_names=', '\nlinear_tree=1\nfeature_names=');
  t.equal(
    codeOf(() => loadModel(header)),
    'MODEL_FEATURE_UNSUPPORTED',
    'an unknown header key',
  );
});

t.test('scikit-learn export', async (t) => {
  const text = readFixtureText('sklearn/random_forest_seattle/model.json');
  t.same(
    withField(text, (m) => (m['n_outputs'] = 2)),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an unknown model field (multi-output)',
  );
  t.same(
    withField(text, (m) => (at(m, 'trees', 0)['sample_weight'] = 2)),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an unknown tree field',
  );
  t.same(
    withField(text, (m) => (m['aggregation'] = 'median')),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an aggregation the estimator does not use',
  );
});

t.test('ml-random-forest toJSON()', async (t) => {
  const text = readFixtureText('ml-random-forest/mean_seattle/model.json');
  t.same(
    withField(text, (m) => (at(m, 'baseModel')['estimatorWeights'] = [2])),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an unknown forest field',
  );
  t.same(
    withField(text, (m) => (at(m, 'baseModel', 'estimators', 0, 'root')['offset'] = 1)),
    [undefined, 'MODEL_FEATURE_UNSUPPORTED'],
    'an unknown node field',
  );
});

t.test('ONNX tree ensembles', async (t) => {
  t.equal(
    codeOf(() => loadModel(readFixtureBytes('onnx/modes_regressor_sum/model.onnx'))),
    undefined,
    'a valid model',
  );
  // Valid ONNX models (fixtures/onnx/generate.py) using what the loader does not implement.
  for (const [name, what] of [
    ['scaler_before_trees', 'a Scaler node before the trees'],
    ['double_input', 'a double input tensor'],
    ['double_thresholds', 'double thresholds (nodes_values_as_tensor)'],
  ]) {
    t.equal(
      codeOf(() => loadModel(readFixtureBytes(`onnx/refused/${name}.onnx`))),
      'MODEL_FEATURE_UNSUPPORTED',
      what!,
    );
  }
});
