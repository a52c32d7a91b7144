/**
 * The OpenAPI components that are not the building itself (the building's schema comes from
 * `buildingJsonSchema()` so that the documentation cannot drift from the validator). Paths are documented in
 * `@openapi` blocks beside each route, read by swagger-jsdoc.
 */

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details; `errors` lists every field-level problem.',
  required: ['type', 'title', 'status', 'detail', 'instance', 'errors'],
  properties: {
    type: {
      type: 'string',
      description: 'URI reference naming the problem type.',
      examples: ['/problems/invalid-building'],
    },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'This occurrence: `urn:request:<x-request-id>`.' },
    errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
  },
};

const interval = {
  type: 'object',
  required: ['low', 'high', 'level'],
  additionalProperties: false,
  properties: {
    low: { type: 'number' },
    high: { type: 'number' },
    level: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Nominal coverage, e.g. 0.9.' },
  },
};

// With the schema's list of codes, `code` is an enum whose description says when each is given.
function warningSchema(codes: Readonly<Record<string, string>> | undefined) {
  const code =
    codes === undefined
      ? { type: 'string' }
      : {
          type: 'string',
          enum: Object.keys(codes),
          description: Object.entries(codes)
            .map(([name, meaning]) => `${name}: ${meaning}.`)
            .join(' '),
        };
  return {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      field: { type: 'string', description: 'The input field concerned.' },
      code,
      message: { type: 'string' },
    },
  };
}

/** Which model answered, what it predicts and in which unit: the head of a single and of a batch answer. */
const modelHeader = {
  model: {
    type: 'object',
    required: ['name', 'version'],
    properties: { name: { type: 'string' }, version: { type: 'string' } },
  },
  target: { type: 'string' },
  unit: { type: 'string' },
};

const predictionFields = {
  value: { type: 'number', description: "The prediction in the target's unit." },
  interval,
  warnings: { type: 'array', items: { $ref: '#/components/schemas/Warning' } },
  baseValue: { type: 'number', description: "With explain: the model's expected log value." },
  contributions: {
    type: 'array',
    description: 'With explain: per input field, in log space; their sum with baseValue is ln(value).',
    items: {
      type: 'object',
      required: ['feature', 'value'],
      properties: { feature: { type: 'string' }, value: { type: 'number' } },
    },
  },
};

const modelSummary = {
  type: 'object',
  required: ['name', 'version', 'versions', 'target', 'unit', 'metrics', 'links'],
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    versions: { type: 'array', items: { type: 'string' } },
    target: { type: 'string' },
    unit: { type: 'string' },
    createdAt: { type: ['string', 'null'] },
    metrics: { description: 'Held-out quality, as written in the bundle.' },
    links: { type: 'object', properties: { self: { type: 'string' }, predict: { type: 'string' } } },
  },
};

function problemResponse(description: string, example: Record<string, unknown>) {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' }, example } },
  };
}

function problemExample(
  status: number,
  type: string,
  title: string,
  detail: string,
  errors: { path: string; message: string }[] = [],
) {
  return {
    type: `/problems/${type}`,
    title,
    status,
    detail,
    instance: 'urn:request:6f1c2a9e-5b8e-4a57-9d43-1f0c3e2b7a10',
    errors,
  };
}

/** Builds the components section; `building` and `buildingExample` come from the schema package. */
export function openApiComponents(
  building: Record<string, unknown>,
  buildingExample: Record<string, unknown>,
  batchLimit: number,
  warningCodes?: Readonly<Record<string, string>>,
) {
  // A component is not a document: it carries no $schema or $id of its own.
  const buildingSchema = Object.fromEntries(
    Object.entries(building).filter(([key]) => key !== '$schema' && key !== '$id'),
  );
  return {
    schemas: {
      Building: buildingSchema,
      Warning: warningSchema(warningCodes),
      FieldError: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
      Problem: problemSchema,
      Prediction: {
        type: 'object',
        required: ['model', 'target', 'unit', 'value', 'interval', 'warnings'],
        properties: {
          ...modelHeader,
          ...predictionFields,
        },
      },
      BatchRequest: {
        type: 'object',
        required: ['buildings'],
        additionalProperties: false,
        properties: {
          buildings: {
            type: 'array',
            maxItems: batchLimit,
            description: 'Each item is validated on its own; an invalid one gets an error in its result slot.',
            items: {},
          },
        },
      },
      BatchResponse: {
        type: 'object',
        required: ['model', 'target', 'unit', 'count', 'failed', 'results'],
        properties: {
          ...modelHeader,
          count: { type: 'integer' },
          failed: { type: 'integer' },
          results: {
            type: 'array',
            items: {
              oneOf: [
                {
                  type: 'object',
                  required: ['index', 'value', 'interval', 'warnings'],
                  properties: { index: { type: 'integer' }, ...predictionFields },
                },
                {
                  type: 'object',
                  required: ['index', 'error'],
                  properties: {
                    index: { type: 'integer' },
                    error: {
                      type: 'object',
                      required: ['status', 'title', 'errors'],
                      properties: {
                        status: { const: 422 },
                        title: { type: 'string' },
                        errors: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
                      },
                    },
                  },
                },
              ],
            },
          },
        },
      },
      ModelList: {
        type: 'object',
        required: ['defaultModel', 'models'],
        properties: { defaultModel: { type: 'string' }, models: { type: 'array', items: modelSummary } },
      },
      ModelDetail: {
        allOf: [modelSummary],
        type: 'object',
        required: ['inputs', 'features', 'inputSchema'],
        properties: {
          transform: { type: 'string' },
          framework: {},
          inputs: { type: 'array', items: { type: 'string' } },
          features: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'encoding'],
              properties: { name: { type: 'string' }, encoding: {} },
            },
          },
          interval: {},
          trainingRange: {},
          inputSchema: { type: 'object', description: 'JSON Schema (2020-12) of the building this model accepts.' },
        },
      },
      Status: {
        type: 'object',
        required: ['status'],
        properties: { status: { type: 'string' }, models: { type: 'array', items: { type: 'string' } } },
      },
      Health: {
        type: 'object',
        required: ['status', 'live', 'ready', 'state', 'models', 'uptimeSeconds'],
        properties: {
          status: { enum: ['ok', 'degraded'] },
          live: { type: 'boolean' },
          ready: { type: 'boolean' },
          state: { enum: ['loading', 'ready', 'failed', 'draining'] },
          models: { type: 'array', items: { type: 'string' } },
          uptimeSeconds: { type: 'integer' },
        },
      },
    },
    parameters: {
      Explain: {
        name: 'explain',
        in: 'query',
        required: false,
        description: 'Add baseValue and per-input contributions.',
        schema: { type: 'boolean', default: false },
      },
      ModelName: {
        name: 'name',
        in: 'path',
        required: true,
        description: 'Model name.',
        schema: { type: 'string', examples: ['site-energy', 'ghg-emissions'] },
      },
      ModelVersion: {
        name: 'version',
        in: 'query',
        required: false,
        description: 'Model version; the latest if absent.',
        schema: { type: 'string' },
      },
      BatchModel: {
        name: 'model',
        in: 'query',
        required: false,
        description: 'Model name (default `site-energy`).',
        schema: { type: 'string' },
      },
    },
    examples: {
      Building: { summary: 'An office building downtown', value: buildingExample },
      Prediction: {
        summary: 'A prediction (illustrative numbers)',
        value: {
          model: { name: 'site-energy', version: '1.0.0' },
          target: 'SiteEnergyUse(kBtu)',
          unit: 'kBtu',
          value: 7510000,
          interval: { low: 3620000, high: 15600000, level: 0.9 },
          warnings: [],
        },
      },
      BatchRequest: {
        summary: 'Two buildings, the second invalid',
        value: { buildings: [buildingExample, { ...buildingExample, yearBuilt: 1700 }] },
      },
      BatchCsv: {
        summary: 'The same as CSV',
        value: `${Object.keys(buildingExample).join(',')}\n${Object.values(buildingExample)
          .map((v) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v)))
          .join(',')}\n`,
      },
      BatchResponse: {
        summary: 'One prediction and one refused row (illustrative numbers)',
        value: {
          model: { name: 'site-energy', version: '1.0.0' },
          target: 'SiteEnergyUse(kBtu)',
          unit: 'kBtu',
          count: 2,
          failed: 1,
          results: [
            { index: 0, value: 7510000, interval: { low: 3620000, high: 15600000, level: 0.9 }, warnings: [] },
            {
              index: 1,
              error: {
                status: 422,
                title: 'Invalid input',
                errors: [{ path: 'yearBuilt', message: 'must be 1850 or later (was 1700)' }],
              },
            },
          ],
        },
      },
    },
    responses: {
      MalformedRequest: problemResponse(
        'Malformed JSON, CSV or query parameter.',
        problemExample(400, 'malformed-json', 'Malformed request', 'The request body is not valid JSON.', [
          { path: '', message: 'invalid JSON' },
        ]),
      ),
      NotFound: problemResponse(
        'No such route or model.',
        problemExample(
          404,
          'model-not-found',
          'Not found',
          'There is no model "nope". Known models: ghg-emissions, site-energy.',
          [{ path: 'name', message: 'unknown model' }],
        ),
      ),
      PayloadTooLarge: problemResponse(
        'Body over BODY_LIMIT, or a batch over BATCH_LIMIT.',
        problemExample(
          413,
          'payload-too-large',
          'Payload too large',
          'The request body is larger than the limit of 2097152 bytes.',
          [{ path: '', message: 'body larger than 2097152 bytes' }],
        ),
      ),
      UnsupportedMediaType: problemResponse(
        'Wrong Content-Type.',
        problemExample(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          'This endpoint accepts application/json; the request has Content-Type text/plain.',
          [{ path: '', message: 'content type must be application/json' }],
        ),
      ),
      InvalidBuilding: problemResponse(
        'The building is invalid; every violation is listed.',
        problemExample(422, 'invalid-building', 'Invalid input', 'The building has 2 invalid fields.', [
          { path: 'yearBuilt', message: 'must be 1850 or later (was 1700)' },
          { path: 'numberOfFloors', message: 'must be a whole number >= 1 (was 0)' },
        ]),
      ),
      InvalidBody: problemResponse(
        'The batch body has the wrong shape.',
        problemExample(
          422,
          'invalid-body',
          'Invalid input',
          'The body must be an object {"buildings": [...]} with an array of buildings.',
          [{ path: 'buildings', message: 'must be an array of buildings' }],
        ),
      ),
      NotReady: problemResponse(
        'The models are not loaded and verified (yet), or the service is shutting down.',
        problemExample(503, 'not-ready', 'Service unavailable', 'The models are still loading and being verified.'),
      ),
    },
  };
}
