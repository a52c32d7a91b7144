import { HttpProblem } from '../problem.js';
import type { ApiRouter, RouteContext } from './route-context.js';

/** Why the service is not ready, in words safe for a response (the precise reason is in the logs). */
function notReadyDetail(state: string): string {
  if (state === 'failed')
    return 'The models could not be loaded and verified; the service refuses to serve them (see the logs).';
  if (state === 'draining') return 'The service is shutting down.';
  return 'The models are still loading and being verified.';
}

/**
 * Registers the probes and the Prometheus endpoint: `/livez`, `/readyz`, `/healthz`, `/metrics`.
 *
 * @example
 * registerHealthRoutes(router, context);
 */
export function registerHealthRoutes(router: ApiRouter, context: RouteContext): void {
  const { registry } = context;
  const started = Date.now();

  /**
   * @openapi
   * /livez:
   *   get:
   *     operationId: livez
   *     tags: [Health]
   *     summary: Liveness probe (the process answers)
   *     responses:
   *       '200':
   *         description: Alive.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/Status' }
   */
  router.get('/livez', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  /**
   * @openapi
   * /readyz:
   *   get:
   *     operationId: readyz
   *     tags: [Health]
   *     summary: Readiness probe (models loaded and verified)
   *     responses:
   *       '200':
   *         description: Ready to predict.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/Status' }
   *       '503': { $ref: '#/components/responses/NotReady' }
   */
  router.get('/readyz', (ctx) => {
    ctx.set('cache-control', 'no-store');
    if (!registry.ready)
      throw new HttpProblem(503, 'not-ready', notReadyDetail(registry.state), [], { 'retry-after': '1' });
    ctx.body = { status: 'ready', models: registry.names() };
  });

  /**
   * @openapi
   * /healthz:
   *   get:
   *     operationId: healthz
   *     tags: [Health]
   *     summary: Overall health summary (always 200 while the process answers)
   *     responses:
   *       '200':
   *         description: Liveness, readiness, the models served and the uptime.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/Health' }
   */
  router.get('/healthz', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = {
      status: registry.ready ? 'ok' : 'degraded',
      live: true,
      ready: registry.ready,
      state: registry.state,
      models: registry.ready ? registry.names() : [],
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    };
  });

  /**
   * @openapi
   * /metrics:
   *   get:
   *     operationId: metrics
   *     tags: [Health]
   *     summary: Prometheus metrics
   *     description: >-
   *       `http_requests_total` and `http_request_duration_seconds` by method, route and status;
   *       `predictions_total` by model, version and source; `validation_failures_total` by field; process metrics.
   *       With several workers, the sum over all of them.
   *     responses:
   *       '200':
   *         description: Prometheus text exposition format 0.0.4.
   *         content:
   *           text/plain:
   *             schema: { type: string }
   */
  // With METRICS_PORT set, /metrics is served on that port only (registerMetricsRoute on the metrics app).
  if (context.config.metricsPort === undefined) registerMetricsRoute(router, context);
}

/**
 * Registers `GET /metrics` (the Prometheus text of this process, or of every worker of a cluster).
 *
 * @example
 * registerMetricsRoute(metricsRouter, context);
 */
export function registerMetricsRoute(router: ApiRouter, context: RouteContext): void {
  router.get('/metrics', async (ctx) => {
    ctx.set('cache-control', 'no-store');
    let text: string | undefined;
    if (context.clusterMetrics) {
      try {
        text = await context.clusterMetrics();
      } catch (error) {
        context.logger.warn({ err: error }, "cluster metrics unavailable; answering this worker's own");
      }
    }
    ctx.body = text ?? (await context.metrics.registry.metrics());
    ctx.type = context.metrics.registry.contentType;
  });
}
