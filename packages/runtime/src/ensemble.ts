/**
 * The one in-memory form every loader produces: all trees of a model flattened into typed arrays, plus the rules of
 * the library that trained it. Loaders (`formats/*.ts`) build it once; evaluators, TreeSHAP and code generation only
 * read it, so the hot path allocates nothing.
 */

/** Where the model came from; detected from the content by `loadModel`. */
export type ModelFormat =
  'xgboost-json' | 'xgboost-dump' | 'lightgbm-json' | 'lightgbm-text' | 'sklearn-json' | 'ml-random-forest' | 'onnx';

/**
 * How a split is decided: the rules of the library that trained the model. Each is written out once, in
 * `split-rules/<name>.ts`, and every evaluator, TreeSHAP and code generator asks it (split-rules/split-rule.ts).
 * `xgboost`: float32 inputs, `x < t` left, listed categories right; `lightgbm`: doubles with zero snapping, `x <= t`
 * left, per-node missing types, listed categories left; `sklearn` (and ml-random-forest): float32 or float64 inputs,
 * `x <= t` left, listed categories left.
 */
export type SplitRules = 'xgboost' | 'lightgbm' | 'sklearn' | 'onnx';

/** Per-node missing-value rule (LightGBM's `missing_type`); other libraries use MISSING_NAN with `defaultLeft`. */
export const MISSING_NONE = 0;
export const MISSING_ZERO = 1;
export const MISSING_NAN = 2;

/** Node has no category set. */
export const NOT_CATEGORICAL = -1;

/** Flat node storage shared by all trees; node indices are absolute into these arrays. */
export interface NodeArrays {
  /** Feature index of a split node, -1 for a leaf. */
  readonly feature: Int32Array;
  /** Split threshold (float32-representable for xgboost). Unused for leaves and categorical nodes. */
  readonly threshold: Float64Array;
  /** Absolute index of the left / right child; -1 for a leaf. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** 1 when a missing value goes left. */
  readonly defaultLeft: Uint8Array;
  /** MISSING_NONE | MISSING_ZERO | MISSING_NAN; under the `onnx` rules, the node's comparison (split-rules/onnx.ts). */
  readonly missingType: Uint8Array;
  /** Index into `categories.offset` for a categorical split, NOT_CATEGORICAL otherwise. */
  readonly categorySet: Int32Array;
  /**
   * Leaf output, already scaled the way the library scales it at prediction time (xgboost dart:
   * fround(leaf * weight_drop); sklearn gradient boosting: learning_rate * value). Internal nodes: 0.
   */
  readonly value: Float64Array;
  /** Training cover of the node (hessian sum / sample count), used by TreeSHAP. */
  readonly cover: Float64Array;
}

/**
 * Category sets as bitsets: set s covers words `offset[s]` to `offset[s + 1]` of `bits`; code c is in the set iff
 * c >= 0, c < 32 * words and bit (c & 31) of word (c >>> 5) is set.
 */
export interface CategorySets {
  readonly offset: Int32Array;
  readonly bits: Uint32Array;
}

/**
 * A linear model added to the margin (XGBoost `gblinear`): output k gains weights[f * numOutputs + k] * x_f for every
 * present feature f, each product and each addition rounded to the ensemble's accumulation precision, after the base
 * margin (which holds the linear model's bias). Missing features add nothing and contribute 0.
 */
export interface LinearTerm {
  /** Feature-major: numFeatures x numOutputs. */
  readonly weights: Float64Array;
}

/**
 * Linear models in leaves (LightGBM `linear_tree`): leaf n with a model (`constant[n]` not NaN) outputs
 * constant[n] + sum of coeff[i] * x[feature[i]] for i from start[n] to start[n + 1], in double and in that order; if
 * one of those features is missing the leaf gives its plain `value` instead (LightGBM's `Tree::Predict`).
 */
export interface LeafModels {
  /** Per node: the intercept, NaN for a node without a linear model. */
  readonly constant: Float64Array;
  /** Per node + 1: where node n's terms start in `feature` / `coeff`. */
  readonly start: Int32Array;
  readonly feature: Int32Array;
  readonly coeff: Float64Array;
}

/** Turns the margins of one row (`numOutputs` values) into the library's prediction (`predictionWidth` values). */
export type OutputTransform = (margin: Float64Array, out: Float64Array) => void;

export interface TreeEnsemble {
  readonly format: ModelFormat;
  readonly rules: SplitRules;
  /** Precision inputs are cast to before comparison. */
  readonly inputPrecision: 'float32' | 'float64';
  /** Precision of the running sum of leaves (xgboost: float32, starting from the base margin). */
  readonly accumulation: 'float32' | 'float64';
  readonly numFeatures: number;
  readonly featureNames: readonly string[];
  /** Number of margins per row (classes for multi-class, 1 otherwise). */
  readonly numOutputs: number;
  /** Values per row of the `prediction` output (1 for multi:softmax, numOutputs for softprob...). */
  readonly predictionWidth: number;
  /** The objective as the library names it (`reg:squarederror`, `binary sigmoid:1`, ...). */
  readonly objective: string;
  /** Margin each output starts from before any tree is added (xgboost base margin, sklearn init, else 0). */
  readonly baseMargin: Float64Array;
  /**
   * When > 0, the margin is the sum of the trees divided by this (sklearn forests: number of estimators).
   * 0 otherwise. LightGBM rf divides in its `transform` instead, since its raw score is the plain sum.
   */
  readonly marginDivisor: number;
  /** Root node of tree i. */
  readonly treeRoot: Int32Array;
  /** Output (class) tree i adds to. */
  readonly treeOutput: Int32Array;
  readonly nodes: NodeArrays;
  readonly categories: CategorySets;
  readonly transform: OutputTransform;
  /**
   * 'refuse' when the training library itself refuses missing values at prediction time (scikit-learn < 1.3 tree
   * estimators, which learned no direction for them): a row with a missing value is then refused with a RangeError
   * instead of being routed by an invented rule. Absent means 'route'.
   */
  readonly missingValues?: 'route' | 'refuse';
  /** Class labels for classifiers, when the format records them. */
  readonly classes?: readonly (string | number | boolean)[];
  /**
   * Trees added per boosting iteration (xgboost: outputs x num_parallel_tree; lightgbm: num_tree_per_iteration).
   * When set, `sliceIterations` can restrict the model to an iteration range, like XGBoost's `iteration_range`.
   */
  readonly treesPerIteration?: number;
  /** Best iteration recorded by early stopping (0-based), when the file holds one. */
  readonly bestIteration?: number;
  /**
   * How the trees of one output combine: absent, they are summed; `min` / `max` (ONNX `aggregate_function`): the
   * margin is the smallest / largest leaf value reached, 0 when no tree has a leaf for the output. A NaN leaf then
   * means "no value for this output" and is skipped (ONNX leaves may weigh some outputs only).
   */
  readonly aggregation?: 'min' | 'max';
  /** Linear models in leaves (LightGBM linear trees); absent when every leaf is a constant. */
  readonly leafModels?: LeafModels;
  /** A linear model added to the trees' margin (XGBoost gblinear, whose ensembles hold no tree). */
  readonly linear?: LinearTerm;
}
