import type { LoadedBundleView } from '../contract.js';
import type { ModelRegistry } from '../model-registry.js';
import { HttpProblem } from '../problem.js';
import { modelVersions } from '../routes/models.js';
import { EXPLAIN_PARAMETER, INPUT_NAME, PREDICT_OUTPUT } from './tensor-rules.js';

/** The server's name in the protocol's server metadata. */
export const SERVER_NAME = 'seattle-energy';
/** The API's version (the OpenAPI document's `info.version`); never a library's. */
export const SERVER_VERSION = '1.0.0';
/**
 * The extensions this server defines (the protocol defines none): `explain`, the TreeSHAP contributions as an extra
 * output tensor when a request sets `parameters.explain` to true.
 */
export const EXTENSIONS = [EXPLAIN_PARAMETER] as const;

/** The platform string of every model (the protocol's names are for deep-learning backends). */
export const PLATFORM = 'seattle-energy-tree-ensemble';

/** The `$metadata_server_response`. */
export function serverMetadata() {
  return { name: SERVER_NAME, version: SERVER_VERSION, extensions: [...EXTENSIONS] };
}

/** A tensor's metadata: name, datatype and shape (-1 for the variable row count). */
export interface TensorMetadata {
  readonly name: string;
  readonly datatype: string;
  readonly shape: number[];
}

/** The `$metadata_model_response` parts both transports share. */
export interface ModelMetadata {
  readonly name: string;
  readonly versions: string[];
  readonly platform: string;
  readonly inputs: TensorMetadata[];
  readonly outputs: TensorMetadata[];
  /** What the features are and what the value means; REST answers them as `parameters`, gRPC as `properties`. */
  readonly details: { feature_names: string[]; target: string; unit: string };
}

/**
 * The model's metadata: its one input `features` (FP32, `[-1, features]`; FP64 is accepted too) and its output
 * `predict`. The explain extension's `contributions` output is not listed: it is only produced on request.
 */
export function modelMetadata(registry: ModelRegistry, bundle: LoadedBundleView): ModelMetadata {
  const { manifest } = bundle;
  return {
    name: manifest.name,
    versions: modelVersions(registry, manifest.name),
    platform: PLATFORM,
    inputs: [{ name: INPUT_NAME, datatype: 'FP32', shape: [-1, bundle.model.numFeatures] }],
    outputs: [{ name: PREDICT_OUTPUT, datatype: 'FP64', shape: [-1] }],
    details: {
      feature_names: manifest.features.map((feature) => feature.name),
      target: manifest.target.column,
      unit: manifest.target.unit,
    },
  };
}

/** Throws the 503 of a server that is not ready (models loading, refused, or shutting down). */
export function requireReady(registry: ModelRegistry): void {
  registry.store();
  if (!registry.ready)
    throw new HttpProblem(503, 'not-ready', 'The service is shutting down.', [], { 'retry-after': '1' });
}
