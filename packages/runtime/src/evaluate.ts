/**
 * The interpreted evaluator: walks the flat node arrays of a `TreeEnsemble` under the split rules of the library that
 * trained it (see `SplitRules` in ensemble.ts). Inputs are first "prepared" once per row (cast to float32 for XGBoost
 * and the scikit-learn tree estimators, LightGBM's zero snapping), so the walk itself only compares doubles.
 * Margins are accumulated tree-major over a block of rows: every row still adds its trees in tree order, which is
 * what makes float32 accumulation bit-exact, while the block keeps one tree's nodes hot in cache.
 */
import type { CategorySets, NodeArrays, TreeEnsemble } from './ensemble.js';
import { MISSING_NAN, MISSING_ZERO, NOT_CATEGORICAL } from './ensemble.js';

/** LightGBM's kZeroThreshold: `1e-35f` widened to double. */
export const K_ZERO_THRESHOLD = 1.0000000180025095e-35;

/** A value as it arrives from a caller: plain arrays may hold null/undefined for missing. */
export type InputValue = number | null | undefined;

/**
 * Copies `rows` rows of `columns` values from `source` (row-major, starting at `sourceOffset`) into `target`
 * (row-major, `numFeatures` per row, from `targetOffset`) as the library sees them: missing becomes NaN, XGBoost and float32 scikit-learn
 * inputs are rounded to float32 (so values beyond float32 range become +-Infinity, as in XGBoost's inplace_predict),
 * LightGBM inputs with |x| <= kZeroThreshold become +0. Columns beyond `columns` are missing.
 *
 * @example
 * ```ts
 * const x = new Float64Array(ensemble.numFeatures);
 * prepareRows(ensemble, [0.1, null, 3], 0, 3, 1, x);
 * ```
 */
export function prepareRows(
  ensemble: TreeEnsemble,
  source: ArrayLike<InputValue>,
  sourceOffset: number,
  columns: number,
  rows: number,
  target: Float64Array,
  targetOffset = 0,
): void {
  const width = ensemble.numFeatures;
  const used = Math.min(columns, width);
  const float32 = ensemble.inputPrecision === 'float32';
  const lightgbm = ensemble.rules === 'lightgbm';
  const refuseMissing = ensemble.missingValues === 'refuse';
  if (refuseMissing && rows > 0 && used < width) throw missingRefused(width - 1);
  for (let r = 0; r < rows; r++) {
    const from = sourceOffset + r * columns;
    const to = targetOffset + r * width;
    for (let j = 0; j < used; j++) {
      const raw = source[from + j];
      let v = raw === null || raw === undefined ? NaN : +raw;
      if (refuseMissing && v !== v) throw missingRefused(j);
      if (float32) v = Math.fround(v);
      else if (lightgbm && v <= K_ZERO_THRESHOLD && v >= -K_ZERO_THRESHOLD) v = 0;
      target[to + j] = v;
    }
    for (let j = used; j < width; j++) target[to + j] = NaN;
  }
}

function missingRefused(feature: number): RangeError {
  return new RangeError(
    `feature ${feature} is missing, and this model's library refuses missing values (scikit-learn < 1.3 trees learned no direction for them)`,
  );
}

/** True iff integer code `c` is in category set `set`. */
function inCategorySet(categories: CategorySets, set: number, c: number): boolean {
  const from = categories.offset[set]!;
  const words = categories.offset[set + 1]! - from;
  if (!(c >= 0 && c < words * 32)) return false;
  return ((categories.bits[from + (c >>> 5)]! >>> (c & 31)) & 1) === 1;
}

/**
 * XGBoost checks a categorical value before truncating it: any negative value (-0.5 included, although it truncates
 * to 0) is an invalid category and goes left, like every code the node does not list.
 */
function xgboostCodeListed(categories: CategorySets, set: number, x: number): boolean {
  return x >= 0 && inCategorySet(categories, set, Math.trunc(x));
}

/**
 * The child that prepared value `x` takes at split `node` (not a leaf). Used by TreeSHAP; the hot loops below inline
 * the same rules per library.
 */
export function nextNode(ensemble: TreeEnsemble, node: number, x: number): number {
  const { nodes, categories } = ensemble;
  const set = nodes.categorySet[node]!;
  const goLeft = nodes.defaultLeft[node] === 1;
  switch (ensemble.rules) {
    case 'xgboost':
      if (x !== x) return goLeft ? nodes.left[node]! : nodes.right[node]!;
      if (set !== NOT_CATEGORICAL) {
        return xgboostCodeListed(categories, set, x) ? nodes.right[node]! : nodes.left[node]!;
      }
      return x < nodes.threshold[node]! ? nodes.left[node]! : nodes.right[node]!;
    case 'lightgbm':
      return lightgbmGoesLeft(nodes, categories, node, x) ? nodes.left[node]! : nodes.right[node]!;
    case 'sklearn':
      if (x !== x) return goLeft ? nodes.left[node]! : nodes.right[node]!;
      if (set !== NOT_CATEGORICAL) {
        return inCategorySet(categories, set, Math.trunc(x)) ? nodes.left[node]! : nodes.right[node]!;
      }
      return x <= nodes.threshold[node]! ? nodes.left[node]! : nodes.right[node]!;
  }
}

function lightgbmGoesLeft(nodes: NodeArrays, categories: CategorySets, node: number, x: number): boolean {
  const set = nodes.categorySet[node]!;
  if (set !== NOT_CATEGORICAL) {
    if (x !== x) return false;
    return inCategorySet(categories, set, Math.trunc(x));
  }
  const missing = nodes.missingType[node]!;
  if (x !== x) {
    if (missing === MISSING_NAN) return nodes.defaultLeft[node] === 1;
    x = 0;
  }
  if (missing === MISSING_ZERO && x === 0) return nodes.defaultLeft[node] === 1;
  return x <= nodes.threshold[node]!;
}

function leafXgboost(nodes: NodeArrays, categories: CategorySets, root: number, x: Float64Array, at: number): number {
  const { feature, threshold, left, right, defaultLeft, categorySet } = nodes;
  let node = root;
  for (let f = feature[node]!; f >= 0; f = feature[node]!) {
    const v = x[at + f]!;
    if (v !== v) node = defaultLeft[node] === 1 ? left[node]! : right[node]!;
    else if (categorySet[node] === NOT_CATEGORICAL) node = v < threshold[node]! ? left[node]! : right[node]!;
    else node = xgboostCodeListed(categories, categorySet[node]!, v) ? right[node]! : left[node]!;
  }
  return node;
}

function leafLightgbm(nodes: NodeArrays, categories: CategorySets, root: number, x: Float64Array, at: number): number {
  const { feature, left, right } = nodes;
  let node = root;
  for (let f = feature[node]!; f >= 0; f = feature[node]!) {
    node = lightgbmGoesLeft(nodes, categories, node, x[at + f]!) ? left[node]! : right[node]!;
  }
  return node;
}

function leafSklearn(nodes: NodeArrays, categories: CategorySets, root: number, x: Float64Array, at: number): number {
  const { feature, threshold, left, right, defaultLeft, categorySet } = nodes;
  let node = root;
  for (let f = feature[node]!; f >= 0; f = feature[node]!) {
    const v = x[at + f]!;
    if (v !== v) node = defaultLeft[node] === 1 ? left[node]! : right[node]!;
    else if (categorySet[node] === NOT_CATEGORICAL) node = v <= threshold[node]! ? left[node]! : right[node]!;
    else node = inCategorySet(categories, categorySet[node]!, Math.trunc(v)) ? left[node]! : right[node]!;
  }
  return node;
}

/** The leaf that prepared row `x` (starting at `at`) reaches in the tree rooted at `root`. */
export function findLeaf(ensemble: TreeEnsemble, root: number, x: Float64Array, at: number): number {
  switch (ensemble.rules) {
    case 'xgboost':
      return leafXgboost(ensemble.nodes, ensemble.categories, root, x, at);
    case 'lightgbm':
      return leafLightgbm(ensemble.nodes, ensemble.categories, root, x, at);
    case 'sklearn':
      return leafSklearn(ensemble.nodes, ensemble.categories, root, x, at);
  }
}

/**
 * Margins of `rows` prepared rows (`x`, numFeatures per row) into `out` (numOutputs per row): starts from the base
 * margin (or 0 when the model averages), adds every tree's leaf in tree order in the model's accumulation precision,
 * then divides by `marginDivisor` and adds the base margin for averaging models.
 *
 * @example
 * ```ts
 * const margins = new Float64Array(rows * ensemble.numOutputs);
 * computeMargins(ensemble, prepared, rows, margins);
 * ```
 */
export function computeMargins(ensemble: TreeEnsemble, x: Float64Array, rows: number, out: Float64Array): void {
  const width = ensemble.numFeatures;
  const outputs = ensemble.numOutputs;
  const { baseMargin, marginDivisor, treeRoot, treeOutput, nodes, categories } = ensemble;
  const value = nodes.value;
  const averaging = marginDivisor > 0;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < outputs; k++) out[r * outputs + k] = averaging ? 0 : baseMargin[k]!;
  }
  const float32 = ensemble.accumulation === 'float32';
  const walk = ensemble.rules === 'xgboost' ? leafXgboost : ensemble.rules === 'lightgbm' ? leafLightgbm : leafSklearn;
  for (let t = 0; t < treeRoot.length; t++) {
    const root = treeRoot[t]!;
    const k = treeOutput[t]!;
    if (float32) {
      for (let r = 0; r < rows; r++) {
        const i = r * outputs + k;
        out[i] = Math.fround(out[i]! + value[walk(nodes, categories, root, x, r * width)]!);
      }
    } else {
      for (let r = 0; r < rows; r++) {
        const i = r * outputs + k;
        out[i] = out[i]! + value[walk(nodes, categories, root, x, r * width)]!;
      }
    }
  }
  if (averaging) {
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < outputs; k++) {
        const i = r * outputs + k;
        out[i] = out[i]! / marginDivisor + baseMargin[k]!;
      }
    }
  }
}
