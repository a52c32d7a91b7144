import type { FieldError } from './contract.js';

/** The problem types the API answers with; each `type` URI is documented in the README's error table. */
export const PROBLEM_TITLES = {
  400: 'Malformed request',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Invalid input',
  500: 'Internal server error',
  503: 'Service unavailable',
} as const;

/** An HTTP status the API answers problems with. */
export type ProblemStatus = keyof typeof PROBLEM_TITLES;

/** Slugs of the `type` URIs, one per distinct problem. */
export type ProblemType =
  | 'malformed-json'
  | 'malformed-request'
  | 'not-found'
  | 'method-not-allowed'
  | 'request-timeout'
  | 'payload-too-large'
  | 'batch-too-large'
  | 'unsupported-media-type'
  | 'invalid-building'
  | 'invalid-body'
  | 'malformed-csv'
  | 'invalid-query'
  | 'invalid-tensor'
  | 'internal'
  | 'not-ready'
  | 'model-not-found'
  | 'building-not-found';

/** Base URI of the problem types; relative so that it resolves against the deployment's own host (RFC 9457 3.1.1). */
export const PROBLEM_TYPE_BASE = '/problems/';

/**
 * An error the API answers with as `application/problem+json` (RFC 9457).
 *
 * Thrown by routes and middleware; the error middleware at the top of the chain turns it into the response.
 * `detail` and `errors` must never carry internals (stack, file path, library versions).
 *
 * @example
 * throw new HttpProblem(422, 'invalid-building', 'The building has 2 invalid fields.', [
 *   { path: 'yearBuilt', message: 'must be 1850 or later (was 1700)' },
 * ]);
 */
export class HttpProblem extends Error {
  readonly status: ProblemStatus;
  readonly type: ProblemType;
  readonly detail: string;
  readonly errors: readonly FieldError[];
  /** Extra response headers (e.g. `Allow` for 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: ProblemStatus,
    type: ProblemType,
    detail: string,
    errors: readonly FieldError[] = [],
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.type = type;
    this.detail = detail;
    this.errors = errors;
    this.headers = headers;
  }
}

/** The JSON body of a problem response. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors: readonly FieldError[];
}

/**
 * Renders a problem as its RFC 9457 body; `instance` identifies this occurrence by request id.
 *
 * @example
 * problemBody(new HttpProblem(404, 'not-found', 'No route GET /nope.'), 'req-1')
 * // { type: '/problems/not-found', title: 'Not found', status: 404, detail: 'No route GET /nope.', instance: 'urn:request:req-1', errors: [] }
 */
export function problemBody(problem: HttpProblem, requestId: string): ProblemBody {
  return {
    type: PROBLEM_TYPE_BASE + problem.type,
    title: PROBLEM_TITLES[problem.status],
    status: problem.status,
    detail: problem.detail,
    instance: `urn:request:${requestId}`,
    errors: problem.errors,
  };
}

/** Media type of problem responses. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
