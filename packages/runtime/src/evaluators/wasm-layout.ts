/**
 * Node layouts of the WebAssembly walk (wasm.ts): the general packed layout, and a heap layout for shallow
 * trees, where a node's children sit at 2k+1 / 2k+2 so that a step needs no child load, a node takes 8 bytes instead
 * of 16, and the top levels of a tree share one cache line (one row touches ~4 lines per depth-5 tree instead of ~6).
 */
import type { TreeEnsemble } from '../ensemble.js';
import { splitRule } from '../split-rules/index.js';
import { SLOTS, emptyWalkSplit, packWalkNodes } from './walk-layout.js';
import { type ByteWriter, OP } from './wasm-emit.js';

/**
 * Where the nodes live and how one step moves a chain (a local holding the chain's position) down its tree. The
 * walk code only asks the layout for the root position, a step and the leaf value; see packedLayout / heapLayout.
 */
export interface NodeLayout {
  /** Bytes of memory the nodes take, from address 0. */
  readonly bytes: number;
  /** Position of tree `t`'s root. */
  root(t: number): number;
  /** One step of chain `k` in tree `t`: the row's x is at `xOffset` + the local `base` (or 0 when undefined). */
  step(code: ByteWriter, t: number, k: number, base: number | undefined, xOffset: number): void;
  /** Pushes the f32 leaf value of chain `k` (after its tree's depth in steps) of tree `t`. */
  leaf(code: ByteWriter, t: number, k: number): void;
  /** Writes the nodes into memory. */
  fill(buffer: ArrayBuffer): void;
}

/**
 * The packed layout of walk-layout.ts: 16 bytes per node (column offset, threshold, two child addresses), leaves
 * looping to themselves. Blocks (`base` defined) load both children up front and `select` one, so the loads overlap
 * the comparison; one row uses `k = child[k + 4 * (x >= t)]`, fewer instructions, which matters more when trees run
 * side by side.
 *
 * @example
 * ```ts
 * const layout = packedLayout(ensemble); // then layout.step(code, t, k, base, offset) per step
 * ```
 */
export function packedLayout(ensemble: TreeEnsemble): NodeLayout {
  const count = ensemble.nodes.feature.length;
  return {
    bytes: SLOTS * 4 * count,
    root: (t) => SLOTS * 4 * ensemble.treeRoot[t]!,
    step(code, _t, k, base, xOffset) {
      if (base !== undefined) {
        code.byte(OP.localGet).unsigned(k).byte(OP.i32Load).memarg(2, 12);
        code.byte(OP.localGet).unsigned(k).byte(OP.i32Load).memarg(2, 8);
        code
          .byte(OP.localGet)
          .unsigned(base)
          .byte(OP.localGet)
          .unsigned(k)
          .byte(OP.i32Load)
          .memarg(2, 0)
          .byte(OP.i32Add);
        code.byte(OP.f32Load).memarg(2, xOffset);
        code.byte(OP.localGet).unsigned(k).byte(OP.f32Load).memarg(2, 4);
        code.byte(OP.f32Ge).byte(OP.select).byte(OP.localSet).unsigned(k);
        return;
      }
      code.byte(OP.localGet).unsigned(k);
      code.byte(OP.localGet).unsigned(k).byte(OP.i32Load).memarg(2, 0);
      code.byte(OP.f32Load).memarg(2, xOffset);
      code.byte(OP.localGet).unsigned(k).byte(OP.f32Load).memarg(2, 4);
      code.byte(OP.f32Ge).byte(OP.i32Const).signed(2).byte(OP.i32Shl).byte(OP.i32Add);
      code.byte(OP.i32Load).memarg(2, 8).byte(OP.localSet).unsigned(k);
    },
    leaf(code, _t, k) {
      code.byte(OP.localGet).unsigned(k).byte(OP.f32Load).memarg(2, 4);
    },
    fill(buffer) {
      packWalkNodes(ensemble, new Int32Array(buffer, 0, SLOTS * count), new Float32Array(buffer, 0, SLOTS * count), 4);
    },
  };
}

/** Deeper trees keep the packed layout: a heap has 2^depth leaf slots whatever the tree's real size. */
const MAX_HEAP_DEPTH = 8;

/**
 * Whether every tree is shallow enough for the heap layout.
 *
 * @example
 * ```ts
 * const layout = heapApplies(depths) ? heapLayout(ensemble, depths) : packedLayout(ensemble);
 * ```
 */
export function heapApplies(depths: Int32Array): boolean {
  return depths.every((d) => d <= MAX_HEAP_DEPTH);
}

/**
 * Heap layout: tree t of depth D has 2^D - 1 split slots of 8 bytes (column offset, float32 threshold) from
 * `split[t]`, heap-numbered (children of k: 2k+1 if `x >= t` is false, 2k+2 if true), then 2^D float32 leaf slots.
 * A chain holds b = 8 (k + 1), so a step is `b = 2b + 8 (x >= t)` with loads at split[t] - 8 + b. A leaf above depth D
 * is pushed down through pseudo-splits that compare against NaN (always false), its value in the leftmost slot below.
 *
 * @example
 * ```ts
 * const layout = heapLayout(ensemble, treeDepths(ensemble));
 * ```
 */
export function heapLayout(ensemble: TreeEnsemble, depths: Int32Array): NodeLayout {
  const trees = depths.length;
  const split = new Int32Array(trees);
  const leaves = new Int32Array(trees);
  let cursor = 64; // split[t] - 8 must stay >= 0
  for (let t = 0; t < trees; t++) {
    cursor = Math.ceil(cursor / 64) * 64; // the top three levels (7 slots) share one cache line
    split[t] = cursor;
    cursor += 8 * (2 ** depths[t]! - 1);
    leaves[t] = cursor;
    cursor += 4 * 2 ** depths[t]!;
  }
  return {
    bytes: Math.ceil(cursor / 64) * 64,
    root: () => 8,
    step(code, t, k, base, xOffset) {
      code
        .byte(OP.localGet)
        .unsigned(k)
        .byte(OP.i32Load)
        .memarg(2, split[t]! - 8);
      if (base !== undefined) code.byte(OP.localGet).unsigned(base).byte(OP.i32Add);
      code.byte(OP.f32Load).memarg(2, xOffset);
      code
        .byte(OP.localGet)
        .unsigned(k)
        .byte(OP.f32Load)
        .memarg(2, split[t]! - 4);
      code.byte(OP.f32Ge).byte(OP.i32Const).signed(3).byte(OP.i32Shl);
      code.byte(OP.localGet).unsigned(k).byte(OP.i32Const).signed(1).byte(OP.i32Shl).byte(OP.i32Add);
      code.byte(OP.localSet).unsigned(k);
    },
    leaf(code, t, k) {
      // b = 8 (k + 1) with k = 2^D - 1 + leaf, so the leaf's address is leaves[t] - 4 * 2^D + b / 2.
      code.byte(OP.localGet).unsigned(k).byte(OP.i32Const).signed(1).byte(OP.i32ShrU);
      code.byte(OP.f32Load).memarg(2, leaves[t]! - 4 * 2 ** depths[t]!);
    },
    fill(buffer) {
      const words = new Int32Array(buffer);
      const reals = new Float32Array(buffer);
      const rule = splitRule(ensemble);
      const { nodes, numFeatures } = ensemble;
      // A typed stack of (node, slot, depth) triples: at most depth + 1 entries are open per level of the walk.
      const stack = new Int32Array(3 * (MAX_HEAP_DEPTH + 2));
      const walk = emptyWalkSplit();
      for (let t = 0; t < trees; t++) {
        const depth = depths[t]!;
        const firstLeaf = (leaves[t]! >> 2) - (2 ** depth - 1);
        const splits = split[t]! >> 2;
        let top = 0;
        stack[top++] = ensemble.treeRoot[t]!;
        stack[top++] = 0;
        stack[top++] = 0;
        while (top > 0) {
          const d = stack[--top]!;
          const k = stack[--top]!;
          const node = stack[--top]!;
          if (d === depth) {
            reals[firstLeaf + k] = nodes.value[node]!;
            continue;
          }
          const at = splits + 2 * k;
          if (nodes.feature[node]! < 0 || !rule.walkSplit(nodes, node, numFeatures, walk)) {
            words[at] = 0;
            reals[at + 1] = NaN; // x >= NaN is false: always the first child
            stack[top++] = node;
            stack[top++] = 2 * k + 1;
            stack[top++] = d + 1;
          } else {
            words[at] = 4 * walk.column;
            reals[at + 1] = walk.threshold;
            stack[top++] = walk.ifFalse;
            stack[top++] = 2 * k + 1;
            stack[top++] = d + 1;
            stack[top++] = walk.ifTrue;
            stack[top++] = 2 * k + 2;
            stack[top++] = d + 1;
          }
        }
      }
    },
  };
}
