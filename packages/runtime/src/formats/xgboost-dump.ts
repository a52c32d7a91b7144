/**
 * XGBoost `Booster.get_dump(dump_format='json', with_stats=True)`: an array of nested tree objects (or of the JSON
 * strings get_dump returns). A dump holds neither the base score, the objective, the number of classes nor dart's tree
 * weights, so the caller supplies them (`XgboostDumpOptions`). Numbers in a dump are printed with 9 significant
 * digits, enough to recover every float32 threshold and leaf exactly.
 */
import { EnsembleBuilder } from '../ensemble-builder.js';
import type { TreeEnsemble } from '../ensemble.js';
import { modelError } from '../errors.js';
import { refuseUnknownFields } from './json-fields.js';
import { xgboostMetadata, xgboostObjective } from './xgboost-objective.js';

const f32 = Math.fround;

// What get_dump writes for a split and for a leaf; any other field is refused, never skipped.
const SPLIT_FIELDS: ReadonlySet<string> = new Set([
  'nodeid',
  'depth',
  'split',
  'split_condition',
  'yes',
  'no',
  'missing',
  'gain',
  'cover',
  'children',
]);
const LEAF_FIELDS: ReadonlySet<string> = new Set(['nodeid', 'leaf', 'cover']);

/** What a get_dump array does not record. */
export interface XgboostDumpOptions {
  /** base_score in the objective's output space (XGBoost's parameter); one per output allowed. Default 0.5. */
  readonly baseScore?: number | readonly number[];
  /** Objective name. Default `reg:squarederror`. */
  readonly objective?: string;
  /** Feature names in training order; needed when the dump names features (`"split": "age"`) rather than `f0`. */
  readonly featureNames?: readonly string[];
  /** Number of features; default: featureNames' length, else the largest index used + 1. */
  readonly numFeatures?: number;
  /** Number of classes for multi:* objectives (default: the length of baseScore when it is an array). */
  readonly numClass?: number;
  /** num_parallel_tree of the training run (trees per class per round); default 1. */
  readonly numParallelTree?: number;
  /** dart: the `weight_drop` of each tree (get_dump prints unweighted leaves). */
  readonly treeWeights?: readonly number[];
  /** The XGBoost version that predicts (`"3.4.1"`): from 3.4.0, several quantiles are sorted per row. */
  readonly xgboostVersion?: string;
}

type Json = Record<string, unknown>;

/**
 * Flattens a get_dump JSON array into a `TreeEnsemble`.
 *
 * @example
 * ```ts
 * const ensemble = parseXgboostDump(JSON.parse(text), { baseScore: 0.5, objective: 'binary:logistic', featureNames });
 * ```
 */
export function parseXgboostDump(source: unknown, options: XgboostDumpOptions = {}): TreeEnsemble {
  if (!Array.isArray(source)) throw modelError('MODEL_TRUNCATED', 'an XGBoost dump is a JSON array of trees');
  const trees = source.map((tree: unknown, t): Json => {
    const parsed = typeof tree === 'string' ? parseTreeString(tree, t) : tree;
    if (typeof parsed !== 'object' || parsed === null)
      throw modelError('MODEL_TRUNCATED', `tree ${t} is not an object`);
    return parsed as Json;
  });
  const objectiveName = options.objective ?? 'reg:squarederror';
  const baseScores =
    options.baseScore === undefined
      ? [0.5]
      : typeof options.baseScore === 'number'
        ? [options.baseScore]
        : [...options.baseScore];
  const numOutputs =
    options.numClass ?? (objectiveName.startsWith('multi:') || baseScores.length > 1 ? baseScores.length : 1);
  if (!Number.isInteger(numOutputs) || numOutputs < 1)
    throw modelError('MODEL_OPTIONS_INVALID', `numClass ${numOutputs}`);
  if (objectiveName.startsWith('multi:') && numOutputs < 2) {
    throw modelError('MODEL_OPTIONS_INVALID', `${objectiveName} needs numClass (or one baseScore per class)`);
  }
  const objective = xgboostObjective(
    objectiveName,
    numOutputs,
    baseScores,
    options.xgboostVersion?.split('.').map(Number),
  );
  const parallel = options.numParallelTree ?? 1;
  if (!Number.isInteger(parallel) || parallel < 1)
    throw modelError('MODEL_OPTIONS_INVALID', `numParallelTree ${parallel}`);
  const weights = options.treeWeights;
  if (weights !== undefined && weights.length !== trees.length) {
    throw modelError('MODEL_OPTIONS_INVALID', `${weights.length} tree weights for ${trees.length} trees`);
  }
  const names = options.featureNames;
  const nameIndex = new Map<string, number>();
  names?.forEach((name, j) => nameIndex.set(name, j));
  let maxFeature = -1;
  const resolveFeature = (split: unknown, t: number): number => {
    let index: number | undefined;
    if (typeof split === 'number') index = split;
    else if (typeof split === 'string') {
      // XGBoost names features f<index> when the booster has no feature names.
      index = nameIndex.get(split);
      const match = /^f(\d+)$/.exec(split);
      if (index === undefined && match !== null) index = Number(match[1]);
    }
    if (index === undefined) {
      throw modelError(
        'MODEL_OPTIONS_INVALID',
        `tree ${t} splits on ${JSON.stringify(split)}, which is not ${names === undefined ? 'of the form f<index>; pass featureNames' : 'in featureNames'}`,
      );
    }
    if (index > maxFeature) maxFeature = index;
    return index;
  };

  const builder = new EnsembleBuilder();
  trees.forEach((tree, t) => {
    const weight = weights === undefined ? undefined : f32(weights[t]!);
    addTree(builder, tree, t, Math.floor(t / parallel) % numOutputs, weight, resolveFeature);
  });

  const numFeatures = options.numFeatures ?? names?.length ?? maxFeature + 1;
  if (names !== undefined && names.length !== numFeatures) {
    throw modelError('MODEL_OPTIONS_INVALID', `${names.length} feature names for ${numFeatures} features`);
  }
  return builder.build(
    xgboostMetadata(objectiveName, objective, {
      format: 'xgboost-dump',
      numFeatures,
      featureNames: names !== undefined ? [...names] : Array.from({ length: numFeatures }, (_, j) => `f${j}`),
      numOutputs,
      treesPerIteration: numOutputs * parallel,
    }),
  );
}

function parseTreeString(text: string, t: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw modelError('MODEL_TRUNCATED', `tree ${t} is not valid JSON`, error);
  }
}

function addTree(
  builder: EnsembleBuilder,
  root: Json,
  t: number,
  output: number,
  weight: number | undefined,
  resolveFeature: (split: unknown, t: number) => number,
): void {
  // Collect the nodes by id first: ids index the tree, and children may be listed in any order.
  const byId = new Map<number, Json>();
  const seen = new Set<object>();
  const pending: Json[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (seen.has(node)) throw modelError('MODEL_CYCLE', `tree ${t}: a node object appears twice`);
    seen.add(node);
    const id = node['nodeid'];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw modelError('MODEL_TRUNCATED', `tree ${t}: node without a valid nodeid (${JSON.stringify(id)})`);
    }
    if (byId.has(id)) throw modelError('MODEL_CYCLE', `tree ${t}: node ${id} appears twice`);
    byId.set(id, node);
    const children = node['children'];
    if (Array.isArray(children)) {
      for (const child of children) {
        if (typeof child !== 'object' || child === null)
          throw modelError('MODEL_TRUNCATED', `tree ${t}: a child of node ${id} is not an object`);
        pending.push(child as Json);
      }
    }
  }
  const numNodes = Math.max(...byId.keys()) + 1;
  builder.addTree(numNodes, output, root['nodeid'] as number);
  for (const [id, node] of byId) {
    const cover = node['cover'];
    if (typeof cover !== 'number') {
      throw modelError('MODEL_TRUNCATED', `tree ${t}, node ${id}: no cover (dump with with_stats=True)`);
    }
    if ('leaf' in node) {
      refuseUnknownFields(node, LEAF_FIELDS, `tree ${t}, leaf ${id}`);
      const leaf = f32(numberOrNaN(node['leaf']));
      builder.setLeaf(id, weight === undefined ? leaf : f32(leaf * weight), cover);
      continue;
    }
    refuseUnknownFields(node, SPLIT_FIELDS, `tree ${t}, node ${id}`);
    const yes = node['yes'];
    const no = node['no'];
    const missing = node['missing'];
    for (const child of [yes, no]) {
      if (typeof child !== 'number' || !byId.has(child)) {
        throw modelError(
          'MODEL_CHILD_OUT_OF_RANGE',
          `tree ${t}, node ${id}: child ${JSON.stringify(child)} is not in the tree`,
        );
      }
    }
    const feature = resolveFeature(node['split'], t);
    const condition = node['split_condition'];
    if (Array.isArray(condition)) {
      // Categorical: the listed categories go to `yes`, which is the right child.
      const set = builder.addCategorySetFromCodes(condition.map(numberOrNaN));
      builder.setCategoricalSplit(id, feature, set, no as number, yes as number, missing === no, cover);
    } else {
      builder.setSplit(id, feature, f32(numberOrNaN(condition)), yes as number, no as number, missing === yes, cover);
    }
  }
}

function numberOrNaN(value: unknown): number {
  return typeof value === 'number' ? value : NaN;
}
