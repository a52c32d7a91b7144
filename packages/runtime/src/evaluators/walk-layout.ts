/**
 * The branch-free walk's view of an ensemble (compiled to WebAssembly by wasm.ts). Mispredicted branches, not
 * arithmetic, dominate tree evaluation (a row takes a data-dependent turn at every level), so each step computes the
 * next node as `child[node + (x >= threshold)]` and every tree runs a fixed number of steps (its depth), leaves
 * pointing to themselves. Independent rows and trees then overlap in the CPU instead of flushing its pipeline.
 * Every split is written in the one comparison form by its `SplitRule` (`walkSplit`), on rows laid out as x then -x.
 */
import type { TreeEnsemble } from '../ensemble.js';
import { splitRule, type WalkSplit } from '../split-rules/index.js';

/** Scratch for `SplitRule.walkSplit`. */
export function emptyWalkSplit(): WalkSplit {
  return { column: 0, threshold: 0, ifTrue: 0, ifFalse: 0 };
}

/** Slots per node in the packed layout: column, threshold (leaf: value) as float32, child if false, child if true. */
export const SLOTS = 4;

/**
 * Whether the walk reproduces this ensemble exactly: inputs prepared as float32, every split expressible as one walk
 * comparison (`SplitRule.walkSplit`), float32 leaves and float32 sums from the base margin (no averaging).
 *
 * @example
 * ```ts
 * const evaluator = walkApplies(ensemble) ? wasmEvaluator(ensemble) : undefined;
 * ```
 */
export function walkApplies(ensemble: TreeEnsemble): boolean {
  const rule = splitRule(ensemble);
  if (rule.preparation(ensemble) !== 'float32' || ensemble.accumulation !== 'float32') return false;
  if (ensemble.marginDivisor !== 0) return false;
  const { nodes, numFeatures } = ensemble;
  const { feature, value } = nodes;
  const split = emptyWalkSplit();
  for (let i = 0; i < feature.length; i++) {
    if (feature[i]! < 0) {
      if (Math.fround(value[i]!) !== value[i]) return false;
    } else if (!rule.walkSplit(nodes, i, numFeatures, split)) {
      return false;
    }
  }
  return true;
}

/**
 * Depth (steps from root to the deepest leaf) of every tree, computed without recursion.
 *
 * @example
 * ```ts
 * const steps = treeDepths(ensemble)[0]; // the walk of tree 0 runs this many steps
 * ```
 */
export function treeDepths(ensemble: TreeEnsemble): Int32Array {
  const { feature, left, right } = ensemble.nodes;
  const depths = new Int32Array(ensemble.treeRoot.length);
  const stack: number[] = [];
  for (let t = 0; t < depths.length; t++) {
    let deepest = 0;
    stack.push(ensemble.treeRoot[t]!, 0);
    while (stack.length > 0) {
      const d = stack.pop()!;
      const node = stack.pop()!;
      if (feature[node]! < 0) deepest = Math.max(deepest, d);
      else stack.push(left[node]!, d + 1, right[node]!, d + 1);
    }
    depths[t] = deepest;
  }
  return depths;
}

/**
 * Writes the packed walk layout of every node into `slot`/`real` (two views of one buffer, 4 slots per node from
 * index 0): column, float32 threshold (leaf: value), child if `x >= threshold` is false, child if true. Columns are
 * multiplied by `scale` and children by `SLOTS * scale` (scale 4: byte addresses for WebAssembly). Leaves point to
 * themselves. Only for ensembles `walkApplies` accepts.
 *
 * @example
 * ```ts
 * const buffer = new ArrayBuffer(16 * ensemble.nodes.feature.length);
 * packWalkNodes(ensemble, new Int32Array(buffer), new Float32Array(buffer), 4);
 * ```
 */
export function packWalkNodes(ensemble: TreeEnsemble, slot: Int32Array, real: Float32Array, scale: number): void {
  const rule = splitRule(ensemble);
  const { nodes, numFeatures } = ensemble;
  const { feature, value } = nodes;
  const child = SLOTS * scale;
  const split = emptyWalkSplit();
  for (let i = 0; i < feature.length; i++) {
    const at = SLOTS * i;
    if (feature[i]! < 0 || !rule.walkSplit(nodes, i, numFeatures, split)) {
      slot[at] = 0;
      real[at + 1] = value[i]!;
      slot[at + 2] = at * scale;
      slot[at + 3] = at * scale;
    } else {
      slot[at] = split.column * scale;
      real[at + 1] = split.threshold;
      slot[at + 2] = child * split.ifFalse;
      slot[at + 3] = child * split.ifTrue;
    }
  }
}
