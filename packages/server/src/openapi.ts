import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { BuildingSchemaApi } from './contract.js';
import { inferenceProtocolComponents } from './inference-protocol/openapi-v2.js';
import { openApiComponents } from './openapi-components.js';

const require = createRequire(import.meta.url);

/** The route modules whose `@openapi` blocks make the paths: `.js` when built, `.ts` when run from source. */
export function routeSourceFiles(): string[] {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'routes');
  return readdirSync(dir)
    .filter((file) => (file.endsWith('.js') || file.endsWith('.ts')) && !file.endsWith('.d.ts'))
    .map((file) => join(dir, file))
    .sort();
}

type Components = Record<string, Record<string, unknown>>;

/** Joins two components sections section by section (schemas with schemas, responses with responses). */
function mergeComponents(first: Components, second: Components): Components {
  const merged: Components = { ...first };
  for (const [section, entries] of Object.entries(second)) merged[section] = { ...merged[section], ...entries };
  return merged;
}

/** The OpenAPI document, as a plain JSON object. */
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

/**
 * Builds the OpenAPI 3.1 document from the routes' `@openapi` JSDoc blocks (swagger-jsdoc) and the building schema
 * that the validator itself uses, so neither the paths nor the input schema can drift from the code.
 * Loaded lazily by `GET /openapi.json`: swagger-jsdoc and its parser are not needed to start serving.
 *
 * @example
 * const document = buildOpenApiDocument(schema, { batchLimit: 1000 });
 * document.paths['/v1/predict'].post.operationId // 'predict'
 */
export function buildOpenApiDocument(schema: BuildingSchemaApi, options: { batchLimit: number }): OpenApiDocument {
  const swaggerJsdoc = require('swagger-jsdoc') as (options: {
    definition: object;
    apis: string[];
    failOnErrors: boolean;
  }) => object;
  const definition = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Seattle building energy predictions',
      version: '1.0.0',
      summary: 'Predicts the annual site energy use and greenhouse-gas emissions of Seattle non-residential buildings.',
      description:
        'Errors are `application/problem+json` (RFC 9457) with `errors: [{path, message}]`. Every route answers ' +
        '405 with an `Allow` header to a method it does not serve, and 404 to an unknown path. Every response carries ' +
        '`x-request-id` (a sane one sent by the client is kept).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Predictions', description: 'Validate buildings and predict.' },
      { name: 'Buildings', description: "The city's 2016 benchmarking records: search, read, compare." },
      { name: 'Models', description: 'What is served: metadata, metrics, features, input schema.' },
      {
        name: 'Open Inference Protocol',
        description:
          'The Open Inference Protocol (KServe V2) over REST, for encoded feature vectors; the same service is ' +
          'served over gRPC when GRPC_PORT is set. Extension `explain`: TreeSHAP contributions as an extra output.',
      },
      { name: 'Health', description: 'Probes and metrics.' },
      { name: 'Documentation', description: 'This document, Swagger UI and the citizen page.' },
    ],
    components: mergeComponents(
      openApiComponents(schema.buildingJsonSchema(), schema.exampleBuilding, options.batchLimit, schema.warningCodes),
      inferenceProtocolComponents(),
    ),
  };
  return swaggerJsdoc({ definition, apis: routeSourceFiles(), failOnErrors: true }) as OpenApiDocument;
}
