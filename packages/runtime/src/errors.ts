/**
 * The one error class of the runtime. Every model the runtime refuses is refused at load time with a
 * `TreeModelError` whose `code` says why, so callers can branch on the code rather than on message text.
 * Misuse of the API (a wrong argument type, a row of the wrong width) throws the built-in `TypeError`/`RangeError`.
 */

/** Every code a `TreeModelError` can carry; the package README documents each one. */
export const ERROR_CODES = [
  /** The content is not a model format the runtime knows; the message says what was found. */
  'MODEL_FORMAT_UNSUPPORTED',
  /** Invalid JSON, a truncated text model, or a required field or array missing / of the wrong length. */
  'MODEL_TRUNCATED',
  /** A child index points outside its tree (or the flat node arrays). */
  'MODEL_CHILD_OUT_OF_RANGE',
  /** A node is reachable twice from the roots: a cycle, or two parents sharing a child. */
  'MODEL_CYCLE',
  /** A split reads a feature index beyond the model's declared feature count (or negative). */
  'MODEL_FEATURE_OUT_OF_RANGE',
  /** A numeric split threshold is NaN (or infinite, for XGBoost). */
  'MODEL_THRESHOLD_NOT_FINITE',
  /** A leaf value, cover or base score is NaN or infinite. */
  'MODEL_VALUE_NOT_FINITE',
  /** A category set is malformed (negative or non-integer code, bitset out of range). */
  'MODEL_CATEGORY_INVALID',
  /** The objective is not one the runtime can reproduce. */
  'MODEL_OBJECTIVE_UNKNOWN',
  /** A model feature the runtime does not implement (e.g. ONNX double precision), or contributions for a model that has none; the message names it. */
  'MODEL_FEATURE_UNSUPPORTED',
  /** Loader options contradict the model (e.g. feature names of the wrong length). */
  'MODEL_OPTIONS_INVALID',
] as const;

export type TreeModelErrorCode = (typeof ERROR_CODES)[number];

/**
 * Thrown when a model cannot be loaded. `code` is stable; `message` is for humans; `cause` keeps the original error.
 *
 * @example
 * ```ts
 * try {
 *   loadModel(text);
 * } catch (error) {
 *   if (error instanceof TreeModelError && error.code === 'MODEL_TRUNCATED') console.error('re-download the model');
 *   else throw error;
 * }
 * ```
 */
export class TreeModelError extends Error {
  readonly code: TreeModelErrorCode;

  constructor(code: TreeModelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TreeModelError';
    this.code = code;
  }
}

/**
 * Shorthand used by loaders: `throw modelError('MODEL_TRUNCATED', 'tree 3 has no left_children')`.
 *
 * @example
 * ```ts
 * if (!Array.isArray(tree.left_children)) throw modelError('MODEL_TRUNCATED', `tree ${i}: left_children missing`);
 * ```
 */
export function modelError(code: TreeModelErrorCode, message: string, cause?: unknown): TreeModelError {
  return cause === undefined ? new TreeModelError(code, message) : new TreeModelError(code, message, { cause });
}
