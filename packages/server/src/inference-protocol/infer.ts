import type { LoadedBundleView } from '../contract.js';
import type { ServerMetrics } from '../metrics.js';
import { CONTRIBUTIONS_OUTPUT, type CheckedInferRequest, type OutputName } from './tensor-rules.js';

/** One output tensor of an answer; always FP64, `data` flat and row-major. */
export interface OutputTensor {
  readonly name: OutputName;
  readonly datatype: 'FP64';
  readonly shape: number[];
  readonly data: number[];
}

/** An `$inference_response`, as both transports answer it. */
export interface InferResult {
  readonly model_name: string;
  readonly model_version: string;
  readonly id?: string;
  readonly outputs: OutputTensor[];
}

/**
 * Predicts every row of a checked request and builds the outputs it asked for: `predict` (the value in the target's
 * unit, shape `[rows]`) and, with the explain extension, `contributions` (TreeSHAP per encoded feature then the
 * bias, log space, shape `[rows, features + 1]`). REST and gRPC both answer from this, so their numbers are the same.
 *
 * @example
 * runInference(bundle, checkRestInferRequest(body, bundle.model.numFeatures, 1000), metrics, 'v2').outputs[0].data
 */
export function runInference(
  bundle: LoadedBundleView,
  request: CheckedInferRequest,
  metrics: ServerMetrics,
  source: 'v2' | 'grpc',
): InferResult {
  const explain = request.outputs.includes(CONTRIBUTIONS_OUTPUT);
  const width = bundle.model.numFeatures + 1;
  const values: number[] = [];
  const contributions: number[] = [];
  for (const row of request.rows) {
    const prediction = bundle.predictEncoded(row, explain ? { explain: true } : {});
    values.push(prediction.value);
    if (explain) {
      const phi = prediction.contributions;
      if (phi?.length !== width) throw new TypeError(`explained prediction without ${width} contributions`);
      for (let j = 0; j < width; j++) contributions.push(phi[j] as number);
    }
  }
  metrics.predictions.inc(
    { model: bundle.manifest.name, version: bundle.manifest.version, source },
    request.rows.length,
  );
  const outputs = request.outputs.map((name): OutputTensor =>
    name === CONTRIBUTIONS_OUTPUT
      ? { name, datatype: 'FP64', shape: [request.rows.length, width], data: contributions }
      : { name, datatype: 'FP64', shape: [request.rows.length], data: values },
  );
  return {
    model_name: bundle.manifest.name,
    model_version: bundle.manifest.version,
    ...(request.id === undefined ? {} : { id: request.id }),
    outputs,
  };
}
