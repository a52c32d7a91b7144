import { MISSING_NAN, MISSING_NONE, MISSING_ZERO, type TreeEnsemble } from '../ensemble.js';
import { EnsembleBuilder } from '../ensemble-builder.js';
import { modelError } from '../errors.js';
import {
  describe,
  isRecord,
  readArray,
  readInteger,
  readNumber,
  readRecord,
  readString,
  refuseUnknownFields,
  type JsonRecord,
} from './json-fields.js';
import { lightgbmEnsemble, lightgbmHeaderCheck, parseCategoryList } from './lightgbm-shared.js';

const MISSING_TYPES: Readonly<Record<string, number>> = { None: MISSING_NONE, Zero: MISSING_ZERO, NaN: MISSING_NAN };

// Every field LightGBM 4.x writes (tree.cpp ToJSON, gbdt_model_text.cpp DumpModel, the Python package's
// pandas_categorical). Linear trees add leaf_const / leaf_features / leaf_coeff to their leaves: not implemented, so
// such a dump is refused rather than predicted as if its leaves were constants.
const MODEL_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'version',
  'num_class',
  'num_tree_per_iteration',
  'label_index',
  'max_feature_idx',
  'objective',
  'average_output',
  'feature_names',
  'monotone_constraints',
  'feature_infos',
  'tree_info',
  'feature_importances',
  'pandas_categorical',
]);
const TREE_FIELDS: ReadonlySet<string> = new Set([
  'tree_index',
  'num_leaves',
  'num_cat',
  'shrinkage',
  'tree_structure',
]);
const SPLIT_FIELDS: ReadonlySet<string> = new Set([
  'split_index',
  'split_feature',
  'split_gain',
  'threshold',
  'decision_type',
  'default_left',
  'missing_type',
  'internal_value',
  'internal_weight',
  'internal_count',
  'left_child',
  'right_child',
]);
const LEAF_FIELDS: ReadonlySet<string> = new Set([
  'leaf_index',
  'leaf_value',
  'leaf_weight',
  'leaf_count',
  // Linear trees (linear_tree=true): the leaf's linear model, all three or none.
  'leaf_const',
  'leaf_features',
  'leaf_coeff',
]);

/**
 * Loads a LightGBM `dump_model()` JSON object (`Booster.dump_model()` in Python, `LGBM_BoosterDumpModel` in C).
 *
 * Thresholds of +-1e300 are LightGBM's `AvoidInf` spelling of +-infinity and are read back as infinities, so a value
 * above 1e300 still goes left at a "NaN vs everything" split, as in LightGBM. Categorical thresholds (`"1||4||7"`)
 * become bitsets of the codes that go left.
 *
 * @example
 * ```ts
 * const ensemble = parseLightgbmJson(JSON.parse(readFileSync('model.json', 'utf8')));
 * ensemble.numOutputs; // num_tree_per_iteration
 * ```
 */
export function parseLightgbmJson(obj: unknown): TreeEnsemble {
  if (!isRecord(obj))
    throw modelError('MODEL_FORMAT_UNSUPPORTED', `a LightGBM JSON dump must be an object, found ${describe(obj)}`);
  if (obj['name'] !== 'tree') {
    throw modelError(
      'MODEL_FORMAT_UNSUPPORTED',
      `not a LightGBM dump_model() object: "name" is ${describe(obj['name'])}, expected "tree"`,
    );
  }
  refuseUnknownFields(obj, MODEL_FIELDS, 'model');
  const numFeatures = readInteger(obj, 'max_feature_idx', 'model', -1) + 1;
  const numOutputs = readInteger(obj, 'num_tree_per_iteration', 'model', 1);
  const numClass = readInteger(obj, 'num_class', 'model', 1);
  lightgbmHeaderCheck(numClass, numOutputs);
  const featureNames = readArray(obj, 'feature_names', 'model');
  if (featureNames.length !== numFeatures || !featureNames.every((n) => typeof n === 'string')) {
    throw modelError('MODEL_TRUNCATED', `model: "feature_names" must list ${numFeatures} strings`);
  }
  const objective = obj['objective'] === undefined ? undefined : readString(obj, 'objective', 'model');
  const average = obj['average_output'] === true;

  const builder = new EnsembleBuilder();
  const seen = new Set<object>();
  const trees = readArray(obj, 'tree_info', 'model');
  trees.forEach((info, t) => {
    const where = `tree ${t}`;
    if (!isRecord(info)) throw modelError('MODEL_TRUNCATED', `${where} must be an object, found ${describe(info)}`);
    refuseUnknownFields(info, TREE_FIELDS, where);
    const root = readRecord(info, 'tree_structure', where);
    const leaves = addTree(builder, root, where, seen, t % numOutputs);
    if (info['num_leaves'] !== undefined && info['num_leaves'] !== leaves) {
      throw modelError(
        'MODEL_TRUNCATED',
        `${where}: declares ${describe(info['num_leaves'])} leaves, its structure has ${leaves}`,
      );
    }
  });
  return lightgbmEnsemble(builder, {
    format: 'lightgbm-json',
    numFeatures,
    featureNames: featureNames,
    numOutputs,
    objective,
    average,
  });
}

/**
 * Flattens one `tree_structure`, numbering nodes breadth-first (iteratively: deep trees must not exhaust the stack).
 * Returns its leaf count.
 */
function addTree(
  builder: EnsembleBuilder,
  structure: JsonRecord,
  where: string,
  seen: Set<object>,
  output: number,
): number {
  const order: JsonRecord[] = [structure];
  const firstChild: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const node = order[i]!;
    // A parsed JSON text is a tree; an object built in memory could share or loop back to a node.
    if (seen.has(node)) throw modelError('MODEL_CYCLE', `${where}: a node is reached twice (cycle or shared child)`);
    seen.add(node);
    if ('split_index' in node) {
      const at = `${where} node ${describe(node['split_index'])}`;
      firstChild[i] = order.length;
      order.push(readRecord(node, 'left_child', at), readRecord(node, 'right_child', at));
    }
  }
  builder.addTree(order.length, output);
  let leaves = 0;
  order.forEach((node, i) => {
    const left = firstChild[i];
    if (left === undefined) {
      refuseUnknownFields(node, LEAF_FIELDS, `${where} leaf ${describe(node['leaf_index'])}`);
      leaves++;
      // A bare single-leaf tree may omit its count: it has no split for TreeSHAP to weigh.
      const cover = order.length === 1 && node['leaf_count'] === undefined ? 0 : readNumber(node, 'leaf_count', where);
      builder.setLeaf(i, readNumber(node, 'leaf_value', where), cover);
      if (node['leaf_const'] !== undefined || node['leaf_features'] !== undefined || node['leaf_coeff'] !== undefined) {
        const at = `${where} leaf ${describe(node['leaf_index'])}`;
        const features = node['leaf_features'];
        const coeffs = node['leaf_coeff'];
        if (!Array.isArray(features) || !Array.isArray(coeffs)) {
          throw modelError('MODEL_TRUNCATED', `${at}: a linear leaf needs leaf_features and leaf_coeff arrays`);
        }
        if (!features.every((f) => Number.isInteger(f)) || !coeffs.every((c) => typeof c === 'number')) {
          throw modelError('MODEL_TRUNCATED', `${at}: leaf_features must be integers and leaf_coeff numbers`);
        }
        builder.setLeafModel(i, readNumber(node, 'leaf_const', at), features, coeffs);
      }
      return;
    }
    const at = `${where} node ${describe(node['split_index'])}`;
    refuseUnknownFields(node, SPLIT_FIELDS, at);
    const feature = readInteger(node, 'split_feature', at);
    const defaultLeft = node['default_left'] === true;
    const cover = readNumber(node, 'internal_count', at);
    const decision = readString(node, 'decision_type', at);
    if (decision === '==') {
      const set = builder.addCategorySetFromCodes(parseCategoryList(readString(node, 'threshold', at), at));
      builder.setCategoricalSplit(i, feature, set, left, left + 1, defaultLeft, cover);
    } else if (decision === '<=') {
      const missing = MISSING_TYPES[readString(node, 'missing_type', at)];
      if (missing === undefined) {
        throw modelError('MODEL_TRUNCATED', `${at}: unknown missing_type ${describe(node['missing_type'])}`);
      }
      const threshold = fromAvoidInf(readNumber(node, 'threshold', at));
      builder.setSplit(i, feature, threshold, left, left + 1, defaultLeft, cover, missing);
    } else {
      throw modelError('MODEL_FEATURE_UNSUPPORTED', `${at}: decision_type "${decision}" is not a LightGBM split`);
    }
  });
  return leaves;
}

/** `Common::AvoidInf` writes infinities as +-1e300; read them back as the infinities LightGBM compares with. */
function fromAvoidInf(threshold: number): number {
  if (threshold >= 1e300) return Infinity;
  if (threshold <= -1e300) return -Infinity;
  return threshold;
}
