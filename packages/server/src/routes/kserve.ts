import { readBody, requireBody } from '../middleware/body.js';
import { readFeatureRows } from '../kserve-tensor.js';
import { HttpProblem } from '../problem.js';
import { modelVersions } from './models.js';
import { stringQuery, type ApiRouter, type RouteContext } from './route-context.js';

/** The value in the target's unit from whatever `predictEncoded` returns (a number, or a prediction object). */
function encodedValue(result: unknown): number {
  if (typeof result === 'number') return result;
  const value = (result as { value?: unknown } | null)?.value;
  if (typeof value === 'number') return value;
  throw new TypeError('predictEncoded returned neither a number nor an object with a numeric value');
}

/**
 * Registers the Open Inference Protocol (KServe V2 REST) routes for callers that send encoded feature vectors.
 *
 * @example
 * registerKserveRoutes(router, context);
 */
export function registerKserveRoutes(router: ApiRouter, context: RouteContext): void {
  const { registry } = context;

  /**
   * @openapi
   * /v2/health/live:
   *   get:
   *     operationId: v2Live
   *     tags: [Open Inference Protocol]
   *     summary: Server liveness (KServe V2)
   *     responses:
   *       '200':
   *         description: Live.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2Live' }
   */
  router.get('/v2/health/live', (ctx) => {
    ctx.body = { live: true };
  });

  /**
   * @openapi
   * /v2/health/ready:
   *   get:
   *     operationId: v2Ready
   *     tags: [Open Inference Protocol]
   *     summary: Server readiness (KServe V2)
   *     responses:
   *       '200':
   *         description: Ready.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2Ready' }
   *       '503': { $ref: '#/components/responses/NotReady' }
   */
  router.get('/v2/health/ready', (ctx) => {
    registry.store();
    if (!registry.ready)
      throw new HttpProblem(503, 'not-ready', 'The service is shutting down.', [], { 'retry-after': '1' });
    ctx.body = { ready: true };
  });

  /**
   * @openapi
   * /v2/models/{name}:
   *   get:
   *     operationId: v2ModelMetadata
   *     tags: [Open Inference Protocol]
   *     summary: Model metadata (KServe V2)
   *     parameters:
   *       - $ref: '#/components/parameters/ModelName'
   *     responses:
   *       '200':
   *         description: The input tensor the model expects (encoded features in training order) and its output.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2ModelMetadata' }
   *       '404': { $ref: '#/components/responses/NotFound' }
   *       '503': { $ref: '#/components/responses/NotReady' }
   */
  router.get('/v2/models/:name', (ctx) => {
    const name = ctx.params['name'] ?? '';
    const bundle = registry.bundle(name);
    ctx.body = {
      name: bundle.manifest.name,
      versions: modelVersions(registry, name, bundle),
      platform: 'seattle-energy-tree-ensemble',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, bundle.model.numFeatures] }],
      outputs: [{ name: 'predict', datatype: 'FP64', shape: [-1] }],
      parameters: {
        feature_names: bundle.manifest.features.map((feature) => feature.name),
        target: bundle.manifest.target.column,
        unit: bundle.manifest.target.unit,
      },
    };
  });

  /**
   * @openapi
   * /v2/models/{name}/infer:
   *   post:
   *     operationId: v2Infer
   *     tags: [Open Inference Protocol]
   *     summary: Inference on encoded feature vectors (KServe V2)
   *     description: >-
   *       One FP32 or FP64 input tensor of shape `[rows, features]` (or `[features]`), row-major `data` (flat or
   *       nested); `null` stands for a missing feature. The output `predict` holds each row's value in the target's
   *       unit. The features are the model's encoded features in training order (see `GET /v2/models/{name}`).
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
   *         description: One value per row.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2InferResponse' }
   *       '400': { $ref: '#/components/responses/MalformedRequest' }
   *       '404': { $ref: '#/components/responses/NotFound' }
   *       '413': { $ref: '#/components/responses/PayloadTooLarge' }
   *       '415': { $ref: '#/components/responses/UnsupportedMediaType' }
   *       '422': { $ref: '#/components/responses/InvalidTensor' }
   *       '503': { $ref: '#/components/responses/NotReady' }
   */
  router.post('/v2/models/:name/infer', readBody('json', context.config.bodyLimit), (ctx) => {
    const bundle = registry.bundle(ctx.params['name'] ?? '', stringQuery(ctx.query['version'], 'version'));
    const body = requireBody(ctx.request.body);
    const { rows } = readFeatureRows(body, bundle.model.numFeatures, context.config.batchLimit);
    const data = rows.map((row) => encodedValue(bundle.predictEncoded(row)));
    context.metrics.predictions.inc(
      { model: bundle.manifest.name, version: bundle.manifest.version, source: 'v2' },
      data.length,
    );
    const id = (body as { id?: unknown }).id;
    ctx.body = {
      model_name: bundle.manifest.name,
      model_version: bundle.manifest.version,
      ...(typeof id === 'string' ? { id } : {}),
      outputs: [{ name: 'predict', datatype: 'FP64', shape: [data.length], data }],
    };
  });
}
