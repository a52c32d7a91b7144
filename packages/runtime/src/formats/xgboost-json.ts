/**
 * XGBoost `Booster.save_model('*.json')` from 1.x, 2.x and 3.x: gbtree, dart and gblinear (xgboost-gblinear.ts) (the 1.x/2.x `dart` wrapper or 3.x
 * `weight_drop` inside the gbtree model), num_parallel_tree, multi-class via `tree_info`, per-output base scores
 * (`"[5E-1,...]"`) and categorical partition splits. Split rules: see `xgboost` in ensemble.ts.
 */
import { EnsembleBuilder } from '../ensemble-builder.js';
import type { TreeEnsemble } from '../ensemble.js';
import { modelError } from '../errors.js';
import { refuseUnknownFields } from './json-fields.js';
import { parseXgboostGblinear } from './xgboost-gblinear.js';
import { xgboostMetadata, xgboostObjective } from './xgboost-objective.js';

type Json = Record<string, unknown>;

// The fields XGBoost 1.7 to 3.x writes. A field outside these lists may be a feature this runtime does not
// implement, so the model is refused rather than predicted without it.
const LEARNER_FIELDS: ReadonlySet<string> = new Set([
  'attributes',
  'feature_names',
  'feature_types',
  'gradient_booster',
  'learner_model_param',
  'objective',
]);
const LEARNER_PARAMS: ReadonlySet<string> = new Set([
  'base_score',
  'boost_from_average',
  'num_class',
  'num_feature',
  'num_target',
]);
const GBTREE_FIELDS: ReadonlySet<string> = new Set([
  'cats',
  'gbtree_model_param',
  'iteration_indptr',
  'tree_info',
  'trees',
  'weight_drop',
]);
const TREE_FIELDS: ReadonlySet<string> = new Set([
  'base_weights',
  'categories',
  'categories_nodes',
  'categories_segments',
  'categories_sizes',
  'default_left',
  'id',
  'leaf_weights',
  'left_children',
  'loss_changes',
  'parents',
  'right_children',
  'split_conditions',
  'split_indices',
  'split_type',
  'sum_hessian',
  'tree_param',
]);

const f32 = Math.fround;

/**
 * Flattens a parsed XGBoost model JSON into a `TreeEnsemble`.
 *
 * @example
 * ```ts
 * const ensemble = parseXgboostJson(JSON.parse(readFileSync('model.json', 'utf8')));
 * ```
 */
export function parseXgboostJson(source: unknown): TreeEnsemble {
  const learner = field(object(source, 'model'), 'learner', 'object') as Json;
  refuseUnknownFields(learner, LEARNER_FIELDS, 'XGBoost learner');
  const params = field(learner, 'learner_model_param', 'object') as Json;
  refuseUnknownFields(params, LEARNER_PARAMS, 'XGBoost learner_model_param');
  const numClass = integerParam(params, 'num_class', 0);
  const numTarget = integerParam(params, 'num_target', 1);
  const numFeatures = integerParam(params, 'num_feature', undefined);
  const numOutputs = Math.max(1, numClass, numTarget);
  const objectiveName = field(field(learner, 'objective', 'object') as Json, 'name', 'string') as string;
  const baseScores = parseBaseScore(params['base_score']);
  const objective = xgboostObjective(objectiveName, numOutputs, baseScores, modelVersion(source));

  const names = learner['feature_names'];
  if (Array.isArray(names) && names.length > 0 && names.length !== numFeatures) {
    throw modelError('MODEL_TRUNCATED', `${names.length} feature_names for num_feature ${numFeatures}`);
  }
  const featureNames =
    Array.isArray(names) && names.length > 0
      ? names.map(String)
      : Array.from({ length: numFeatures }, (_, j) => `f${j}`);

  const booster = field(learner, 'gradient_booster', 'object') as Json;
  const boosterName = field(booster, 'name', 'string') as string;
  if (boosterName === 'gblinear') {
    const metadata = { format: 'xgboost-json', numFeatures, featureNames, numOutputs } as const;
    return parseXgboostGblinear(
      field(booster, 'model', 'object') as Json,
      xgboostMetadata(objectiveName, objective, metadata),
    );
  }
  let model: Json;
  let weightDrop: unknown;
  if (boosterName === 'gbtree') {
    model = field(booster, 'model', 'object') as Json;
    weightDrop = model['weight_drop'];
  } else if (boosterName === 'dart') {
    model = field(field(booster, 'gbtree', 'object') as Json, 'model', 'object') as Json;
    weightDrop = booster['weight_drop'];
  } else {
    throw modelError(
      'MODEL_FEATURE_UNSUPPORTED',
      `XGBoost booster ${JSON.stringify(boosterName)} is not gbtree, dart or gblinear`,
    );
  }
  refuseUnknownFields(model, GBTREE_FIELDS, 'XGBoost gbtree model');
  refuseCategoryRecoding(model['cats']);
  const trees = field(model, 'trees', 'array') as unknown[];
  const treeInfo = field(model, 'tree_info', 'array') as unknown[];
  if (treeInfo.length !== trees.length) {
    throw modelError('MODEL_TRUNCATED', `${trees.length} trees but ${treeInfo.length} tree_info entries`);
  }
  const modelParams = (model['gbtree_model_param'] ?? {}) as Json;
  const parallelTrees = integerParam(modelParams, 'num_parallel_tree', 1);
  const weights = weightDrop === undefined ? undefined : (weightDrop as unknown[]);
  if (weights !== undefined && (!Array.isArray(weights) || weights.length !== trees.length)) {
    throw modelError('MODEL_TRUNCATED', `dart weight_drop does not hold one weight per tree (${trees.length} trees)`);
  }

  const builder = new EnsembleBuilder();
  for (let t = 0; t < trees.length; t++) {
    const output = treeInfo[t];
    if (typeof output !== 'number' || !Number.isInteger(output) || output < 0 || output >= numOutputs) {
      throw modelError('MODEL_TRUNCATED', `tree_info[${t}] = ${JSON.stringify(output)} for ${numOutputs} outputs`);
    }
    const weight = weights === undefined ? undefined : f32(Number(weights[t]));
    addTree(builder, object(trees[t], `tree ${t}`), t, output, weight, numOutputs);
  }

  const attributes = (learner['attributes'] ?? {}) as Json;
  const bestIteration = attributes['best_score'] === undefined ? undefined : Number(attributes['best_iteration']);
  return builder.build({
    ...xgboostMetadata(objectiveName, objective, {
      format: 'xgboost-json',
      numFeatures,
      featureNames,
      numOutputs,
      treesPerIteration: numOutputs * parallelTrees,
    }),
    ...(bestIteration !== undefined && Number.isInteger(bestIteration) ? { bestIteration } : {}),
  });
}

/**
 * XGBoost 3.1+ stores the categories a DataFrame held at training (`cats.enc`) and re-codes prediction inputs with
 * them; the runtime takes codes as given, so a model that re-codes is refused rather than fed unmapped codes.
 */
function refuseCategoryRecoding(cats: unknown): void {
  if (cats === undefined) return;
  const enc = object(cats, 'XGBoost cats')['enc'];
  if (!Array.isArray(enc) || enc.length > 0) {
    throw modelError(
      'MODEL_FEATURE_UNSUPPORTED',
      'XGBoost model re-codes categories at prediction (cats.enc): not implemented',
    );
  }
}

/**
 * Adds tree `t`. A vector-leaf tree (`multi_strategy: "multi_output_tree"`, `size_leaf_vector` = the number of
 * targets) becomes one runtime tree per target with the same splits, each holding its target's leaf values: XGBoost
 * adds a leaf's whole vector per tree, so each target still sums its values in tree order. XGBoost 3.x stores the
 * vectors in `leaf_weights` (a leaf's `right_children` entry is its index there); 2.x in `base_weights` by node.
 */
function addTree(
  builder: EnsembleBuilder,
  tree: Json,
  t: number,
  output: number,
  weight: number | undefined,
  numOutputs: number,
): void {
  refuseUnknownFields(tree, TREE_FIELDS, `tree ${t}`);
  const param = object(tree['tree_param'], `tree ${t} tree_param`);
  const size = Number(param['size_leaf_vector'] ?? 0);
  if (size > 1 && size !== numOutputs) {
    throw modelError('MODEL_TRUNCATED', `tree ${t}: size_leaf_vector ${size} for ${numOutputs} outputs`);
  }
  const numNodes = Number(param['num_nodes']);
  const left = numbers(tree, 'left_children', numNodes, t);
  const right = numbers(tree, 'right_children', numNodes, t);
  const feature = numbers(tree, 'split_indices', numNodes, t);
  const condition = numbers(tree, 'split_conditions', numNodes, t);
  const defaultLeft = numbers(tree, 'default_left', numNodes, t);
  const cover = numbers(tree, 'sum_hessian', numNodes, t);
  const splitType = tree['split_type'] === undefined ? undefined : numbers(tree, 'split_type', numNodes, t);
  const categorySets = new Map<number, number>();
  if (splitType?.some((s) => s === 1)) {
    const nodes = numbers(tree, 'categories_nodes', -1, t);
    const segments = numbers(tree, 'categories_segments', nodes.length, t);
    const sizes = numbers(tree, 'categories_sizes', nodes.length, t);
    const categories = numbers(tree, 'categories', -1, t);
    for (let j = 0; j < nodes.length; j++) {
      const from = segments[j]!;
      const to = from + sizes[j]!;
      if (!(from >= 0 && to <= categories.length && from <= to)) {
        throw modelError(
          'MODEL_CATEGORY_INVALID',
          `tree ${t}: category segment ${from}..${to} of ${categories.length}`,
        );
      }
      categorySets.set(nodes[j]!, builder.addCategorySetFromCodes(categories.slice(from, to)));
    }
  }
  if (size <= 1) {
    fillTree(output, (i) => f32(condition[i]!));
    return;
  }
  const vectors = tree['leaf_weights'] === undefined ? undefined : numbers(tree, 'leaf_weights', -1, t);
  const base = vectors === undefined ? numbers(tree, 'base_weights', numNodes * size, t) : undefined;
  for (let k = 0; k < size; k++) {
    fillTree(k, (i) => {
      const at = vectors === undefined ? i * size + k : right[i]! * size + k;
      const value = (vectors ?? base!)[at];
      if (value === undefined || !(at >= 0)) {
        throw modelError('MODEL_TRUNCATED', `tree ${t}: leaf ${i} has no value for target ${k}`);
      }
      return f32(value);
    });
  }

  function fillTree(out: number, leafValue: (node: number) => number): void {
    builder.addTree(numNodes, out);
    for (let i = 0; i < numNodes; i++) {
      if (left[i] === -1) {
        const leaf = leafValue(i);
        builder.setLeaf(i, weight === undefined ? leaf : f32(leaf * weight), cover[i]!);
      } else if (splitType !== undefined && splitType[i] === 1) {
        const set = categorySets.get(i);
        if (set === undefined)
          throw modelError('MODEL_CATEGORY_INVALID', `tree ${t}: categorical node ${i} has no categories`);
        builder.setCategoricalSplit(i, feature[i]!, set, left[i]!, right[i]!, defaultLeft[i] === 1, cover[i]!);
      } else {
        builder.setSplit(i, feature[i]!, f32(condition[i]!), left[i]!, right[i]!, defaultLeft[i] === 1, cover[i]!);
      }
    }
  }
}

/** The `version` XGBoost writes at the top of the file (`[3, 4, 1]`), when present. */
function modelVersion(source: unknown): number[] | undefined {
  const version = (source as Json)['version'];
  return Array.isArray(version) && version.every((v) => typeof v === 'number') ? version : undefined;
}

/** `"5E-1"`, `"[5E-1]"`, `"[1E0,2E0]"` or a number -> the values. */
function parseBaseScore(raw: unknown): number[] {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined) throw modelError('MODEL_TRUNCATED', 'learner_model_param.base_score is missing');
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const values = inner.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
    throw modelError('MODEL_VALUE_NOT_FINITE', `base_score ${JSON.stringify(raw)}`);
  }
  return values;
}

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw modelError('MODEL_TRUNCATED', `${what} is not an object`);
  }
  return value as Json;
}

function field(parent: Json, key: string, kind: 'object' | 'array' | 'string'): unknown {
  const value = parent[key];
  const ok =
    kind === 'array'
      ? Array.isArray(value)
      : kind === 'string'
        ? typeof value === 'string'
        : typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!ok)
    throw modelError(
      'MODEL_TRUNCATED',
      `XGBoost model: ${key} is missing or not ${kind === 'array' ? 'an' : 'a'} ${kind}`,
    );
  return value;
}

function integerParam(params: Json, key: string, fallback: number | undefined): number {
  const raw = params[key];
  if (raw === undefined && fallback !== undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw modelError('MODEL_TRUNCATED', `XGBoost model: ${key} is ${JSON.stringify(raw)}`);
  }
  return value;
}

/** A numeric array of the tree (`null`/NaN tokens become NaN); `length` -1 accepts any length. */
function numbers(tree: Json, key: string, length: number, t: number): number[] {
  const value = tree[key];
  if (!Array.isArray(value) || (length >= 0 && value.length !== length)) {
    throw modelError(
      'MODEL_TRUNCATED',
      `tree ${t}: ${key} ${Array.isArray(value) ? `has ${value.length} entries, expected ${length}` : 'is missing'}`,
    );
  }
  return value.map((v) => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN));
}
