import { join } from 'node:path';

import { loadPackageDefinition, Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

import { packageDir } from '../config.js';
import { LOADER_OPTIONS } from './grpc-messages.js';
import { inferenceService, type InferenceServiceDeps } from './inference-service.js';

/** The protocol's gRPC definition, vendored byte for byte (see `protocol/README.md`). */
export const PROTO_PATH = join(packageDir, 'protocol', 'open_inference_grpc.proto');

/** A listening gRPC server and its graceful shutdown. */
export interface RunningGrpcServer {
  readonly server: Server;
  /** The bound port (useful with GRPC_PORT=0). */
  readonly port: number;
  /**
   * Refuses new calls, lets the calls in flight finish, and after `shutdownTimeoutMs` cancels whatever is left.
   * Resolves when the server is closed.
   */
  close(): Promise<void>;
}

/**
 * Serves the Open Inference Protocol over gRPC (insecure: TLS is the platform's, as for HTTP) on `config.grpcPort`,
 * from the same registry as the HTTP app, so readiness and draining are shared. Messages are bounded by
 * `BODY_LIMIT`, like HTTP bodies.
 *
 * @example
 * const grpc = await startGrpcServer({ registry, config, logger, metrics }, 8081);
 * await grpc.close();
 */
export async function startGrpcServer(deps: InferenceServiceDeps, port: number): Promise<RunningGrpcServer> {
  const definition = loadPackageDefinition(loadSync(PROTO_PATH, LOADER_OPTIONS)) as unknown as {
    inference: { GRPCInferenceService: { service: ServiceDefinition } };
  };
  const server = new Server({
    'grpc.max_receive_message_length': deps.config.bodyLimit,
    'grpc.max_send_message_length': -1,
  });
  server.addService(definition.inference.GRPCInferenceService.service, inferenceService(deps));
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${deps.config.host}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      const deadline = setTimeout(() => {
        deps.logger.warn(
          { timeoutMs: deps.config.shutdownTimeoutMs },
          'grpc shutdown deadline reached; cancelling calls',
        );
        server.forceShutdown();
        resolve();
      }, deps.config.shutdownTimeoutMs);
      deadline.unref();
      server.tryShutdown(() => {
        clearTimeout(deadline);
        resolve();
      });
    });
    return closing;
  };
  return { server, port: bound, close };
}
