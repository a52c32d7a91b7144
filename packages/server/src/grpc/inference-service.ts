import { status as GrpcStatus, type ServerErrorResponse, type UntypedServiceImplementation } from '@grpc/grpc-js';

import type { ServerConfig } from '../config.js';
import { runInference } from '../inference-protocol/infer.js';
import { modelMetadata, serverMetadata } from '../inference-protocol/metadata.js';
import type { Logger } from '../logger.js';
import type { ServerMetrics } from '../metrics.js';
import type { ModelRegistry } from '../model-registry.js';
import { HttpProblem } from '../problem.js';
import type { ModelInferRequestMessage, ModelRequestMessage } from './grpc-messages.js';
import { checkGrpcInferRequest, inferResponseMessage } from './grpc-request.js';
import { grpcCode, grpcDetails } from './grpc-status.js';

/** What the service answers from: the same registry, limits and metrics as the HTTP app. */
export interface InferenceServiceDeps {
  readonly registry: ModelRegistry;
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
}

type Handler = (request: unknown) => unknown;
type Callback = (error: Partial<ServerErrorResponse> | null, value?: unknown) => void;

/** A version field of the protocol: empty means "the server chooses" (the latest). */
const optionalVersion = (version: string | undefined) =>
  version === undefined || version === '' ? undefined : version;

/**
 * The GRPCInferenceService of the Open Inference Protocol over the registry: the six RPCs of the protocol, each
 * logged as one line (`rpc`, `code`, `ms`) like an HTTP request. Problems become their gRPC status
 * (`grpc-status.ts`); an unexpected error is logged once and answered INTERNAL without internals.
 *
 * @example
 * server.addService(serviceDefinition, inferenceService({ registry, config, logger, metrics }));
 */
export function inferenceService(deps: InferenceServiceDeps): UntypedServiceImplementation {
  const { registry, config, logger, metrics } = deps;
  const unary =
    (rpc: string, handler: Handler) =>
    (call: { request: unknown }, callback: Callback): void => {
      const started = performance.now();
      let code: GrpcStatus = GrpcStatus.OK;
      try {
        callback(null, handler(call.request));
      } catch (error) {
        const problem =
          error instanceof HttpProblem
            ? error
            : new HttpProblem(500, 'internal', 'The server failed to answer this call; it has been logged.');
        if (!(error instanceof HttpProblem)) logger.error({ rpc, err: error }, 'unexpected error');
        code = grpcCode(problem);
        callback({ code, details: grpcDetails(problem) });
      }
      logger.info({ rpc, code, ms: Math.round((performance.now() - started) * 10) / 10 }, 'grpc call');
    };

  return {
    ServerLive: unary('ServerLive', () => ({ live: true })),
    ServerReady: unary('ServerReady', () => ({ ready: registry.ready })),
    ModelReady: unary('ModelReady', (request) => {
      const { name, version } = request as ModelRequestMessage;
      // While the models load (or after they were refused) no model is ready; an unknown one is NOT_FOUND.
      if (registry.state === 'loading' || registry.state === 'failed') return { ready: false };
      registry.bundle(name ?? '', optionalVersion(version));
      return { ready: registry.ready };
    }),
    ServerMetadata: unary('ServerMetadata', () => serverMetadata()),
    ModelMetadata: unary('ModelMetadata', (request) => {
      const { name, version } = request as ModelRequestMessage;
      const { details, ...metadata } = modelMetadata(registry, registry.bundle(name ?? '', optionalVersion(version)));
      return {
        ...metadata,
        properties: {
          target: details.target,
          unit: details.unit,
          feature_names: JSON.stringify(details.feature_names),
        },
      };
    }),
    ModelInfer: unary('ModelInfer', (request) => {
      const message = request as ModelInferRequestMessage;
      const bundle = registry.bundle(message.model_name ?? '', optionalVersion(message.model_version));
      const checked = checkGrpcInferRequest(message, bundle.model.numFeatures, config.batchLimit);
      return inferResponseMessage(runInference(bundle, checked.request, metrics, 'grpc'), checked.raw);
    }),
  };
}
