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
  refuseUnknownFields,
  type JsonRecord,
} from './json-fields.js';

/** The discriminator and version of the format `exporters/export_sklearn.py` writes. */
export const SKLEARN_FORMAT = 'sklearn-tree-ensemble';
export const SKLEARN_FORMAT_VERSION = 1;

/** How each estimator combines its trees: `forest` averages them, `boosting` adds them to its init margins. */
const ESTIMATORS: Readonly<Record<string, 'forest' | 'boosting'>> = {
  RandomForestRegressor: 'forest',
  ExtraTreesRegressor: 'forest',
  DecisionTreeRegressor: 'forest',
  RandomForestClassifier: 'forest',
  ExtraTreesClassifier: 'forest',
  DecisionTreeClassifier: 'forest',
  GradientBoostingRegressor: 'boosting',
  GradientBoostingClassifier: 'boosting',
  HistGradientBoostingRegressor: 'boosting',
  HistGradientBoostingClassifier: 'boosting',
};

// Every field of the export; any other one may change predictions in a way this loader does not know: refused.
const MODEL_FIELDS: ReadonlySet<string> = new Set([
  'format',
  'version',
  'sklearn_version',
  'estimator',
  'n_features',
  'feature_names',
  'input_dtype',
  'aggregation',
  'init',
  'learning_rate',
  'loss',
  'link',
  'missing_values',
  'known_category_bitsets',
  'classes',
  'trees',
]);
const TREE_FIELDS: ReadonlySet<string> = new Set([
  'children_left',
  'children_right',
  'feature',
  'threshold',
  'value',
  'n_node_samples',
  'weighted_n_node_samples',
  'missing_go_to_left',
  'is_categorical',
  'bitset_index',
  'left_category_bitsets',
  'output',
]);

/** Links from margins to the prediction, per estimator kind (see `LINKS`). */
const REGRESSION_LINKS: ReadonlySet<string> = new Set(['identity', 'log']);
const CLASSIFIER_LINKS: Readonly<Record<string, 'forest' | 'binary' | 'multiclass'>> = {
  identity: 'forest',
  logit: 'binary',
  logit_exponential: 'binary',
  multinomial_logsumexp: 'multiclass',
  softmax: 'multiclass',
};

/** HistGradientBoosting casts a categorical value to uint8 before reading its bitsets: 256 codes, 8 words. */
const HGB_CATEGORY_WORDS = 8;
const TREE_LEAF = -1;

/**
 * Loads the JSON that `exporters/export_sklearn.py` writes for a fitted scikit-learn tree model: the forests,
 * single trees, GradientBoosting and HistGradientBoosting, regressors and classifiers (format in the package README).
 *
 * Reproduces scikit-learn's `predict` / `predict_proba` / `decision_function`: the tree estimators cast X to float32
 * and send `x <= threshold` (double) left; forests average their trees in estimator order (a classifier forest as
 * one runtime tree per class, holding that class's leaf probability); gradient boosting adds
 * `learning_rate * value` stage by stage to its init margins; HistGradientBoosting compares doubles, sends NaN the
 * `missing_go_to_left` way, and adds its leaves (shrinkage included) to the baseline; then the link.
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
  refuseUnknownFields(obj, MODEL_FIELDS, 'model');
  const estimator = readString(obj, 'estimator', 'model');
  const kind = ESTIMATORS[estimator];
  if (kind === undefined) {
    throw modelError('MODEL_FEATURE_UNSUPPORTED', `scikit-learn estimator "${estimator}" is not supported`);
  }
  const hist = estimator.startsWith('HistGradientBoosting');
  const forest = kind === 'forest';
  const aggregation = readString(obj, 'aggregation', 'model');
  if (aggregation !== (forest ? 'mean' : 'sum')) {
    throw modelError('MODEL_FEATURE_UNSUPPORTED', `${estimator} with aggregation "${aggregation}" is not implemented`);
  }
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
  // GradientBoosting scales each stage's values at predict time; HistGradientBoosting leaves already are.
  const scale = estimator.startsWith('GradientBoosting') ? readNumber(obj, 'learning_rate', 'model') : 1;
  const link = obj['link'] === undefined ? 'identity' : readString(obj, 'link', 'model');
  const classifier = estimator.endsWith('Classifier');
  const classes = classifier ? readClasses(obj) : undefined;
  const numClasses = classes?.length ?? 1;
  const linkKind = classifier ? CLASSIFIER_LINKS[link] : REGRESSION_LINKS.has(link) ? 'regression' : undefined;
  const expectedKind = !classifier ? 'regression' : forest ? 'forest' : numClasses === 2 ? 'binary' : 'multiclass';
  if (linkKind !== expectedKind) {
    throw modelError('MODEL_OBJECTIVE_UNKNOWN', `link "${link}" does not fit ${estimator} with ${numClasses} outputs`);
  }
  // Forest classifiers average one probability per class; boosted binary classifiers have one margin.
  const numOutputs = !classifier || (!forest && numClasses === 2) ? 1 : numClasses;
  const init = readInit(obj, numOutputs);
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
    const where = `tree ${t}`;
    refuseUnknownFields(tree, TREE_FIELDS, where);
    if (classifier && forest) {
      // One runtime tree per class: the same splits, the class's probability at each leaf.
      const value = readClassValues(tree, where, numClasses);
      for (let k = 0; k < numClasses; k++) {
        addTree(builder, tree, where, 1, undefined, k, value[k]!);
      }
      return;
    }
    const output = tree['output'] === undefined ? 0 : readInteger(tree, 'output', where, 0, numOutputs - 1);
    addTree(builder, tree, where, scale, hist ? known : undefined, output, readNumbers(tree, 'value', where));
  });
  const loss = obj['loss'] === undefined ? 'squared_error' : readString(obj, 'loss', 'model');
  return builder.build({
    format: 'sklearn-json',
    rules: 'sklearn',
    inputPrecision: precision,
    accumulation: 'float64',
    numFeatures,
    featureNames: names,
    numOutputs,
    predictionWidth: classifier ? numClasses : 1,
    objective: loss,
    baseMargin: init,
    marginDivisor: forest ? trees.length : 0,
    transform: LINKS[link]!,
    missingValues,
    ...(classes === undefined ? {} : { classes }),
  });
}

/** `classes_` as scikit-learn holds them: strings, numbers or booleans (a classifier fitted on `y > 0`). */
function readClasses(obj: JsonRecord): (string | number | boolean)[] {
  const classes = readArray(obj, 'classes', 'model');
  const label = (c: unknown) => typeof c === 'string' || typeof c === 'number' || typeof c === 'boolean';
  if (classes.length < 2 || !classes.every(label)) {
    throw modelError('MODEL_TRUNCATED', 'model: "classes" must list at least two labels');
  }
  return classes as (string | number | boolean)[];
}

/** `init`: one number for every margin, or one per margin (boosted classifiers). */
function readInit(obj: JsonRecord, numOutputs: number): Float64Array {
  if (typeof obj['init'] === 'number') return new Float64Array(numOutputs).fill(readNumber(obj, 'init', 'model'));
  const values = readNumbers(obj, 'init', 'model', numOutputs);
  return Float64Array.from(values);
}

/** A forest classifier tree's `value`: per node, one probability per class; returned class by class. */
function readClassValues(tree: JsonRecord, where: string, numClasses: number): number[][] {
  const rows = readArray(tree, 'value', where);
  const byClass = Array.from({ length: numClasses }, () => new Array<number>(rows.length));
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== numClasses || !row.every((v) => typeof v === 'number')) {
      throw modelError('MODEL_TRUNCATED', `${where}: value[${i}] must hold ${numClasses} class probabilities`);
    }
    for (let k = 0; k < numClasses; k++) byClass[k]![i] = row[k] as number;
  });
  return byClass;
}

function addTree(
  builder: EnsembleBuilder,
  tree: JsonRecord,
  where: string,
  scale: number,
  known: Map<number, readonly number[]> | undefined,
  output: number,
  value: readonly number[],
): void {
  const left = readNumbers(tree, 'children_left', where);
  const n = left.length;
  if (value.length !== n) {
    throw modelError('MODEL_TRUNCATED', `${where}: "value" has ${value.length} entries, expected ${n}`);
  }
  const right = readNumbers(tree, 'children_right', where, n);
  const feature = readNumbers(tree, 'feature', where, n);
  const threshold = readThresholds(tree, where, n);
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

  builder.addTree(n, output);
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
    out.set(Number(feature), words);
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
  for (let k = 0; k < margin.length; k++) out[k] = margin[k]!;
};

/** scipy's `expit`, as scikit-learn's binary classifiers apply it: 1 / (1 + exp(-x)). */
function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * The prediction each link gives, as scikit-learn 1.2 computes it (numpy double operations in the same order):
 * binary classifiers `[1 - p, p]`; GradientBoosting multiclass `exp(raw - logsumexp(raw))` (scipy's logsumexp:
 * max, exp of the differences, sum in class order, log, plus max); HistGradientBoosting multiclass the softmax of
 * `sklearn.utils.extmath` (max subtracted, exp, sum in class order, divide).
 */
const LINKS: Readonly<Record<string, OutputTransform>> = {
  identity,
  log: (margin, out) => {
    out[0] = Math.exp(margin[0]!);
  },
  logit: (margin, out) => {
    const p = expit(margin[0]!);
    out[0] = 1 - p;
    out[1] = p;
  },
  logit_exponential: (margin, out) => {
    const p = expit(2 * margin[0]!);
    out[0] = 1 - p;
    out[1] = p;
  },
  multinomial_logsumexp: (margin, out) => {
    let max = margin[0]!;
    for (let k = 1; k < margin.length; k++) if (margin[k]! > max) max = margin[k]!;
    if (!Number.isFinite(max)) max = 0;
    let sum = 0;
    for (let k = 0; k < margin.length; k++) sum += Math.exp(margin[k]! - max);
    const logSum = Math.log(sum) + max;
    for (let k = 0; k < margin.length; k++) out[k] = Math.exp(margin[k]! - logSum);
  },
  softmax: (margin, out) => {
    let max = margin[0]!;
    for (let k = 1; k < margin.length; k++) if (margin[k]! > max) max = margin[k]!;
    let sum = 0;
    for (let k = 0; k < margin.length; k++) {
      out[k] = Math.exp(margin[k]! - max);
      sum += out[k]!;
    }
    for (let k = 0; k < margin.length; k++) out[k] = out[k]! / sum;
  },
};
