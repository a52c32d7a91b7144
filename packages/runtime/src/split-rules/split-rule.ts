/**
 * The one home of each library's split rule. A `SplitRule` says, for one node of a `TreeEnsemble`, which child a
 * prepared value takes, in every shape an evaluator needs it: a function (the interpreter and TreeSHAP), JavaScript
 * source (the nested code generator) and the branch-free walk's single comparison (the WebAssembly generator). The
 * three shapes of one rule sit side by side in one file per library, so a change to a rule is made once.
 *
 * A new model format whose splits follow none of these adds a file here, a name to `SplitRules` (ensemble.ts) and an
 * entry to `SPLIT_RULES` (index.ts); the compiler then points at every place that must handle it.
 */
import type { CategorySets, NodeArrays, TreeEnsemble } from '../ensemble.js';

/**
 * How raw inputs become the values a rule compares (applied once per row by `prepareRows`):
 * `float32`: rounded to float32 (values beyond its range become +-Infinity); `float64`: as given;
 * `zero-snapped`: |x| <= LightGBM's kZeroThreshold becomes +0. Missing is NaN in every case.
 */
export type InputPreparation = 'float32' | 'float64' | 'zero-snapped';

/**
 * One split as the branch-free walk runs it: the row's prepared values are laid out as x then -x (float32, 2 *
 * numFeatures), and the walk goes to `ifTrue` when `laid[column] >= threshold`, else to `ifFalse` (NaN compares
 * false). One comparison form for every node is what lets the walk run without branches.
 */
export interface WalkSplit {
  /** Index into the x-then-negated-x layout: `f` or `numFeatures + f`. */
  column: number;
  /** A float32 value. */
  threshold: number;
  ifTrue: number;
  ifFalse: number;
}

export interface SplitRule {
  /** How inputs are prepared for this rule (see `InputPreparation`). */
  readonly preparation: (ensemble: TreeEnsemble) => InputPreparation;
  /** True iff prepared value `x` takes the left child of split `node`. Used by the interpreter and TreeSHAP. */
  readonly goesLeft: (nodes: NodeArrays, categories: CategorySets, node: number, x: number) => boolean;
  /**
   * JavaScript source of the same test, reading the prepared value from the variable `v` and category words from
   * `C` (the ensemble's `categories.bits`). Only validated numbers reach the source (see literal.ts).
   */
  readonly leftSource: (nodes: NodeArrays, categories: CategorySets, node: number) => string;
  /**
   * Writes the same test as one walk comparison on float32-prepared inputs into `into` and returns true, or returns
   * false when this node cannot be written that way (categorical splits, thresholds that are not float32, rules that
   * compare doubles). Called once per node at load: `into` is reused so that nothing is allocated per node.
   */
  readonly walkSplit: (nodes: NodeArrays, node: number, numFeatures: number, into: WalkSplit) => boolean;
}
