/**
 * Path-dependent TreeSHAP (Lundberg, Erion and Lee 2018, Algorithm 2), the algorithm behind XGBoost's
 * `pred_contribs` and LightGBM's `pred_contrib`, in double precision and generic over the split rules: the "hot" child
 * at a split is the one the row takes under the model's own rules (so categorical and missing-value routing count),
 * the "cold" one the other; node covers (XGBoost `sum_hessian`, LightGBM counts, scikit-learn sample weights) weight
 * the paths. The bias of output k is its base margin plus the cover-weighted mean leaf value of each of its trees.
 */
import type { TreeEnsemble } from './ensemble.js';
import { nextNode } from './evaluators/interpreter.js';
import { addLinearContributions } from './linear/linear-term.js';
import { splitRule, type SplitRule } from './split-rules/index.js';

/**
 * Explains prepared rows of one ensemble. Holds the per-node mean values and the path scratch space, so explaining a
 * row allocates nothing.
 *
 * @example
 * ```ts
 * const shap = new TreeShap(ensemble);
 * const phi = new Float64Array(ensemble.numOutputs * (ensemble.numFeatures + 1));
 * shap.explain(preparedRow, 0, phi); // phi[k * (F + 1) + F] is the bias of output k
 * ```
 */
export class TreeShap {
  private readonly ensemble: TreeEnsemble;
  private readonly rule: SplitRule;
  /** Cover-weighted mean leaf value below each node (the tree's expected value at its root). */
  private readonly mean: Float64Array;
  private readonly pathFeature: Int32Array;
  private readonly pathZero: Float64Array;
  private readonly pathOne: Float64Array;
  private readonly pathWeight: Float64Array;
  private readonly scale: number;
  /** 1 / i for every path length this ensemble's trees allow (a path is at most depth + 2 long). */
  private readonly inverse: Float64Array;

  constructor(ensemble: TreeEnsemble) {
    this.ensemble = ensemble;
    this.rule = splitRule(ensemble);
    const { nodes, treeRoot } = ensemble;
    this.mean = new Float64Array(nodes.feature.length);
    let maxDepth = 0;
    for (let t = 0; t < treeRoot.length; t++) maxDepth = Math.max(maxDepth, this.fillMeans(treeRoot[t]!));
    // Each recursion level copies the path one slot further on, and a path is at most depth + 2 long.
    const levels = maxDepth + 3;
    const size = ((levels + 1) * (levels + 2)) / 2;
    this.pathFeature = new Int32Array(size);
    this.pathZero = new Float64Array(size);
    this.pathOne = new Float64Array(size);
    this.pathWeight = new Float64Array(size);
    this.inverse = Float64Array.from({ length: levels + 2 }, (_, i) => (i === 0 ? Infinity : 1 / i));
    this.scale = ensemble.marginDivisor > 0 ? 1 / ensemble.marginDivisor : 1;
  }

  /** Expected value (cover-weighted mean leaf) of tree t, before any averaging. */
  expectedValue(tree: number): number {
    return this.mean[this.ensemble.treeRoot[tree]!]!;
  }

  /**
   * Adds the contributions of prepared row `x` (starting at `at`) to `phi` from `phiOffset`, laid out output by output,
   * numFeatures + 1 values each, the bias last. `phi` must start zeroed for a fresh row.
   */
  explain(x: Float64Array, at: number, phi: Float64Array, phiOffset = 0): void {
    const { treeRoot, treeOutput, baseMargin, numFeatures, numOutputs } = this.ensemble;
    const stride = numFeatures + 1;
    for (let t = 0; t < treeRoot.length; t++) {
      const root = treeRoot[t]!;
      const base = phiOffset + treeOutput[t]! * stride;
      phi[base + numFeatures]! += this.mean[root]! * this.scale;
      this.recurse(x, at, phi, base, root, 0, 0, 1, 1, -1);
    }
    for (let k = 0; k < numOutputs; k++) phi[phiOffset + k * stride + numFeatures]! += baseMargin[k]!;
    addLinearContributions(this.ensemble, x, at, phi, phiOffset);
  }

  /** Fills `mean` below `root` (iterative post-order) and returns the tree's depth. */
  private fillMeans(root: number): number {
    const { feature, left, right, value, cover } = this.ensemble.nodes;
    const stack = [root];
    const depthOf = [0];
    const order: number[] = [];
    let maxDepth = 0;
    while (stack.length > 0) {
      const node = stack.pop()!;
      const depth = depthOf.pop()!;
      if (depth > maxDepth) maxDepth = depth;
      order.push(node);
      if (feature[node]! >= 0) {
        stack.push(left[node]!, right[node]!);
        depthOf.push(depth + 1, depth + 1);
      }
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i]!;
      if (feature[node]! < 0) {
        this.mean[node] = value[node]!;
      } else {
        const l = left[node]!;
        const r = right[node]!;
        const w = cover[node]!;
        this.mean[node] =
          w > 0 ? (this.mean[l]! * cover[l]! + this.mean[r]! * cover[r]!) / w : (this.mean[l]! + this.mean[r]!) / 2;
      }
    }
    return maxDepth;
  }

  private recurse(
    x: Float64Array,
    at: number,
    phi: Float64Array,
    phiBase: number,
    node: number,
    uniqueDepth: number,
    parentOffset: number,
    parentZero: number,
    parentOne: number,
    parentFeature: number,
  ): void {
    const { nodes } = this.ensemble;
    const { pathFeature, pathZero, pathOne, pathWeight } = this;
    const offset = parentOffset + uniqueDepth + 1;
    // Paths are a few elements long: a plain loop beats four copyWithin calls.
    for (let i = 0; i <= uniqueDepth; i++) {
      pathFeature[offset + i] = pathFeature[parentOffset + i]!;
      pathZero[offset + i] = pathZero[parentOffset + i]!;
      pathOne[offset + i] = pathOne[parentOffset + i]!;
      pathWeight[offset + i] = pathWeight[parentOffset + i]!;
    }
    this.extendPath(offset, uniqueDepth, parentZero, parentOne, parentFeature);

    const feature = nodes.feature[node]!;
    if (feature < 0) {
      const leafValue = nodes.value[node]! * this.scale;
      for (let i = 1; i <= uniqueDepth; i++) {
        const w = this.unwoundPathSum(offset, uniqueDepth, i);
        phi[phiBase + pathFeature[offset + i]!]! += w * (pathOne[offset + i]! - pathZero[offset + i]!) * leafValue;
      }
      return;
    }

    const hot = nextNode(this.ensemble, this.rule, node, x[at + feature]!);
    const cold = hot === nodes.left[node] ? nodes.right[node]! : nodes.left[node]!;
    const w = nodes.cover[node]!;
    const hotZero = w > 0 ? nodes.cover[hot]! / w : 0.5;
    const coldZero = w > 0 ? nodes.cover[cold]! / w : 0.5;
    let incomingZero = 1;
    let incomingOne = 1;
    let pathIndex = 0;
    while (pathIndex <= uniqueDepth && pathFeature[offset + pathIndex] !== feature) pathIndex++;
    if (pathIndex !== uniqueDepth + 1) {
      incomingZero = pathZero[offset + pathIndex]!;
      incomingOne = pathOne[offset + pathIndex]!;
      this.unwindPath(offset, uniqueDepth, pathIndex);
      uniqueDepth -= 1;
    }
    this.recurse(x, at, phi, phiBase, hot, uniqueDepth + 1, offset, hotZero * incomingZero, incomingOne, feature);
    this.recurse(x, at, phi, phiBase, cold, uniqueDepth + 1, offset, coldZero * incomingZero, 0, feature);
  }

  private extendPath(offset: number, uniqueDepth: number, zero: number, one: number, feature: number): void {
    const { pathFeature, pathZero, pathOne, pathWeight } = this;
    pathFeature[offset + uniqueDepth] = feature;
    pathZero[offset + uniqueDepth] = zero;
    pathOne[offset + uniqueDepth] = one;
    pathWeight[offset + uniqueDepth] = uniqueDepth === 0 ? 1 : 0;
    for (let i = uniqueDepth - 1; i >= 0; i--) {
      pathWeight[offset + i + 1]! += (one * pathWeight[offset + i]! * (i + 1)) / (uniqueDepth + 1);
      pathWeight[offset + i] = (zero * pathWeight[offset + i]! * (uniqueDepth - i)) / (uniqueDepth + 1);
    }
  }

  private unwindPath(offset: number, uniqueDepth: number, pathIndex: number): void {
    const { pathFeature, pathZero, pathOne, pathWeight } = this;
    const one = pathOne[offset + pathIndex]!;
    const zero = pathZero[offset + pathIndex]!;
    let nextOnePortion = pathWeight[offset + uniqueDepth]!;
    for (let i = uniqueDepth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = pathWeight[offset + i]!;
        pathWeight[offset + i] = (nextOnePortion * (uniqueDepth + 1)) / ((i + 1) * one);
        nextOnePortion = tmp - (pathWeight[offset + i]! * zero * (uniqueDepth - i)) / (uniqueDepth + 1);
      } else {
        pathWeight[offset + i] = (pathWeight[offset + i]! * (uniqueDepth + 1)) / (zero * (uniqueDepth - i));
      }
    }
    for (let i = pathIndex; i < uniqueDepth; i++) {
      pathFeature[offset + i] = pathFeature[offset + i + 1]!;
      pathZero[offset + i] = pathZero[offset + i + 1]!;
      pathOne[offset + i] = pathOne[offset + i + 1]!;
    }
  }

  private unwoundPathSum(offset: number, uniqueDepth: number, pathIndex: number): number {
    const { pathZero, pathOne, pathWeight } = this;
    const one = pathOne[offset + pathIndex]!;
    const zero = pathZero[offset + pathIndex]!;
    const inverse = this.inverse;
    // The divisions of the reference loop, turned into multiplications by precomputed reciprocals (this loop runs
    // depth times per leaf and dominates TreeSHAP's cost).
    const depthRatio = inverse[uniqueDepth + 1]!;
    let nextOnePortion = pathWeight[offset + uniqueDepth]!;
    let total = 0;
    if (one !== 0) {
      const scale = (uniqueDepth + 1) / one;
      for (let i = uniqueDepth - 1; i >= 0; i--) {
        const tmp = nextOnePortion * scale * inverse[i + 1]!;
        total += tmp;
        nextOnePortion = pathWeight[offset + i]! - tmp * zero * (uniqueDepth - i) * depthRatio;
      }
    } else if (zero !== 0) {
      const scale = (uniqueDepth + 1) / zero;
      for (let i = uniqueDepth - 1; i >= 0; i--) total += pathWeight[offset + i]! * scale * inverse[uniqueDepth - i]!;
    }
    return total;
  }
}
