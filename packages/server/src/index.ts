// What the deployment tests and an app that embeds the server use (README: "In code"); everything else is internal.
export { createApp } from './app.js';
export type { AppDeps, ServerApp } from './app.js';
export { loadConfig } from './config.js';
export type { ServerConfig } from './config.js';
export type { BuildingSchemaApi, ModelStoreView } from './contract.js';
export { createLogger } from './logger.js';
export { createMetrics } from './metrics.js';
export type { ServerMetrics } from './metrics.js';
export { ModelRegistry } from './model-registry.js';
export { runServer } from './run-server.js';
export type { ServerProcess } from './run-server.js';
export { loadSchemaPackage } from './schema-adapter.js';
export type { SchemaPackage } from './schema-adapter.js';
