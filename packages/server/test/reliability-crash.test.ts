// A worker of the built `serve` command (default workers, node:cluster) killed with SIGKILL under load: the primary
// replaces it, new connections keep succeeding meanwhile, and once the replacement is ready nothing fails.
import t from 'tap';

import { send } from './fixtures/http-harness.js';
import {
  hotelBody as building,
  predictLoad,
  scale,
  startServe,
  until,
  whenReady,
  workerPids,
} from './fixtures/reliability-kit.js';

t.test('a worker killed with SIGKILL under load is replaced and requests keep succeeding', async (t) => {
  const served = await startServe({ LOG_LEVEL: 'info' });
  t.teardown(() => void served.child.kill('SIGKILL'));
  const primary = served.child.pid ?? 0;
  await whenReady(served.port);
  await until(
    () => served.lines.filter((l) => l.msg === 'models loaded and verified; ready').length >= 2,
    'the default workers ready',
  );
  const before = workerPids(primary);
  const victim = before[0] ?? 0;

  // The load runs from before the kill until the replacement has been serving for a while.
  const load = predictLoad(served.port, { connections: 8, duration: 600 });
  await new Promise((r) => setTimeout(r, 1500));
  process.kill(victim, 'SIGKILL');
  await until(
    () => served.lines.some((l) => l.msg === 'worker exited unexpectedly; replacing it' && l.workerPid === victim),
    'replacement log line',
  );
  // Once the primary knows, new connections go to the surviving worker, and to the replacement once it listens:
  // fresh connections are sent back to back until the replacement has loaded and verified its models.
  const replaced = until(
    () => served.lines.filter((l) => l.msg === 'models loaded and verified; ready').length >= before.length + 1,
    'the replacement ready',
  );
  let replacementReady = false;
  void replaced.then(
    () => (replacementReady = true),
    () => (replacementReady = true),
  );
  const during: (number | string)[] = [];
  while (!replacementReady || during.length < 20) {
    during.push(
      await send(served.port, 'POST', '/v1/predict', {
        body: building,
        headers: { 'content-type': 'application/json' },
      }).then(
        (r) => r.status,
        (e: Error) => e.message,
      ),
    );
  }
  await replaced;
  await until(
    () => workerPids(primary).length === before.length && !workerPids(primary).includes(victim),
    'a replacement worker',
  );
  await new Promise((r) => setTimeout(r, scale(1500, 20_000)));
  load.stop();
  const duringLoad = await load;
  const after = await predictLoad(served.port, { connections: 8, duration: 3 });

  t.same(
    during.filter((s) => s !== 200),
    [],
    `all ${during.length} requests on new connections between the kill and the replacement's readiness succeeded`,
  );
  t.equal(after.errors + after.non2xx + after.timeouts, 0, 'no error once the worker is replaced');
  t.ok(after['2xx'] > 0);
  t.equal(duringLoad.non2xx, 0, 'no error answer during the crash');
  const summary = `killed worker ${victim}; under load ${duringLoad['2xx']} answered, ${duringLoad.errors} connection errors (sockets of the killed worker); after replacement ${after['2xx']} answered, 0 errors`;
  t.comment(`crash: ${summary}`);
  console.log(`# crash: ${summary}`);
  served.child.kill('SIGTERM');
  t.equal((await served.exited).code, 0);
});
