// ml-random-forest RandomForestRegression#toJSON(): the committed fixtures (trained by
// fixtures/ml-random-forest/generate.mjs) and forests trained here, each compared with ml-random-forest's own
// predict, value for value. Missing values go right, as ml-cart's `x < splitValue` does with NaN.
import t from 'tap';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ml from 'ml-random-forest';
import { loadModel } from '../src/index.js';
import { codeOf } from './fixtures/code-of.js';
import { readFixtureText } from './fixtures/read-fixture.js';

interface Forest {
  train(X: number[][], y: number[]): void;
  predict(X: number[][]): number[];
  toJSON(): Record<string, unknown>;
}
const RandomForestRegression = (
  ml as unknown as {
    RandomForestRegression: new (options: Record<string, unknown>) => Forest;
  }
).RandomForestRegression;

const root = fileURLToPath(new URL('../../../fixtures/ml-random-forest/', import.meta.url));

for (const name of ['mean_seattle', 'median_seattle']) {
  t.test(`${name} matches ml-random-forest's predict`, async (t) => {
    const dir = join(root, name);
    const input = JSON.parse(readFixtureText(join(dir, 'input.json'))) as { rows: (number | null)[][] };
    const expected = JSON.parse(readFixtureText(join(dir, 'expected.json'))) as { prediction: number[] };
    const model = loadModel(readFixtureText(join(dir, 'model.json')));
    t.equal(model.format, 'ml-random-forest');
    const out = model.predictBatch(input.rows, model.numFeatures, 'prediction');
    let mismatches = 0;
    for (let r = 0; r < input.rows.length; r++) if (!Object.is(out[r], expected.prediction[r])) mismatches++;
    t.equal(mismatches, 0, `${input.rows.length} predictions bit for bit`);
  });
}

/** Deterministic rows with ties, exact zeros and a wide range, from a small linear congruential generator. */
function syntheticData(seed: number, rows: number, features: number): { X: number[][]; y: number[] } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const X = Array.from({ length: rows }, () =>
    Array.from({ length: features }, (_, f) =>
      f === 0 ? Math.floor(next() * 6) : f === 1 ? (next() < 0.2 ? 0 : next() * 10 - 5) : next() * 1000,
    ),
  );
  const y = X.map((row) => row[0]! * 2 + Math.sin(row[1]!) + row[2]! / 500 + next() * 0.1);
  return { X, y };
}

/** Rows that sit on every split value of the forest and on the doubles next to it, plus NaN rows. */
function probeRows(forest: Forest, base: number[][]): number[][] {
  const json = JSON.parse(JSON.stringify(forest.toJSON())) as {
    baseModel: { indexes: number[][]; estimators: { root: Record<string, unknown> }[] };
  };
  const rows: number[][] = [];
  json.baseModel.estimators.forEach((estimator, i) => {
    const stack = [estimator.root];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (node['distribution'] !== undefined) continue;
      const column = json.baseModel.indexes[i]![node['splitColumn'] as number]!;
      const value = node['splitValue'] as number;
      for (const v of [value, value - Math.abs(value) * Number.EPSILON, value + Math.abs(value) * Number.EPSILON]) {
        const row = [...base[rows.length % base.length]!];
        row[column] = v;
        rows.push(row);
      }
      stack.push(node['left'] as Record<string, unknown>, node['right'] as Record<string, unknown>);
    }
  });
  for (let f = 0; f < base[0]!.length; f++) {
    const row = [...base[f]!];
    row[f] = NaN;
    rows.push(row);
  }
  return rows;
}

// noOOB: with few trees some row is in every bootstrap sample, and ml-random-forest 2.1 then throws while averaging
// its empty out-of-bag list ("input must not be empty").
const trainings = [
  { selectionMethod: 'mean', nEstimators: 7, maxFeatures: 1.0 },
  { selectionMethod: 'mean', nEstimators: 5, maxFeatures: 2, replacement: true },
  { selectionMethod: 'median', nEstimators: 6, maxFeatures: 0.67 },
  { selectionMethod: 'median', nEstimators: 5, maxFeatures: 1.0, useSampleBagging: false },
];
for (const [i, options] of trainings.entries()) {
  t.test(`a forest trained here (${JSON.stringify(options)}) predicts as its own predict`, async (t) => {
    const { X, y } = syntheticData(11 + i, 90, 3);
    const forest = new RandomForestRegression({ seed: 40 + i, noOOB: true, treeOptions: { maxDepth: 6 }, ...options });
    forest.train(X, y);
    const rows = [...X, ...probeRows(forest, X)];
    const expected = forest.predict(rows);
    // toJSON() holds ml-cart TreeNode instances: load it as is, and through a JSON round trip.
    for (const source of [forest.toJSON(), JSON.parse(JSON.stringify(forest.toJSON())) as object]) {
      const model = loadModel(source);
      const out = model.predictBatch(rows, model.numFeatures, 'prediction');
      let mismatches = 0;
      for (let r = 0; r < rows.length; r++) if (!Object.is(out[r], expected[r])) mismatches++;
      t.equal(mismatches, 0, `${rows.length} rows bit for bit`);
    }
  });
}

t.test('the median forest exposes one margin per tree and predicts their lower median', async (t) => {
  const { X, y } = syntheticData(3, 60, 3);
  const forest = new RandomForestRegression({
    seed: 9,
    noOOB: true,
    nEstimators: 4,
    selectionMethod: 'median',
    treeOptions: { maxDepth: 4 },
  });
  forest.train(X, y);
  const model = loadModel(forest.toJSON());
  t.equal(model.numOutputs, 4);
  const margins = model.predict(X[0]!, 'margin') as number[];
  const sorted = [...margins].sort((a, b) => a - b);
  t.equal(model.predict(X[0]!), sorted[1], 'lower median of four trees');
  t.equal(model.predict(X[0]!), forest.predict([X[0]!])[0]);
});

t.test('mean forest contributions add up to the prediction', async (t) => {
  const { X, y } = syntheticData(5, 60, 3);
  const forest = new RandomForestRegression({ seed: 2, noOOB: true, nEstimators: 5, treeOptions: { maxDepth: 5 } });
  forest.train(X, y);
  const model = loadModel(forest.toJSON());
  for (const row of X.slice(0, 10)) {
    const phi = model.predict(row, 'contrib') as number[];
    const total = phi.reduce((a, b) => a + b, 0);
    t.ok(Math.abs(total - (model.predict(row) as number)) < 1e-9, 'sum of contributions and bias');
  }
});

t.test('refuses damaged or unsupported forests with typed errors', async (t) => {
  const { X, y } = syntheticData(1, 40, 3);
  const forest = new RandomForestRegression({ seed: 1, noOOB: true, nEstimators: 2, treeOptions: { maxDepth: 3 } });
  forest.train(X, y);
  // The fields of ml-random-forest's toJSON() that the damage below touches.
  interface Node {
    splitColumn?: number;
    splitValue?: number | null;
    left?: Node | undefined;
    right?: Node;
    distribution?: unknown;
  }
  interface Forest {
    name: string;
    selectionMethod: string;
    baseModel: { estimators?: { root: Node }[] };
  }
  const good = (): Forest => JSON.parse(JSON.stringify(forest.toJSON())) as Forest;
  const firstSplit = (m: Forest): Node => m.baseModel.estimators![0]!.root;

  t.equal(
    codeOf(() => loadModel(good())),
    undefined,
    'the untouched forest loads',
  );
  const classifier = good();
  classifier.name = 'RFClassifier';
  t.equal(
    codeOf(() => loadModel(classifier)),
    'MODEL_FEATURE_UNSUPPORTED',
    'classifier',
  );
  const selection = good();
  selection.selectionMethod = 'mode';
  t.equal(
    codeOf(() => loadModel(selection)),
    'MODEL_OBJECTIVE_UNKNOWN',
    'unknown selectionMethod',
  );
  const noEstimators = good();
  delete noEstimators.baseModel.estimators;
  t.equal(
    codeOf(() => loadModel(noEstimators)),
    'MODEL_TRUNCATED',
    'missing estimators',
  );
  const fewer = good();
  fewer.baseModel.estimators!.pop();
  t.equal(
    codeOf(() => loadModel(fewer)),
    'MODEL_TRUNCATED',
    'fewer estimators than nEstimators',
  );
  const column = good();
  firstSplit(column).splitColumn = 9;
  t.equal(
    codeOf(() => loadModel(column)),
    'MODEL_FEATURE_OUT_OF_RANGE',
    'splitColumn beyond the tree columns',
  );
  const split = good();
  firstSplit(split).splitValue = null;
  t.equal(
    codeOf(() => loadModel(split)),
    'MODEL_THRESHOLD_NOT_FINITE',
    'splitValue lost to null (NaN in JSON)',
  );
  const child = good();
  delete firstSplit(child).left;
  t.equal(
    codeOf(() => loadModel(child)),
    'MODEL_TRUNCATED',
    'missing child',
  );
  const leaf = good();
  const leafNode = firstSplit(leaf).right!;
  leafNode.left = undefined;
  leafNode.distribution = 'x';
  t.equal(
    codeOf(() => loadModel(leaf)),
    'MODEL_TRUNCATED',
    'non-numeric leaf',
  );
  const cyclic = good();
  firstSplit(cyclic).right = firstSplit(cyclic);
  t.equal(
    codeOf(() => loadModel(cyclic)),
    'MODEL_CYCLE',
    'a node that contains itself',
  );
});
