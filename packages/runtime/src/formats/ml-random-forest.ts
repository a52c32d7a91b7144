import type { OutputTransform, TreeEnsemble } from '../ensemble.js';
import { EnsembleBuilder } from '../ensemble-builder.js';
import { modelError } from '../errors.js';
import {
  describe,
  isRecord,
  readArray,
  readRecord,
  readString,
  refuseUnknownFields,
  type JsonRecord,
} from './json-fields.js';

// The fields ml-random-forest 2.x and ml-cart write in toJSON(); any other one is refused, never skipped.
const MODEL_FIELDS: ReadonlySet<string> = new Set(['name', 'baseModel', 'selectionMethod']);
const BASE_FIELDS: ReadonlySet<string> = new Set([
  'indexes',
  'n',
  'replacement',
  'maxFeatures',
  'nEstimators',
  'treeOptions',
  'isClassifier',
  'seed',
  'estimators',
  'useSampleBagging',
]);
const NODE_FIELDS: ReadonlySet<string> = new Set([
  'kind',
  'gainFunction',
  'splitFunction',
  'minNumSamples',
  'maxDepth',
  'gainThreshold',
  'splitValue',
  'splitColumn',
  'gain',
  'numberSamples',
  'distribution',
  'left',
  'right',
]);

/**
 * Loads an ml-random-forest `RandomForestRegression#toJSON()` object (ml-random-forest 2.x, trees from ml-cart).
 *
 * ml-cart sends `x < splitValue` left and everything else (NaN included) right, in doubles. The runtime's
 * scikit-learn rules compare `x <= threshold`; for doubles `x < v` is exactly `x <= nextDown(v)`, so each split
 * stores the double just below `splitValue` and sends missing values right. Tree i reads column `indexes[i][c]` of
 * the row for its column c, as ml-random-forest's column selection does.
 *
 * `selectionMethod: 'mean'` sums the trees in order and divides by their number (ml-array-mean). For `'median'`
 * each tree is its own margin (`numOutputs` = number of trees) and the prediction is the lower median that
 * ml-array-median's quickselect returns (element `floor((n - 1) / 2)` of the sorted tree outputs).
 *
 * The number of features is not in the file: it is the highest column any tree reads, plus one.
 *
 * @example
 * ```ts
 * const forest = new RandomForestRegression({ seed: 3 });
 * forest.train(X, y);
 * const ensemble = parseMlRandomForest(forest.toJSON());
 * ```
 */
export function parseMlRandomForest(obj: unknown): TreeEnsemble {
  if (isRecord(obj) && obj['name'] === 'RFClassifier') {
    throw modelError('MODEL_FEATURE_UNSUPPORTED', 'ml-random-forest classifiers (RFClassifier) are not supported');
  }
  if (!isRecord(obj) || obj['name'] !== 'RFRegression') {
    const found = isRecord(obj) ? describe(obj['name']) : describe(obj);
    throw modelError('MODEL_FORMAT_UNSUPPORTED', `not an ml-random-forest RandomForestRegression: name is ${found}`);
  }
  refuseUnknownFields(obj, MODEL_FIELDS, 'model');
  const base = readRecord(obj, 'baseModel', 'model');
  refuseUnknownFields(base, BASE_FIELDS, 'baseModel');
  if (base['isClassifier'] === true) {
    throw modelError('MODEL_FEATURE_UNSUPPORTED', 'ml-random-forest classifiers are not supported');
  }
  const selection = readString(obj, 'selectionMethod', 'model');
  if (selection !== 'mean' && selection !== 'median') {
    throw modelError('MODEL_OBJECTIVE_UNKNOWN', `unknown ml-random-forest selectionMethod "${selection}"`);
  }
  const estimators = readArray(base, 'estimators', 'baseModel');
  const indexes = readArray(base, 'indexes', 'baseModel');
  if (estimators.length === 0 || indexes.length !== estimators.length || base['nEstimators'] !== estimators.length) {
    throw modelError(
      'MODEL_TRUNCATED',
      `baseModel: ${estimators.length} estimators, ${indexes.length} index lists, nEstimators ${describe(base['nEstimators'])}`,
    );
  }
  let numFeatures = 0;
  const columns = indexes.map((list, i) => {
    if (!Array.isArray(list) || !list.every((c) => Number.isInteger(c) && c >= 0 && c <= 0x7fffffff)) {
      throw modelError('MODEL_TRUNCATED', `baseModel.indexes[${i}] must list column indices`);
    }
    for (const c of list as number[]) numFeatures = Math.max(numFeatures, c + 1);
    return list as readonly number[];
  });

  const median = selection === 'median';
  const builder = new EnsembleBuilder();
  const seen = new Set<object>();
  estimators.forEach((estimator, i) => {
    const where = `estimator ${i}`;
    if (!isRecord(estimator) || estimator['name'] !== 'DTRegression') {
      throw modelError('MODEL_TRUNCATED', `${where} is not an ml-cart DTRegression`);
    }
    addTree(builder, readRecord(estimator, 'root', where), columns[i]!, median ? i : 0, where, seen);
  });
  const numOutputs = median ? estimators.length : 1;
  return builder.build({
    format: 'ml-random-forest',
    rules: 'sklearn',
    inputPrecision: 'float64',
    accumulation: 'float64',
    numFeatures,
    featureNames: Array.from({ length: numFeatures }, (_, j) => `f${j}`),
    numOutputs,
    predictionWidth: 1,
    objective: `selection:${selection}`,
    baseMargin: new Float64Array(numOutputs),
    marginDivisor: median ? 0 : estimators.length,
    transform: median ? lowerMedian(numOutputs) : identity,
  });
}

/** Flattens one ml-cart tree breadth-first (iteratively: unbounded depth must not exhaust the stack). */
function addTree(
  builder: EnsembleBuilder,
  root: JsonRecord,
  columns: readonly number[],
  output: number,
  where: string,
  seen: Set<object>,
): void {
  const order: JsonRecord[] = [root];
  const firstChild: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const node = order[i]!;
    if (seen.has(node)) throw modelError('MODEL_CYCLE', `${where}: a node is reached twice (cycle or shared child)`);
    seen.add(node);
    refuseUnknownFields(node, NODE_FIELDS, where);
    // ml-cart's own loader treats a node as a leaf exactly when it has a `distribution`.
    if (node['distribution'] === undefined) {
      firstChild[i] = order.length;
      order.push(readRecord(node, 'left', where), readRecord(node, 'right', where));
    }
  }
  const cover = estimateCovers(order, firstChild);
  builder.addTree(order.length, output);
  order.forEach((node, i) => {
    const left = firstChild[i];
    if (left === undefined) {
      const value = node['distribution'];
      if (typeof value !== 'number')
        throw modelError('MODEL_TRUNCATED', `${where}: leaf distribution is ${describe(value)}`);
      builder.setLeaf(i, value, cover[i]!);
      return;
    }
    const column = node['splitColumn'];
    const split = node['splitValue'];
    if (typeof column !== 'number' || !Number.isInteger(column) || column < 0 || column >= columns.length) {
      throw modelError(
        'MODEL_FEATURE_OUT_OF_RANGE',
        `${where}: splitColumn ${describe(column)} of ${columns.length} columns`,
      );
    }
    if (typeof split !== 'number' || !Number.isFinite(split)) {
      throw modelError('MODEL_THRESHOLD_NOT_FINITE', `${where}: splitValue ${describe(split)}`);
    }
    builder.setSplit(i, columns[column]!, nextDown(split), left, left + 1, false, cover[i]!);
  });
}

/**
 * Training counts per node for TreeSHAP. ml-cart records `numberSamples` on every node that searched for a split,
 * but not on leaves made because too few samples remained: those get their parent's count minus their sibling's, or
 * half their parent's count when neither child recorded one. Contributions still add up to the prediction.
 */
function estimateCovers(order: readonly JsonRecord[], firstChild: readonly (number | undefined)[]): number[] {
  const recorded = order.map((node) => {
    const n = node['numberSamples'];
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
  });
  const cover = recorded.map((n) => n ?? 0);
  order.forEach((_, i) => {
    const left = firstChild[i];
    if (left === undefined) return;
    const [l, r] = [recorded[left], recorded[left + 1]];
    cover[left] = l ?? (r === undefined ? cover[i]! / 2 : Math.max(cover[i]! - r, 0));
    cover[left + 1] = r ?? (l === undefined ? cover[i]! / 2 : Math.max(cover[i]! - l, 0));
  });
  return cover;
}

/** The largest double below `x` (x finite): `y < x` and `y <= nextDown(x)` agree for every double y. */
function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const bits = new BigInt64Array(Float64Array.of(x).buffer);
  bits[0] = bits[0]! + (x > 0 ? -1n : 1n);
  return new Float64Array(bits.buffer)[0]!;
}

const identity: OutputTransform = (margin, out) => {
  out[0] = margin[0]!;
};

/** ml-array-median: quickselect of element floor((n - 1) / 2), the lower median for an even count. */
function lowerMedian(count: number): OutputTransform {
  const sorted = new Float64Array(count);
  return (margin, out) => {
    sorted.set(margin.subarray(0, count));
    sorted.sort();
    out[0] = sorted[(count - 1) >> 1]!;
  };
}
