/**
 * Code generation, fast form for XGBoost models without categorical splits: a branch-free walk. Mispredicted
 * branches, not arithmetic, dominate tree evaluation (a row takes a data-dependent turn at every level), so each step
 * computes the next node as `child[node + (x >= threshold)]` and every tree runs a fixed number of steps (its depth),
 * leaves pointing to themselves. Independent rows then overlap in the CPU instead of flushing its pipeline.
 *
 * One comparison form for every node: `x >= t` is false for NaN, so a node whose missing values go left compares
 * `x >= t`, and a node whose missing values go right swaps its children and compares `-x >= -prev(t)`, which is
 * `x < t` for float32 x (prev = the float32 just below t) and false for NaN. The prepared block therefore holds each
 * row twice: x then -x.
 */
import type { TreeEnsemble } from './ensemble.js';
import { NOT_CATEGORICAL } from './ensemble.js';
import type { BlockKernel } from './compile-nested.js';
import { indexLiteral } from './compile-literal.js';

/** Slots per node in the packed layout: column, threshold (leaf: value) as float32, child if false, child if true. */
export const SLOTS = 4;

/**
 * The largest float32 strictly below float32 `t` (t finite).
 *
 * @example
 * ```ts
 * previousFloat32(1); // 0.9999999403953552
 * ```
 */
export function previousFloat32(t: number): number {
  if (t === 0) return -1.401298464324817e-45;
  SCRATCH_FLOAT[0] = t;
  SCRATCH_BITS[0]! += t > 0 ? -1 : 1;
  return SCRATCH_FLOAT[0]!;
}
// One scratch word for previousFloat32 (called once per NaN-right node: no allocation per call).
const SCRATCH_FLOAT = new Float32Array(1);
const SCRATCH_BITS = new Int32Array(SCRATCH_FLOAT.buffer);

/**
 * Whether the walk form reproduces this ensemble exactly: XGBoost rules, no categorical split, float32 thresholds and
 * leaves (the packed layout stores both as float32).
 *
 * @example
 * ```ts
 * const kernels = walkApplies(ensemble) ? walkKernels(ensemble, 16) : nestedKernels(ensemble, ensemble.numFeatures, 2000);
 * ```
 */
export function walkApplies(ensemble: TreeEnsemble): boolean {
  if (ensemble.rules !== 'xgboost' || ensemble.accumulation !== 'float32') return false;
  const { feature, threshold, value, categorySet } = ensemble.nodes;
  for (let i = 0; i < feature.length; i++) {
    if (feature[i]! < 0) {
      if (Math.fround(value[i]!) !== value[i]) return false;
    } else if (
      categorySet[i] !== NOT_CATEGORICAL ||
      Math.fround(threshold[i]!) !== threshold[i] ||
      !Number.isFinite(threshold[i]!)
    ) {
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
 * Fills a prepared block for the walk: for each of `rows` rows, the float32 inputs then their negations
 * (2 * numFeatures values), missing as NaN. `source` is row-major with `columns` values per row from `offset`.
 *
 * @example
 * ```ts
 * prepareWalkRows(ensemble.numFeatures, values, 0, columns, rows, block);
 * ```
 */
export function prepareWalkRows(
  numFeatures: number,
  source: ArrayLike<number | null | undefined>,
  offset: number,
  columns: number,
  rows: number,
  target: Float32Array,
): void {
  const used = Math.min(columns, numFeatures);
  for (let r = 0; r < rows; r++) {
    const from = offset + r * columns;
    const to = 2 * numFeatures * r;
    for (let j = 0; j < used; j++) {
      const raw = source[from + j];
      const x = raw === null || raw === undefined ? NaN : Math.fround(+raw);
      target[to + j] = x;
      target[to + numFeatures + j] = -x;
    }
    for (let j = used; j < numFeatures; j++) {
      target[to + j] = NaN;
      target[to + numFeatures + j] = NaN;
    }
  }
}

/**
 * Writes the packed walk layout of every node into `slot`/`real` (two views of one buffer, 4 slots per node from
 * index 0): column, float32 threshold (leaf: value), child if `x >= threshold` is false, child if true. Columns and
 * children are multiplied by `scale` (1: array indices; 4: byte addresses for WebAssembly); NaN-right nodes read the
 * negated half of the row (column `numFeatures + f`) and swap their children.
 *
 * @example
 * ```ts
 * const buffer = new ArrayBuffer(16 * ensemble.nodes.feature.length);
 * packWalkNodes(ensemble, new Int32Array(buffer), new Float32Array(buffer), 1);
 * ```
 */
export function packWalkNodes(ensemble: TreeEnsemble, slot: Int32Array, real: Float32Array, scale: number): void {
  const { feature, threshold, left, right, defaultLeft, value } = ensemble.nodes;
  const count = feature.length;
  const width = ensemble.numFeatures;
  const child = SLOTS * scale;
  for (let i = 0; i < count; i++) {
    const at = SLOTS * i;
    const f = feature[i]!;
    if (f < 0) {
      slot[at] = 0;
      real[at + 1] = value[i]!;
      slot[at + 2] = at * scale;
      slot[at + 3] = at * scale;
    } else if (defaultLeft[i] === 1) {
      slot[at] = f * scale;
      real[at + 1] = threshold[i]!;
      slot[at + 2] = child * left[i]!;
      slot[at + 3] = child * right[i]!;
    } else {
      slot[at] = (width + f) * scale;
      real[at + 1] = -previousFloat32(threshold[i]!);
      slot[at + 2] = child * right[i]!;
      slot[at + 3] = child * left[i]!;
    }
  }
}

/**
 * Kernels for the branch-free walk, `groupTrees` trees per function; inputs prepared by `prepareWalkRows`.
 * Only numbers from the validated ensemble reach the source: node offsets and depths, as integer literals.
 *
 * @example
 * ```ts
 * const kernels = walkKernels(ensemble, 16);
 * for (const kernel of kernels) kernel(block, rows, acc); // acc: Float32Array, numOutputs per row
 * ```
 */
export function walkKernels(ensemble: TreeEnsemble, groupTrees: number): BlockKernel[] {
  const width = ensemble.numFeatures;
  const count = ensemble.nodes.feature.length;
  const packed = new ArrayBuffer(SLOTS * 4 * count);
  const slot = new Int32Array(packed);
  const real = new Float32Array(packed);
  packWalkNodes(ensemble, slot, real, 1);
  const depths = treeDepths(ensemble);
  const outputs = ensemble.numOutputs;
  const stride = indexLiteral(2 * width);
  const step = 'k = N[k + 2 + ((x[b + N[k]] >= T[k + 1]) | 0)];\n';
  const step2 = 'm = N[m + 2 + ((x[c + N[m]] >= T[m + 1]) | 0)];\n';
  const kernels: BlockKernel[] = [];
  for (let first = 0; first < depths.length; first += groupTrees) {
    let body = '';
    for (let t = first; t < Math.min(depths.length, first + groupTrees); t++) {
      body += '{\n';
      const target = outputs === 1 ? 'r' : `r * ${indexLiteral(outputs)} + ${indexLiteral(ensemble.treeOutput[t]!)}`;
      const rootSlot = indexLiteral(SLOTS * ensemble.treeRoot[t]!);
      // Two rows per iteration: two independent chains of loads for the CPU to overlap.
      const target2 =
        outputs === 1 ? 'r + 1' : `(r + 1) * ${indexLiteral(outputs)} + ${indexLiteral(ensemble.treeOutput[t]!)}`;
      body +=
        `let r = 0;\nfor (; r + 1 < rows; r += 2) {\nconst b = r * ${stride};\nconst c = b + ${stride};\nlet k = ${rootSlot};\nlet m = ${rootSlot};\n` +
        (step + step2).repeat(depths[t]!) +
        `acc[${target}] += T[k + 1];\nacc[${target2}] += T[m + 1];\n}\n` +
        `if (r < rows) {\nconst b = r * ${stride};\nlet k = ${rootSlot};\n` +
        step.repeat(depths[t]!) +
        `acc[${target}] += T[k + 1];\n}\n}\n`;
    }
    const factory = new Function('N', 'T', `'use strict'; return function walkKernel(x, rows, acc) {\n${body}};`);
    kernels.push(factory(slot, real) as BlockKernel);
  }
  return kernels;
}
