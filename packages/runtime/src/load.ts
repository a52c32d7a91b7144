/**
 * `loadModel`: detects the format from the content, hands it to its loader in `formats/`, and wraps the resulting
 * `TreeEnsemble` (validated by the loader's builder or here) in a `TreeModel`.
 */
import type { ModelFormat, TreeEnsemble } from './ensemble.js';
import { modelError } from './errors.js';
import { parseLightgbmJson } from './formats/lightgbm-json.js';
import { parseLightgbmText } from './formats/lightgbm-text.js';
import { parseMlRandomForest } from './formats/ml-random-forest.js';
import { parseSklearnJson } from './formats/sklearn.js';
import { parseXgboostDump, type XgboostDumpOptions } from './formats/xgboost-dump.js';
import { parseXgboostJson } from './formats/xgboost-json.js';
import { decodeUbjson, looksLikeUbjson } from './formats/ubjson.js';
import { looksLikeOnnx } from './formats/onnx/onnx-graph.js';
import { parseOnnx } from './formats/onnx/tree-ensemble.js';
import { parseModelJson } from './json-text.js';
import type { EvaluatorChoice } from './evaluators/select.js';
import { TreeModel } from './model.js';

/** Options of `loadModel`. The XGBoost get_dump options only apply to that format. */
export interface LoadOptions extends XgboostDumpOptions {
  /** Skip detection and read the source as this format. */
  readonly format?: ModelFormat;
  /**
   * Margin evaluator: the first form this environment allows (`auto`, default: WebAssembly, then generated
   * JavaScript, then the interpreter), generated code or throw (`compiled`), or one form (`wasm`, `nested`,
   * `interpreted`) or throw.
   */
  readonly evaluator?: EvaluatorChoice;
}

/** What `loadModel` reads: the file's bytes, its text, or its parsed JSON. */
export type ModelSource = string | Uint8Array | object;

/**
 * Loads a model from its bytes (a `Uint8Array`, Node's `Buffer` included: text formats, or XGBoost's binary UBJSON),
 * its text (JSON or LightGBM `model.txt`) or its parsed JSON.
 * Throws `TreeModelError` when the content is not a known format or is malformed.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { loadModel } from '@seattle-energy/runtime';
 * const model = loadModel(readFileSync('model.json', 'utf8'));
 * model.predict([1, 2, null]);
 * ```
 */
export function loadModel(source: ModelSource, options: LoadOptions = {}): TreeModel {
  return new TreeModel(parseModel(source, options), options.evaluator);
}

/**
 * Detection and dispatch without the `TreeModel` wrapper: the validated `TreeEnsemble`.
 *
 * @example
 * ```ts
 * const ensemble = parseModel(text);
 * ensemble.treeRoot.length; // number of trees
 * ```
 */
export function parseModel(source: ModelSource, options: LoadOptions = {}): TreeEnsemble {
  if (source instanceof Uint8Array) {
    // XGBoost's .ubj decodes to the same value as its JSON form and goes through the same loader.
    if (looksLikeUbjson(source)) return dispatchContent(decodeUbjson(source), options);
    if (looksLikeOnnx(source) || options.format === 'onnx') return parseOnnx(source);
    source = decodeUtf8(source);
  }
  let content: unknown = source;
  let format = options.format;
  if (typeof source === 'string') {
    const head = source.trimStart();
    if (head === '') throw modelError('MODEL_TRUNCATED', 'the model text is empty');
    if (head.startsWith('{') || head.startsWith('[')) content = parseModelJson(source);
    else if (format === undefined) format = detectText(head);
  } else if (typeof source !== 'object' || source === null) {
    throw new TypeError('loadModel takes the model text or its parsed JSON');
  }
  format ??= detectFormat(content);
  // Every loader builds through EnsembleBuilder, whose build() runs validateEnsemble: no second pass here.
  return dispatch(format, content, options);
}

function dispatchContent(content: unknown, options: LoadOptions): TreeEnsemble {
  return dispatch(options.format ?? detectFormat(content), content, options);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw modelError(
      'MODEL_FORMAT_UNSUPPORTED',
      'not a model: the bytes are neither UTF-8 text (JSON, model.txt) nor UBJSON',
      error,
    );
  }
}

function dispatch(format: ModelFormat, content: unknown, options: LoadOptions): TreeEnsemble {
  switch (format) {
    case 'xgboost-json':
      return parseXgboostJson(content);
    case 'xgboost-dump':
      return parseXgboostDump(content, options);
    case 'lightgbm-json':
      return parseLightgbmJson(content);
    case 'lightgbm-text':
      if (typeof content !== 'string') throw new TypeError('a lightgbm-text model is given as text');
      return parseLightgbmText(content);
    case 'sklearn-json':
      return parseSklearnJson(content);
    case 'ml-random-forest':
      return parseMlRandomForest(content);
    case 'onnx':
      throw new TypeError('an onnx model is given as its bytes (a Uint8Array)');
    default:
      throw new RangeError(`unknown format ${JSON.stringify(format)}`);
  }
}

function detectText(head: string): ModelFormat {
  if (/^tree\r?\n/.test(head) || /^version=v\d/m.test(head.slice(0, 200))) return 'lightgbm-text';
  throw modelError(
    'MODEL_FORMAT_UNSUPPORTED',
    `not a model: text starting with ${JSON.stringify(head.slice(0, 40))} is neither JSON nor a LightGBM model.txt`,
  );
}

/**
 * Names the format of parsed model JSON, or throws `MODEL_FORMAT_UNSUPPORTED` saying what was found.
 *
 * @example
 * ```ts
 * detectFormat(JSON.parse(text)); // 'xgboost-json'
 * ```
 */
export function detectFormat(content: unknown): ModelFormat {
  if (Array.isArray(content)) {
    if (content.length === 0) throw modelError('MODEL_TRUNCATED', 'the model is an empty array');
    const first: unknown = content[0];
    if (
      (typeof first === 'object' && first !== null && 'nodeid' in first) ||
      (typeof first === 'string' && first.trimStart().startsWith('{'))
    ) {
      return 'xgboost-dump';
    }
    throw modelError('MODEL_FORMAT_UNSUPPORTED', `found an array of ${describe(first)}, not an XGBoost get_dump array`);
  }
  if (typeof content !== 'object' || content === null) {
    throw modelError('MODEL_FORMAT_UNSUPPORTED', `found ${describe(content)}, not a model`);
  }
  const model = content as Record<string, unknown>;
  if ('learner' in model) return 'xgboost-json';
  if (model['format'] === 'sklearn-tree-ensemble') return 'sklearn-json';
  if (model['name'] === 'RFRegression' || model['name'] === 'RFClassifier') return 'ml-random-forest';
  if ('tree_info' in model && ('feature_names' in model || model['name'] === 'tree')) return 'lightgbm-json';
  const keys = Object.keys(model).slice(0, 8).join(', ');
  throw modelError(
    'MODEL_FORMAT_UNSUPPORTED',
    `found an object with keys {${keys}}${Object.keys(model).length > 8 ? ', ...' : ''}: not an XGBoost, LightGBM, scikit-learn export or ml-random-forest model`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'arrays';
  return typeof value === 'object' ? 'objects without nodeid' : `${typeof value} values`;
}
