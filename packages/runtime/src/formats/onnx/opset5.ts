/**
 * The `ai.onnx.ml` opset 5 `TreeEnsemble` operator, rewritten as the opset 3 `TreeEnsembleRegressor` it is
 * equivalent to (as ONNX Runtime does): integer modes and transforms become their names, leaves referenced through
 * `nodes_trueleafs` / `nodes_falseleafs` become LEAF nodes with one target weight each, and each `BRANCH_MEMBER` node
 * becomes a chain of `BRANCH_EQ` nodes, one per member value, all tracking missing values as the member node does.
 */
import { modelError } from '../../errors.js';
import { TENSOR_FLOAT, type Attribute, type TreeEnsembleNode } from './onnx-graph.js';

const MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ', 'BRANCH_MEMBER'];
// The ONNX specification numbers post_transform NONE, SOFTMAX, LOGISTIC, SOFTMAX_ZERO, PROBIT; ONNX Runtime (the
// reference) casts the integer to its own enumeration, where 1 is LOGISTIC and 2 SOFTMAX. Its reading is copied.
const POST_TRANSFORMS = ['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO', 'PROBIT'];
const AGGREGATES = ['AVERAGE', 'SUM', 'MIN', 'MAX'];
const FIELDS: ReadonlySet<string> = new Set([
  'aggregate_function',
  'leaf_targetids',
  'leaf_weights',
  'membership_values',
  'n_targets',
  'nodes_falseleafs',
  'nodes_falsenodeids',
  'nodes_featureids',
  'nodes_hitrates',
  'nodes_missing_value_tracks_true',
  'nodes_modes',
  'nodes_splits',
  'nodes_trueleafs',
  'nodes_truenodeids',
  'post_transform',
  'tree_roots',
]);

/**
 * Rewrites an opset 5 `TreeEnsemble` node as an opset 3 `TreeEnsembleRegressor` node.
 *
 * @example
 * ```ts
 * const v3 = fromOpset5(readTreeEnsembleNode(bytes)); // v3.opType === 'TreeEnsembleRegressor'
 * ```
 */
export function fromOpset5(node: TreeEnsembleNode): TreeEnsembleNode {
  for (const name of node.attributes.keys()) {
    if (!FIELDS.has(name)) {
      throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX TreeEnsemble: attribute "${name}" is not implemented`);
    }
  }
  const ints = (name: string): readonly number[] => node.attributes.get(name)?.ints ?? [];
  const tensor = (name: string, required: boolean): readonly number[] => {
    const t = node.attributes.get(name)?.tensor;
    if (t === undefined) {
      if (required) throw modelError('MODEL_TRUNCATED', `ONNX TreeEnsemble: ${name} is missing`);
      return [];
    }
    if (name !== 'nodes_modes' && t.type !== TENSOR_FLOAT) {
      throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX TreeEnsemble: ${name} of element type ${t.type}`);
    }
    return t.values;
  };
  const features = ints('nodes_featureids');
  const splits = tensor('nodes_splits', true);
  const modes = tensor('nodes_modes', true);
  const trueIds = ints('nodes_truenodeids');
  const falseIds = ints('nodes_falsenodeids');
  const trueLeafs = ints('nodes_trueleafs');
  const falseLeafs = ints('nodes_falseleafs');
  const tracks = ints('nodes_missing_value_tracks_true');
  // nodes_hitrates only weigh TreeSHAP; with member chains added, the covers are counted from the leaves instead.
  tensor('nodes_hitrates', false);
  const leafTargets = ints('leaf_targetids');
  const leafWeights = tensor('leaf_weights', true);
  const members = tensor('membership_values', false);
  const n = features.length;
  for (const list of [splits, modes, trueIds, falseIds, trueLeafs, falseLeafs]) {
    if (list.length !== n) throw modelError('MODEL_TRUNCATED', 'ONNX TreeEnsemble: nodes_* lengths differ');
  }
  if (leafTargets.length !== leafWeights.length) {
    throw modelError('MODEL_TRUNCATED', 'ONNX TreeEnsemble: leaf_targetids and leaf_weights lengths differ');
  }
  // The member sets, in node order, separated by NaN.
  const sets = new Map<number, number[]>();
  let at = 0;
  for (let i = 0; i < n; i++) {
    if (modes[i] !== 6) continue;
    const set: number[] = [];
    while (at < members.length && !Number.isNaN(members[at])) set.push(members[at++]!);
    at++;
    if (set.length === 0) throw modelError('MODEL_TRUNCATED', `ONNX TreeEnsemble: node ${i} has no member values`);
    sets.set(i, set);
  }

  const out = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    features: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    tracks: [] as number[],
    targetTrees: [] as number[],
    targetNodes: [] as number[],
    targetIds: [] as number[],
    targetWeights: [] as number[],
  };
  const push = (tree: number, id: number, f: number, v: number, mode: string, t: number, e: number, m: number) => {
    out.treeIds.push(tree);
    out.nodeIds.push(id);
    out.features.push(f);
    out.values.push(v);
    out.modes.push(mode);
    out.trueIds.push(t);
    out.falseIds.push(e);
    out.tracks.push(m);
  };
  const roots = ints('tree_roots');
  // A member chain points every link at the same true child, and opset 5 lets nodes be shared: each reference gets
  // its own copy of the subtree, so that every tree stays a tree. A path longer than the node count is a cycle.
  const limit = 64 * (n + leafTargets.length) + 1_000_000;
  roots.forEach((root, tree) => {
    let next = 0;
    const visit: [number, number, number][] = []; // [node index, id, depth]
    const idOf = (index: number, isLeaf: boolean, depth: number): number => {
      const id = next++;
      if (out.nodeIds.length + visit.length > limit) {
        throw modelError(
          'MODEL_FEATURE_UNSUPPORTED',
          'ONNX TreeEnsemble: shared subtrees expand beyond the size limit',
        );
      }
      if (isLeaf) {
        if (!(index >= 0 && index < leafTargets.length)) {
          throw modelError('MODEL_CHILD_OUT_OF_RANGE', `ONNX TreeEnsemble: leaf ${index} of ${leafTargets.length}`);
        }
        push(tree, id, 0, 0, 'LEAF', 0, 0, 0);
        out.targetTrees.push(tree);
        out.targetNodes.push(id);
        out.targetIds.push(leafTargets[index]!);
        out.targetWeights.push(leafWeights[index]!);
      } else {
        if (!(index >= 0 && index < n))
          throw modelError('MODEL_CHILD_OUT_OF_RANGE', `ONNX TreeEnsemble: node ${index}`);
        if (depth > n) throw modelError('MODEL_CYCLE', `ONNX TreeEnsemble: tree ${tree} loops through node ${index}`);
        visit.push([index, id, depth]);
      }
      return id;
    };
    idOf(root, false, 0);
    while (visit.length > 0) {
      const [i, id, depth] = visit.pop()!;
      const mode = MODES[modes[i]!];
      if (mode === undefined) throw modelError('MODEL_FEATURE_UNSUPPORTED', `ONNX TreeEnsemble: node mode ${modes[i]}`);
      const trueChild = (): number => idOf(trueIds[i]!, trueLeafs[i] === 1, depth + 1);
      const f = idOf(falseIds[i]!, falseLeafs[i] === 1, depth + 1);
      if (mode !== 'BRANCH_MEMBER') {
        push(tree, id, features[i]!, splits[i]!, mode, trueChild(), f, tracks[i] ?? 0);
        continue;
      }
      // x in {v1, ..., vk}: x == v1 ? true : (x == v2 ? true : ... : false).
      const set = sets.get(i)!;
      let self = id;
      set.forEach((v, k) => {
        const otherwise = k === set.length - 1 ? f : next++;
        push(tree, self, features[i]!, v, 'BRANCH_EQ', trueChild(), otherwise, tracks[i] ?? 0);
        self = otherwise;
      });
    }
  });

  const name = (list: readonly string[], attribute: string, fallback: number): string => {
    const value = node.attributes.get(attribute)?.ints[0] ?? fallback;
    const found = list[value];
    if (found === undefined) throw modelError('MODEL_TRUNCATED', `ONNX TreeEnsemble: ${attribute} = ${value}`);
    return found;
  };
  const attributes = new Map<string, Attribute>();
  const set = (key: string, value: Partial<Attribute>): void => {
    attributes.set(key, { floats: [], ints: [], strings: [], ...value });
  };
  set('nodes_treeids', { ints: out.treeIds });
  set('nodes_nodeids', { ints: out.nodeIds });
  set('nodes_featureids', { ints: out.features });
  set('nodes_values', { floats: out.values });
  set('nodes_modes', { strings: out.modes });
  set('nodes_truenodeids', { ints: out.trueIds });
  set('nodes_falsenodeids', { ints: out.falseIds });
  set('nodes_missing_value_tracks_true', { ints: out.tracks });
  set('target_treeids', { ints: out.targetTrees });
  set('target_nodeids', { ints: out.targetNodes });
  set('target_ids', { ints: out.targetIds });
  set('target_weights', { floats: out.targetWeights });
  set('n_targets', { ints: [node.attributes.get('n_targets')?.ints[0] ?? 1] });
  set('aggregate_function', { strings: [name(AGGREGATES, 'aggregate_function', 1)] });
  set('post_transform', { strings: [name(POST_TRANSFORMS, 'post_transform', 0)] });
  return { ...node, opType: 'TreeEnsembleRegressor', attributes };
}
