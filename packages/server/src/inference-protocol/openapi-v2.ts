/**
 * The OpenAPI components of the Open Inference Protocol routes (`routes/inference-protocol.ts`), merged into the
 * document by `openapi.ts`. They describe what this server answers; the protocol's own schemas are vendored in
 * `protocol/open_inference_rest.yaml` and the conformance test validates the answers against those too.
 */

const tensorMetadata = {
  type: 'object',
  required: ['name', 'datatype', 'shape'],
  properties: {
    name: { type: 'string' },
    datatype: { type: 'string' },
    shape: { type: 'array', items: { type: 'integer', minimum: -1 } },
  },
};

const parameters = {
  type: 'object',
  description: 'Name/value pairs; values are strings, numbers or booleans.',
  additionalProperties: { type: ['string', 'number', 'boolean'] },
};

function v2Problem(description: string, status: number, type: string, title: string, detail: string, errors = []) {
  return {
    description,
    content: {
      'application/problem+json': {
        schema: { $ref: '#/components/schemas/V2Problem' },
        example: {
          type: `/problems/${type}`,
          title,
          status,
          detail,
          instance: 'urn:request:6f1c2a9e-5b8e-4a57-9d43-1f0c3e2b7a10',
          errors,
          error: detail,
        },
      },
    },
  };
}

/** Schemas, parameters and responses of the `/v2` routes. */
export function inferenceProtocolComponents() {
  return {
    schemas: {
      V2Live: { type: 'object', required: ['live'], properties: { live: { type: 'boolean' } } },
      V2Ready: { type: 'object', required: ['ready'], properties: { ready: { type: 'boolean' } } },
      V2ModelReady: {
        type: 'object',
        required: ['name', 'ready'],
        properties: { name: { type: 'string' }, ready: { type: 'boolean' } },
      },
      V2ServerMetadata: {
        type: 'object',
        required: ['name', 'version', 'extensions'],
        properties: {
          name: { type: 'string', examples: ['seattle-energy'] },
          version: { type: 'string' },
          extensions: {
            type: 'array',
            items: { type: 'string' },
            description:
              '`explain`: an infer request with `parameters: {"explain": true}` also gets the output `contributions`.',
          },
        },
      },
      V2ModelMetadata: {
        type: 'object',
        required: ['name', 'versions', 'platform', 'inputs', 'outputs'],
        properties: {
          name: { type: 'string' },
          versions: { type: 'array', items: { type: 'string' } },
          platform: { type: 'string' },
          inputs: { type: 'array', items: tensorMetadata },
          outputs: { type: 'array', items: tensorMetadata },
          parameters: {
            type: 'object',
            description: 'The encoded features in training order, the target and its unit.',
            properties: {
              feature_names: { type: 'array', items: { type: 'string' } },
              target: { type: 'string' },
              unit: { type: 'string' },
            },
          },
        },
      },
      V2Tensor: {
        type: 'object',
        required: ['name', 'shape', 'datatype', 'data'],
        properties: {
          name: { type: 'string' },
          shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
          datatype: { type: 'string' },
          data: { type: 'array', description: 'Row-major values, flat or nested as the shape; null = missing.' },
          parameters,
        },
      },
      V2InferRequest: {
        type: 'object',
        required: ['inputs'],
        properties: {
          id: { type: 'string' },
          parameters: {
            ...parameters,
            properties: {
              explain: {
                type: 'boolean',
                description:
                  'The explain extension: also return `contributions`, FP64 `[rows, features + 1]`, TreeSHAP per ' +
                  'encoded feature in log space with the bias last (each row sums to ln(predict)).',
              },
            },
          },
          inputs: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/V2Tensor' } },
          outputs: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name'],
              properties: { name: { enum: ['predict', 'contributions'] }, parameters },
            },
          },
        },
      },
      V2InferResponse: {
        type: 'object',
        required: ['model_name', 'outputs'],
        properties: {
          model_name: { type: 'string' },
          model_version: { type: 'string' },
          id: { type: 'string' },
          outputs: { type: 'array', items: { $ref: '#/components/schemas/V2Tensor' } },
        },
      },
      V2Problem: {
        description: "A problem (RFC 9457) that also carries the protocol's `error` member.",
        allOf: [
          { $ref: '#/components/schemas/Problem' },
          { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
        ],
      },
    },
    parameters: {
      ModelVersionPath: {
        name: 'version',
        in: 'path',
        required: true,
        description: 'Model version.',
        schema: { type: 'string', examples: ['1.0.0'] },
      },
    },
    responses: {
      V2BadRequest: v2Problem(
        'Malformed JSON, or an inference request the model cannot take; every problem is listed.',
        400,
        'invalid-tensor',
        'Malformed request',
        'The inference request is invalid (1 problem).',
      ),
      V2NotFound: v2Problem(
        'No such model or version.',
        404,
        'model-not-found',
        'Not found',
        'There is no model "nope". Known models: ghg-emissions, site-energy.',
      ),
      V2PayloadTooLarge: v2Problem(
        'Body over BODY_LIMIT, or more tensor rows than BATCH_LIMIT.',
        413,
        'batch-too-large',
        'Payload too large',
        'The tensor has 1001 rows; the limit is 1000.',
      ),
      V2UnsupportedMediaType: v2Problem(
        'Not application/json.',
        415,
        'unsupported-media-type',
        'Unsupported media type',
        'This endpoint accepts application/json; the request has Content-Type text/plain.',
      ),
      V2NotReady: v2Problem(
        'The models are not loaded and verified (yet), or the service is shutting down.',
        503,
        'not-ready',
        'Service unavailable',
        'The models are not loaded and verified yet; retry shortly.',
      ),
    },
  };
}
