// Load on the built `serve` command with the default workers (node:cluster, one per core): a soak at 80% of the
// capacity measured in the same run, with zero errors and flat memory (RSS of the primary and its workers);
// The short profile soaks 10 s; RELIABILITY_PROFILE=long soaks 150 s.
import t from 'tap';

import {
  clusterRss,
  everyWorkerReady,
  predictLoad,
  scale,
  startServe,
  until,
  whenReady,
  workerPids,
} from './fixtures/reliability-kit.js';
const MiB = 1024 * 1024;

t.test('soak at 80% of measured capacity: zero errors, flat memory (default workers)', async (t) => {
  const served = await startServe({});
  t.teardown(() => void served.child.kill('SIGKILL'));
  const primary = served.child.pid ?? 0;
  await whenReady(served.port);
  await until(() => workerPids(primary).length >= 2, 'the default workers');
  await everyWorkerReady(served.port);
  const workers = workerPids(primary).length;

  // Capacity: closed loop at 16 connections. Also the warm-up, so the soak starts from a steady heap.
  const capacity = await predictLoad(served.port, { connections: 16, duration: scale(3, 15) });
  t.equal(capacity.errors + capacity.non2xx, 0, 'no error while measuring capacity');
  const rate = Math.max(1, Math.floor(capacity.requests.average * 0.8));
  const rssBefore = clusterRss(primary);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(clusterRss(primary)), 1000);
  const soakSeconds = scale(10, 150);
  const soak = await predictLoad(served.port, { connections: 16, duration: soakSeconds, overallRate: rate });
  clearInterval(sampler);
  const rssAfter = clusterRss(primary);

  t.equal(soak.errors, 0, 'no connection error');
  t.equal(soak.timeouts, 0, 'no timeout');
  t.equal(soak.non2xx, 0, 'no non-2xx answer');
  t.ok(soak['2xx'] > 0, 'requests were answered');
  const growth = rssAfter - rssBefore;
  const half = Math.floor(samples.length / 2);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const trend = mean(samples.slice(half)) - mean(samples.slice(0, half));
  // Flat: growth of the whole cluster below 64 MiB (a leak of one small object per request would pass that within
  // the soak's request count only if under ~200 bytes each; the long run's 150 s tightens this by 10x).
  t.ok(growth < 64 * MiB, `RSS growth ${(growth / MiB).toFixed(1)} MiB is below 64 MiB`);
  const summary =
    `${workers} workers, capacity ${capacity.requests.average.toFixed(0)} req/s (16 connections), soak ${soakSeconds} s at ${rate} req/s: ` +
    `${soak['2xx']} answered, ${soak.errors} errors, ${soak.non2xx} non-2xx, p99 ${soak.latency.p99} ms; ` +
    `RSS ${(rssBefore / MiB).toFixed(1)} -> ${(rssAfter / MiB).toFixed(1)} MiB (growth ${(growth / MiB).toFixed(1)} MiB, second half vs first half ${(trend / MiB).toFixed(1)} MiB)`;
  t.comment(`soak: ${summary}`);
  console.log(`# soak: ${summary}`);
  served.child.kill('SIGTERM');
  t.equal((await served.exited).code, 0);
});
