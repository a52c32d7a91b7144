/**
 * The parts of `@seattle-energy/schema` the server uses, written as structural types.
 *
 * The HTTP layer depends on these shapes rather than on the schema package's classes, so that unit tests of routing,
 * errors and documentation can inject a tiny store, while `serve.ts` injects the real one. The real package's
 * `ModelStore` and `validateBuilding` must stay assignable to these (checked by `src/schema-adapter.ts` at build time).
 */

/** One field-level problem, as the schema reports it and as the API returns it in `errors`. */
export interface FieldError {
  /** JSON-pointer-like path of the offending field (`numberOfFloors`, `buildings/3/yearBuilt`, or `` for the whole body). */
  readonly path: string;
  readonly message: string;
}

/** A soft issue: the input is accepted but outside what the model saw. */
export interface PredictionWarning {
  readonly field?: string;
  readonly code: string;
  readonly message: string;
}

/** The result of validating one building: a value, never an exception. */
export type BuildingValidation =
  | { readonly ok: true; readonly building: unknown; readonly warnings: readonly PredictionWarning[] }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/** What one bundle predicts for one building. */
export interface BundlePrediction {
  readonly value: number;
  readonly logValue: number;
  readonly interval: { readonly low: number; readonly high: number; readonly level: number };
  readonly warnings: readonly PredictionWarning[];
  readonly baseValue?: number;
  readonly contributions?: readonly { readonly feature: string; readonly value: number }[];
}

/** The subset of `bundle.json` the API shows. Unknown extra fields are passed through to `GET /v1/models/{name}`. */
export interface BundleManifest {
  readonly name: string;
  readonly version: string;
  readonly target: { readonly column: string; readonly unit: string; readonly transform: string };
  readonly inputs: readonly string[];
  readonly features: readonly { readonly name: string; readonly encoding: unknown }[];
  readonly metrics?: unknown;
  readonly interval?: unknown;
  readonly trainingRange?: unknown;
  readonly createdAt?: string;
  readonly framework?: unknown;
}

/** A verified bundle, ready to predict. */
export interface LoadedBundleView {
  readonly manifest: BundleManifest;
  readonly model: { readonly numFeatures: number; readonly featureNames?: readonly string[] | undefined };
  predict(building: unknown, options?: { explain?: boolean }): BundlePrediction;
  /**
   * Predicts from an already encoded feature vector (Open Inference Protocol); the value is in the target's unit.
   * With `explain`, `contributions` holds TreeSHAP per encoded feature then the bias (numFeatures + 1 values).
   */
  predictEncoded(
    vector: Float32Array | Float64Array | readonly number[],
    options?: { explain?: boolean },
  ): { readonly value: number; readonly contributions?: readonly number[] | undefined };
}

/** The verified model store: the methods of the schema package's `ModelStore` that the server calls. */
export interface ModelStoreView {
  /** The model names. */
  names(): string[];
  /** The versions of one model, oldest first. */
  versions(name: string): string[];
  /** The named bundle (the latest version by default), or undefined: never throws for an unknown one. */
  get(name: string, version?: string): LoadedBundleView | undefined;
}

/** The building schema functions the server needs. */
export interface BuildingSchemaApi {
  validateBuilding(input: unknown): BuildingValidation;
  buildingJsonSchema(): Record<string, unknown>;
  readonly exampleBuilding: Record<string, unknown>;
  /** Every warning code the schema and its bundles answer with, and its meaning (documented in OpenAPI). */
  readonly warningCodes?: Readonly<Record<string, string>>;
}
