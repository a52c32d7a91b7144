import { modelMetadata, requireReady, serverMetadata } from '../inference-protocol/metadata.js';
import type { ApiRouter, RouteContext } from './route-context.js';

/** The model version of a versioned path, or undefined on an unversioned one (the latest version is used). */
export function pathVersion(params: Record<string, string | undefined>): string | undefined {
  return params['version'];
}

/**
 * Registers the Open Inference Protocol's health and metadata routes (REST); inference is in
 * `inference-protocol-infer.ts`. Versioned and unversioned model paths answer alike.
 *
 * @example
 * registerInferenceProtocolRoutes(router, context);
 */
export function registerInferenceProtocolRoutes(router: ApiRouter, context: RouteContext): void {
  const { registry } = context;

  /**
   * @openapi
   * /v2/health/live:
   *   get:
   *     operationId: v2Live
   *     tags: [Open Inference Protocol]
   *     summary: Server live
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
   *     summary: Server ready
   *     responses:
   *       '200':
   *         description: Ready.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2Ready' }
   *       '503': { $ref: '#/components/responses/V2NotReady' }
   */
  router.get('/v2/health/ready', (ctx) => {
    requireReady(registry);
    ctx.body = { ready: true };
  });

  /**
   * @openapi
   * /v2:
   *   get:
   *     operationId: v2ServerMetadata
   *     tags: [Open Inference Protocol]
   *     summary: Server metadata
   *     description: The server's name, version and extensions (`explain`).
   *     responses:
   *       '200':
   *         description: Server metadata.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2ServerMetadata' }
   * /v2/:
   *   get:
   *     operationId: v2ServerMetadataSlash
   *     tags: [Open Inference Protocol]
   *     summary: Server metadata (the path as the protocol's OpenAPI document writes it)
   *     responses:
   *       '200':
   *         description: Server metadata.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2ServerMetadata' }
   */
  for (const path of ['/v2', '/v2/']) {
    router.get(path, (ctx) => {
      ctx.body = serverMetadata();
    });
  }

  /**
   * @openapi
   * /v2/models/{name}:
   *   get:
   *     operationId: v2ModelMetadata
   *     tags: [Open Inference Protocol]
   *     summary: Model metadata (latest version)
   *     parameters:
   *       - $ref: '#/components/parameters/ModelName'
   *     responses:
   *       '200':
   *         description: The input tensor the model expects (encoded features in training order) and its output.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2ModelMetadata' }
   *       '404': { $ref: '#/components/responses/V2NotFound' }
   *       '503': { $ref: '#/components/responses/V2NotReady' }
   * /v2/models/{name}/versions/{version}:
   *   get:
   *     operationId: v2ModelVersionMetadata
   *     tags: [Open Inference Protocol]
   *     summary: Model metadata (one version)
   *     parameters:
   *       - $ref: '#/components/parameters/ModelName'
   *       - $ref: '#/components/parameters/ModelVersionPath'
   *     responses:
   *       '200':
   *         description: The input tensor the model expects (encoded features in training order) and its output.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2ModelMetadata' }
   *       '404': { $ref: '#/components/responses/V2NotFound' }
   *       '503': { $ref: '#/components/responses/V2NotReady' }
   */
  for (const path of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    router.get(path, (ctx) => {
      const bundle = registry.bundle(ctx.params['name'] ?? '', pathVersion(ctx.params));
      const { details, ...metadata } = modelMetadata(registry, bundle);
      ctx.body = { ...metadata, parameters: details };
    });
  }

  /**
   * @openapi
   * /v2/models/{name}/ready:
   *   get:
   *     operationId: v2ModelReady
   *     tags: [Open Inference Protocol]
   *     summary: Model ready (latest version)
   *     parameters:
   *       - $ref: '#/components/parameters/ModelName'
   *     responses:
   *       '200':
   *         description: The model is loaded, verified and served.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2ModelReady' }
   *       '404': { $ref: '#/components/responses/V2NotFound' }
   *       '503': { $ref: '#/components/responses/V2NotReady' }
   * /v2/models/{name}/versions/{version}/ready:
   *   get:
   *     operationId: v2ModelVersionReady
   *     tags: [Open Inference Protocol]
   *     summary: Model ready (one version)
   *     parameters:
   *       - $ref: '#/components/parameters/ModelName'
   *       - $ref: '#/components/parameters/ModelVersionPath'
   *     responses:
   *       '200':
   *         description: The model version is loaded, verified and served.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/V2ModelReady' }
   *       '404': { $ref: '#/components/responses/V2NotFound' }
   *       '503': { $ref: '#/components/responses/V2NotReady' }
   */
  for (const path of ['/v2/models/:name/ready', '/v2/models/:name/versions/:version/ready']) {
    router.get(path, (ctx) => {
      const bundle = registry.bundle(ctx.params['name'] ?? '', pathVersion(ctx.params));
      requireReady(registry);
      ctx.body = { name: bundle.manifest.name, ready: true };
    });
  }
}
