import cluster, { type Worker } from 'node:cluster';
import { watch } from 'node:fs';
import { join } from 'node:path';

import { serveClusterMetrics } from './cluster-metrics.js';
import { packageDir, type ServerConfig } from './config.js';
import type { Logger } from './logger.js';

/** The message a worker sends once its models are loaded and verified. */
export const WORKER_READY = 'seattle-energy:worker-ready';

/**
 * Runs the `node:cluster` primary: forks `config.workers` serving processes that share the port, replaces a worker
 * that dies unexpectedly (with a growing delay if it keeps crashing), restarts all of them when `dist/` changes with
 * `--reload` (the old ones retire once the new ones are ready), and on SIGTERM/SIGINT forwards SIGTERM, waits for every worker to finish its in-flight requests, and
 * exits 0 (bounded by the shutdown timeout).
 *
 * @example
 * if (cluster.isPrimary && config.workers > 1) runPrimary(config, logger);
 */
export function runPrimary(config: ServerConfig, logger: Logger): void {
  let shuttingDown = false;
  const retiring = new Set<Worker>();
  const recentCrashes: number[] = [];

  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('exit', (code, signal) => {
      if (shuttingDown) return;
      if (retiring.delete(worker)) return;
      const now = Date.now();
      recentCrashes.push(now);
      while (recentCrashes.length > 0 && (recentCrashes[0] ?? now) < now - 30_000) recentCrashes.shift();
      const delay = Math.min(100 * 2 ** (recentCrashes.length - 1), 5_000);
      logger.error(
        { workerPid: worker.process.pid, code, signal, restartInMs: delay },
        'worker exited unexpectedly; replacing it',
      );
      setTimeout(() => {
        if (!shuttingDown) fork();
      }, delay).unref();
    });
    return worker;
  };

  serveClusterMetrics();
  for (let i = 0; i < config.workers; i++) fork();
  logger.info({ workers: config.workers, port: config.port }, 'cluster primary started');

  const liveWorkers = (): Worker[] =>
    Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  if (config.reload) {
    let timer: NodeJS.Timeout | undefined;
    const restartAll = () => {
      const old = liveWorkers();
      logger.info({ workers: old.length }, 'dist changed; restarting workers');
      let ready = 0;
      for (let i = 0; i < config.workers; i++) {
        const worker = fork();
        // Retire the old generation only once the whole new one is ready (models verified): no gap in service,
        // and a build whose models do not verify never replaces a working one.
        const onMessage = (message: { type?: unknown }) => {
          if (message?.type !== WORKER_READY) return;
          worker.off('message', onMessage);
          if (++ready === config.workers) {
            logger.info({ retiring: old.length }, 'new workers ready; retiring the old ones');
            for (const w of old) {
              retiring.add(w);
              w.process.kill('SIGTERM');
            }
          }
        };
        worker.on('message', onMessage);
      }
    };
    watch(join(packageDir, 'dist'), { recursive: true }, (_event, file) => {
      if (file === null || !/\.(js|json)$/.test(String(file))) return;
      clearTimeout(timer);
      timer = setTimeout(restartAll, 300);
    });
  }

  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const workers = liveWorkers();
    logger.info({ signal, workers: workers.length }, 'shutting down the cluster');
    // Every worker bounds its own drain by shutdownTimeoutMs; this is the backstop if one hangs.
    setTimeout(() => {
      logger.error('workers did not exit in time; killing them');
      for (const w of liveWorkers()) w.process.kill('SIGKILL');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000).unref();
    let remaining = workers.length;
    if (remaining === 0) process.exit(0);
    for (const w of workers) {
      w.once('exit', () => {
        if (--remaining === 0) {
          logger.info('all workers exited');
          logger.flush(() => process.exit(0));
        }
      });
      w.process.kill('SIGTERM');
    }
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
