import type { LoadedBundleView } from '../contract.js';
import { MAX_UNKNOWN_FIELDS, unknownFieldFlood } from '../field-guard.js';
import { countValidationFailures } from '../metrics.js';
import { readBody, requireBody } from '../middleware/body.js';
import { predictionResponse } from '../prediction.js';
import { HttpProblem } from '../problem.js';
import { booleanQuery, stringQuery, type ApiRouter, type RouteContext } from './route-context.js';

/**
 * Validates one building and predicts it with `bundle`, counting the prediction or the refused fields.
 * Shared by `POST /v1/predict` and `POST /v1/models/{name}/predict`.
 */
function predictOne(context: RouteContext, bundle: LoadedBundleView, body: unknown, explain: boolean) {
  const flood = unknownFieldFlood(requireBody(body), context.buildingFields);
  if (flood)
    throw new HttpProblem(
      422,
      'invalid-building',
      `The building has more than ${MAX_UNKNOWN_FIELDS} unknown fields.`,
      flood,
    );
  const validation = context.schema.validateBuilding(body);
  if (!validation.ok) {
    countValidationFailures(context.metrics, validation.errors, context.buildingFields);
    const count = validation.errors.length;
    throw new HttpProblem(
      422,
      'invalid-building',
      `The building has ${count} invalid field${count === 1 ? '' : 's'}.`,
      validation.errors,
    );
  }
  const response = predictionResponse(bundle, validation.building, validation.warnings, explain);
  predictionCounter(context, bundle).inc();
  return response;
}

const counters = new WeakMap<LoadedBundleView, { inc(): void }>();

/** The bound counter child of a bundle, cached: label hashing per request is measurable on the hot path. */
function predictionCounter(context: RouteContext, bundle: LoadedBundleView): { inc(): void } {
  let counter = counters.get(bundle);
  if (counter === undefined) {
    counter = context.metrics.predictions.labels({
      model: bundle.manifest.name,
      version: bundle.manifest.version,
      source: 'single',
    });
    counters.set(bundle, counter);
  }
  return counter;
}

/**
 * Registers the single-building prediction routes.
 *
 * @example
 * registerPredictRoutes(router, context);
 */
export function registerPredictRoutes(router: ApiRouter, context: RouteContext): void {
  const body = readBody('json', context.config.bodyLimit);

  /**
   * @openapi
   * /v1/predict:
   *   post:
   *     operationId: predict
   *     tags: [Predictions]
   *     summary: Predict one building's annual site energy use
   *     description: >-
   *       Validates the building (every violation is listed in a 422), encodes it and predicts with the default
   *       model (`site-energy`). With `explain=true` the answer adds `baseValue` and `contributions` (TreeSHAP in the
   *       model's log space, per input field of the building; their sum with `baseValue` is `ln(value)`).
   *     parameters:
   *       - $ref: '#/components/parameters/Explain'
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { $ref: '#/components/schemas/Building' }
   *           examples:
   *             office: { $ref: '#/components/examples/Building' }
   *     responses:
   *       '200':
   *         description: The prediction, its interval and any warnings about inputs outside the training data.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/Prediction' }
   *             examples:
   *               prediction: { $ref: '#/components/examples/Prediction' }
   *       '400': { $ref: '#/components/responses/MalformedRequest' }
   *       '413': { $ref: '#/components/responses/PayloadTooLarge' }
   *       '415': { $ref: '#/components/responses/UnsupportedMediaType' }
   *       '422': { $ref: '#/components/responses/InvalidBuilding' }
   *       '503': { $ref: '#/components/responses/NotReady' }
   */
  router.post('/v1/predict', body, (ctx) => {
    const explain = booleanQuery(ctx.query['explain'], 'explain');
    const bundle = context.registry.bundle(context.defaultModel);
    ctx.body = predictOne(context, bundle, ctx.request.body, explain);
  });

  /**
   * @openapi
   * /v1/models/{name}/predict:
   *   post:
   *     operationId: predictWithModel
   *     tags: [Predictions]
   *     summary: Predict one building with a named model
   *     description: The same as `POST /v1/predict` for `site-energy` or `ghg-emissions`, optionally a given version.
   *     parameters:
   *       - $ref: '#/components/parameters/ModelName'
   *       - $ref: '#/components/parameters/ModelVersion'
   *       - $ref: '#/components/parameters/Explain'
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { $ref: '#/components/schemas/Building' }
   *           examples:
   *             office: { $ref: '#/components/examples/Building' }
   *     responses:
   *       '200':
   *         description: The prediction of the named model.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/Prediction' }
   *             examples:
   *               prediction: { $ref: '#/components/examples/Prediction' }
   *       '400': { $ref: '#/components/responses/MalformedRequest' }
   *       '404': { $ref: '#/components/responses/NotFound' }
   *       '413': { $ref: '#/components/responses/PayloadTooLarge' }
   *       '415': { $ref: '#/components/responses/UnsupportedMediaType' }
   *       '422': { $ref: '#/components/responses/InvalidBuilding' }
   *       '503': { $ref: '#/components/responses/NotReady' }
   */
  router.post('/v1/models/:name/predict', body, (ctx) => {
    const explain = booleanQuery(ctx.query['explain'], 'explain');
    const version = stringQuery(ctx.query['version'], 'version');
    const bundle = context.registry.bundle(ctx.params['name'] ?? '', version);
    ctx.body = predictOne(context, bundle, ctx.request.body, explain);
  });
}
