// The README's examples, mirrored in examples/ and run here as a user runs them (through the package's own name),
// against the library's own outputs; the test command type-checks them with the tests.
import t from 'tap';

import { predictRow } from '../examples/predict.js';
import { fixtureFile, readFixtureJson } from './fixtures/read-fixture.js';

t.test('examples/predict.ts: one row, three outputs, as XGBoost computed them', async (t) => {
  const dir = 'xgboost/3.4.1/binary_logitraw';
  const input = readFixtureJson<{ rows: (number | null)[][] }>(`${dir}/input.json`);
  const expected = readFixtureJson<{ margin: number[]; prediction: number[]; contrib: number[][] }>(
    `${dir}/expected.json`,
  );
  const out = predictRow(fixtureFile(`${dir}/model.json`), input.rows[0]!);
  t.equal(out.margin, expected.margin[0], 'margin bit for bit');
  t.equal(out.prediction, expected.prediction[0]);
  t.equal((out.contrib as number[]).length, expected.contrib[0]!.length, 'one value per feature, then the bias');
});
