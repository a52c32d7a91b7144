import cluster from 'node:cluster';

import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'seattle-energy:cluster-metrics';
const RESULT = 'seattle-energy:cluster-metrics-result';

interface MetricsMessage {
  type?: unknown;
  id?: unknown;
  text?: unknown;
  error?: unknown;
}

/**
 * In the cluster primary: answers a worker's request for the metrics of every worker, summed by prom-client's
 * AggregatorRegistry (so `/metrics` is the same whichever worker answers it).
 *
 * @example
 * if (cluster.isPrimary) serveClusterMetrics();
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: MetricsMessage) => {
    if (message?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: RESULT, id: message.id, text }),
      (error: Error) => worker.send({ type: RESULT, id: message.id, error: error.message }),
    );
  });
}

/**
 * In a cluster worker: offers `registry` to the primary's aggregation and returns the function `/metrics` uses to
 * get the whole cluster's metrics (rejecting after `timeoutMs`, so the route can fall back to its own registry).
 *
 * @example
 * const clusterMetrics = cluster.isWorker ? joinClusterMetrics(metrics.registry) : undefined;
 */
export function joinClusterMetrics(registry: Registry, timeoutMs = 5_000): () => Promise<string> {
  // Constructing an AggregatorRegistry installs prom-client's worker-side listener.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let next = 0;
  const pending = new Map<number, { resolve(text: string): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  process.on('message', (message: MetricsMessage) => {
    if (message?.type !== RESULT || typeof message.id !== 'number') return;
    const waiting = pending.get(message.id);
    if (waiting === undefined) return;
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (typeof message.text === 'string') waiting.resolve(message.text);
    else waiting.reject(new Error(typeof message.error === 'string' ? message.error : 'no metrics'));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('cluster metrics timed out'));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      process.send?.({ type: REQUEST, id });
    });
}
