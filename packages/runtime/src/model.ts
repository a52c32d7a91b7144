/**
 * `TreeModel`: what `loadModel` returns. It prepares rows once (`prepareRows`), hands them to the margin evaluator it
 * chose at construction (evaluators/select.ts), and explains rows with TreeSHAP. Allocation-free per row.
 */
import type { ModelFormat, TreeEnsemble } from './ensemble.js';
import { modelError } from './errors.js';
import type { EvaluatorForm, MarginEvaluator } from './evaluators/evaluator.js';
import { prepareRows, type InputValue } from './evaluators/prepare.js';
import { selectEvaluator, type EvaluatorChoice } from './evaluators/select.js';
import { TreeShap } from './shap.js';

/** `margin`: raw sum of trees; `prediction`: the library's transformed output; `contrib`: TreeSHAP values + bias. */
export type OutputKind = 'margin' | 'prediction' | 'contrib';

/** One row: values in feature order (missing = NaN, null or undefined), or an object keyed by feature name. */
export type Row = ArrayLike<InputValue> | Readonly<Record<string, InputValue>>;

/** What `predict` returns: see `TreeModel.predict`. */
export type Prediction = number | number[] | number[][];

/** Rows prepared at a time by `predictBatch`: the evaluators' own blocks, small enough to stay in L1/L2. */
const BLOCK_ROWS = 64;

/**
 * @example
 * ```ts
 * const model = loadModel(readFileSync('model.json', 'utf8'));
 * model.predict([1.5, null, 3]);            // 0.73 (binary:logistic probability)
 * model.predict([1.5, null, 3], 'margin');  // 0.99
 * model.predict({ age: 1.5, size: 3 }, 'contrib'); // [phi_0, ..., phi_{F-1}, bias]
 * ```
 */
export class TreeModel {
  readonly ensemble: TreeEnsemble;
  readonly format: ModelFormat;
  readonly objective: string;
  readonly numTrees: number;
  readonly numFeatures: number;
  readonly featureNames: readonly string[];
  /** Margins per row: the number of classes for multi-class models, 1 otherwise. */
  readonly numOutputs: number;
  /** Values per row of the `prediction` output (1 for multi:softmax, the class count for multi:softprob, ...). */
  readonly predictionWidth: number;
  readonly classes: readonly (string | number | boolean)[] | undefined;
  /** Early stopping's best iteration (0-based) when the file records one. */
  readonly bestIteration: number | undefined;
  private readonly evaluator: MarginEvaluator;
  private readonly evaluatorChoice: EvaluatorChoice;
  private readonly row: Float64Array;
  private readonly margin: Float64Array;
  private readonly transformed: Float64Array;
  /** `predictBatch`'s prepared rows and margins, one block at a time. */
  private readonly block: Float64Array;
  private readonly blockMargins: Float64Array;
  private shap: TreeShap | undefined;
  private featureIndex: Map<string, number> | undefined;

  /** `evaluator`: see `EvaluatorChoice` (throws a RangeError when a named form cannot be had here). */
  constructor(ensemble: TreeEnsemble, evaluator: EvaluatorChoice = 'auto') {
    this.evaluator = selectEvaluator(ensemble, evaluator);
    this.evaluatorChoice = evaluator;
    this.ensemble = ensemble;
    this.format = ensemble.format;
    this.objective = ensemble.objective;
    this.numTrees = ensemble.treeRoot.length;
    this.numFeatures = ensemble.numFeatures;
    this.featureNames = ensemble.featureNames;
    this.numOutputs = ensemble.numOutputs;
    this.predictionWidth = ensemble.predictionWidth;
    this.classes = ensemble.classes;
    this.bestIteration = ensemble.bestIteration;
    this.row = new Float64Array(ensemble.numFeatures);
    this.margin = new Float64Array(ensemble.numOutputs);
    this.transformed = new Float64Array(ensemble.predictionWidth);
    this.block = new Float64Array(BLOCK_ROWS * ensemble.numFeatures);
    this.blockMargins = new Float64Array(BLOCK_ROWS * ensemble.numOutputs);
  }

  /** The evaluator computing margins: `wasm`, `nested` or `interpreted` (see ARCHITECTURE.md for the order). */
  get evaluatorForm(): EvaluatorForm {
    return this.evaluator.form;
  }

  /** Number of values per row `predictBatch` writes for `output`. */
  outputWidth(output: OutputKind = 'prediction'): number {
    if (output === 'margin') return this.numOutputs;
    if (output === 'prediction') return this.predictionWidth;
    if (output === 'contrib') return this.numOutputs * (this.numFeatures + 1);
    throw new RangeError(`output must be 'margin', 'prediction' or 'contrib', not ${JSON.stringify(output)}`);
  }

  /**
   * Predicts one row. Returns a number when `output` has one value per row (margin or prediction of a single-output
   * model, multi:softmax's class), else `number[]`; `contrib` gives `number[]` of numFeatures + 1 (bias last) for a
   * single-output model and `number[][]` (outputs x (numFeatures + 1)) otherwise.
   *
   * @example
   * ```ts
   * model.predict(new Float64Array([0.5, NaN, 2]), 'prediction');
   * ```
   */
  predict(row: Row, output: OutputKind = 'prediction'): Prediction {
    const width = this.outputWidth(output);
    this.prepareRow(row);
    if (output === 'contrib') {
      const stride = this.numFeatures + 1;
      const phi = new Float64Array(width);
      this.explainer().explain(this.row, 0, phi, 0);
      if (this.numOutputs === 1) return Array.from(phi);
      return Array.from({ length: this.numOutputs }, (_, k) => Array.from(phi.subarray(k * stride, (k + 1) * stride)));
    }
    this.evaluator.margins(this.row, 1, this.margin);
    const values = output === 'margin' ? this.margin : this.transformed;
    if (output === 'prediction') this.ensemble.transform(this.margin, this.transformed);
    return width === 1 ? values[0]! : Array.from(values);
  }

  /**
   * Predicts many rows: `values` is row-major with `columns` values per row (a Float32Array, Float64Array or number
   * array, missing = NaN), or an array of rows. Returns rows x `outputWidth(output)` values, row-major.
   * Columns beyond the model's features are refused; missing trailing columns count as missing values.
   *
   * @example
   * ```ts
   * const out = model.predictBatch(new Float32Array([1, 2, 3, 4, 5, 6]), 3, 'margin'); // 2 rows
   * ```
   */
  predictBatch(
    values: ArrayLike<InputValue> | readonly ArrayLike<InputValue>[],
    columns: number,
    output: OutputKind = 'prediction',
  ): Float64Array {
    const width = this.outputWidth(output);
    if (!Number.isInteger(columns) || columns < 0 || columns > this.numFeatures) {
      throw new RangeError(`columns must be an integer from 0 to ${this.numFeatures}, got ${String(columns)}`);
    }
    const nested = values.length > 0 && typeof values[0] === 'object' && values[0] !== null;
    const numRows = nested ? values.length : columns === 0 ? 0 : values.length / columns;
    if (!Number.isInteger(numRows)) {
      throw new RangeError(`${values.length} values do not make whole rows of ${columns} columns`);
    }
    const result = new Float64Array(numRows * width);
    const features = this.numFeatures;
    const outputs = this.numOutputs;
    const { block, blockMargins: margins } = this;
    for (let start = 0; start < numRows; start += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, numRows - start);
      if (nested) {
        const list = values as readonly ArrayLike<InputValue>[];
        for (let r = 0; r < rows; r++) {
          const row = list[start + r]!;
          if (row.length > features)
            throw new RangeError(`row ${start + r} has ${row.length} values for ${features} features`);
          prepareRows(this.ensemble, row, 0, row.length, 1, block, r * features);
        }
      } else {
        prepareRows(this.ensemble, values as ArrayLike<InputValue>, start * columns, columns, rows, block);
      }
      if (output === 'contrib') {
        const shap = this.explainer();
        for (let r = 0; r < rows; r++) shap.explain(block, r * features, result, (start + r) * width);
      } else if (output === 'margin') {
        this.evaluator.margins(block, rows, margins);
        result.set(margins.subarray(0, rows * outputs), start * outputs);
      } else {
        this.evaluator.margins(block, rows, margins);
        for (let r = 0; r < rows; r++) {
          for (let k = 0; k < outputs; k++) this.margin[k] = margins[r * outputs + k]!;
          this.ensemble.transform(this.margin, this.transformed);
          result.set(this.transformed, (start + r) * width);
        }
      }
    }
    return result;
  }

  /**
   * The model restricted to boosting iterations [begin, end), like XGBoost's `iteration_range` (the base margin is
   * kept). Needs a format that records trees per iteration (XGBoost, LightGBM).
   *
   * @example
   * ```ts
   * const best = model.sliceIterations(0, model.bestIteration! + 1);
   * ```
   */
  sliceIterations(begin: number, end: number): TreeModel {
    const perIteration = this.ensemble.treesPerIteration;
    if (perIteration === undefined || perIteration < 1) {
      throw new RangeError(`${this.format} models do not record trees per iteration`);
    }
    const iterations = Math.floor(this.numTrees / perIteration);
    if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end < begin || end > iterations) {
      throw new RangeError(`iteration range [${begin}, ${end}) is outside [0, ${iterations}]`);
    }
    const { treeRoot, treeOutput } = this.ensemble;
    return new TreeModel(
      {
        ...this.ensemble,
        treeRoot: treeRoot.subarray(begin * perIteration, end * perIteration),
        treeOutput: treeOutput.subarray(begin * perIteration, end * perIteration),
      },
      this.evaluatorChoice,
    );
  }

  private explainer(): TreeShap {
    if (this.ensemble.aggregation !== undefined) {
      // TreeSHAP explains a sum of trees; a min or max of leaves has no such decomposition.
      throw modelError('MODEL_FEATURE_UNSUPPORTED', `no contributions for ${this.ensemble.aggregation} aggregation`);
    }
    if (this.ensemble.leafModels !== undefined) {
      // LightGBM itself refuses pred_contrib for linear trees ("not implemented for linear trees").
      throw modelError('MODEL_FEATURE_UNSUPPORTED', 'no contributions for linear trees (LightGBM gives none)');
    }
    this.shap ??= new TreeShap(this.ensemble);
    return this.shap;
  }

  private prepareRow(row: Row): void {
    if (typeof row !== 'object' || row === null) throw new TypeError('a row is an array of numbers or an object');
    if ('length' in row && typeof row.length === 'number') {
      const list = row as ArrayLike<InputValue>;
      if (list.length > this.numFeatures) {
        throw new RangeError(`the row has ${list.length} values for ${this.numFeatures} features`);
      }
      prepareRows(this.ensemble, list, 0, list.length, 1, this.row);
      return;
    }
    if (this.featureIndex === undefined) {
      this.featureIndex = new Map(this.featureNames.map((name, j) => [name, j]));
    }
    this.row.fill(NaN);
    const record = row as Readonly<Record<string, InputValue>>;
    const scratch = this.row;
    for (const key of Object.keys(record)) {
      const j = this.featureIndex.get(key);
      if (j === undefined) throw new RangeError(`unknown feature ${JSON.stringify(key)}`);
      const v = record[key];
      scratch[j] = v === null || v === undefined ? NaN : v;
    }
    prepareRows(this.ensemble, scratch, 0, this.numFeatures, 1, scratch);
  }
}
