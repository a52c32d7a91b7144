/**
 * @seattle-energy/runtime: load XGBoost, LightGBM, scikit-learn and ml-random-forest tree ensembles and predict
 * exactly as the library that trained them, with TreeSHAP contributions. No dependency, no Node API.
 */
export { loadModel, parseModel, detectFormat } from './load.js';
export type { LoadOptions, ModelSource } from './load.js';
export { TreeModel } from './model.js';
export type { OutputKind, Prediction, Row } from './model.js';
export type { EvaluatorChoice } from './evaluators/select.js';
export type { EvaluatorForm } from './evaluators/evaluator.js';
export { TreeModelError, ERROR_CODES } from './errors.js';
export type { TreeModelErrorCode } from './errors.js';
export type { XgboostDumpOptions } from './formats/xgboost-dump.js';
// An ensemble's parts are reachable by name from it (`TreeEnsemble['nodes']`); SplitRules is exported for validateEnsemble.
export type { TreeEnsemble, SplitRules } from './ensemble.js';
export { validateEnsemble } from './validate.js';
