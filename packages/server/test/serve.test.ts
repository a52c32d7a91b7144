// The built `serve` command as operators run it (`npm start` runs `node packages/server/dist/serve.js`):
// environment and flags, readiness, graceful SIGTERM with a request in flight, and cluster worker replacement.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import t from 'tap';

import { send } from './fixtures/http-harness.js';
import { freePort, repoRoot, startServe, until, type Served } from './fixtures/reliability-kit.js';
import type { ModelList } from './fixtures/api-bodies.js';

/** `serve` as an operator starts it: the environment's log level (info) unless the test sets one. */
const start = (env: Record<string, string>, args: string[] = [], port?: number): Promise<Served> =>
  startServe({ LOG_LEVEL: 'info', ...env }, { args, ...(port === undefined ? {} : { port }) });

const ready = (s: Served) => until(async () => (await send(s.port, 'GET', '/readyz')).status === 200, '/readyz 200');

t.test(
  'PORT=... start serves on PORT; SIGTERM finishes the request in flight, refuses new ones and exits 0',
  async (t) => {
    const served = await start({ WORKERS: '1', LOG_LEVEL: 'info' });
    t.teardown(() => void served.child.kill('SIGKILL'));
    await ready(served);
    const models = await send<ModelList>(served.port, 'GET', '/v1/models');
    t.same(
      models.json.models.map((m: { name: string }) => m.name),
      ['ghg-emissions', 'site-energy'],
    );
    // Logs are written asynchronously: the line may reach stdout just after /readyz answers 200.
    await until(() => served.lines.some((l) => l.msg === 'models loaded and verified; ready'), 'readiness log line');
    t.pass('logs readiness');

    // A request whose body is still arriving when SIGTERM comes: it must still get its answer.
    const body = JSON.stringify({
      primaryPropertyType: 'Hotel',
      neighborhood: 'Downtown',
      yearBuilt: 1927,
      numberOfFloors: 12,
      propertyGfaTotal: 88434,
    });
    const socket = connect(served.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write(
      `POST /v1/predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 20)}`,
    );
    await until(() => served.lines.length > 0, 'log lines');
    served.child.kill('SIGTERM');
    await until(
      () => served.lines.some((l) => l.msg === 'shutting down: finishing in-flight requests'),
      'shutdown log',
    );
    await t.rejects(send(served.port, 'GET', '/livez'), 'new connections are refused once draining');
    socket.end(body.slice(20));
    await closed;
    t.match(answer, /^HTTP\/1\.1 200 OK/);
    t.match(answer, /connection: close/i);
    t.match(answer, /"model":\{"name":"site-energy"/);
    const { code } = await served.exited;
    t.equal(code, 0, 'exit 0');
    t.ok(served.lines.some((l) => l.msg === 'server closed'));
  },
);

t.test('flags win over the environment; a models folder that does not verify is never served', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'models-'));
  t.teardown(() => rmSync(empty, { recursive: true, force: true }));
  const port = await freePort();
  const served = await start(
    { WORKERS: '1', MODELS_DIR: join(repoRoot, 'models') },
    ['--models-dir', empty, '--port', String(port)],
    port + 0,
  );
  t.teardown(() => void served.child.kill('SIGKILL'));
  await until(() => served.lines.some((l) => l.msg?.startsWith('models refused')), 'refusal log line');
  const line = served.lines.find((l) => l.msg?.startsWith('models refused'));
  t.match(line, { level: 50, modelsDir: empty, reason: /BUNDLE_NOT_FOUND/ });
  const readyz = await send(port, 'GET', '/readyz');
  t.equal(readyz.status, 503);
  t.equal(
    (await send(port, 'POST', '/v1/predict', { body: '{}', headers: { 'content-type': 'application/json' } })).status,
    503,
  );
  t.notMatch(readyz.text, empty, 'the path stays in the logs');
  served.child.kill('SIGTERM');
  t.equal((await served.exited).code, 0);
});

t.test('invalid configuration exits 2 with a message', async (t) => {
  const served = await start({ BATCH_LIMIT: '10' });
  t.equal((await served.exited).code, 2);
  t.match(served.stderr(), 'serve: BATCH_LIMIT must be between 1000 and 100000, got 10');
  const flag = await start({}, ['--prot', '1']);
  t.equal((await flag.exited).code, 2);
  t.match(flag.stderr(), 'unknown option "--prot"');
});

t.test(
  'cluster: a crashed worker is replaced and requests keep succeeding; metrics cover all workers; SIGTERM exits 0',
  async (t) => {
    const served = await start({ WORKERS: '2' });
    t.teardown(() => void served.child.kill('SIGKILL'));
    await ready(served);
    await until(
      () => served.lines.filter((l) => l.msg === 'models loaded and verified; ready').length === 2,
      'two ready workers',
    );
    const victim = served.lines.find((l) => l.msg === 'listening')?.pid as number;
    t.type(victim, 'number');
    process.kill(victim, 'SIGKILL');
    await until(
      () => served.lines.some((l) => l.msg === 'worker exited unexpectedly; replacing it' && l.workerPid === victim),
      'replacement log',
    );
    await until(
      () => served.lines.filter((l) => l.msg === 'models loaded and verified; ready').length === 3,
      'replacement ready',
    );
    for (let i = 0; i < 10; i++) t.equal((await send(served.port, 'GET', '/readyz')).status, 200);
    // /metrics sums every worker's registry, whichever worker answers.
    for (let i = 0; i < 20; i++) await send(served.port, 'GET', '/livez');
    for (let i = 0; i < 3; i++) {
      t.match(
        (await send(served.port, 'GET', '/metrics')).text,
        'http_requests_total{method="GET",route="/livez",status="200"} 20',
      );
    }
    served.child.kill('SIGTERM');
    const { code } = await served.exited;
    t.equal(code, 0);
    t.ok(served.lines.some((l) => l.msg === 'all workers exited'));
  },
);

t.test('--reload restarts the workers when dist/ changes, without a gap in service', async (t) => {
  const served = await start({ WORKERS: '1' }, ['--reload']);
  t.teardown(() => void served.child.kill('SIGKILL'));
  await ready(served);
  const first = served.lines.find((l) => l.msg === 'listening')?.pid as number;
  // Rewriting a built file with its own content is a change event, as tsc -b -w makes.
  const probe = join(repoRoot, 'packages', 'server', 'dist', 'index.js');
  writeFileSync(probe, readFileSync(probe));
  await until(() => served.lines.some((l) => l.msg === 'dist changed; restarting workers'), 'reload log');
  await until(() => served.lines.some((l) => l.msg === 'server closed' && l.pid === first), 'old worker closed');
  const second = served.lines.filter((l) => l.msg === 'listening').at(-1)?.pid as number;
  t.not(second, first, 'a new worker serves', { lines: served.lines.filter((l) => l.msg !== 'request') });
  t.equal((await send(served.port, 'GET', '/readyz')).status, 200);
  t.notOk(
    served.lines.some((l) => l.msg === 'worker exited unexpectedly; replacing it'),
    'the old worker retired, not crashed',
  );
  served.child.kill('SIGTERM');
  t.equal((await served.exited).code, 0);
});
