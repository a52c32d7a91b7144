/**
 * XGBoost: x is cast to float32; NaN follows `defaultLeft`; numeric: `fround(x) < threshold` goes left (thresholds
 * are float32 values); categorical: a negative value goes left (-0.5 too: XGBoost tests `< 0` before truncating),
 * otherwise the code is truncated toward zero, codes in the node's set go RIGHT, every other code (unseen, huge) left.
 */
import { NOT_CATEGORICAL } from '../ensemble.js';
import { numberLiteral } from '../evaluators/literal.js';
import { inCategorySet, inCategorySetSource } from './category-set.js';
import type { SplitRule } from './split-rule.js';

// One scratch word for previousFloat32 (called for every NaN-right node at load: no allocation per call). Two typed
// views of it rather than a DataView: element access stays cheap before V8 optimizes the load path.
const SCRATCH_BUFFER = new ArrayBuffer(4);
const SCRATCH_FLOAT = new Float32Array(SCRATCH_BUFFER);
const SCRATCH_BITS = new Int32Array(SCRATCH_BUFFER);

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
  return SCRATCH_FLOAT[0];
}

export const xgboostRule: SplitRule = {
  preparation: () => 'float32',

  goesLeft(nodes, categories, node, x) {
    if (x !== x) return nodes.defaultLeft[node] === 1;
    const set = nodes.categorySet[node]!;
    if (set === NOT_CATEGORICAL) return x < nodes.threshold[node]!;
    return !(x >= 0 && inCategorySet(categories, set, Math.trunc(x)));
  },

  leftSource(nodes, categories, node) {
    const defaultLeft = nodes.defaultLeft[node] === 1;
    const set = nodes.categorySet[node]!;
    if (set !== NOT_CATEGORICAL) {
      const listed = `(v >= 0 && ${inCategorySetSource(categories, set)})`;
      return defaultLeft ? `!${listed}` : `(v === v && !${listed})`;
    }
    const t = numberLiteral(nodes.threshold[node]!);
    return defaultLeft ? `!(v >= ${t})` : `v < ${t}`;
  },

  // `x >= t` is false for NaN: a node whose missing values go left compares `x >= t` (true: right); one whose missing
  // values go right swaps its children and compares `-x >= -prev(t)`, which is `x < t` for float32 x, false for NaN.
  walkSplit(nodes, node, numFeatures, into) {
    const t = nodes.threshold[node]!;
    if (nodes.categorySet[node] !== NOT_CATEGORICAL || Math.fround(t) !== t || !Number.isFinite(t)) return false;
    const f = nodes.feature[node]!;
    const left = nodes.left[node]!;
    const right = nodes.right[node]!;
    const nanLeft = nodes.defaultLeft[node] === 1;
    into.column = nanLeft ? f : numFeatures + f;
    into.threshold = nanLeft ? t : -previousFloat32(t);
    into.ifTrue = nanLeft ? right : left;
    into.ifFalse = nanLeft ? left : right;
    return true;
  },
};
