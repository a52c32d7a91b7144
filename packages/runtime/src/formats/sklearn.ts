import type { OutputTransform, TreeEnsemble } from '../ensemble.js';
import { EnsembleBuilder } from '../ensemble-builder.js';
import { modelError } from '../errors.js';
import {
  describe,
  isRecord,
  readArray,
  readInteger,
  readNumber,
  readNumbers,
  readString,
  type JsonRecord,
} from './json-fields.js';

/** The discriminator and version of the format `exporters/export_sklearn.py` writes. */
export const SKLEARN_FORMAT = 'sklearn-tree-ensemble';
export const SKLEARN_FORMAT_VERSION = 1;

type Estimator =
  'RandomForestRegressor' | 'ExtraTreesRegressor' | 'GradientBoostingRegressor' | 'HistGradientBoostingRegressor';

const ESTIMATORS: ReadonlySet<string> = new Set<Estimator>([
  'RandomForestRegressor',
  'ExtraTreesRegressor',
  'GradientBoostingRegressor',
  'HistGradientBoostingRegressor',
]);

/** HistGradientBoosting casts a categorical value to uint8 before reading its bitsets: 256 codes, 8 words. */
const HGB_CATEGORY_WORDS = 8;
const TREE_LEAF = -1;

/**
 * Loads the JSON that `exporters/export_sklearn.py` writes for a fitted RandomForestRegressor, ExtraTreesRegressor,
 * GradientBoostingRegressor or HistGradientBoostingRegressor (format documented in the package README).
 *
 * Reproduces scikit-learn's `predict`: the tree estimators cast X to float32 and send `x <= threshold` (double) left;
 * forests average their trees in estimator order; gradient boosting adds `learning_rate * value` stage by stage to
 * its constant init; HistGradientBoosting compares doubles, sends NaN the `missing_go_to_left` way, and adds its
 * leaves (shrinkage included) to the baseline before its link (exp for poisson).
 *
 * @example
 * ```ts
 * const ensemble = parseSklearnJson(JSON.parse(readFileSync('forest.json', 'utf8')));
 * ensemble.marginDivisor; // number of trees for a forest, 0 for boosting
 * ```
 */
export function parseSklearnJson(obj: unknown): TreeEnsemble {
  if (!isRecord(obj) || obj['format'] !== SKLEARN_FORMAT) {
    throw modelError(
      'MODEL_FORMAT_UNSUPPORTED',
      `not a ${SKLEARN_FORMAT} export: "format" is ${describe(isRecord(obj) ? obj['format'] : obj)}`,
    );
  }
  if (obj['version'] !== SKLEARN_FORMAT_VERSION) {
    throw modelError(
      'MODEL_FORMAT_UNSUPPORTED',
      `${SKLEARN_FORMAT} version ${describe(obj['version'])}: this runtime reads version ${SKLEARN_FORMAT_VERSION}`,
    );
  }
  const estimator = readString(obj, 'estimator', 'model');
  if (!ESTIMATORS.has(estimator)) {
    throw modelError('MODEL_FEATURE_UNSUPPORTED', `scikit-learn estimator "${estimator}" is not supported`);
  }
  const hist = estimator === 'HistGradientBoostingRegressor';
  const forest = estimator === 'RandomForestRegressor' || estimator === 'ExtraTreesRegressor';
  const numFeatures = readInteger(obj, 'n_features', 'model');
  const names = readArray(obj, 'feature_names', 'model');
  if (names.length !== numFeatures || !names.every((n) => typeof n === 'string')) {
    throw modelError('MODEL_TRUNCATED', `model: "feature_names" must list ${numFeatures} strings`);
  }
  // The precision is the estimator's, not a choice: refuse a file whose declared dtype contradicts it.
  const precision = hist ? 'float64' : 'float32';
  if (obj['input_dtype'] !== undefined && obj['input_dtype'] !== precision) {
    throw modelError(
      'MODEL_TRUNCATED',
      `${estimator} compares ${precision} inputs, the file says ${describe(obj['input_dtype'])}`,
    );
  }
  const init = readNumber(obj, 'init', 'model');
  // GradientBoostingRegressor scales each stage's values at predict time; HistGradientBoosting leaves already are.
  const scale = estimator === 'GradientBoostingRegressor' ? readNumber(obj, 'learning_rate', 'model') : 1;
  const link = obj['link'] === undefined ? 'identity' : readString(obj, 'link', 'model');
  if (link !== 'identity' && link !== 'log') {
    throw modelError('MODEL_OBJECTIVE_UNKNOWN', `unknown link "${link}" (expected "identity" or "log")`);
  }
  const known = hist ? knownCategories(obj) : new Map<number, readonly number[]>();
  const missingValues = readString(obj, 'missing_values', 'model');
  if (missingValues !== 'route' && missingValues !== 'refuse') {
    throw modelError(
      'MODEL_TRUNCATED',
      `model: "missing_values" must be "route" or "refuse", found "${missingValues}"`,
    );
  }

  const builder = new EnsembleBuilder();
  const trees = readArray(obj, 'trees', 'model');
  trees.forEach((tree, t) => {
    if (!isRecord(tree)) throw modelError('MODEL_TRUNCATED', `tree ${t} must be an object, found ${describe(tree)}`);
    addTree(builder, tree, `tree ${t}`, scale, hist ? known : undefined);
  });
  const loss = obj['loss'] === undefined ? 'squared_error' : readString(obj, 'loss', 'model');
  return builder.build({
    format: 'sklearn-json',
    rules: 'sklearn',
    inputPrecision: precision,
    accumulation: 'float64',
    numFeatures,
    featureNames: names as string[],
    numOutputs: 1,
    predictionWidth: 1,
    objective: loss,
    baseMargin: Float64Array.of(init),
    marginDivisor: forest ? trees.length : 0,
    transform: link === 'log' ? exp : identity,
    missingValues,
  });
}

function addTree(
  builder: EnsembleBuilder,
  tree: JsonRecord,
  where: string,
  scale: number,
  known: Map<number, readonly number[]> | undefined,
): void {
  const left = readNumbers(tree, 'children_left', where);
  const n = left.length;
  const right = readNumbers(tree, 'children_right', where, n);
  const feature = readNumbers(tree, 'feature', where, n);
  const threshold = readThresholds(tree, where, n);
  const value = readNumbers(tree, 'value', where, n);
  const missingLeft = readNumbers(tree, 'missing_go_to_left', where, n);
  // TreeSHAP weighs by the training cover; forests record bootstrap-weighted counts, which are what SHAP uses.
  const cover = readNumbers(
    tree,
    tree['weighted_n_node_samples'] === undefined ? 'n_node_samples' : 'weighted_n_node_samples',
    where,
    n,
  );
  const categorical = known === undefined ? undefined : readNumbers(tree, 'is_categorical', where, n);
  const bitsetIndex = known === undefined ? undefined : readNumbers(tree, 'bitset_index', where, n);
  const bitsets = known === undefined ? [] : readArray(tree, 'left_category_bitsets', where);
  const sets = new Map<string, number>();

  builder.addTree(n, 0);
  for (let i = 0; i < n; i++) {
    if (left[i] === TREE_LEAF) {
      builder.setLeaf(i, scale * value[i]!, cover[i]!);
      continue;
    }
    const f = feature[i]!;
    const defaultLeft = missingLeft[i] === 1;
    if (categorical?.[i] !== 1) {
      builder.setSplit(i, f, threshold[i]!, left[i]!, right[i]!, defaultLeft, cover[i]!);
      continue;
    }
    const b = bitsetIndex?.[i] ?? -1;
    const key = `${b}:${defaultLeft ? 1 : 0}`;
    let set = sets.get(key);
    if (set === undefined) {
      set = builder.addCategorySetFromBits(categoryWords(bitsets[b], known?.get(f), defaultLeft, `${where} node ${i}`));
      sets.set(key, set);
    }
    builder.setCategoricalSplit(i, f, set, left[i]!, right[i]!, defaultLeft, cover[i]!);
  }
}

/**
 * The codes that go left at a HistGradientBoosting categorical split. scikit-learn sends a code in the split's
 * bitset left, a code it saw at fit time (but not in the bitset) right, and an unknown code the way missing values
 * go; folding that last rule into the set leaves the runtime one membership test.
 */
function categoryWords(
  bitset: unknown,
  known: readonly number[] | undefined,
  missingLeft: boolean,
  where: string,
): number[] {
  if (!Array.isArray(bitset) || bitset.length !== HGB_CATEGORY_WORDS || !bitset.every(isWord)) {
    throw modelError(
      'MODEL_CATEGORY_INVALID',
      `${where}: left_category_bitsets entry is not ${HGB_CATEGORY_WORDS} uint32 words`,
    );
  }
  if (known === undefined)
    throw modelError('MODEL_CATEGORY_INVALID', `${where}: feature has no known_category_bitsets`);
  return bitset.map((word: number, w) => (missingLeft ? (word | ~known[w]!) >>> 0 : word));
}

function knownCategories(obj: JsonRecord): Map<number, readonly number[]> {
  const known = obj['known_category_bitsets'] ?? {};
  if (!isRecord(known)) throw modelError('MODEL_TRUNCATED', 'model: "known_category_bitsets" must be an object');
  const out = new Map<number, readonly number[]>();
  for (const [feature, words] of Object.entries(known)) {
    if (
      !/^\d+$/.test(feature) ||
      !Array.isArray(words) ||
      words.length !== HGB_CATEGORY_WORDS ||
      !words.every(isWord)
    ) {
      throw modelError(
        'MODEL_CATEGORY_INVALID',
        `known_category_bitsets["${feature}"] is not ${HGB_CATEGORY_WORDS} uint32 words`,
      );
    }
    out.set(Number(feature), words as number[]);
  }
  return out;
}

function isWord(w: unknown): w is number {
  return typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 0xffffffff;
}

/** Thresholds are numbers, or "Infinity"/"-Infinity" where JSON has no literal (HistGradientBoosting's NaN splits). */
function readThresholds(tree: JsonRecord, where: string, n: number): number[] {
  const raw = readArray(tree, 'threshold', where);
  if (raw.length !== n)
    throw modelError('MODEL_TRUNCATED', `${where}: "threshold" has ${raw.length} entries, expected ${n}`);
  return raw.map((t, i) => {
    if (typeof t === 'number') return t;
    if (t === 'Infinity') return Infinity;
    if (t === '-Infinity') return -Infinity;
    throw modelError('MODEL_THRESHOLD_NOT_FINITE', `${where}: threshold[${i}] is ${describe(t)}`);
  });
}

const identity: OutputTransform = (margin, out) => {
  out[0] = margin[0]!;
};

/** HistGradientBoosting's LogLink inverse (poisson): `np.exp` of the raw prediction. */
const exp: OutputTransform = (margin, out) => {
  out[0] = Math.exp(margin[0]!);
};
