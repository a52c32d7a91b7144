import type Router from '@koa/router';

import type { BuildingSchemaApi } from '../contract.js';
import type { ServerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { ServerMetrics } from '../metrics.js';
import type { ModelRegistry } from '../model-registry.js';
import type { RequestState } from '../middleware/observe.js';
import { HttpProblem } from '../problem.js';

/** What every route module receives: the injected parts of the app. */
export interface RouteContext {
  readonly registry: ModelRegistry;
  readonly schema: BuildingSchemaApi;
  readonly config: ServerConfig;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  /** Top-level field names of the building schema (bounded label values for metrics, CSV column types). */
  readonly buildingFields: ReadonlyMap<string, 'number' | 'integer' | 'boolean' | 'string'>;
  /** The model `POST /v1/predict` uses. */
  readonly defaultModel: string;
  /** The whole cluster's metrics, when this process is one worker of several. */
  readonly clusterMetrics?: () => Promise<string>;
}

/** The router type shared by the route modules. */
export type ApiRouter = Router<RequestState>;

/**
 * Reads a boolean query flag (`true`/`false`/`1`/`0`, absent = false); anything else is a 400 naming the parameter.
 *
 * @example
 * booleanQuery(ctx.query['explain'], 'explain') // true for ?explain=true
 */
export function booleanQuery(raw: string | string[] | undefined, name: string): boolean {
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1' || raw === '') return true;
  throw new HttpProblem(400, 'invalid-query', `Query parameter "${name}" must be true or false.`, [
    { path: name, message: 'must be true or false' },
  ]);
}

/**
 * Reads an optional single-valued string query parameter; repeated or overly long values are a 400.
 *
 * @example
 * stringQuery(ctx.query['version'], 'version') // '1.0.0' or undefined
 */
export function stringQuery(raw: string | string[] | undefined, name: string): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 100) {
    throw new HttpProblem(400, 'invalid-query', `Query parameter "${name}" must be given once, 1 to 100 characters.`, [
      { path: name, message: 'must be a single non-empty value' },
    ]);
  }
  return raw;
}
