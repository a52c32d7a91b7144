// README "In code": the app built from injected parts, served by a plain node:http server the caller owns.
import { createServer, type Server } from 'node:http';

import { buildingJsonSchema, exampleBuilding, loadModelStore, validateBuilding } from '@seattle-energy/schema';
import { createApp, createLogger, createMetrics, loadConfig, ModelRegistry } from '@seattle-energy/server';

export async function serveModels(modelsDir: string): Promise<Server> {
  const registry = new ModelRegistry(await loadModelStore(modelsDir));
  const { app } = createApp({
    registry,
    schema: { validateBuilding, buildingJsonSchema, exampleBuilding },
    config: loadConfig(process.env),
    logger: createLogger('silent'),
    metrics: createMetrics(),
  });
  const handle = app.callback(); // answers its own errors, so its promise never rejects
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return server;
}
