import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';

import { HttpProblem } from '../problem.js';

/** Media types a route accepts. */
export type BodyKind = 'json' | 'json-or-csv';

function isJsonType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Checks the content type (415 otherwise, naming what is accepted) and reads the body with koa-body, bounded by
 * `limit` bytes (413 above it, 400 for malformed JSON). CSV arrives as text for the batch route to parse.
 *
 * @example
 * router.post('/v1/predict', readBody('json', 2 * 1024 * 1024), handler);
 */
export function readBody(kind: BodyKind, limit: number): Middleware {
  const parse = koaBody({
    json: true,
    text: kind === 'json-or-csv',
    urlencoded: false,
    multipart: false,
    // Top-level scalars are valid JSON; the routes refuse them with a 422 that says what shape is expected.
    jsonStrict: false,
    jsonLimit: limit,
    textLimit: limit,
    jsonTypes: ['application/json', '+json'],
    textTypes: ['text/csv'],
  });
  const accepted = kind === 'json' ? 'application/json' : 'application/json or text/csv';
  return async (ctx, next) => {
    const type = ctx.request.type;
    const ok = isJsonType(type) || (kind === 'json-or-csv' && type === 'text/csv');
    if (!ok) {
      const got = type === '' ? 'no Content-Type' : `Content-Type ${type}`;
      throw new HttpProblem(
        415,
        'unsupported-media-type',
        `This endpoint accepts ${accepted}; the request has ${got}.`,
        [{ path: '', message: `content type must be ${accepted}` }],
      );
    }
    await parse(ctx, next);
  };
}

/** The parsed body, or a 400 if the request had none. */
export function requireBody(body: unknown): unknown {
  if (body === undefined || body === '') {
    throw new HttpProblem(400, 'malformed-request', 'The request has no body.', [
      { path: '', message: 'body required' },
    ]);
  }
  return body;
}
