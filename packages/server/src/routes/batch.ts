import type { LoadedBundleView } from '../contract.js';
import { unknownFieldFlood } from '../field-guard.js';
import { countValidationFailures } from '../metrics.js';
import { readBody, requireBody } from '../middleware/body.js';
import { CsvRowError, csvToBuildings } from '../csv-buildings.js';
import { modelHeader, predictionFields, type BatchRow } from '../prediction.js';
import { HttpProblem } from '../problem.js';
import { booleanQuery, stringQuery, type ApiRouter, type RouteContext } from './route-context.js';

function tooLarge(count: number, limit: number): HttpProblem {
  return new HttpProblem(413, 'batch-too-large', `The batch has ${count} or more buildings; the limit is ${limit}.`, [
    { path: 'buildings', message: `at most ${limit} buildings per request` },
  ]);
}

/** The buildings of a JSON batch body, or a 422 saying what shape is expected. */
function jsonBuildings(body: unknown, limit: number): unknown[] {
  const buildings =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as { buildings?: unknown }).buildings
      : undefined;
  if (!Array.isArray(buildings)) {
    throw new HttpProblem(
      422,
      'invalid-body',
      'The body must be an object {"buildings": [...]} with an array of buildings.',
      [{ path: 'buildings', message: 'must be an array of buildings' }],
    );
  }
  const extra = Object.keys(body as object).filter((key) => key !== 'buildings');
  if (extra.length > 0) {
    throw new HttpProblem(
      422,
      'invalid-body',
      `Unknown field${extra.length === 1 ? '' : 's'} in the batch body: ${extra.slice(0, 5).join(', ')}.`,
      extra.slice(0, 20).map((key) => ({ path: key.slice(0, 100), message: 'unknown field' })),
    );
  }
  if (buildings.length > limit) throw tooLarge(buildings.length, limit);
  return buildings;
}

function predictRow(
  context: RouteContext,
  bundle: LoadedBundleView,
  index: number,
  input: unknown,
  explain: boolean,
): BatchRow {
  if (input instanceof CsvRowError) {
    return { index, error: { status: 422, title: 'Invalid input', errors: [{ path: '', message: input.message }] } };
  }
  const flood = unknownFieldFlood(input, context.buildingFields);
  if (flood) return { index, error: { status: 422, title: 'Invalid input', errors: flood } };
  const validation = context.schema.validateBuilding(input);
  if (!validation.ok) {
    countValidationFailures(context.metrics, validation.errors, context.buildingFields);
    return { index, error: { status: 422, title: 'Invalid input', errors: validation.errors } };
  }
  const prediction = bundle.predict(validation.building, explain ? { explain: true } : {});
  return predictionFields(prediction, validation.warnings, explain, { index });
}

/**
 * Registers `POST /v1/predict/batch` (JSON or CSV).
 *
 * @example
 * registerBatchRoutes(router, context);
 */
export function registerBatchRoutes(router: ApiRouter, context: RouteContext): void {
  const limit = context.config.batchLimit;

  /**
   * @openapi
   * /v1/predict/batch:
   *   post:
   *     operationId: predictBatch
   *     tags: [Predictions]
   *     summary: Predict many buildings (JSON or CSV)
   *     description: >-
   *       Up to the batch limit (`BATCH_LIMIT`, 1,000 by default) of buildings, answered in order: each result is a
   *       prediction or `{ error }` for that index; no row is dropped. A CSV body has a header row with the
   *       building's field names and one building per row; empty cells are absent fields. `model` picks a model
   *       other than `site-energy`.
   *     parameters:
   *       - $ref: '#/components/parameters/BatchModel'
   *       - $ref: '#/components/parameters/ModelVersion'
   *       - $ref: '#/components/parameters/Explain'
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { $ref: '#/components/schemas/BatchRequest' }
   *           examples:
   *             two: { $ref: '#/components/examples/BatchRequest' }
   *         text/csv:
   *           schema: { type: string }
   *           examples:
   *             two: { $ref: '#/components/examples/BatchCsv' }
   *     responses:
   *       '200':
   *         description: One result per input row, in order.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/BatchResponse' }
   *             examples:
   *               mixed: { $ref: '#/components/examples/BatchResponse' }
   *       '400': { $ref: '#/components/responses/MalformedRequest' }
   *       '404': { $ref: '#/components/responses/NotFound' }
   *       '413': { $ref: '#/components/responses/PayloadTooLarge' }
   *       '415': { $ref: '#/components/responses/UnsupportedMediaType' }
   *       '422': { $ref: '#/components/responses/InvalidBody' }
   *       '503': { $ref: '#/components/responses/NotReady' }
   */
  router.post('/v1/predict/batch', readBody('json-or-csv', context.config.bodyLimit), (ctx) => {
    const explain = booleanQuery(ctx.query['explain'], 'explain');
    const version = stringQuery(ctx.query['version'], 'version');
    const bundle = context.registry.bundle(stringQuery(ctx.query['model'], 'model') ?? context.defaultModel, version);
    const body = requireBody(ctx.request.body);
    const inputs =
      ctx.request.type === 'text/csv'
        ? csvToBuildings(String(body), context.buildingFields, limit)
        : jsonBuildings(body, limit);
    if (inputs.length > limit) throw tooLarge(inputs.length, limit);
    const results = inputs.map((input, index) => predictRow(context, bundle, index, input, explain));
    const predicted = results.reduce((n, row) => n + ('error' in row ? 0 : 1), 0);
    if (predicted > 0) {
      context.metrics.predictions.inc(
        { model: bundle.manifest.name, version: bundle.manifest.version, source: 'batch' },
        predicted,
      );
    }
    ctx.body = { ...modelHeader(bundle.manifest), count: results.length, failed: results.length - predicted, results };
  });
}
