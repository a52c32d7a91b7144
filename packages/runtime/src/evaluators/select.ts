/**
 * Which evaluator a model gets. In `auto`, the first that applies and that the environment allows:
 *
 * 1. `wasm`: WebAssembly written at load, for models `walkApplies` accepts (XGBoost numeric splits). The fastest
 *    form measured, and it needs no `new Function`: a Content-Security-Policy may allow `wasm-unsafe-eval` alone.
 * 2. `nested`: JavaScript `if`/`else` generated at load, for every model; needs `new Function` (`unsafe-eval`).
 * 3. `interpreted`: the interpreter, for every model, under any policy, and for models too large to generate.
 *    Also the only form for min / max aggregation (ONNX `aggregate_function` MIN / MAX) and for linear leaves
 *    (LightGBM linear trees), which the generated forms, written for sums of constant leaves, do not express.
 *
 * All three give the same bits (the fixture tests run every form that applies on every case).
 */
import type { TreeEnsemble } from '../ensemble.js';
import { withLinearTerm } from '../linear/linear-term.js';
import type { EvaluatorForm, MarginEvaluator } from './evaluator.js';
import { interpreter } from './interpreter.js';
import { codeGenerationAllowed } from './literal.js';
import { nestedEvaluator } from './nested.js';
import { walkApplies } from './walk-layout.js';
import { wasmEvaluator } from './wasm.js';

/** `auto`: the first form that applies (above); `compiled`: `wasm` or `nested`, else throw; or one form, else throw. */
export type EvaluatorChoice = 'auto' | 'compiled' | EvaluatorForm;

/** Above this many nodes no code is generated: WebAssembly memory and generated source grow with the node count. */
const MAX_WASM_NODES = 4_000_000;
const MAX_NESTED_NODES = 400_000;

function generated(ensemble: TreeEnsemble, form: 'wasm' | 'nested'): MarginEvaluator | undefined {
  // The generated forms add constant leaves; min / max aggregation (ONNX MIN / MAX) and linear leaves (LightGBM
  // linear trees) are left to the interpreter.
  if (ensemble.aggregation !== undefined || ensemble.leafModels !== undefined) return undefined;
  const count = ensemble.nodes.feature.length;
  if (form === 'wasm') return count <= MAX_WASM_NODES && walkApplies(ensemble) ? wasmEvaluator(ensemble) : undefined;
  return count <= MAX_NESTED_NODES && codeGenerationAllowed() ? nestedEvaluator(ensemble) : undefined;
}

/**
 * The margin evaluator of a validated ensemble. Throws a RangeError when a `compiled` or named form is asked for and
 * cannot be had here (the model does not fit it, or the environment forbids it).
 *
 * @example
 * ```ts
 * const evaluator = selectEvaluator(ensemble, 'auto');
 * evaluator.form; // 'wasm' for an XGBoost numeric model where WebAssembly may be compiled
 * ```
 */
export function selectEvaluator(ensemble: TreeEnsemble, choice: EvaluatorChoice = 'auto'): MarginEvaluator {
  return withLinearTerm(ensemble, selectTreeEvaluator(ensemble, choice));
}

function selectTreeEvaluator(ensemble: TreeEnsemble, choice: EvaluatorChoice): MarginEvaluator {
  if (choice === 'interpreted') return interpreter(ensemble);
  const forms = choice === 'wasm' || choice === 'nested' ? [choice] : (['wasm', 'nested'] as const);
  for (const form of forms) {
    const evaluator = generated(ensemble, form);
    if (evaluator !== undefined) return evaluator;
  }
  if (choice === 'auto') return interpreter(ensemble);
  throw new RangeError(
    `no ${choice} evaluator for this model here: the model does not fit it, or this environment forbids generating code`,
  );
}
