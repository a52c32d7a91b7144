import t from 'tap';
import { EnsembleBuilder } from '../src/ensemble-builder.js';
import { MISSING_NAN, MISSING_NONE, MISSING_ZERO, type SplitRules, type TreeEnsemble } from '../src/ensemble.js';
import { computeMargins } from '../src/evaluators/interpreter.js';
import { prepareRows } from '../src/evaluators/prepare.js';
import { K_ZERO_THRESHOLD } from '../src/split-rules/index.js';
import { TreeModel } from '../src/index.js';

// Routing rules of each library on one-split trees whose leaves are worth 1 (left) and 2 (right). The XGBoost rules
// are pinned against XGBoost itself by the fixture suites; these pin the documented rules of ensemble.ts for the
// LightGBM and scikit-learn paths and the edge cases of the shared code.

function oneSplit(rules: SplitRules, split: (builder: EnsembleBuilder) => void): TreeEnsemble {
  const builder = new EnsembleBuilder();
  builder.addTree(3, 0);
  split(builder);
  builder.setLeaf(1, 1, 1);
  builder.setLeaf(2, 2, 1);
  return builder.build({
    format: 'sklearn-json',
    rules,
    inputPrecision: rules === 'lightgbm' ? 'float64' : 'float32',
    accumulation: rules === 'xgboost' ? 'float32' : 'float64',
    numFeatures: 1,
    featureNames: ['x'],
    numOutputs: 1,
    predictionWidth: 1,
    objective: 'test',
    baseMargin: new Float64Array(1),
    marginDivisor: 0,
    transform: (margin, out) => out.set(margin),
  });
}

/** Which leaf (1 = left, 2 = right) each input reaches, through the interpreted evaluator. */
function leaves(ensemble: TreeEnsemble, inputs: readonly (number | null)[]): number[] {
  const model = new TreeModel(ensemble, 'interpreted');
  return Array.from(
    model.predictBatch(
      inputs.map((v) => [v]),
      1,
      'margin',
    ),
  );
}

t.test('xgboost: float32 input, < goes left, NaN to the default child, listed categories go right', (t) => {
  const numeric = oneSplit('xgboost', (b) => b.setSplit(0, 0, Math.fround(0.1), 1, 2, false, 1));
  // 0.1 as a double is above float32(0.1) but rounds onto it: not less, so right.
  t.same(leaves(numeric, [0.1, Math.fround(0.1), 0.09, null, NaN, -Infinity, 3.5e38 * 10]), [2, 2, 1, 2, 2, 1, 2]);
  const categorical = oneSplit('xgboost', (b) =>
    b.setCategoricalSplit(0, 0, b.addCategorySetFromCodes([1, 3, 40]), 1, 2, true, 1),
  );
  t.same(leaves(categorical, [1, 3, 3.9, 40, 0, 2, -1, 41, 1e10, null, -0]), [2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]);
  t.end();
});

t.test('lightgbm: <=, missing types None / Zero / NaN, kZeroThreshold snapping', (t) => {
  const none = oneSplit('lightgbm', (b) => b.setSplit(0, 0, 0, 1, 2, false, 1, MISSING_NONE));
  t.same(leaves(none, [0, null, 1e-300, K_ZERO_THRESHOLD * 2, -1]), [1, 1, 1, 2, 1], 'None: NaN -> 0, then <=');
  const zero = oneSplit('lightgbm', (b) => b.setSplit(0, 0, -1, 1, 2, true, 1, MISSING_ZERO));
  t.same(
    leaves(zero, [0, null, -K_ZERO_THRESHOLD, K_ZERO_THRESHOLD * 2, -2]),
    [1, 1, 1, 2, 1],
    'Zero: 0 and NaN take the default',
  );
  const nan = oneSplit('lightgbm', (b) => b.setSplit(0, 0, Infinity, 1, 2, false, 1, MISSING_NAN));
  t.same(leaves(nan, [null, 1e308, Number.MAX_VALUE, 0]), [2, 1, 1, 1], 'NaN: NaN to the default; +inf threshold');
  const categorical = oneSplit('lightgbm', (b) =>
    b.setCategoricalSplit(0, 0, b.addCategorySetFromBits([0b1010]), 1, 2, true, 1),
  );
  t.same(
    leaves(categorical, [1, 3, 1.75, 0, -1, -0.5, null, 32]),
    [1, 1, 1, 2, 2, 2, 2, 2],
    'listed codes go left; NaN and negatives right; -0.5 acts as 0',
  );
  t.end();
});

t.test('sklearn: float32 input against double thresholds with <=, NaN to the default child', (t) => {
  const numeric = oneSplit('sklearn', (b) => b.setSplit(0, 0, 0.1, 1, 2, true, 1));
  // float32(0.1) is above the double 0.1.
  t.same(leaves(numeric, [0.1, 0.09, 0.2, null]), [2, 1, 2, 1]);
  t.end();
});

t.test('prepareRows pads missing trailing columns and maps null/undefined to NaN', (t) => {
  const ensemble = oneSplit('xgboost', (b) => b.setSplit(0, 0, 0.5, 1, 2, true, 1));
  const target = new Float64Array(2);
  prepareRows({ ...ensemble, numFeatures: 2 }, [undefined], 0, 1, 1, target);
  t.ok(Number.isNaN(target[0]) && Number.isNaN(target[1]));
  const out = new Float64Array(1);
  computeMargins(ensemble, Float64Array.of(NaN), 1, out);
  t.equal(out[0], 1, 'NaN follows default-left');
  t.end();
});
