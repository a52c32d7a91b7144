import { runInference } from '../inference-protocol/infer.js';
import { checkRestInferRequest } from '../inference-protocol/rest-request.js';
import { readBody, requireBody } from '../middleware/body.js';
import { pathVersion } from './inference-protocol.js';
import { stringQuery, type ApiRouter, type RouteContext } from './route-context.js';

/**
 * Registers the Open Inference Protocol's inference routes (REST), versioned and unversioned.
 *
 * @example
 * registerInferenceProtocolInferRoutes(router, context);
 */
export function registerInferenceProtocolInferRoutes(router: ApiRouter, context: RouteContext): void {
  const { registry, config, metrics } = context;

  /**
   * @openapi
   * /v2/models/{name}/infer:
   *   post:
   *     operationId: v2Infer
   *     tags: [Open Inference Protocol]
   *     summary: Inference on encoded feature vectors (latest version, or `?version=`)
   *     description: >-
   *       One input tensor `features`, FP32 or FP64, shape `[rows, features]` (or `[features]`), `data` flat or
   *       nested as the shape, row-major; `null` stands for a missing feature. The output `predict` holds each row's
   *       value in the target's unit. The features are the model's encoded features in training order (see
   *       `GET /v2/models/{name}`). The explain extension: with `parameters: {"explain": true}` the answer also has
   *       `contributions`, FP64 `[rows, features + 1]`, TreeSHAP per feature in log space with the bias last, the
   *       values `/v1/predict?explain=true` folds onto the building's fields. An unknown input or output, another
   *       datatype or a shape that does not fit is a 400 listing every problem.
   *     parameters:
   *       - $ref: '#/components/parameters/ModelName'
   *       - $ref: '#/components/parameters/ModelVersion'
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { $ref: '#/components/schemas/V2InferRequest' }
   *     responses:
   *       '200':
   *         description: One value per row (and the contributions with explain).
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2InferResponse' }
   *       '400': { $ref: '#/components/responses/V2BadRequest' }
   *       '404': { $ref: '#/components/responses/V2NotFound' }
   *       '413': { $ref: '#/components/responses/V2PayloadTooLarge' }
   *       '415': { $ref: '#/components/responses/V2UnsupportedMediaType' }
   *       '503': { $ref: '#/components/responses/V2NotReady' }
   * /v2/models/{name}/versions/{version}/infer:
   *   post:
   *     operationId: v2VersionInfer
   *     tags: [Open Inference Protocol]
   *     summary: Inference on encoded feature vectors (one version)
   *     description: As `POST /v2/models/{name}/infer`, with the version in the path.
   *     parameters:
   *       - $ref: '#/components/parameters/ModelName'
   *       - $ref: '#/components/parameters/ModelVersionPath'
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { $ref: '#/components/schemas/V2InferRequest' }
   *     responses:
   *       '200':
   *         description: One value per row (and the contributions with explain).
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2InferResponse' }
   *       '400': { $ref: '#/components/responses/V2BadRequest' }
   *       '404': { $ref: '#/components/responses/V2NotFound' }
   *       '413': { $ref: '#/components/responses/V2PayloadTooLarge' }
   *       '415': { $ref: '#/components/responses/V2UnsupportedMediaType' }
   *       '503': { $ref: '#/components/responses/V2NotReady' }
   */
  for (const path of ['/v2/models/:name/infer', '/v2/models/:name/versions/:version/infer']) {
    router.post(path, readBody('json', config.bodyLimit), (ctx) => {
      const version = pathVersion(ctx.params) ?? stringQuery(ctx.query['version'], 'version');
      const bundle = registry.bundle(ctx.params['name'] ?? '', version);
      const request = checkRestInferRequest(requireBody(ctx.request.body), bundle.model.numFeatures, config.batchLimit);
      ctx.body = runInference(bundle, request, metrics, 'v2');
    });
  }
}
