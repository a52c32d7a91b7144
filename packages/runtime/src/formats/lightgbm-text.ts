import { MISSING_NAN, type TreeEnsemble } from '../ensemble.js';
import { EnsembleBuilder } from '../ensemble-builder.js';
import { modelError } from '../errors.js';
import { lightgbmEnsemble, lightgbmHeaderCheck } from './lightgbm-shared.js';
import { scanNumberList } from './number-list.js';

/** `decision_type` bits, from LightGBM's tree.h. */
const CATEGORICAL_MASK = 1;
const DEFAULT_LEFT_MASK = 2;

// Every key LightGBM 4.x writes before "end of trees" (gbdt_model_text.cpp SaveModelToString, tree.cpp ToString).
// Anything else may be a feature this runtime does not implement and is refused, never skipped.
const HEADER_KEYS: ReadonlySet<string> = new Set([
  'version',
  'num_class',
  'num_tree_per_iteration',
  'label_index',
  'max_feature_idx',
  'objective',
  'feature_names',
  'feature_infos',
  'monotone_constraints',
  'tree_sizes',
]);
const NO_KEYS: ReadonlySet<string> = new Set();
const HEADER_FLAGS: ReadonlySet<string> = new Set(['average_output']);
const TREE_KEYS: ReadonlySet<string> = new Set([
  'num_leaves',
  'num_cat',
  'split_feature',
  'split_gain',
  'threshold',
  'decision_type',
  'left_child',
  'right_child',
  'leaf_value',
  'leaf_weight',
  'leaf_count',
  'internal_value',
  'internal_weight',
  'internal_count',
  'cat_boundaries',
  'cat_threshold',
  'is_linear',
  'leaf_const',
  'num_features',
  'leaf_features',
  'leaf_coeff',
  'shrinkage',
]);

const LINEAR_KEYS: ReadonlySet<string> = new Set(['leaf_const', 'num_features', 'leaf_features', 'leaf_coeff']);
const CONSTANT_TREE_KEYS: ReadonlySet<string> = new Set([...TREE_KEYS].filter((key) => !LINEAR_KEYS.has(key)));

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Loads a LightGBM text model (`model.txt`, `Booster.save_model()`, `LGBM_BoosterSaveModel`).
 *
 * Reads the header and the `Tree=` blocks up to `end of trees`; a file that stops before that line is refused as
 * truncated. Categorical splits use `cat_boundaries`/`cat_threshold`: the split's `threshold` is the index of its
 * bitset, whose set bits are the codes that go left.
 *
 * @example
 * ```ts
 * const ensemble = parseLightgbmText(readFileSync('model.txt', 'utf8'));
 * ensemble.treeRoot.length; // number of trees
 * ```
 */
export function parseLightgbmText(text: string): TreeEnsemble {
  if (typeof text !== 'string') throw modelError('MODEL_FORMAT_UNSUPPORTED', 'a LightGBM text model must be a string');
  // Split at '\n' only: every line is trimmed before use, which drops the '\r' of CRLF files.
  const lines = text.split('\n');
  let at = 0;
  while (at < lines.length && lines[at]?.trim() === '') at++;
  if (lines[at]?.trim() !== 'tree')
    throw modelError('MODEL_FORMAT_UNSUPPORTED', 'not a LightGBM text model: the first line is not "tree"');
  at++;

  const header = new Map<string, string>();
  const flags = new Set<string>();
  for (; at < lines.length && !lines[at]?.startsWith('Tree='); at++) {
    const line = lines[at]?.trim() ?? '';
    if (line === 'end of trees') break;
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) flags.add(line);
    else header.set(line.slice(0, eq), line.slice(eq + 1));
  }
  for (const key of header.keys()) refuseUnknownKey(key, HEADER_KEYS, 'header');
  for (const flag of flags) refuseUnknownKey(flag, HEADER_FLAGS, 'header');

  const numFeatures = integer(required(header, 'max_feature_idx', 'header'), 'max_feature_idx', -1) + 1;
  const numOutputs = integer(required(header, 'num_tree_per_iteration', 'header'), 'num_tree_per_iteration', 1);
  lightgbmHeaderCheck(integer(required(header, 'num_class', 'header'), 'num_class', 1), numOutputs);
  const featureNames = required(header, 'feature_names', 'header').split(' ');
  if (featureNames.length !== numFeatures) {
    throw modelError(
      'MODEL_TRUNCATED',
      `header: ${featureNames.length} feature_names for max_feature_idx ${numFeatures - 1}`,
    );
  }

  const builder = new EnsembleBuilder();
  let ended = false;
  while (at < lines.length) {
    const line = lines[at]?.trim() ?? '';
    if (line === 'end of trees') {
      ended = true;
      break;
    }
    if (!line.startsWith('Tree=')) {
      at++;
      continue;
    }
    const block = new Map<string, string>();
    for (at++; at < lines.length; at++) {
      const entry = lines[at]?.trim() ?? '';
      if (entry === '' || entry.startsWith('Tree=') || entry === 'end of trees') break;
      const eq = entry.indexOf('=');
      if (eq <= 0) refuseUnknownKey(entry, NO_KEYS, `tree ${builder.numTrees}`);
      block.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    const t = builder.numTrees;
    addTree(builder, block, `tree ${t}`, t % numOutputs);
  }
  if (!ended)
    throw modelError(
      'MODEL_TRUNCATED',
      `truncated LightGBM text model: no "end of trees" after ${builder.numTrees} trees`,
    );
  const sizes = header.get('tree_sizes');
  if (sizes !== undefined && sizes.trim() !== '' && sizes.trim().split(' ').length !== builder.numTrees) {
    throw modelError(
      'MODEL_TRUNCATED',
      `header lists ${sizes.trim().split(' ').length} tree_sizes, the file has ${builder.numTrees} trees`,
    );
  }
  return lightgbmEnsemble(builder, {
    format: 'lightgbm-text',
    numFeatures,
    featureNames,
    numOutputs,
    objective: header.get('objective'),
    average: flags.has('average_output'),
  });
}

function addTree(builder: EnsembleBuilder, block: Map<string, string>, where: string, output: number): void {
  const numLeaves = integer(required(block, 'num_leaves', where), `${where} num_leaves`, 1);
  const linear = block.get('is_linear') ?? '0';
  if (linear !== '0' && linear !== '1') throw modelError('MODEL_TRUNCATED', `${where}: is_linear=${linear}`);
  for (const key of block.keys()) {
    // Leaf models in a tree that does not declare itself linear: LightGBM would skip them; refuse the contradiction.
    refuseUnknownKey(key, linear === '1' ? TREE_KEYS : CONSTANT_TREE_KEYS, where);
  }
  // Internal node i keeps index i; leaf j (written ~j = -j-1 in the child arrays) becomes splits + j.
  const splits = numLeaves - 1;
  const leafValue = numbers(block, 'leaf_value', where, numLeaves);
  // A bare single-leaf tree has no split for TreeSHAP to weigh; its count is informational.
  const leafCount = numLeaves === 1 && !block.has('leaf_count') ? [0] : numbers(block, 'leaf_count', where, numLeaves);
  builder.addTree(splits + numLeaves, output);
  for (let j = 0; j < numLeaves; j++) builder.setLeaf(splits + j, leafValue[j]!, leafCount[j]!);
  if (linear === '1') addLeafModels(builder, block, where, splits, numLeaves);
  if (splits === 0) return;

  const feature = integers(block, 'split_feature', where, splits);
  const threshold = numbers(block, 'threshold', where, splits);
  const decision = integers(block, 'decision_type', where, splits);
  const leftChild = integers(block, 'left_child', where, splits, -numLeaves);
  const rightChild = integers(block, 'right_child', where, splits, -numLeaves);
  const internalCount = numbers(block, 'internal_count', where, splits);
  const numCat = integer(block.get('num_cat') ?? '0', `${where} num_cat`);
  const boundaries: ArrayLike<number> = numCat > 0 ? integers(block, 'cat_boundaries', where, numCat + 1) : [0];
  const catWords = numCat > 0 ? Array.from(numbers(block, 'cat_threshold', where)) : [];
  const catSets = new Map<number, number>();
  const child = (c: number): number => (c >= 0 ? c : splits + ~c);

  for (let i = 0; i < splits; i++) {
    const d = decision[i]!;
    const missingType = (d >> 2) & 3;
    if (missingType > MISSING_NAN) {
      throw modelError('MODEL_TRUNCATED', `${where}: split ${i} has an unknown missing type (decision_type ${d})`);
    }
    const left = child(leftChild[i]!);
    const right = child(rightChild[i]!);
    const defaultLeft = (d & DEFAULT_LEFT_MASK) !== 0;
    if ((d & CATEGORICAL_MASK) === 0) {
      builder.setSplit(i, feature[i]!, threshold[i]!, left, right, defaultLeft, internalCount[i]!, missingType);
      continue;
    }
    // For a categorical split, `threshold` is the index of its bitset in cat_boundaries/cat_threshold.
    const catIndex = threshold[i]!;
    if (!Number.isInteger(catIndex) || catIndex < 0 || catIndex >= numCat) {
      throw modelError('MODEL_CATEGORY_INVALID', `${where}: split ${i} names category set ${catIndex} of ${numCat}`);
    }
    let set = catSets.get(catIndex);
    if (set === undefined) {
      const from = boundaries[catIndex]!;
      const to = boundaries[catIndex + 1]!;
      if (!(from <= to && to <= catWords.length)) {
        throw modelError(
          'MODEL_CATEGORY_INVALID',
          `${where}: cat_boundaries ${from}..${to} of ${catWords.length} words`,
        );
      }
      set = builder.addCategorySetFromBits(catWords.slice(from, to));
      catSets.set(catIndex, set);
    }
    builder.setCategoricalSplit(i, feature[i]!, set, left, right, defaultLeft, internalCount[i]!);
  }
}

/**
 * A linear tree's leaf models: `leaf_const` and `num_features` per leaf, then every leaf's `leaf_features` and
 * `leaf_coeff` one after the other (LightGBM separates leaves with extra spaces; only the counts delimit them).
 */
function addLeafModels(
  builder: EnsembleBuilder,
  block: Map<string, string>,
  where: string,
  splits: number,
  numLeaves: number,
): void {
  const constants = numbers(block, 'leaf_const', where, numLeaves);
  const counts = integers(block, 'num_features', where, numLeaves);
  const words = (key: string) =>
    required(block, key, where)
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
  const features = words('leaf_features').map((w) => integer(w, `${where} leaf_features`));
  const coeffs = words('leaf_coeff').map((w) => {
    if (!NUMBER.test(w)) throw modelError('MODEL_TRUNCATED', `${where}: "leaf_coeff" holds "${w}", not a number`);
    return Number(w);
  });
  let total = 0;
  for (let j = 0; j < numLeaves; j++) total += counts[j]!;
  if (features.length !== total || coeffs.length !== total) {
    throw modelError(
      'MODEL_TRUNCATED',
      `${where}: ${features.length} leaf_features and ${coeffs.length} leaf_coeff for ${total} linear terms`,
    );
  }
  let at = 0;
  for (let j = 0; j < numLeaves; j++) {
    const end = at + counts[j]!;
    builder.setLeafModel(splits + j, constants[j]!, features.slice(at, end), coeffs.slice(at, end));
    at = end;
  }
}

function required(map: Map<string, string>, key: string, where: string): string {
  const value = map.get(key);
  if (value === undefined) throw modelError('MODEL_TRUNCATED', `${where}: missing "${key}" (truncated model?)`);
  return value;
}

function integer(token: string, what: string, min = 0): number {
  const value = Number(token);
  if (!/^[+-]?\d+$/.test(token.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw modelError('MODEL_TRUNCATED', `${what} must be an integer >= ${min}, found "${token}"`);
  }
  return value;
}

function tokens(block: Map<string, string>, key: string, where: string, length?: number): string[] {
  const text = required(block, key, where).trim();
  const list = text === '' ? [] : text.split(' ');
  if (length !== undefined && list.length !== length) {
    throw modelError(
      'MODEL_TRUNCATED',
      `${where}: "${key}" has ${list.length} entries, expected ${length} (truncated model?)`,
    );
  }
  return list;
}

function integers(block: Map<string, string>, key: string, where: string, length: number, min = 0): ArrayLike<number> {
  const fast = scanNumberList(required(block, key, where).trim(), true, length);
  if (fast !== undefined && aboveOrEqual(fast, min)) return fast;
  return tokens(block, key, where, length).map((t) => integer(t, `${where} ${key}`, min));
}

function aboveOrEqual(list: Float64Array, min: number): boolean {
  for (let i = 0; i < list.length; i++) if (!(list[i]! >= min)) return false;
  return true;
}

function numbers(block: Map<string, string>, key: string, where: string, length?: number): ArrayLike<number> {
  // Plain decimals take the one-pass scanner; anything else ("inf", a damaged token) the strict path below.
  const fast = scanNumberList(required(block, key, where).trim(), false, length);
  if (fast !== undefined) return fast;
  return tokens(block, key, where, length).map((token) => {
    const lower = token.toLowerCase();
    // LightGBM prints infinite thresholds as "inf"; they compare as infinities.
    if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
    if (lower === '-inf' || lower === '-infinity') return -Infinity;
    if (!NUMBER.test(token)) throw modelError('MODEL_TRUNCATED', `${where}: "${key}" holds "${token}", not a number`);
    return Number(token);
  });
}

function refuseUnknownKey(key: string, known: ReadonlySet<string>, where: string): void {
  if (!known.has(key)) {
    throw modelError(
      'MODEL_FEATURE_UNSUPPORTED',
      `${where}: "${key}" is not implemented by this runtime and may change predictions`,
    );
  }
}
