import t from 'tap';
import { loadModel } from '../src/index.js';
import { readFixtureJson, readFixtureText } from './fixtures/read-fixture.js';

interface Input {
  feature_names: string[];
  rows: (number | null)[][];
}
interface Expected {
  margin: number[] | number[][];
  prediction: number[] | number[][];
  contrib: number[][] | number[][][];
}

const binary = 'xgboost/3.4.1/binary_logistic';
const multi = 'xgboost/3.4.1/multi_softprob_3class';
const model = loadModel(readFixtureText(`${binary}/model.json`));
const input = readFixtureJson<Input>(`${binary}/input.json`);
const expected = readFixtureJson<Expected>(`${binary}/expected.json`);

t.test('metadata of a single-output model', (t) => {
  t.equal(model.format, 'xgboost-json');
  t.equal(model.objective, 'binary:logistic');
  t.equal(model.numTrees, 80);
  t.equal(model.numFeatures, 9);
  t.same(model.featureNames, input.feature_names);
  t.equal(model.numOutputs, 1);
  t.equal(model.predictionWidth, 1);
  t.equal(model.classes, undefined);
  t.same([model.outputWidth('margin'), model.outputWidth('prediction'), model.outputWidth('contrib')], [1, 1, 10]);
  t.end();
});

t.test('predict returns numbers for margin and prediction, F + 1 contributions with the bias last', (t) => {
  const row = input.rows[0]!;
  t.equal(model.predict(row, 'margin'), (expected.margin as number[])[0]);
  t.equal(model.predict(row), (expected.prediction as number[])[0], 'prediction is the default output');
  const contrib = model.predict(row, 'contrib') as number[];
  t.equal(contrib.length, 10);
  const sum = contrib.reduce((a, b) => a + b, 0);
  t.ok(Math.abs(sum - (model.predict(row, 'margin') as number)) < 1e-5, 'contributions + bias add up to the margin');
  t.end();
});

t.test('rows as typed arrays, with null / undefined / NaN for missing, short rows, or objects keyed by name', (t) => {
  const row = input.rows.find((r) => r.includes(null))!;
  const margin = (expected.margin as number[])[input.rows.indexOf(row)];
  t.equal(
    model.predict(
      Float64Array.from(row, (v) => (v === null ? NaN : v)),
      'margin',
    ),
    margin,
  );
  t.equal(
    model.predict(
      Float32Array.from(row, (v) => (v === null ? NaN : v)),
      'margin',
    ),
    margin,
    'float32 input is cast anyway',
  );
  t.equal(
    model.predict(
      row.map((v) => (v === null ? undefined : v)),
      'margin',
    ),
    margin,
  );
  const named: Record<string, number | null> = {};
  input.feature_names.forEach((name, j) => (named[name] = row[j]!));
  t.equal(model.predict(named, 'margin'), margin);
  const allMissing = (expected.margin as number[])[input.rows.findIndex((r) => r.every((v) => v === null))];
  t.equal(model.predict([], 'margin'), allMissing, 'absent trailing features are missing');
  t.equal(model.predict({}, 'margin'), allMissing);
  t.throws(() => model.predict({ nope: 1 }), RangeError);
  t.throws(() => model.predict(new Array(10).fill(0)), RangeError);
  t.throws(() => model.predict(row, 'proba' as 'margin'), RangeError);
  t.end();
});

t.test('predictBatch takes flat typed arrays or arrays of rows and equals predict row by row', (t) => {
  const rows = input.rows.slice(0, 150);
  const flat = Float64Array.from(rows.flat(), (v) => (v === null ? NaN : v));
  for (const output of ['margin', 'prediction', 'contrib'] as const) {
    const batch = model.predictBatch(flat, 9, output);
    t.same(model.predictBatch(rows, 9, output), batch, `${output}: nested rows`);
    const single = rows.flatMap((row) => [model.predict(row, output)].flat() as number[]);
    t.same(Array.from(batch), single, `${output}: predict row by row`);
  }
  t.same(model.predictBatch(new Float32Array(0), 9), new Float64Array(0));
  t.throws(() => model.predictBatch(new Float64Array(10), 9), RangeError, 'not whole rows');
  t.throws(() => model.predictBatch(new Float64Array(20), 10), RangeError, 'more columns than features');
  const narrow = model.predictBatch(new Float64Array([NaN, NaN]), 2, 'margin');
  t.equal(narrow[0], model.predict([], 'margin'), 'fewer columns: the rest are missing');
  t.end();
});

t.test('multi-output shapes: number[] margins and probabilities, outputs x (F + 1) contributions', (t) => {
  const m = loadModel(readFixtureText(`${multi}/model.json`));
  const rows = readFixtureJson<Input>(`${multi}/input.json`).rows;
  const e = readFixtureJson<Expected>(`${multi}/expected.json`);
  t.same([m.numOutputs, m.predictionWidth, m.outputWidth('contrib')], [3, 3, 30]);
  t.same(m.predict(rows[0]!, 'margin'), (e.margin as number[][])[0]);
  t.same(m.predict(rows[0]!, 'prediction'), (e.prediction as number[][])[0]);
  const contrib = m.predict(rows[0]!, 'contrib') as number[][];
  t.same([contrib.length, contrib[0]!.length], [3, 10]);
  t.same(Array.from(m.predictBatch([rows[0]!], 9, 'contrib')), contrib.flat());
  t.end();
});

t.test('sliceIterations keeps the base margin and refuses ranges outside the model', (t) => {
  const none = model.sliceIterations(0, 0);
  t.equal(none.numTrees, 0);
  t.equal(none.predict(input.rows[0]!, 'margin'), model.ensemble.baseMargin[0]);
  t.equal(model.sliceIterations(0, 80).predict(input.rows[0]!, 'margin'), model.predict(input.rows[0]!, 'margin'));
  t.throws(() => model.sliceIterations(0, 81), RangeError);
  t.throws(() => model.sliceIterations(5, 2), RangeError);
  t.end();
});
