import type { Middleware } from 'koa';

import { PROBLEM_CONTENT_TYPE } from '../problem.js';

/** The path prefix of the Open Inference Protocol's REST routes. */
const PROTOCOL_PREFIX = '/v2';

/**
 * The protocol requires every error body to hold `{"error": "<message>"}`. Placed above the error middleware, this
 * adds that member (the problem's `detail`) to every problem answered under `/v2`, so a protocol client reads its
 * `error` while the body stays a complete RFC 9457 problem.
 *
 * @example
 * app.use(observe(...)).use(inferenceErrorMember()).use(errorHandler({ logger }));
 */
export function inferenceErrorMember(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.path !== PROTOCOL_PREFIX && !ctx.path.startsWith(`${PROTOCOL_PREFIX}/`)) return;
    if (ctx.response.type !== PROBLEM_CONTENT_TYPE) return;
    const body = ctx.body as { detail?: unknown; error?: unknown } | null | undefined;
    if (typeof body === 'object' && body !== null && typeof body.detail === 'string') body.error = body.detail;
  };
}
