// The README's example, mirrored in examples/ and run here as a user runs it (through the package's own name); the
// test command type-checks it with the tests.
import t from 'tap';

import { estimate } from '../examples/validate-and-predict.js';
import { modelsDir } from './helpers/bundles.js';

t.test('examples/validate-and-predict.ts validates, predicts and explains the README building', async (t) => {
  const out = await estimate(modelsDir);
  if ('errors' in out) throw new Error(`the README building is refused: ${JSON.stringify(out.errors)}`);
  t.equal(out.neighborhood, 'Downtown', 'the canonical name');
  const { prediction, fromVector } = out;
  t.equal(prediction.value, Math.exp(prediction.logValue));
  t.ok(
    prediction.interval.low < prediction.value && prediction.value < prediction.interval.high,
    'inside its interval',
  );
  const sum = (prediction.contributions ?? []).reduce((total, c) => total + c.value, prediction.baseValue ?? NaN);
  t.ok(Math.abs(sum - prediction.logValue) < 1e-5, 'baseValue + contributions = logValue');
  t.equal(fromVector.value, prediction.value, 'the encoded vector predicts the same value');
});
