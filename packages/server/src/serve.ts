#!/usr/bin/env node
/**
 * The `serve` command (like `bentoml serve`): `node dist/serve.js [--port N] [--host H] [--models-dir DIR]
 * [--workers N] [--reload]`. Flags win over the environment (PORT, HOST, MODELS_DIR, WORKERS, ...; see README).
 * One worker runs in this process; more (default: one per core) run under `node:cluster`, as does `--reload`.
 *
 * Only the configuration is imported up front: a bad setting fails at once, and the cluster primary never loads
 * the app, the schema or the models it does not serve.
 */
import cluster from 'node:cluster';

import { ConfigError, loadConfig, parseServeArgs, type ServerConfig } from './config.js';

const USAGE = `usage: serve [--port N] [--host H] [--models-dir DIR] [--workers N] [--reload]
  flags win over the environment: PORT (3000), HOST (0.0.0.0), MODELS_DIR (the repository's models/),
  WORKERS (one per core), LOG_LEVEL, BODY_LIMIT, BATCH_LIMIT, CORS_ORIGINS, ... (packages/server/README.md)
  --reload restarts the workers when dist/ changes`;

function readConfig(): ServerConfig {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  try {
    return loadConfig(process.env, parseServeArgs(argv));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`serve: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function serveHere(config: ServerConfig): Promise<void> {
  const [{ createLogger }, { runServer }, { loadSchemaPackage }] = await Promise.all([
    import('./logger.js'),
    import('./run-server.js'),
    import('./schema-adapter.js'),
  ]);
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
  const [{ createLogger }, { runPrimary }] = await Promise.all([import('./logger.js'), import('./cluster-primary.js')]);
  runPrimary(config, createLogger(config.logLevel));
} else {
  await serveHere(config);
}
