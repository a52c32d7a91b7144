import cors from '@koa/cors';
import Router from '@koa/router';
import Koa from 'koa';

import type { BuildingSchemaApi } from './contract.js';
import type { ServerConfig } from './config.js';
import { buildingFieldTypes } from './csv-buildings.js';
import type { Logger } from './logger.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelRegistry } from './model-registry.js';
import { errorHandler } from './middleware/error-handler.js';
import { fallback } from './middleware/fallback.js';
import { inferenceErrorMember } from './inference-protocol/error-member.js';
import { lingeringClose } from './middleware/lingering-close.js';
import { observe, type RequestState } from './middleware/observe.js';
import { securityHeaders } from './middleware/security-headers.js';
import { lazyBuildingRecords, type BuildingRecords } from './buildings/building-records.js';
import { registerBatchRoutes } from './routes/batch.js';
import { registerBuildingRoutes } from './routes/buildings.js';
import { registerDocsRoutes } from './routes/docs.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerInferenceProtocolRoutes } from './routes/inference-protocol.js';
import { registerInferenceProtocolInferRoutes } from './routes/inference-protocol-infer.js';
import { registerModelRoutes } from './routes/models.js';
import { publicFiles, publicDir, registerPageRoutes } from './routes/page.js';
import { registerPredictRoutes } from './routes/predict.js';
import type { RouteContext } from './routes/route-context.js';

/** The parts the app is built from; nothing is created inside, so tests inject their own. */
export interface AppDeps {
  readonly registry: ModelRegistry;
  readonly schema: BuildingSchemaApi;
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  /** The model of `POST /v1/predict` (default `site-energy`). */
  readonly defaultModel?: string;
  /** Folder of the citizen page (default `packages/server/public`). */
  readonly publicDir?: string;
  /** The city's building records (default: `data/buildings-2016.json`, read on first use). */
  readonly buildingRecords?: () => Promise<BuildingRecords>;
  /** The whole cluster's metrics text, for a worker of several (`/metrics` falls back to its own registry). */
  readonly clusterMetrics?: () => Promise<string>;
}

/** The Koa app with its router, for tests that compare routes with the OpenAPI document. */
export interface ServerApp {
  readonly app: Koa<RequestState>;
  readonly router: Router<RequestState>;
}

/**
 * Builds the Koa application from injected parts; it never listens (see `startServer`).
 * Order: lingering close (an answer decided before the whole body arrived drains the rest, nginx-like) -> observe
 * (request id, log line, metrics) -> the protocol's `error` member on /v2 problems -> the one error middleware ->
 * security headers -> CORS (only if origins are configured) -> routes -> 405/404 fallback.
 *
 * @example
 * const { app } = createApp({ registry, schema, config: loadConfig(process.env), logger, metrics: createMetrics() });
 * http.createServer(app.callback()).listen(0);
 */
export function createApp(deps: AppDeps): ServerApp {
  const app = new Koa<RequestState>({ proxy: false });
  // Koa would print unexpected errors itself; the error middleware logs them once instead.
  app.silent = true;
  // Strict: `/v1/models/` is not `/v1/models` (it is GET /v1/models/{name} with an empty name, a 404).
  const router = new Router<RequestState>({ strict: true });
  const context: RouteContext = {
    registry: deps.registry,
    schema: deps.schema,
    config: deps.config,
    metrics: deps.metrics,
    logger: deps.logger,
    buildingFields: buildingFieldTypes(deps.schema.buildingJsonSchema()),
    defaultModel: deps.defaultModel ?? 'site-energy',
    ...(deps.clusterMetrics === undefined ? {} : { clusterMetrics: deps.clusterMetrics }),
  };
  registerPredictRoutes(router, context);
  registerBatchRoutes(router, context);
  registerModelRoutes(router, context);
  registerBuildingRoutes(router, context, deps.buildingRecords ?? lazyBuildingRecords());
  registerInferenceProtocolRoutes(router, context);
  registerInferenceProtocolInferRoutes(router, context);
  registerHealthRoutes(router, context);
  registerDocsRoutes(router, context);
  const dir = deps.publicDir ?? publicDir;
  registerPageRoutes(router, dir);

  app.use(lingeringClose());
  app.use(observe({ logger: deps.logger, metrics: deps.metrics, draining: () => deps.registry.state === 'draining' }));
  app.use(inferenceErrorMember());
  app.use(errorHandler({ logger: deps.logger }));
  app.use(securityHeaders());
  if (deps.config.corsOrigins.length > 0) {
    const origins = new Set(deps.config.corsOrigins);
    app.use(
      cors({
        origin: (ctx) => (origins.has('*') ? '*' : origins.has(ctx.get('origin')) ? ctx.get('origin') : ''),
        allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
        exposeHeaders: ['x-request-id'],
        maxAge: 600,
      }),
    );
  }
  app.use(router.routes());
  app.use(fallback(router, publicFiles(dir)));
  return { app, router };
}
