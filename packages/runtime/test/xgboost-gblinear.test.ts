// XGBoost's gblinear booster (no tree: bias + base_score + weight * x in float32), from XGBoost 1.7.4
// (fixtures/xgboost/generated) and 3.4.1 (fixtures/xgboost/generated-3.4.1), JSON and UBJSON. xgboost-generated*.test.ts
// run these cases through the common parity suite (contributions within 1e-5); here every output is held bit for
// bit, by every evaluator form, since XGBoost's contributions for a linear booster are the float32 products themselves.
import t from 'tap';
import { loadModel, TreeModel } from '../src/index.js';
import { exactMismatches } from './fixtures/compare.js';
import { readFixtureBytes, readFixtureJson, readFixtureText } from './fixtures/read-fixture.js';

type Output = number[] | number[][] | number[][][];
interface Expected {
  booster: string;
  margin: Output;
  prediction: Output;
  contrib: Output;
}

const cases = [
  'generated/gblinear_reg_squarederror',
  'generated/gblinear_binary_logistic',
  'generated/gblinear_multi_softprob',
  'generated-3.4.1/gblinear',
];

for (const name of cases) {
  const dir = `xgboost/${name}`;
  const { rows } = readFixtureJson<{ rows: (number | null)[][] }>(`${dir}/input.json`);
  const expected = readFixtureJson<Expected>(`${dir}/expected.json`);
  for (const file of ['model.json', 'model.ubj']) {
    t.test(`${name} ${file}`, async (t) => {
      t.equal(expected.booster, 'gblinear');
      const loaded = loadModel(
        file === 'model.json' ? readFixtureText(`${dir}/${file}`) : readFixtureBytes(`${dir}/${file}`),
      );
      t.equal(loaded.numTrees, 0, 'no tree');
      for (const form of ['wasm', 'nested', 'interpreted'] as const) {
        const model = new TreeModel(loaded.ensemble, form);
        for (const output of ['margin', 'prediction', 'contrib'] as const) {
          t.same(
            exactMismatches(model.predictBatch(rows, model.numFeatures, output), expected[output].flat(2)),
            { count: 0, mismatches: [] },
            `${form}: ${output} bit for bit`,
          );
        }
      }
      const last = rows.length - 1;
      t.same(loaded.predict(rows[last]!, 'contrib'), expected.contrib[last], 'predict(row, contrib) bit for bit');
      t.same(loaded.predict(rows[last]!, 'margin'), expected.margin[last], 'predict(row, margin) bit for bit');
    });
  }
}
