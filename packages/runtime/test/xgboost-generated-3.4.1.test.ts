import t from 'tap';
import { loadModel } from '../src/index.js';
import { readFixtureJson, readFixtureText } from './fixtures/read-fixture.js';
import { xgboostParity } from './fixtures/xgboost-parity.js';

// What only XGBoost 2.0+ has (fixtures/xgboost/generated-3.4.1/generate.py, XGBoost 3.4.1): several quantiles in one
// model, reg:expectileerror, vector-leaf trees; from save_model JSON, the UBJSON default format and get_dump.
xgboostParity(t, 'generated-3.4.1', 'model.json');
xgboostParity(t, 'generated-3.4.1', 'model.ubj');
xgboostParity(t, 'generated-3.4.1', 'dump.json');

// XGBoost 3.4.0 started sorting each row's quantiles (QuantileRegression::PredTransform); the runtime reads the file's
// version. The same model marked as written by 3.3 is predicted as XGBoost 3.3's source does: the trees' order.
t.test('quantiles are sorted per row for models from XGBoost 3.4 on, not before', async (t) => {
  const dir = 'xgboost/generated-3.4.1/reg_quantileerror_3_alphas';
  const input = readFixtureJson<{ rows: (number | null)[][] }>(`${dir}/input.json`);
  const expected = readFixtureJson<{ margin: number[][]; prediction: number[][] }>(`${dir}/expected.json`);
  const crossing = expected.margin.filter((m) => m[0]! > m[1]! || m[1]! > m[2]!).length;
  t.ok(crossing > 0, `XGBoost's margins cross on ${crossing} rows`);
  t.ok(
    expected.prediction.every((p) => p[0]! <= p[1]! && p[1]! <= p[2]!),
    'XGBoost 3.4.1 predictions are sorted',
  );
  const model = JSON.parse(readFixtureText(`${dir}/model.json`)) as { version: number[] };
  model.version = [3, 3, 0];
  const older = loadModel(model);
  t.same(
    Array.from(older.predictBatch(input.rows, 5, 'prediction')),
    expected.margin.flat(),
    'marked 3.3: predictions are the margins, unsorted',
  );
});
