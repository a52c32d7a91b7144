import cluster from 'node:cluster';

import { createApp } from './app.js';
import { joinClusterMetrics } from './cluster-metrics.js';
import { WORKER_READY } from './cluster-primary.js';
import type { ServerConfig } from './config.js';
import type { BuildingSchemaApi, ModelStoreView } from './contract.js';
import type { RunningGrpcServer } from './grpc/grpc-server.js';
import { startHttpServer, type RunningServer } from './http-server.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import { ModelRegistry } from './model-registry.js';

/** A serving process: the HTTP server (and the gRPC one when GRPC_PORT is set, the metrics one when METRICS_PORT is),
 * its registry and a graceful stop. */
export interface ServerProcess {
  readonly running: RunningServer;
  readonly grpc: RunningGrpcServer | undefined;
  /** The metrics server, when `config.metricsPort` is set. */
  readonly metricsServer?: RunningServer;
  readonly registry: ModelRegistry;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  /** Resolves once the models are loaded and verified (true) or refused (false). */
  readonly loaded: Promise<boolean>;
  /** Readiness off, in-flight requests finished, server closed, logs flushed. */
  stop(): Promise<void>;
}

/**
 * Starts one serving process: listens at once (so `/livez` answers and `/readyz` says 503 while loading), then loads
 * and verifies the models; a store that does not verify is never served and is logged as one clear line. A cluster
 * worker listens only once its models are verified or refused, so the shared port never routes to a loading worker.
 *
 * @example
 * const proc = await runServer(config, schema, schema.loadModelStore);
 * process.once('SIGTERM', () => proc.stop().then(() => process.exit(0)));
 */
export async function runServer(
  config: ServerConfig,
  schema: BuildingSchemaApi,
  loadModelStore: (modelsDir: string) => Promise<ModelStoreView>,
  options: { logger?: Logger; metrics?: ServerMetrics } = {},
): Promise<ServerProcess> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = options.metrics ?? createMetrics();
  const registry = new ModelRegistry();
  const clusterMetrics = cluster.isWorker ? joinClusterMetrics(metrics.registry) : undefined;
  const { app, warm, metricsApp } = createApp({
    registry,
    schema,
    config,
    logger,
    metrics,
    ...(clusterMetrics ? { clusterMetrics } : {}),
  });
  const started = performance.now();
  const loaded = registry.load(Promise.resolve().then(() => loadModelStore(config.modelsDir))).then((ok) => {
    if (ok) {
      // After readiness is known, before the first request: the building's field types.
      setImmediate(warm);
      logger.info(
        { models: registry.names(), ms: Math.round(performance.now() - started) },
        'models loaded and verified; ready',
      );
    } else {
      logger.error(
        { modelsDir: config.modelsDir, reason: registry.failure },
        'models refused: not serving predictions (readyz stays 503)',
      );
    }
    return ok;
  });
  // A cluster worker joins the shared port only once its models are verified or refused: the primary hands
  // connections to every listening worker, so one that listened while loading (a replacement after a crash, a
  // --reload generation) would answer 503 to requests its ready siblings could serve.
  if (cluster.isWorker) await loaded;
  const running = await startHttpServer(app.callback(), config, logger);
  const metricsServer =
    metricsApp === undefined
      ? undefined
      : await startHttpServer(metricsApp.callback(), { ...config, port: config.metricsPort ?? 0 }, logger);
  logger.info(
    { host: config.host, port: running.port, ...(metricsServer ? { metricsPort: metricsServer.port } : {}) },
    'listening',
  );
  // gRPC answers from the same registry (readiness, draining) and is loaded only when asked for: the proto parser
  // costs start-up time that a REST-only server does not pay.
  let grpc: RunningGrpcServer | undefined;
  if (config.grpcPort !== undefined) {
    const { startGrpcServer } = await import('./grpc/grpc-server.js');
    grpc = await startGrpcServer({ registry, config, logger, metrics }, config.grpcPort);
    logger.info({ host: config.host, port: grpc.port }, 'grpc listening');
  }
  // Tells a reloading cluster primary that this worker, listening and verified, can take over from the old generation.
  if (cluster.isWorker && (await loaded)) process.send?.({ type: WORKER_READY });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      registry.drain();
      logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'shutting down: finishing in-flight requests');
      await Promise.all([running.close(), grpc?.close(), metricsServer?.close()]);
      logger.info('server closed');
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    })();
    return stopping;
  };
  return { running, grpc, ...(metricsServer ? { metricsServer } : {}), registry, logger, metrics, loaded, stop };
}
