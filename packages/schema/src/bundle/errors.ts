/** Every code a `BundleError` can carry; the package README explains each. */
export const BUNDLE_ERROR_CODES = [
  'BUNDLE_NOT_FOUND',
  'BUNDLE_MANIFEST_INVALID',
  'BUNDLE_LOCATION_MISMATCH',
  'BUNDLE_HASH_MISMATCH',
  'BUNDLE_MODEL_INVALID',
  'BUNDLE_FEATURES_MISMATCH',
  'BUNDLE_ENCODING_INVALID',
  'BUNDLE_GOLDEN_MISSING',
  'BUNDLE_GOLDEN_MISMATCH',
  'BUNDLE_EXISTS',
  'MODEL_NOT_FOUND',
] as const;

/** A `BundleError` code. */
export type BundleErrorCode = (typeof BUNDLE_ERROR_CODES)[number];

/**
 * Why a model bundle cannot be loaded, verified, found or imported. Messages name the file and what was expected.
 *
 * @example
 * try {
 *   await loadModelStore('models');
 * } catch (error) {
 *   if (error instanceof BundleError && error.code === 'BUNDLE_HASH_MISMATCH') console.error(error.message);
 * }
 */
export class BundleError extends Error {
  override readonly name = 'BundleError';
  readonly code: BundleErrorCode;

  constructor(code: BundleErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
