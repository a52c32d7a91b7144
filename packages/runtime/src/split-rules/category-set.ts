/**
 * Category-set membership, shared by every rule with categorical splits: as a function and as JavaScript source.
 * A set covers words `offset[s]` to `offset[s + 1]` of `bits`; code c is in it iff 0 <= c < 32 * words and bit
 * (c & 31) of word (c >>> 5) is set.
 */
import type { CategorySets } from '../ensemble.js';
import { indexLiteral } from '../evaluators/literal.js';

/** True iff integer code `c` is in category set `set`. */
export function inCategorySet(categories: CategorySets, set: number, c: number): boolean {
  const from = categories.offset[set]!;
  const words = categories.offset[set + 1]! - from;
  if (!(c >= 0 && c < words * 32)) return false;
  return ((categories.bits[from + (c >>> 5)]! >>> (c & 31)) & 1) === 1;
}

/**
 * Source of "trunc(v) is in set `set`" for a value held in `v`. Codes truncate toward zero, so anything in
 * (-1, limit) names a word of the set; `v >>> 5` and `v & 31` truncate.
 */
export function inCategorySetSource(categories: CategorySets, set: number): string {
  const from = categories.offset[set]!;
  const limit = indexLiteral(32 * (categories.offset[set + 1]! - from));
  return `(v > -1 && v < ${limit} && ((C[${indexLiteral(from)} + (v >>> 5)] >>> (v & 31)) & 1) === 1)`;
}
