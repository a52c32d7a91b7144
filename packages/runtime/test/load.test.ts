import t from 'tap';
import { detectFormat, loadModel, parseModel } from '../src/index.js';
import { readFixtureJson, readFixtureText } from './fixtures/read-fixture.js';

const dir = 'xgboost/3.4.1/binary_logitraw';
const modelText = readFixtureText(`${dir}/model.json`);
const dumpText = readFixtureText(`${dir}/dump.json`);
const input = readFixtureJson<{ feature_names: string[]; rows: (number | null)[][] }>(`${dir}/input.json`);
const expected = readFixtureJson<{ margin: number[] }>(`${dir}/expected.json`);

t.test('detects each format from the content', (t) => {
  t.equal(detectFormat(JSON.parse(modelText)), 'xgboost-json');
  t.equal(detectFormat(JSON.parse(dumpText)), 'xgboost-dump');
  t.equal(detectFormat(['{"nodeid": 0, "leaf": 1}']), 'xgboost-dump', 'get_dump strings');
  t.equal(detectFormat({ name: 'RFRegression', estimators: [] }), 'ml-random-forest');
  t.equal(detectFormat({ format: 'sklearn-tree-ensemble' }), 'sklearn-json');
  t.equal(detectFormat({ name: 'tree', version: 'v4', tree_info: [] }), 'lightgbm-json');
  t.equal(loadModel(readFixtureText('lightgbm/binary/model.txt')).format, 'lightgbm-text');
  t.end();
});

t.test('loads text, parsed JSON and get_dump strings to the same margins', (t) => {
  const fromText = loadModel(modelText).predictBatch(input.rows, 9, 'margin');
  t.same(Array.from(fromText), expected.margin);
  t.same(loadModel(JSON.parse(modelText) as object).predictBatch(input.rows, 9, 'margin'), fromText);
  const strings = (JSON.parse(dumpText) as unknown[]).map((tree) => JSON.stringify(tree));
  const dump = loadModel(strings, { featureNames: input.feature_names, baseScore: 0.5, objective: 'binary:logitraw' });
  const { learner } = JSON.parse(modelText) as { learner: { learner_model_param: { base_score: string } } };
  const base = Number(learner.learner_model_param.base_score.replace(/[[\]]/g, ''));
  const dumpWithBase = loadModel(strings, {
    featureNames: input.feature_names,
    baseScore: base,
    objective: 'binary:logitraw',
  });
  t.same(
    dumpWithBase.predictBatch(input.rows, 9, 'margin'),
    fromText,
    'dump + the model base score gives the same bits',
  );
  t.equal(dump.format, 'xgboost-dump');
  t.end();
});

t.test('the format option skips detection', (t) => {
  t.equal(parseModel(modelText, { format: 'xgboost-json' }).format, 'xgboost-json');
  t.throws(() => parseModel(modelText, { format: 'xgboost-dump' }), { code: 'MODEL_TRUNCATED' });
  t.end();
});

t.test('a 1.7 model with bare NaN tokens loads from text but not as a JavaScript object parse', (t) => {
  const text = readFixtureText('xgboost/1.7.4/categorical_hist/model.json');
  t.throws(() => JSON.parse(text) as unknown, SyntaxError, 'not JSON');
  t.equal(loadModel(text).numTrees, 60);
  t.end();
});
