// Graceful shutdown of the built `serve` command under load: SIGTERM -> every accepted request answered, new
// connections refused, exit 0 (default workers, node:cluster); and a rolling restart of two instances behind a tiny
// node:http proxy loses no request.
import { request, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';

import t from 'tap';

import { send } from './fixtures/http-harness.js';
const acceptLog = new URL('./fixtures/reliability-accept-log.mjs', import.meta.url).href;
import { freePort, scale, startServe, until, whenReady, type Served } from './fixtures/reliability-kit.js';

const building = JSON.stringify({
  primaryPropertyType: 'Hotel',
  neighborhood: 'Downtown',
  yearBuilt: 1927,
  numberOfFloors: 12,
  propertyGfaTotal: 88434,
});

type Outcome = 'answered' | 'refused' | 'lost';
/** Why requests were lost (error code or status), to show in the failure. */
const lostReasons = new Map<string, number>();
const lose = (why: string): Outcome => (lostReasons.set(why, (lostReasons.get(why) ?? 0) + 1), 'lost');

/** Connections that ended in a reset before any answer (by local port), to match against the accept log. */
const resetPorts: { port: number }[] = [];
/**
 * Every client connection binds its own local port, never reused within a run, so the server's accept log (by
 * remote port) says exactly which reset connections the server had accepted.
 */
let nextLocalPort = 20_000 + Math.floor(Math.random() * 5_000);
const takePort = () => (nextLocalPort >= 32_000 ? (nextLocalPort = 20_000) : nextLocalPort++);

/** One prediction on a fresh connection: answered (200 with a full body), refused (never connected) or lost. */
function predictOnce(port: number, attempt = 0): Promise<Outcome> {
  return new Promise((resolve) => {
    const localPort = takePort();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        localPort,
        method: 'POST',
        path: '/v1/predict',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': building.length, connection: 'close' },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () =>
          resolve(
            res.statusCode === 200 && body.includes('"value"')
              ? 'answered'
              : lose(`status ${res.statusCode} ${body.slice(0, 80)}`),
          ),
        );
        res.on('error', (error: NodeJS.ErrnoException) => resolve(lose(`response ${error.code ?? error.message}`)));
      },
    );

    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') return resolve('refused');
      // The chosen local port is taken (another process, or a TIME_WAIT pair): nothing was sent; take the next one.
      if ((error.code === 'EADDRINUSE' || error.code === 'EADDRNOTAVAIL') && attempt < 50)
        return void predictOnce(port, attempt + 1).then(resolve);
      if (error.code === 'ECONNRESET') resetPorts.push({ port: localPort });
      resolve(lose(`request ${error.code ?? error.message}`));
    });
    req.end(building);
  });
}

/** `clients` loops sending predictions back to back until `stop()` or, with `untilRefused`, their first refusal. */
function loadLoops(port: number, clients: number, untilRefused: boolean) {
  const counts: Record<Outcome, number> = { answered: 0, refused: 0, lost: 0 };
  let stopped = false;
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped) {
      const outcome = await predictOnce(port);
      counts[outcome]++;
      if (untilRefused && outcome === 'refused') return;
    }
  });
  return { counts, done: Promise.all(loops), stop: () => void (stopped = true) };
}

t.test(
  'SIGTERM under load (default workers): every accepted request is answered, new connections are refused, exit 0',
  async (t) => {
    const served = await startServe({ LOG_LEVEL: 'info', NODE_OPTIONS: `--import ${acceptLog}` });
    t.teardown(() => void served.child.kill('SIGKILL'));
    resetPorts.length = 0;
    lostReasons.clear();
    await whenReady(served.port);
    const workers = Number(served.lines.find((l) => l.msg === 'cluster primary started')?.workers);
    await until(
      () => served.lines.filter((l) => l.msg === 'models loaded and verified; ready').length === workers,
      'every worker ready',
    );
    t.ok(workers >= 2, `default workers: ${workers}`);

    // Requests whose body is still arriving when SIGTERM comes: accepted, so they must be answered.
    const inFlight = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const socket = connect(served.port, '127.0.0.1');
        await new Promise<void>((r) => socket.once('connect', () => r()));
        let answer = '';
        socket.on('data', (c: Buffer) => (answer += c.toString('utf8')));
        socket.write(
          `POST /v1/predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${building.length}\r\n\r\n${building.slice(0, 10)}`,
        );
        return { socket, answer: () => answer, closed: new Promise<void>((r) => socket.once('close', () => r())) };
      }),
    );
    const load = loadLoops(served.port, scale(16, 64), true);
    await until(() => load.counts.answered >= scale(200, 2000), 'requests answered under load');
    const before = load.counts.answered;
    served.child.kill('SIGTERM');
    await until(
      () => served.lines.filter((l) => l.msg === 'shutting down: finishing in-flight requests').length === workers,
      'every worker draining',
    );
    for (const s of inFlight) s.socket.end(building.slice(10));
    await Promise.all(inFlight.map((s) => s.closed));
    await load.done;
    const { code } = await served.exited;

    // A reset connection the server never accepted was queued by the kernel when the listening socket closed: the
    // process never saw its request, so it counts with the refused ones. Any other failure is a lost request.
    // Each connection had its own local port: a reset connection was accepted if and only if the log shows its port.
    const accepts = served
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('accepted '))
      .map((l) => l.split(' ').map(Number));
    const acceptedPorts = new Set(accepts.map(([, port]) => port));
    const neverAccepted = resetPorts.filter((r) => !acceptedPorts.has(r.port)).length;
    t.ok(accepts.length >= load.counts.answered, 'the accept log saw the connections');
    t.equal(
      inFlight.filter((s) => /^HTTP\/1\.1 200 OK/.test(s.answer())).length,
      inFlight.length,
      'every request in flight at SIGTERM answered 200',
    );
    t.equal(load.counts.lost - neverAccepted, 0, 'no accepted request lost', {
      reasons: Object.fromEntries(lostReasons),
      neverAccepted,
    });
    t.ok(load.counts.refused + neverAccepted >= 1, 'new connections are refused once the server stopped accepting');
    t.equal(code, 0, 'exit 0');
    t.ok(served.lines.some((l) => l.msg === 'all workers exited'));
    const summary = `${before} answered before SIGTERM, ${load.counts.answered} in all, ${load.counts.refused} refused, ${neverAccepted} reset while queued (never accepted), ${load.counts.lost - neverAccepted} accepted and lost`;
    t.comment(`shutdown under load: ${summary}`);
    console.log(`# shutdown under load: ${summary}`);
  },
);

/**
 * The smallest useful load balancer: round-robin over the backends in rotation, the request body buffered. A
 * rolling restart takes a backend out of rotation and drains it before stopping it (as Kubernetes removes an endpoint before
 * SIGTERM) and puts it back once its `/readyz` answers 200. A request whose connection was refused (it never
 * reached a process) is retried on the next backend, as nginx's `proxy_next_upstream error` does; any other
 * failure is answered 502 and so counted as lost by the clients.
 */
function startProxy(ports: readonly number[]) {
  let next = 0;
  const inRotation = new Set(ports);
  // Requests forwarded to each backend that have no answer head yet (connection draining waits for these).
  const unanswered = new Map<number, number>(ports.map((p) => [p, 0]));
  const count = (port: number, by: number) => unanswered.set(port, (unanswered.get(port) ?? 0) + by);
  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, attempt: number) => {
    const candidates = ports.filter((p) => inRotation.has(p));
    const port = candidates[next++ % Math.max(1, candidates.length)];
    if (port === undefined) return void setTimeout(() => forward(req, body, res, attempt), 10);
    count(port, 1);
    let counted = true;
    const settle = () => void (counted && ((counted = false), count(port, -1)));
    const upstream = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.url,
        agent: false,
        headers: { ...req.headers, connection: 'close' },
      },
      (answer) => {
        settle();
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      settle();
      if (error.code === 'ECONNREFUSED' && attempt < 20)
        setTimeout(() => forward(req, body, res, attempt + 1), attempt * 5);
      else if (!res.headersSent) res.writeHead(502).end(error.code);
      else res.destroy();
    });
    upstream.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, Buffer.concat(chunks), res, 0));
  });
  return new Promise<{
    port: number;
    remove: (p: number) => void;
    add: (p: number) => void;
    unanswered: (p: number) => number;
    close: () => Promise<void>;
  }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        remove: (p) => void inRotation.delete(p),
        add: (p) => void inRotation.add(p),
        unanswered: (p) => unanswered.get(p) ?? 0,
        close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
      }),
    ),
  );
}

t.test('rolling restart of two instances behind a proxy loses zero requests', async (t) => {
  const ports = [await freePort(), await freePort()];
  const instances: Served[] = [];
  for (const port of ports) instances.push(await startServe({ WORKERS: '1' }, { port }));
  t.teardown(() => instances.forEach((s) => s.child.kill('SIGKILL')));
  for (const port of ports) await whenReady(port);
  const proxy = await startProxy(ports);
  t.teardown(() => proxy.close());

  resetPorts.length = 0;
  lostReasons.clear();
  const load = loadLoops(proxy.port, scale(8, 32), false);
  const rounds = scale(1, 5);
  const exitCodes: (number | null)[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < instances.length; i++) {
      const old = instances[i] as Served;
      const served = load.counts.answered;
      await until(() => load.counts.answered >= served + 50, 'traffic before the restart');
      proxy.remove(ports[i] ?? 0);
      // Connection draining, as a load balancer's deregistration delay: wait until every request forwarded to the
      // old instance has its answer head (so its connection was accepted: a connect still in the kernel's queue when
      // the listener closes would be reset), then SIGTERM; bodies still streaming finish during the graceful stop.
      await until(() => proxy.unanswered(ports[i] ?? 0) === 0, 'requests to the old instance answered');
      old.child.kill('SIGTERM');
      exitCodes.push((await old.exited).code);
      const fresh = await startServe({ WORKERS: '1' }, { port: ports[i] ?? 0 });
      instances[i] = fresh;
      await whenReady(fresh.port);
      proxy.add(fresh.port);
    }
  }
  const served = load.counts.answered;
  await until(() => load.counts.answered >= served + 50, 'traffic after the restarts');
  load.stop();
  await load.done;
  t.same(exitCodes, Array(rounds * 2).fill(0), 'every old instance exited 0');
  t.equal(load.counts.lost, 0, 'no request lost', { reasons: Object.fromEntries(lostReasons) });
  t.equal(load.counts.refused, 0, 'the proxy itself never refused');
  t.ok(load.counts.answered > 0);
  t.equal((await send(proxy.port, 'GET', '/readyz')).status, 200);
  t.comment(
    `rolling restart: ${rounds * 2} restarts, ${load.counts.answered} requests answered, ${load.counts.lost} lost`,
  );
  console.log(`# rolling restart: ${rounds * 2} restarts, answered ${load.counts.answered}, lost ${load.counts.lost}`);
});
