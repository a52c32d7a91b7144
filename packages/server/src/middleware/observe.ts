import { randomUUID } from 'node:crypto';

import type { Middleware } from 'koa';

import type { Logger } from '../logger.js';
import type { ServerMetrics } from '../metrics.js';

/** A client's `x-request-id` is echoed only if it is short and made of safe characters; otherwise one is generated. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Koa state the observe middleware sets for the rest of the chain. */
export interface RequestState {
  requestId: string;
}

/**
 * Outermost middleware: assigns the request id (returned as `x-request-id`), then, once the response is decided,
 * writes one JSON log line and records the request count and latency by route template and status.
 * While `draining()` is true, answers carry `connection: close`.
 *
 * @example
 * app.use(observe({ logger, metrics }));
 */
export function observe(options: {
  logger: Logger;
  metrics: ServerMetrics;
  draining?: () => boolean;
}): Middleware<RequestState> {
  const { logger, metrics, draining } = options;
  // Bound label children per (method, route, status): prom-client hashes the label object on every call otherwise.
  const children = new Map<string, { count: { inc(): void }; latency: { observe(value: number): void } }>();
  const record = (method: string, route: string, status: number, seconds: number) => {
    const key = `${method} ${route} ${status}`;
    let child = children.get(key);
    if (child === undefined) {
      const labels = { method, route, status: String(status) };
      child = { count: metrics.requests.labels(labels), latency: metrics.latency.labels(labels) };
      // Methods are free-form in HTTP: keep the cache bounded whatever clients send.
      if (children.size < 1000) children.set(key, child);
    }
    child.count.inc();
    child.latency.observe(seconds);
  };
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    const offered = ctx.get('x-request-id');
    const requestId = offered !== '' && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('x-request-id', requestId);
    try {
      await next();
    } finally {
      // A process shutting down closes each connection after its answer, so keep-alive clients reconnect elsewhere.
      if (draining?.() === true) ctx.set('connection', 'close');
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // The route template (not the raw path) keeps label values bounded.
      const route = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      const routeLabel = typeof route === 'string' ? route : 'unmatched';
      record(ctx.method, routeLabel, ctx.status, seconds);
      if (logger.isLevelEnabled('info')) {
        logger.info(
          {
            reqId: requestId,
            method: ctx.method,
            path: ctx.path,
            route: routeLabel,
            status: ctx.status,
            ms: seconds * 1000,
          },
          'request',
        );
      }
    }
  };
}
