import type { LoadedBundleView } from '../contract.js';
import type { ModelRegistry } from '../model-registry.js';
import { stringQuery, type ApiRouter, type RouteContext } from './route-context.js';

/** Versions of `name` the store holds, oldest first. */
export function modelVersions(registry: ModelRegistry, name: string): string[] {
  return registry.store().versions(name);
}

/** The summary of a model shown in `GET /v1/models`. */
function summary(registry: ModelRegistry, bundle: LoadedBundleView) {
  const { manifest } = bundle;
  return {
    name: manifest.name,
    version: manifest.version,
    versions: modelVersions(registry, manifest.name),
    target: manifest.target.column,
    unit: manifest.target.unit,
    createdAt: manifest.createdAt ?? null,
    metrics: manifest.metrics ?? null,
    links: {
      self: `/v1/models/${encodeURIComponent(manifest.name)}`,
      predict: `/v1/models/${encodeURIComponent(manifest.name)}/predict`,
    },
  };
}

/**
 * Registers the model metadata routes.
 *
 * @example
 * registerModelRoutes(router, context);
 */
export function registerModelRoutes(router: ApiRouter, context: RouteContext): void {
  const { registry } = context;

  /**
   * @openapi
   * /v1/models:
   *   get:
   *     operationId: listModels
   *     tags: [Models]
   *     summary: List the loaded, verified models
   *     responses:
   *       '200':
   *         description: Every model with its latest version, target, unit and held-out metrics.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/ModelList' }
   *       '503': { $ref: '#/components/responses/NotReady' }
   */
  router.get('/v1/models', (ctx) => {
    ctx.body = {
      defaultModel: context.defaultModel,
      models: registry.names().map((name) => summary(registry, registry.bundle(name))),
    };
  });

  /**
   * @openapi
   * /v1/models/{name}:
   *   get:
   *     operationId: getModel
   *     tags: [Models]
   *     summary: One model's metadata, metrics, features and input schema
   *     parameters:
   *       - $ref: '#/components/parameters/ModelName'
   *       - $ref: '#/components/parameters/ModelVersion'
   *     responses:
   *       '200':
   *         description: The bundle's metadata and the JSON Schema of the building it accepts.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/ModelDetail' }
   *       '400': { $ref: '#/components/responses/MalformedRequest' }
   *       '404': { $ref: '#/components/responses/NotFound' }
   *       '503': { $ref: '#/components/responses/NotReady' }
   */
  router.get('/v1/models/:name', (ctx) => {
    const bundle = registry.bundle(ctx.params['name'] ?? '', stringQuery(ctx.query['version'], 'version'));
    const { manifest } = bundle;
    ctx.body = {
      ...summary(registry, bundle),
      transform: manifest.target.transform,
      framework: manifest.framework ?? null,
      inputs: manifest.inputs,
      features: manifest.features,
      interval: manifest.interval ?? null,
      trainingRange: manifest.trainingRange ?? null,
      inputSchema: context.schema.buildingJsonSchema(),
    };
  });
}
