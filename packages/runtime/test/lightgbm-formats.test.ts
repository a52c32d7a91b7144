// LightGBM loaders beyond the parity fixtures: the objectives no fixture was trained with (their ConvertOutput
// applied to LightGBM's own raw scores, as listed in fixtures/lightgbm/README.md rule 7), the two files agreeing on
// structure, and damaged files refused with typed errors.
import t from 'tap';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, parseModel } from '../src/index.js';
import { codeOf } from './fixtures/code-of.js';
import { readFixtureText } from './fixtures/read-fixture.js';

const root = fileURLToPath(new URL('../../../fixtures/lightgbm/', import.meta.url));

function fixture(name: string): { text: string; json: string; rows: (number | null)[][]; raw: (number | number[])[] } {
  const dir = join(root, name);
  const input = JSON.parse(readFixtureText(join(dir, 'input.json'))) as { rows: (number | null)[][] };
  const expected = JSON.parse(readFixtureText(join(dir, 'expected.json'))) as { raw: (number | number[])[] };
  return {
    text: readFixtureText(join(dir, 'model.txt')),
    json: readFixtureText(join(dir, 'model.json')),
    rows: input.rows,
    raw: expected.raw,
  };
}

const regression = fixture('huber');
const multiclass = fixture('multiclass');
const sigmoid = (s: number) => (r: number) => 1 / (1 + Math.exp(-s * r));
const single: [string, (r: number) => number][] = [
  ['regression', (r) => r],
  ['regression_l1', (r) => r],
  ['quantile', (r) => r],
  ['mape', (r) => r],
  ['fair', (r) => r],
  ['regression sqrt', (r) => (r >= 0 ? r * r : -r * r)],
  ['regression_l1 sqrt', (r) => (r >= 0 ? r * r : -r * r)],
  ['cross_entropy', sigmoid(1)],
  ['xentropy', sigmoid(1)],
  ['cross_entropy_lambda', (r) => Math.log1p(Math.exp(r))],
  ['binary sigmoid:0.7', sigmoid(0.7)],
  ['poisson', Math.exp],
  ['tweedie', Math.exp],
];

for (const [objective, convert] of single) {
  t.test(`objective "${objective}" applies LightGBM's ConvertOutput to the raw score`, async (t) => {
    const model = loadModel(regression.text.replace('objective=huber', `objective=${objective}`));
    t.equal(model.objective, objective);
    for (let r = 0; r < 40; r++) {
      t.equal(model.predict(regression.rows[r]!, 'margin'), regression.raw[r], `raw ${r} unchanged`);
      t.equal(model.predict(regression.rows[r]!), convert(regression.raw[r] as number), `prediction ${r}`);
    }
  });
}

t.test('multiclassova applies a sigmoid per class', async (t) => {
  const text = multiclass.text.replace(
    'objective=multiclass num_class:3',
    'objective=multiclassova num_class:3 sigmoid:1.5',
  );
  const model = loadModel(text);
  t.equal(model.predictionWidth, 3);
  for (let r = 0; r < 30; r++) {
    t.same(model.predict(multiclass.rows[r]!), (multiclass.raw[r] as number[]).map(sigmoid(1.5)), `row ${r}`);
  }
});

t.test('model.json and model.txt give the same trees, including categorical sets', async (t) => {
  const cat = fixture('categorical');
  const fromText = parseModel(cat.text);
  const fromJson = parseModel(cat.json);
  t.equal(fromText.treeRoot.length, 120);
  t.equal(fromJson.treeRoot.length, 120);
  t.equal(fromText.objective, 'regression');
  t.equal(fromText.rules, 'lightgbm');
  t.equal(fromText.inputPrecision, 'float64');
  const members = (e: typeof fromText): number[][] => {
    const out: number[][] = [];
    for (let s = 0; s + 1 < e.categories.offset.length; s++) {
      const codes: number[] = [];
      for (let w = e.categories.offset[s]!; w < e.categories.offset[s + 1]!; w++) {
        for (let b = 0; b < 32; b++)
          if ((e.categories.bits[w]! >>> b) & 1) codes.push((w - e.categories.offset[s]!) * 32 + b);
      }
      out.push(codes);
    }
    return out;
  };
  t.ok(members(fromText).length > 0, 'the model has categorical splits');
  t.same(new Set(members(fromText).map(String)), new Set(members(fromJson).map(String)), 'same category sets');
  t.same(members(fromJson)[0], [2, 5, 7, 8, 10, 14, 19, 20], 'first split of tree 0: "2||5||7||8||10||14||19||20"');
});

t.test('rf averages over its iterations in the prediction only', async (t) => {
  const rf = fixture('rf');
  const model = loadModel(rf.text);
  const raw = model.predict(rf.rows[0]!, 'margin') as number;
  t.equal(raw, rf.raw[0]);
  t.equal(model.predict(rf.rows[0]!), raw / 100);
});

t.test('refuses damaged model.txt files with typed errors', async (t) => {
  const text = fixture('categorical').text;
  const firstTree = text.indexOf('Tree=0');
  const replaceInTree0 = (from: RegExp, to: string): string =>
    text.slice(0, firstTree) + text.slice(firstTree).replace(from, to);
  const cases: [string, string, string][] = [
    ['untouched', '', text],
    ['cut in the middle', 'MODEL_TRUNCATED', text.slice(0, Math.floor(text.length * 0.6))],
    ['without "end of trees"', 'MODEL_TRUNCATED', text.replace('end of trees', '')],
    ['cut inside a tree block', 'MODEL_TRUNCATED', text.slice(0, text.indexOf('leaf_value=', firstTree) + 40)],
    // A linear tree needs its leaf models: is_linear=1 without leaf_const is a damaged file.
    ['is_linear=1 without its leaf models', 'MODEL_TRUNCATED', replaceInTree0(/is_linear=0/, 'is_linear=1')],
    ['an unknown is_linear value', 'MODEL_TRUNCATED', replaceInTree0(/is_linear=0/, 'is_linear=2')],
    ['a leaf value too few', 'MODEL_TRUNCATED', replaceInTree0(/(leaf_value=.*) \S+\n/, '$1\n')],
    ['a threshold that is not a number', 'MODEL_TRUNCATED', replaceInTree0(/threshold=0 /, 'threshold=zero ')],
    ['a child index out of range', 'MODEL_CHILD_OUT_OF_RANGE', replaceInTree0(/left_child=3 /, 'left_child=300 ')],
    ['a leaf index out of range', 'MODEL_TRUNCATED', replaceInTree0(/left_child=3 /, 'left_child=-99 ')],
    [
      'a split feature beyond max_feature_idx',
      'MODEL_FEATURE_OUT_OF_RANGE',
      replaceInTree0(/split_feature=8 /, 'split_feature=12 '),
    ],
    [
      'cat_boundaries past cat_threshold',
      'MODEL_CATEGORY_INVALID',
      replaceInTree0(/cat_boundaries=0 1/, 'cat_boundaries=0 90'),
    ],
    [
      'a category set index beyond num_cat',
      'MODEL_CATEGORY_INVALID',
      replaceInTree0(/decision_type=1 2/, 'decision_type=1 3'),
    ],
    ['an unknown objective', 'MODEL_OBJECTIVE_UNKNOWN', text.replace('objective=regression', 'objective=lambda_magic')],
    [
      'fewer feature names than features',
      'MODEL_TRUNCATED',
      text.replace('feature_names=f0_normal_nan ', 'feature_names='),
    ],
  ];
  for (const [what, code, damaged] of cases) {
    t.equal(
      codeOf(() => loadModel(damaged)),
      code === '' ? undefined : code,
      what,
    );
  }
});

t.test('refuses damaged dump_model() JSON with typed errors', async (t) => {
  const json = fixture('categorical').json;
  const mc = fixture('multiclass_single_leaf_trees').json;
  // The fields of LightGBM's dump_model() that the damage below touches.
  interface DumpNode {
    threshold?: unknown;
    decision_type?: string;
    missing_type?: string;
    split_feature?: number;
    leaf_value?: number;
    left_child?: DumpNode;
    right_child?: DumpNode;
  }
  interface Dump {
    objective: string;
    num_tree_per_iteration: number;
    tree_info: { num_leaves: number; tree_structure?: DumpNode }[];
  }
  const damaged = (text: string, damage: (m: Dump) => void): Dump => {
    const model = JSON.parse(text) as Dump;
    damage(model);
    return model;
  };
  const root0 = (m: Dump): DumpNode => m.tree_info[0]!.tree_structure!;
  const left = (m: Dump): DumpNode => root0(m).left_child!;
  const cases: [string, string, Dump][] = [
    ['untouched', '', damaged(json, () => {})],
    ['a bad category string', 'MODEL_CATEGORY_INVALID', damaged(json, (m) => (root0(m).threshold = '2||x||7'))],
    ['a negative category', 'MODEL_CATEGORY_INVALID', damaged(json, (m) => (root0(m).threshold = '2||-5'))],
    ['an empty category list', 'MODEL_CATEGORY_INVALID', damaged(json, (m) => (root0(m).threshold = ''))],
    ['no tree_structure', 'MODEL_TRUNCATED', damaged(json, (m) => delete m.tree_info[5]!.tree_structure)],
    ['no right child', 'MODEL_TRUNCATED', damaged(json, (m) => delete root0(m).right_child)],
    [
      'no leaf value',
      'MODEL_TRUNCATED',
      damaged(json, (m) => delete left(m).left_child!.left_child!.left_child!.leaf_value),
    ],
    ['a null threshold', 'MODEL_TRUNCATED', damaged(json, (m) => (left(m).threshold = null))],
    ['an unknown decision_type', 'MODEL_FEATURE_UNSUPPORTED', damaged(json, (m) => (left(m).decision_type = '<'))],
    ['an unknown missing_type', 'MODEL_TRUNCATED', damaged(json, (m) => (left(m).missing_type = 'Sometimes'))],
    ['a wrong num_leaves', 'MODEL_TRUNCATED', damaged(json, (m) => (m.tree_info[0]!.num_leaves = 30))],
    [
      'a split feature beyond max_feature_idx',
      'MODEL_FEATURE_OUT_OF_RANGE',
      damaged(json, (m) => (left(m).split_feature = 10)),
    ],
    ['an unknown objective', 'MODEL_OBJECTIVE_UNKNOWN', damaged(json, (m) => (m.objective = 'binary'))],
    ['a multiclass model missing a tree', 'MODEL_TRUNCATED', damaged(mc, (m) => void m.tree_info.pop())],
    [
      'num_tree_per_iteration not matching num_class',
      'MODEL_TRUNCATED',
      damaged(mc, (m) => (m.num_tree_per_iteration = 2)),
    ],
    ['a subtree that contains itself', 'MODEL_CYCLE', damaged(json, (m) => (left(m).right_child = root0(m)))],
  ];
  for (const [what, code, model] of cases) {
    t.equal(
      codeOf(() => loadModel(model)),
      code === '' ? undefined : code,
      what,
    );
  }
});
