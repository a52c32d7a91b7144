export { createApp } from './app.js';
export type { AppDeps, ServerApp } from './app.js';
export { ConfigError, defaultModelsDir, loadConfig, MIN_BATCH_LIMIT, parseServeArgs } from './config.js';
export type { ServeFlags, ServerConfig } from './config.js';
export type {
  BuildingSchemaApi,
  BuildingValidation,
  BundleManifest,
  BundlePrediction,
  FieldError,
  LoadedBundleView,
  ModelStoreView,
  PredictionWarning,
} from './contract.js';
export { csvToBuildings, buildingFieldTypes } from './csv-buildings.js';
export type { RunningGrpcServer } from './grpc/grpc-server.js';
export { startHttpServer } from './http-server.js';
export type { RunningServer } from './http-server.js';
export { createLogger } from './logger.js';
export { createMetrics } from './metrics.js';
export type { ServerMetrics } from './metrics.js';
export { ModelRegistry } from './model-registry.js';
export type { RegistryState } from './model-registry.js';
export { buildOpenApiDocument } from './openapi.js';
export type { OpenApiDocument } from './openapi.js';
export { HttpProblem, PROBLEM_CONTENT_TYPE, problemBody } from './problem.js';
export type { ProblemBody, ProblemStatus, ProblemType } from './problem.js';
export { runServer } from './run-server.js';
export type { ServerProcess } from './run-server.js';
export { loadSchemaPackage } from './schema-adapter.js';
export type { SchemaPackage } from './schema-adapter.js';
