import readJson from 'co-body/lib/json.js';
import readText from 'co-body/lib/text.js';
import type { Middleware } from 'koa';

import { HttpProblem } from '../problem.js';

/** Media types a route accepts. */
export type BodyKind = 'json' | 'json-or-csv';

function isJsonType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

declare module 'koa' {
  interface Request {
    /** The request body read by `readBody`: parsed JSON, CSV text, or undefined when the request had none. */
    body?: unknown;
  }
}

const jsonTypes = ['application/json', '+json'];
const textTypes = ['text/csv'];
const parsedMethods = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Checks the content type (415 otherwise, naming what is accepted) and reads the body with co-body, bounded by
 * `limit` bytes (413 above it, 400 for malformed JSON). CSV arrives as text for the batch route to parse.
 *
 * co-body is called directly (the reader koa-body wraps, with the options koa-body passed it): the same errors and
 * limits, without koa-body's option validation, multipart and form parsers, which cost a few hundred ms of start time.
 *
 * @example
 * router.post('/v1/predict', readBody('json', 2 * 1024 * 1024), handler);
 */
export function readBody(kind: BodyKind, limit: number): Middleware {
  // Top-level scalars are valid JSON (strict off); the routes refuse them with a 422 that says what shape is expected.
  const jsonOptions = { encoding: 'utf-8', limit, strict: false, returnRawBody: false } as const;
  const textOptions = { encoding: 'utf-8', limit, returnRawBody: false } as const;
  const text = kind === 'json-or-csv';
  const accepted = kind === 'json' ? 'application/json' : 'application/json or text/csv';
  return async (ctx, next) => {
    const type = ctx.request.type;
    const ok = isJsonType(type) || (text && type === 'text/csv');
    if (!ok) {
      const got = type === '' ? 'no Content-Type' : `Content-Type ${type}`;
      throw new HttpProblem(415, 'unsupported-media-type', `This endpoint accepts ${accepted}; the request has ${got}.`, [
        { path: '', message: `content type must be ${accepted}` },
      ]);
    }
    // `ctx.is` is false for a request without a body (no length, not chunked): the body stays undefined (400 later).
    if (parsedMethods.has(ctx.method.toUpperCase())) {
      if (ctx.is(jsonTypes)) {
        ctx.request.body = await readJson(ctx, jsonOptions);
      } else if (text && ctx.is(textTypes)) {
        ctx.request.body = await readText(ctx, textOptions);
      }
    }
    return next();
  };
}

/** The parsed body, or a 400 if the request had none. */
export function requireBody(body: unknown): unknown {
  if (body === undefined || body === '') {
    throw new HttpProblem(400, 'malformed-request', 'The request has no body.', [{ path: '', message: 'body required' }]);
  }
  return body;
}
