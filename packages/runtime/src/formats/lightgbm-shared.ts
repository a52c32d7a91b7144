import type { ModelFormat, TreeEnsemble } from '../ensemble.js';
import type { EnsembleBuilder } from '../ensemble-builder.js';
import { modelError } from '../errors.js';
import { lightgbmObjective } from './lightgbm-objective.js';

/** What both LightGBM loaders read from the model header. */
export interface LightgbmHeader {
  readonly format: Extract<ModelFormat, 'lightgbm-json' | 'lightgbm-text'>;
  readonly numFeatures: number;
  readonly featureNames: readonly string[];
  readonly numOutputs: number;
  readonly objective: string | undefined;
  /** `average_output` (boosting=rf): the prediction divides the raw sum by the number of iterations. */
  readonly average: boolean;
}

/**
 * Checks that `num_tree_per_iteration` fits `num_class`: one tree per class, or a single output.
 *
 * @example
 * ```ts
 * lightgbmHeaderCheck(3, 3); // multiclass: fine
 * ```
 */
export function lightgbmHeaderCheck(numClass: number, numOutputs: number): void {
  if (numOutputs !== 1 && numOutputs !== numClass) {
    throw modelError('MODEL_TRUNCATED', `num_tree_per_iteration ${numOutputs} does not match num_class ${numClass}`);
  }
}

/**
 * Parses a categorical threshold list (`"1||4||7"`): the codes that go left, non-negative 32-bit integers.
 *
 * @example
 * ```ts
 * parseCategoryList('1||4||7', 'tree 0 node 3'); // [1, 4, 7]
 * ```
 */
export function parseCategoryList(text: string, where: string): number[] {
  const codes = text.split('||').map((token) => {
    // LightGBM writes plain decimal integers; anything else is a damaged file, not a code to guess at.
    if (!/^\d{1,10}$/.test(token) || Number(token) > 0x7fffffff) {
      throw modelError(
        'MODEL_CATEGORY_INVALID',
        `${where}: bad category "${token}" in categorical threshold "${text}"`,
      );
    }
    return Number(token);
  });
  return codes;
}

/**
 * Freezes the trees a LightGBM loader built into a `TreeEnsemble` with LightGBM's rules and output transform.
 *
 * @example
 * ```ts
 * return lightgbmEnsemble(builder, { format: 'lightgbm-text', numFeatures, featureNames, numOutputs, objective, average });
 * ```
 */
export function lightgbmEnsemble(builder: EnsembleBuilder, header: LightgbmHeader): TreeEnsemble {
  const { numOutputs } = header;
  const trees = builder.numTrees;
  if (trees % numOutputs !== 0) {
    throw modelError(
      'MODEL_TRUNCATED',
      `${trees} trees is not a whole number of iterations of ${numOutputs} trees (truncated model?)`,
    );
  }
  const averageOver = header.average ? trees / numOutputs : 0;
  const { objective, transform } = lightgbmObjective(header.objective, numOutputs, averageOver);
  return builder.build({
    format: header.format,
    rules: 'lightgbm',
    inputPrecision: 'float64',
    accumulation: 'float64',
    numFeatures: header.numFeatures,
    featureNames: header.featureNames,
    numOutputs,
    predictionWidth: numOutputs,
    objective,
    baseMargin: new Float64Array(numOutputs),
    marginDivisor: 0,
    transform,
    // An rf model divides by the iterations it was saved with, so a slice of its iterations would predict wrongly.
    ...(header.average ? {} : { treesPerIteration: numOutputs }),
  });
}
