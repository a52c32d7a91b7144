import t from 'tap';
import { EnsembleBuilder, type EnsembleMetadata } from '../src/ensemble-builder.js';
import type { SplitRules, TreeEnsemble } from '../src/ensemble.js';
import { validateEnsemble } from '../src/index.js';
import { codeOf } from './fixtures/code-of.js';

function metadata(rules: SplitRules, numFeatures = 2): EnsembleMetadata {
  return {
    format: rules === 'xgboost' ? 'xgboost-json' : rules === 'lightgbm' ? 'lightgbm-json' : 'sklearn-json',
    rules,
    inputPrecision: rules === 'lightgbm' ? 'float64' : 'float32',
    accumulation: rules === 'xgboost' ? 'float32' : 'float64',
    numFeatures,
    featureNames: Array.from({ length: numFeatures }, (_, j) => `f${j}`),
    numOutputs: 1,
    predictionWidth: 1,
    objective: 'test',
    baseMargin: new Float64Array(1),
    marginDivisor: 0,
    transform: (margin, out) => out.set(margin),
  };
}

/** A stump on feature 0 with the given threshold, leaves 1 and 2. */
function stump(rules: SplitRules, threshold: number): TreeEnsemble {
  const builder = new EnsembleBuilder();
  builder.addTree(3, 0);
  builder.setSplit(0, 0, threshold, 1, 2, true, 10);
  builder.setLeaf(1, -1, 4);
  builder.setLeaf(2, 1, 6);
  return builder.build(metadata(rules));
}

/** The ensemble with one node array entry replaced (bypassing the builder, as a foreign loader might). */
function withNode(
  ensemble: TreeEnsemble,
  array: 'left' | 'right' | 'feature',
  node: number,
  value: number,
): TreeEnsemble {
  const copy = Int32Array.from(ensemble.nodes[array]);
  copy[node] = value;
  return { ...ensemble, nodes: { ...ensemble.nodes, [array]: copy } };
}

t.test('accepts a well-formed stump under every rule set', (t) => {
  for (const rules of ['xgboost', 'lightgbm', 'sklearn'] as const)
    t.equal(
      codeOf(() => validateEnsemble(stump(rules, 0.5))),
      undefined,
    );
  t.end();
});

t.test('infinite thresholds: refused under XGBoost rules, allowed for LightGBM and scikit-learn', (t) => {
  t.equal(
    codeOf(() => stump('xgboost', Infinity)),
    'MODEL_THRESHOLD_NOT_FINITE',
  );
  t.equal(
    codeOf(() => stump('lightgbm', Infinity)),
    undefined,
  );
  t.equal(
    codeOf(() => stump('sklearn', Infinity)),
    undefined,
  );
  for (const rules of ['xgboost', 'lightgbm', 'sklearn'] as const)
    t.equal(
      codeOf(() => stump(rules, NaN)),
      'MODEL_THRESHOLD_NOT_FINITE',
      rules,
    );
  t.end();
});

t.test('refuses flat arrays that point outside, loop, share a node or read an undeclared feature', (t) => {
  const good = stump('xgboost', 0.5);
  t.equal(
    codeOf(() => validateEnsemble(withNode(good, 'left', 0, 3))),
    'MODEL_CHILD_OUT_OF_RANGE',
  );
  t.equal(
    codeOf(() => validateEnsemble(withNode(good, 'left', 0, 0))),
    'MODEL_CYCLE',
  );
  t.equal(
    codeOf(() => validateEnsemble(withNode(good, 'right', 0, 1))),
    'MODEL_CYCLE',
  );
  t.equal(
    codeOf(() => validateEnsemble(withNode(good, 'feature', 0, 2))),
    'MODEL_FEATURE_OUT_OF_RANGE',
  );
  t.equal(
    codeOf(() => validateEnsemble({ ...good, treeOutput: Int32Array.of(1) })),
    'MODEL_TRUNCATED',
  );
  t.equal(
    codeOf(() => validateEnsemble({ ...good, nodes: { ...good.nodes, value: new Float64Array(2) } })),
    'MODEL_TRUNCATED',
  );
  t.end();
});

t.test('the builder range-checks child indices within the tree, not the flat arrays', (t) => {
  const builder = new EnsembleBuilder();
  builder.addTree(3, 0);
  builder.setLeaf(0, 0, 1);
  builder.addTree(3, 0);
  // Node 3 exists in the flat arrays (tree 0's nodes come first) but not in a 3-node tree.
  t.equal(
    codeOf(() => builder.setSplit(0, 0, 0.5, 1, 3, true, 1)),
    'MODEL_CHILD_OUT_OF_RANGE',
  );
  t.equal(
    codeOf(() => builder.addCategorySetFromCodes([1, -2])),
    'MODEL_CATEGORY_INVALID',
  );
  t.equal(
    codeOf(() => builder.addCategorySetFromCodes([2.5])),
    'MODEL_CATEGORY_INVALID',
  );
  t.end();
});

t.test('refuses non-finite leaves, covers and base margins', (t) => {
  const good = stump('sklearn', 0.5);
  const value = Float64Array.from(good.nodes.value);
  value[1] = NaN;
  t.equal(
    codeOf(() => validateEnsemble({ ...good, nodes: { ...good.nodes, value } })),
    'MODEL_VALUE_NOT_FINITE',
  );
  const cover = Float64Array.from(good.nodes.cover);
  cover[0] = Infinity;
  t.equal(
    codeOf(() => validateEnsemble({ ...good, nodes: { ...good.nodes, cover } })),
    'MODEL_VALUE_NOT_FINITE',
  );
  t.equal(
    codeOf(() => validateEnsemble({ ...good, baseMargin: Float64Array.of(NaN) })),
    'MODEL_VALUE_NOT_FINITE',
  );
  t.end();
});
