import type { Middleware } from 'koa';

import type { Logger } from '../logger.js';
import { HttpProblem, PROBLEM_CONTENT_TYPE, problemBody } from '../problem.js';
import type { RequestState } from './observe.js';

/** Errors raised by the body reader (raw-body / co-body) carry a `type` naming what went wrong. */
interface BodyReaderError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  limit?: number;
}

/**
 * Maps a thrown value to the problem the client sees. Known errors keep their meaning; anything else is a 500
 * whose detail says nothing about the internals.
 *
 * @example
 * toProblem(Object.assign(new Error('x'), { status: 413, type: 'entity.too.large', limit: 1024 })).status // 413
 */
export function toProblem(error: unknown): { problem: HttpProblem; unexpected: boolean } {
  if (error instanceof HttpProblem) return { problem: error, unexpected: false };
  const info = (typeof error === 'object' && error !== null ? error : {}) as BodyReaderError;
  const status = info.status ?? info.statusCode;
  // co-body's JSON parser (bourne) throws a SyntaxError with status 400, also for a "__proto__" key.
  if (error instanceof SyntaxError && status === 400) {
    const proto = /prototype property/.test(error.message);
    return {
      problem: new HttpProblem(
        400,
        'malformed-json',
        proto ? 'The JSON body contains a forbidden "__proto__" key.' : 'The request body is not valid JSON.',
        [{ path: '', message: proto ? 'forbidden __proto__ key' : 'invalid JSON' }],
      ),
      unexpected: false,
    };
  }
  switch (info.type) {
    case 'entity.parse.failed':
      return {
        problem: new HttpProblem(400, 'malformed-json', 'The request body is not valid JSON.', [
          { path: '', message: 'invalid JSON' },
        ]),
        unexpected: false,
      };
    case 'entity.too.large':
      return {
        problem: new HttpProblem(
          413,
          'payload-too-large',
          `The request body is larger than the limit of ${info.limit ?? 'the server'} bytes.`,
          [{ path: '', message: `body larger than ${info.limit ?? 'the limit'} bytes` }],
        ),
        unexpected: false,
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        problem: new HttpProblem(
          415,
          'unsupported-media-type',
          'The body must be UTF-8 encoded, without content encoding other than gzip or deflate.',
        ),
        unexpected: false,
      };
    case 'request.aborted':
    case 'request.size.invalid':
      return {
        problem: new HttpProblem(400, 'malformed-request', 'The request body ended before its announced length.'),
        unexpected: false,
      };
    default:
      break;
  }
  if (status === 415)
    return {
      problem: new HttpProblem(415, 'unsupported-media-type', 'The content encoding of the body is not supported.'),
      unexpected: false,
    };
  if (status === 400 && info.expose === true)
    return { problem: new HttpProblem(400, 'malformed-request', 'The request is malformed.'), unexpected: false };
  return {
    problem: new HttpProblem(500, 'internal', 'The server failed to answer this request; it has been logged.'),
    unexpected: true,
  };
}

/**
 * The one error middleware: every error below it becomes an `application/problem+json` response (RFC 9457);
 * unexpected ones are logged once with their stack, and answered 500 without internals.
 *
 * @example
 * app.use(errorHandler({ logger }));
 */
export function errorHandler(options: { logger: Logger }): Middleware<RequestState> {
  const { logger } = options;
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { problem, unexpected } = toProblem(error);
      if (unexpected) logger.error({ reqId: ctx.state.requestId, err: error }, 'unexpected error');
      ctx.status = problem.status;
      for (const [name, value] of Object.entries(problem.headers)) ctx.set(name, value);
      ctx.body = problemBody(problem, ctx.state.requestId);
      ctx.type = PROBLEM_CONTENT_TYPE;
    }
  };
}
