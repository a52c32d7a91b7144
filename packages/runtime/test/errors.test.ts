import t, { type Test } from 'tap';
import { ERROR_CODES, loadModel, TreeModelError, type TreeModelErrorCode } from '../src/index.js';
import { readFixtureText } from './fixtures/read-fixture.js';

// A small real model (60 trees of depth 3) that each test damages in one way.
const MODEL_TEXT = readFixtureText('xgboost/3.4.1/binary_logitraw/model.json');
const DUMP_TEXT = readFixtureText('xgboost/3.4.1/binary_logitraw/dump.json');

interface Tree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: (number | null)[];
  sum_hessian?: number[];
}
interface Model {
  learner: {
    objective: { name: string };
    learner_model_param: { num_feature: string; base_score: string };
    gradient_booster: { model: { trees: Tree[]; tree_info: number[] } };
  };
}

function damaged(change: (model: Model) => void): Model {
  const model = JSON.parse(MODEL_TEXT) as Model;
  change(model);
  return model;
}

function firstTree(model: Model): Tree {
  return model.learner.gradient_booster.model.trees[0]!;
}

function refuses(t: Test, source: string | object, code: TreeModelErrorCode, message: RegExp, options = {}): void {
  let caught: unknown;
  try {
    loadModel(source, options);
  } catch (error) {
    caught = error;
  }
  t.type(caught, TreeModelError, `refused with a TreeModelError (${code})`);
  t.equal((caught as TreeModelError | undefined)?.code, code);
  t.match((caught as Error | undefined)?.message, message);
}

t.test('the undamaged model loads', (t) => {
  t.equal(loadModel(MODEL_TEXT).numTrees, 60);
  t.end();
});

t.test('TreeModelError carries a readonly code from ERROR_CODES and the cause', (t) => {
  try {
    loadModel('{"learner": ');
    t.fail('should throw');
  } catch (error) {
    t.type(error, TreeModelError);
    t.type(error, Error);
    const e = error as TreeModelError;
    t.equal(e.name, 'TreeModelError');
    t.ok(ERROR_CODES.includes(e.code));
    t.type(e.cause, SyntaxError, 'the JSON parser error is kept as cause');
  }
  t.end();
});

t.test('refuses a child index outside its tree', (t) => {
  refuses(
    t,
    damaged((m) => (firstTree(m).left_children[0] = 9999)),
    'MODEL_CHILD_OUT_OF_RANGE',
    /tree 0: left child of node 0 index 9999/,
  );
  // An index that would be valid in the flat arrays but belongs to the next tree is still refused.
  refuses(
    t,
    damaged((m) => (firstTree(m).right_children[0] = firstTree(m).left_children.length)),
    'MODEL_CHILD_OUT_OF_RANGE',
    /tree 0/,
  );
  refuses(
    t,
    damaged((m) => (firstTree(m).right_children[0] = -7)),
    'MODEL_CHILD_OUT_OF_RANGE',
    /index -7/,
  );
  t.end();
});

t.test('refuses a cycle and a node reachable twice', (t) => {
  refuses(
    t,
    damaged((m) => (firstTree(m).left_children[1] = 0)),
    'MODEL_CYCLE',
    /tree 0: node \d+ is reachable twice/,
  );
  refuses(
    t,
    damaged((m) => (firstTree(m).right_children[0] = firstTree(m).left_children[0]!)),
    'MODEL_CYCLE',
    /reachable twice/,
  );
  t.end();
});

t.test('refuses a feature index beyond the declared count', (t) => {
  refuses(
    t,
    damaged((m) => (firstTree(m).split_indices[0] = 9)),
    'MODEL_FEATURE_OUT_OF_RANGE',
    /feature index 9 but the model declares 9 features/,
  );
  const fewerFeatures = damaged((m) => {
    m.learner.learner_model_param.num_feature = '3';
    (m.learner as { feature_names?: string[] }).feature_names = [];
  });
  refuses(t, fewerFeatures, 'MODEL_FEATURE_OUT_OF_RANGE', /declares 3 features/);
  refuses(
    t,
    damaged((m) => (m.learner.learner_model_param.num_feature = '3')),
    'MODEL_TRUNCATED',
    /9 feature_names for num_feature 3/,
  );
  refuses(
    t,
    damaged((m) => (firstTree(m).split_indices[0] = -2)),
    'MODEL_FEATURE_OUT_OF_RANGE',
    /feature index -2/,
  );
  t.end();
});

t.test('refuses a non-finite threshold', (t) => {
  refuses(
    t,
    damaged((m) => (firstTree(m).split_conditions[0] = null)),
    'MODEL_THRESHOLD_NOT_FINITE',
    /tree 0, node 0: threshold NaN/,
  );
  // A bare NaN token on a numeric node (text accepted for XGBoost 1.7's categorical nodes) is still refused there.
  const nanText = JSON.stringify(damaged((m) => (firstTree(m).split_conditions[0] = 12345.5))).replace(
    '12345.5',
    'NaN',
  );
  refuses(t, nanText, 'MODEL_THRESHOLD_NOT_FINITE', /threshold NaN/);
  const infText = JSON.stringify(damaged((m) => (firstTree(m).split_conditions[0] = 12345.5))).replace(
    '12345.5',
    '1e999',
  );
  refuses(t, infText, 'MODEL_THRESHOLD_NOT_FINITE', /threshold Infinity/);
  t.end();
});

t.test('refuses a non-finite leaf value', (t) => {
  const tree = firstTree(JSON.parse(MODEL_TEXT) as Model);
  const leaf = tree.left_children.indexOf(-1);
  refuses(
    t,
    damaged((m) => (firstTree(m).split_conditions[leaf] = null)),
    'MODEL_VALUE_NOT_FINITE',
    new RegExp(`leaf ${leaf}: value NaN`),
  );
  t.end();
});

t.test('refuses an unknown objective', (t) => {
  refuses(
    t,
    damaged((m) => (m.learner.objective.name = 'reg:made-up')),
    'MODEL_OBJECTIVE_UNKNOWN',
    /"reg:made-up" is not supported/,
  );
  refuses(t, DUMP_TEXT, 'MODEL_OBJECTIVE_UNKNOWN', /binary:made-up/, { objective: 'binary:made-up' });
  t.end();
});

t.test('refuses a truncated file', (t) => {
  refuses(t, MODEL_TEXT.slice(0, MODEL_TEXT.length / 2), 'MODEL_TRUNCATED', /not valid JSON/);
  refuses(t, DUMP_TEXT.slice(0, 5000), 'MODEL_TRUNCATED', /not valid JSON/);
  refuses(
    t,
    damaged((m) => delete firstTree(m).sum_hessian),
    'MODEL_TRUNCATED',
    /tree 0: sum_hessian is missing/,
  );
  refuses(
    t,
    damaged((m) => firstTree(m).split_indices.pop()),
    'MODEL_TRUNCATED',
    /split_indices has \d+ entries, expected/,
  );
  refuses(
    t,
    damaged((m) => m.learner.gradient_booster.model.tree_info.pop()),
    'MODEL_TRUNCATED',
    /60 trees but 59 tree_info/,
  );
  refuses(t, '', 'MODEL_TRUNCATED', /empty/);
  t.end();
});

t.test('refuses an unknown format and says what it found', (t) => {
  refuses(t, { name: 'mystery', weights: [1, 2] }, 'MODEL_FORMAT_UNSUPPORTED', /keys \{name, weights\}/);
  refuses(t, 'hello world', 'MODEL_FORMAT_UNSUPPORTED', /text starting with "hello world"/);
  refuses(t, [1, 2, 3], 'MODEL_FORMAT_UNSUPPORTED', /array of number values/);
  refuses(t, '"just a string"', 'MODEL_FORMAT_UNSUPPORTED', /text starting with "\\"just a string/);
  t.end();
});

t.test('refuses damaged get_dump arrays', (t) => {
  const trees = JSON.parse(DUMP_TEXT) as { nodeid: number; yes?: number; children?: { nodeid: number }[] }[];
  const options = {
    featureNames: ['x_norm', 'x_unif', 'x_int', 'x_lognorm', 'x_tiny', 'x_zeroinfl', 'x_big', 'x_decimal', 'x_noise'],
  };
  t.equal(loadModel(trees, options).numTrees, 60);
  const missingChild = structuredClone(trees);
  missingChild[0]!.yes = 77;
  refuses(t, missingChild, 'MODEL_CHILD_OUT_OF_RANGE', /tree 0, node 0: child 77 is not in the tree/, options);
  const duplicate = structuredClone(trees);
  duplicate[0]!.children![1]!.nodeid = duplicate[0]!.children![0]!.nodeid;
  refuses(t, duplicate, 'MODEL_CYCLE', /appears twice/, options);
  // Features named by index (f0, f1, ...) when no names are given: an index beyond numFeatures is refused.
  const byIndex = structuredClone(trees);
  const rename = (node: { split?: string; children?: unknown[] }): void => {
    if (node.split !== undefined) node.split = `f${options.featureNames.indexOf(node.split)}`;
    node.children?.forEach((child) => rename(child as typeof node));
  };
  byIndex.forEach((tree) => rename(tree));
  t.equal(loadModel(byIndex).numFeatures, 9, 'f<index> names need no featureNames');
  refuses(t, byIndex, 'MODEL_FEATURE_OUT_OF_RANGE', /declares 3 features/, { numFeatures: 3 });
  refuses(t, trees, 'MODEL_OPTIONS_INVALID', /"x_\w+", which is not of the form f<index>; pass featureNames/);
  t.end();
});
