/**
 * ONNX `ai.onnx.ml` `TreeEnsembleRegressor` and `TreeEnsembleClassifier` (opsets 1 to 3, float32 attributes or
 * float tensors) and `TreeEnsemble` (opset 5, rewritten as a regressor by opset5.ts), predicted as ONNX Runtime does: splits under the `onnx` rules (split-rules/onnx.ts); per output,
 * the leaf weights summed in float32 from zero in tree order; then ONNX Runtime's finalization in float32 (the
 * average, the base values, the binary classifier's second column, the post transform).
 *
 * `margin` is the aggregated score before base values and post transform (the tree sum, or for AVERAGE the mean in
 * double); `prediction` is what ONNX Runtime returns as the regressor's `Y` or the classifier's probabilities.
 */
import type { OutputTransform, TreeEnsemble } from '../../ensemble.js';
import { EnsembleBuilder } from '../../ensemble-builder.js';
import { modelError } from '../../errors.js';
import { ONNX_EQ, ONNX_LEQ } from '../../split-rules/onnx.js';
import { previousFloat32 } from '../../split-rules/xgboost.js';
import { readTreeEnsembleNode, TENSOR_FLOAT, type Attribute, type TreeEnsembleNode } from './onnx-graph.js';
import { fromOpset5 } from './opset5.js';
import { finalizeClassifier, finalizeRegressor, type PostTransform } from './onnx-finalize.js';

const f32 = Math.fround;

const NODE_FIELDS = [
  'nodes_treeids',
  'nodes_nodeids',
  'nodes_featureids',
  'nodes_values',
  'nodes_values_as_tensor',
  'nodes_modes',
  'nodes_truenodeids',
  'nodes_falsenodeids',
  'nodes_missing_value_tracks_true',
  'nodes_hitrates',
  'nodes_hitrates_as_tensor',
  'base_values',
  'base_values_as_tensor',
  'post_transform',
];
const REGRESSOR_FIELDS: ReadonlySet<string> = new Set([
  ...NODE_FIELDS,
  'aggregate_function',
  'n_targets',
  'target_ids',
  'target_nodeids',
  'target_treeids',
  'target_weights',
  'target_weights_as_tensor',
]);
const CLASSIFIER_FIELDS: ReadonlySet<string> = new Set([
  ...NODE_FIELDS,
  'class_ids',
  'class_nodeids',
  'class_treeids',
  'class_weights',
  'class_weights_as_tensor',
  'classlabels_int64s',
  'classlabels_strings',
]);
const POST_TRANSFORMS: ReadonlySet<string> = new Set(['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO', 'PROBIT']);

/** One node of one tree, as the attributes list it. */
interface OnnxNode {
  readonly feature: number;
  readonly value: number;
  readonly mode: string;
  readonly trueId: number;
  readonly falseId: number;
  readonly tracksTrue: boolean;
  readonly hitrate: number;
  readonly hasHitrate: boolean;
}

/**
 * Loads the bytes of an `.onnx` model holding one tree-ensemble node.
 *
 * @example
 * ```ts
 * const ensemble = parseOnnx(readFileSync('forest.onnx'));
 * ```
 */
export function parseOnnx(bytes: Uint8Array): TreeEnsemble {
  const read = readTreeEnsembleNode(bytes);
  const node = read.opType === 'TreeEnsemble' ? fromOpset5(read) : read;
  if (node.inputType !== TENSOR_FLOAT) {
    throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX: input element type ${node.inputType}: only float is read`);
  }
  const classifier = node.opType === 'TreeEnsembleClassifier';
  const known = classifier ? CLASSIFIER_FIELDS : REGRESSOR_FIELDS;
  for (const name of node.attributes.keys()) {
    if (!known.has(name)) {
      throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX ${node.opType}: attribute "${name}" is not implemented`);
    }
  }
  const post = string(node, 'post_transform', 'NONE');
  if (!POST_TRANSFORMS.has(post)) throw modelError('MODEL_OBJECTIVE_UNKNOWN', `ONNX: post_transform "${post}"`);
  const aggregate = classifier ? 'SUM' : string(node, 'aggregate_function', 'SUM');
  if (!['SUM', 'AVERAGE', 'MIN', 'MAX'].includes(aggregate)) {
    throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX: aggregate_function ${aggregate} is not implemented`);
  }

  const trees = readTrees(node);
  const prefix = classifier ? 'class' : 'target';
  const leafTrees = ints(node, `${prefix}_treeids`);
  const leafNodes = ints(node, `${prefix}_nodeids`);
  const leafOutputs = ints(node, `${prefix}_ids`);
  const leafWeights = floats(node, `${prefix}_weights`);
  const n = leafTrees.length;
  if (leafNodes.length !== n || leafOutputs.length !== n || leafWeights.length !== n) {
    throw modelError('MODEL_TRUNCATED', `ONNX: the ${prefix}_* attributes differ in length`);
  }
  const labels = classifier ? classLabels(node) : undefined;
  const numOutputs = labels?.length ?? integer(node, 'n_targets', 1);
  // weights[tree][output]: leaf node id -> weight
  const weights = new Map<number, Map<number, Map<number, number>>>();
  for (let i = 0; i < n; i++) {
    const output = leafOutputs[i]!;
    if (!(output >= 0 && output < numOutputs)) {
      throw modelError('MODEL_TRUNCATED', `ONNX: ${prefix}_ids[${i}] = ${output} for ${numOutputs} outputs`);
    }
    let perTree = weights.get(leafTrees[i]!);
    if (perTree === undefined) weights.set(leafTrees[i]!, (perTree = new Map<number, Map<number, number>>()));
    let perOutput = perTree.get(output);
    if (perOutput === undefined) perTree.set(output, (perOutput = new Map<number, number>()));
    // ONNX Runtime adds two weights of one leaf and output one by one; a summed leaf would round differently.
    if (perOutput.has(leafNodes[i]!)) {
      throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX: leaf ${leafNodes[i]} has two weights for one output`);
    }
    perOutput.set(leafNodes[i]!, f32(leafWeights[i]!));
  }
  const extreme = aggregate === 'MIN' ? 'min' : aggregate === 'MAX' ? 'max' : undefined;

  const builder = new EnsembleBuilder();
  let maxFeature = -1;
  const usedOutputs = new Set<number>();
  for (const [treeId, nodes] of trees) {
    for (const [output, leaves] of weights.get(treeId) ?? new Map<number, Map<number, number>>()) {
      usedOutputs.add(output);
      // Under MIN / MAX a leaf without a weight for this output gives it no value (NaN), not a 0.
      const missing = extreme === undefined ? 0 : NaN;
      maxFeature = Math.max(maxFeature, addTree(builder, treeId, nodes, output, leaves, missing));
    }
  }
  const numFeatures = node.numFeatures ?? maxFeature + 1;
  const base = floats(node, 'base_values');
  const transform: { numOutputs: number; width: number; transform: OutputTransform } = classifier
    ? finalizeClassifier(labels!.length, usedOutputs, leafWeights, base, post as PostTransform)
    : { numOutputs, width: numOutputs, transform: finalizeRegressor(numOutputs, base, post as PostTransform) };
  return builder.build({
    format: 'onnx',
    rules: 'onnx',
    inputPrecision: 'float32',
    accumulation: 'float32',
    numFeatures,
    featureNames: Array.from({ length: numFeatures }, (_, j) => `f${j}`),
    numOutputs: transform.numOutputs,
    predictionWidth: transform.width,
    objective: `${node.opType} ${aggregate} ${post}`,
    baseMargin: new Float64Array(transform.numOutputs),
    marginDivisor: aggregate === 'AVERAGE' ? trees.size : 0,
    ...(extreme === undefined ? {} : { aggregation: extreme }),
    transform: transform.transform,
    ...(labels === undefined ? {} : { classes: labels }),
  });
}

/** The nodes of every tree, by tree id in ascending order (ONNX Runtime's order of summation). */
function readTrees(node: TreeEnsembleNode): Map<number, Map<number, OnnxNode>> {
  const treeIds = ints(node, 'nodes_treeids');
  const nodeIds = ints(node, 'nodes_nodeids');
  const features = ints(node, 'nodes_featureids');
  const values = floats(node, 'nodes_values');
  const modes = node.attributes.get('nodes_modes')?.strings ?? [];
  const trueIds = ints(node, 'nodes_truenodeids');
  const falseIds = ints(node, 'nodes_falsenodeids');
  const tracks = ints(node, 'nodes_missing_value_tracks_true');
  const hitrates = floats(node, 'nodes_hitrates');
  const n = treeIds.length;
  for (const [name, list] of Object.entries({ nodeIds, features, values, modes, trueIds, falseIds })) {
    if (list.length !== n) throw modelError('MODEL_TRUNCATED', `ONNX: nodes_* lengths differ (${name})`);
  }
  if ((tracks.length !== 0 && tracks.length !== n) || (hitrates.length !== 0 && hitrates.length !== n)) {
    throw modelError('MODEL_TRUNCATED', 'ONNX: nodes_missing_value_tracks_true or nodes_hitrates length');
  }
  const trees = new Map<number, Map<number, OnnxNode>>();
  for (const id of [...new Set(treeIds)].sort((a, b) => a - b)) trees.set(id, new Map());
  for (let i = 0; i < n; i++) {
    const nodes = trees.get(treeIds[i]!)!;
    if (nodes.has(nodeIds[i]!))
      throw modelError('MODEL_CYCLE', `ONNX: tree ${treeIds[i]} lists node ${nodeIds[i]} twice`);
    nodes.set(nodeIds[i]!, {
      feature: features[i]!,
      value: values[i]!,
      mode: modes[i]!,
      trueId: trueIds[i]!,
      falseId: falseIds[i]!,
      tracksTrue: tracks[i] === 1,
      hitrate: hitrates[i] ?? 1,
      hasHitrate: hitrates.length > 0,
    });
  }
  return trees;
}

/**
 * Adds one tree's weights for one output as a runtime tree (leaves without a weight for it add 0). Node ids become
 * indices in id order; the root is the one node no other node points to. Returns the largest feature read.
 */
function addTree(
  builder: EnsembleBuilder,
  treeId: number,
  nodes: Map<number, OnnxNode>,
  output: number,
  leaves: Map<number, number>,
  missing: number,
): number {
  const ids = [...nodes.keys()].sort((a, b) => a - b);
  const index = new Map(ids.map((id, i) => [id, i]));
  const children = new Set<number>();
  for (const n of nodes.values()) if (n.mode !== 'LEAF') children.add(n.trueId).add(n.falseId);
  const roots = ids.filter((id) => !children.has(id));
  if (roots.length !== 1) throw modelError('MODEL_CYCLE', `ONNX: tree ${treeId} has ${roots.length} roots`);
  const at = (id: number): number => {
    const i = index.get(id);
    if (i === undefined) throw modelError('MODEL_CHILD_OUT_OF_RANGE', `ONNX: tree ${treeId} has no node ${id}`);
    return i;
  };
  builder.addTree(ids.length, output, at(roots[0]!));
  const cover = covers(nodes, roots[0]!, treeId);
  let maxFeature = -1;
  for (const [id, n] of nodes) {
    const i = at(id);
    if (n.mode === 'LEAF') {
      builder.setLeaf(i, leaves.get(id) ?? missing, cover.get(id)!);
      continue;
    }
    const t = at(n.trueId);
    const f = at(n.falseId);
    maxFeature = Math.max(maxFeature, n.feature);
    const v = f32(n.value);
    // x < v is x <= (the float32 below v) for float32 x; GT and GTE are LEQ and LT with the children swapped, so
    // a NaN (false in every comparison) takes the swapped "true" side exactly when it does not track true.
    const split = (threshold: number, left: number, right: number, defaultLeft: boolean, kind: number): void =>
      builder.setSplit(i, n.feature, threshold, left, right, defaultLeft, cover.get(id)!, kind);
    if (n.mode === 'BRANCH_LEQ') split(v, t, f, n.tracksTrue, ONNX_LEQ);
    else if (n.mode === 'BRANCH_LT') split(below(v), t, f, n.tracksTrue, ONNX_LEQ);
    else if (n.mode === 'BRANCH_GT') split(v, f, t, !n.tracksTrue, ONNX_LEQ);
    else if (n.mode === 'BRANCH_GTE') split(below(v), f, t, !n.tracksTrue, ONNX_LEQ);
    else if (n.mode === 'BRANCH_EQ') split(v, t, f, n.tracksTrue, ONNX_EQ);
    // NaN != v holds: a NaN always takes BRANCH_NEQ's true side, tracked or not.
    else if (n.mode === 'BRANCH_NEQ') split(v, f, t, false, ONNX_EQ);
    else throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX: node mode "${n.mode}"`);
  }
  return maxFeature;
}

/**
 * TreeSHAP covers. An ONNX file holds no training counts: `nodes_hitrates` when the model has them, else each leaf
 * weighs 1 and a split the sum of its children (iteratively, refusing a node reached twice).
 */
function covers(nodes: Map<number, OnnxNode>, root: number, treeId: number): Map<number, number> {
  const cover = new Map<number, number>();
  const order: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const id = pending.pop()!;
    const n = nodes.get(id);
    if (n === undefined) throw modelError('MODEL_CHILD_OUT_OF_RANGE', `ONNX: tree ${treeId} has no node ${id}`);
    if (cover.has(id)) throw modelError('MODEL_CYCLE', `ONNX: tree ${treeId} reaches node ${id} twice`);
    cover.set(id, 0);
    order.push(id);
    if (n.mode !== 'LEAF') pending.push(n.trueId, n.falseId);
  }
  for (const id of order.reverse()) {
    const n = nodes.get(id)!;
    if (n.hasHitrate || n.mode === 'LEAF') cover.set(id, n.hasHitrate ? n.hitrate : 1);
    else cover.set(id, cover.get(n.trueId)! + cover.get(n.falseId)!);
  }
  for (const id of nodes.keys()) if (!cover.has(id)) cover.set(id, 0);
  return cover;
}

/** The float32 below `v`; -inf and +inf have their own neighbours (nothing is below -inf: x < -inf never holds). */
function below(v: number): number {
  if (v === Infinity) return f32(3.4028234663852886e38);
  if (v === -Infinity) throw modelError('MODEL_THRESHOLD_NOT_FINITE', 'ONNX: BRANCH_LT / GTE at -inf');
  return previousFloat32(v);
}

function classLabels(node: TreeEnsembleNode): (number | string)[] {
  const ints64 = node.attributes.get('classlabels_int64s')?.ints ?? [];
  const strings = node.attributes.get('classlabels_strings')?.strings ?? [];
  const labels = ints64.length > 0 ? ints64 : strings;
  if (labels.length < 2) throw modelError('MODEL_TRUNCATED', 'ONNX: a classifier needs two or more class labels');
  return [...labels];
}

function string(node: TreeEnsembleNode, name: string, fallback: string): string {
  return node.attributes.get(name)?.strings[0] ?? fallback;
}

function integer(node: TreeEnsembleNode, name: string, fallback: number): number {
  const value = node.attributes.get(name)?.ints[0] ?? fallback;
  if (!Number.isInteger(value) || value < 1) throw modelError('MODEL_TRUNCATED', `ONNX: ${name} = ${value}`);
  return value;
}

function ints(node: TreeEnsembleNode, name: string): readonly number[] {
  return node.attributes.get(name)?.ints ?? [];
}

/** A float attribute, or its `_as_tensor` form when that is a float tensor (double tensors are refused). */
function floats(node: TreeEnsembleNode, name: string): readonly number[] {
  const tensor: Attribute | undefined = node.attributes.get(`${name}_as_tensor`);
  if (tensor?.tensor !== undefined) {
    if (tensor.tensor.type !== TENSOR_FLOAT) {
      throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX: ${name}_as_tensor of element type ${tensor.tensor.type}`);
    }
    return tensor.tensor.values;
  }
  return node.attributes.get(name)?.floats ?? [];
}
