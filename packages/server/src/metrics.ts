import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, on their own registry so several apps (tests, workers) never share counters. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** `http_requests_total{method,route,status}` */
  readonly requests: Counter<'method' | 'route' | 'status'>;
  /** `http_request_duration_seconds{method,route,status}` */
  readonly latency: Histogram<'method' | 'route' | 'status'>;
  /** `predictions_total{model,version,source}`: one per predicted building (source: single, batch, v2, grpc). */
  readonly predictions: Counter<'model' | 'version' | 'source'>;
  /** `validation_failures_total{field}`: one per invalid field of a refused building. */
  readonly validationFailures: Counter<'field'>;
}

/** Latency buckets in seconds: fine below 10 ms where predictions live, coarse above for batches. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates the metrics on a fresh registry, with the default process metrics (CPU, memory, event loop lag, GC).
 *
 * @example
 * const metrics = createMetrics();
 * metrics.predictions.inc({ model: 'site-energy', version: '1.0.0', source: 'single' });
 * const text = await metrics.registry.metrics();
 */
export function createMetrics(
  options: { processMetrics?: boolean; labels?: Record<string, string> } = {},
): ServerMetrics {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.processMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    // The exact Node.js version tells an attacker which CVEs apply; it is not needed to run the service.
    registry.removeSingleMetric('nodejs_version_info');
  }
  return {
    registry,
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status.',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request start to response finished, by method, route template and status.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    predictions: new Counter({
      name: 'predictions_total',
      help: 'Buildings predicted, by model, version and endpoint family (single, batch, v2).',
      labelNames: ['model', 'version', 'source'] as const,
      registers: [registry],
    }),
    validationFailures: new Counter({
      name: 'validation_failures_total',
      help: 'Invalid fields in refused buildings, by top-level field name.',
      labelNames: ['field'] as const,
      registers: [registry],
    }),
  };
}

/**
 * Counts a refused building's errors by their top-level field. Only the schema's own field names become label
 * values (`(body)` for the body itself, `(unknown)` for any other key), so a client cannot grow the series without bound.
 *
 * @example
 * countValidationFailures(metrics, [{ path: 'yearBuilt', message: '...' }], new Set(['yearBuilt']));
 */
export function countValidationFailures(
  metrics: ServerMetrics,
  errors: readonly { path: string }[],
  knownFields: { has(field: string): boolean },
): void {
  for (const error of errors) {
    const head = error.path.replace(/^\//, '').split(/[/.[]/)[0] ?? '';
    const field = head === '' ? '(body)' : knownFields.has(head) ? head : '(unknown)';
    metrics.validationFailures.inc({ field });
  }
}
