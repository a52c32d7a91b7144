/**
 * The output of a leaf that may hold a linear model (`LeafModels`, LightGBM linear trees), as LightGBM's
 * `Tree::Predict` computes it: the intercept, then each coefficient times its feature in order, in double; the leaf's
 * plain value when one of its features is missing.
 */
import type { LeafModels } from '../ensemble.js';

/** Leaf `leaf`'s output for prepared row `x` (starting at `at`); `value` is the node value array. */
export function leafOutput(models: LeafModels, value: Float64Array, leaf: number, x: Float64Array, at: number): number {
  let output = models.constant[leaf]!;
  if (output !== output) return value[leaf]!;
  const end = models.start[leaf + 1]!;
  for (let i = models.start[leaf]!; i < end; i++) {
    const v = x[at + models.feature[i]!]!;
    if (v !== v) return value[leaf]!;
    output += models.coeff[i]! * v;
  }
  return output;
}
