#!/usr/bin/env node
/**
 * The `serve` command (like `bentoml serve`): `node dist/serve.js [--port N] [--host H] [--models-dir DIR]
 * [--workers N] [--reload]`. Flags win over the environment (PORT, HOST, MODELS_DIR, WORKERS, ...; see README).
 * One worker runs in this process; more (default: one per core) run under `node:cluster`.
 */
import cluster from 'node:cluster';

import { runPrimary } from './cluster-primary.js';
import { ConfigError, loadConfig, parseServeArgs, type ServerConfig } from './config.js';
import { createLogger } from './logger.js';
import { runServer } from './run-server.js';
import { loadSchemaPackage } from './schema-adapter.js';

function readConfig(): ServerConfig {
  try {
    return loadConfig(process.env, parseServeArgs(process.argv.slice(2)));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`serve: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function serveHere(config: ServerConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    logger.flush(() => process.exit(1));
  });
  const schema = loadSchemaPackage();
  const proc = await runServer(config, schema, schema.loadModelStore, { logger });
  const stop = () => {
    void proc.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const config = readConfig();
if (cluster.isPrimary && (config.workers > 1 || config.reload)) {
  runPrimary(config, createLogger(config.logLevel));
} else {
  await serveHere(config);
}
