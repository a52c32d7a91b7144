// Every limit answered so that every client can read it. Real clients (Python's urllib, Node's fetch, curl) send
// bodies over the limit, with Content-Length and chunked, and must read the 413 problem+json, not a reset: the server
// answers, then reads and discards the rest of the body within a bound before closing (lingering-close.ts).
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import t, { type Test } from 'tap';

import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { LINGER_LIMITS } from '../src/middleware/lingering-close.js';
import { runServer, type ServerProcess } from '../src/run-server.js';
import { loadSchemaPackage } from '../src/schema-adapter.js';

const schema = loadSchemaPackage();
const building = JSON.stringify(schema.exampleBuilding);
const postFile = join(import.meta.dirname, 'fixtures', 'post-file.py');

async function serve(env: Record<string, string>): Promise<{ proc: ServerProcess; base: string; port: number }> {
  const config = loadConfig({ LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', ...env });
  const proc = await runServer(config, schema, (modelsDir) => schema.loadModelStore(modelsDir), {
    logger: createLogger('silent'),
  });
  if (!(await proc.loaded)) throw new Error('the repository models did not verify');
  const port = proc.running.port;
  return { proc, base: `http://127.0.0.1:${port}`, port };
}

/** What a client read: the answer, or the error it met instead. */
interface Outcome {
  status?: number;
  contentType?: string;
  body?: string;
  error?: string;
}

type Client = (url: string, file: string, type: string, chunked: boolean) => Promise<Outcome>;

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const python: Client = async (url, file, type, chunked) => {
  const { stdout, stderr } = await run('/usr/bin/python3', [
    postFile,
    url,
    file,
    type,
    ...(chunked ? ['chunked'] : []),
  ]);
  return stdout.trim() === '' ? { error: stderr } : (JSON.parse(stdout) as Outcome);
};

const curl: Client = async (url, file, type, chunked) => {
  const { code, stdout, stderr } = await run('curl', [
    '-sS',
    '--max-time',
    '120',
    '-H',
    `content-type: ${type}`,
    ...(chunked ? ['-H', 'transfer-encoding: chunked'] : []),
    '--data-binary',
    `@${file}`,
    '-w',
    '\n%{http_code} %{content_type}',
    url,
  ]);
  if (code !== 0) return { error: `curl exit ${code}: ${stderr.trim()}` };
  const cut = stdout.lastIndexOf('\n');
  const [status, contentType] = stdout.slice(cut + 1).split(' ');
  return { status: Number(status), contentType: contentType ?? '', body: stdout.slice(0, cut) };
};

const nodeFetch: Client = async (url, file, type, chunked) => {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': type },
      ...(chunked ? { body: Readable.toWeb(createReadStream(file)), duplex: 'half' } : { body: await readFile(file) }),
    } as RequestInit);
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: `${(error as Error).message}: ${cause?.code ?? ''} ${cause?.message ?? ''}` };
  }
};

const clients: [string, Client][] = [
  ['urllib', python],
  ['fetch', nodeFetch],
  ['curl', curl],
];

function expectProblem(t: Test, outcome: Outcome, status: number, type: string, what: string): void {
  t.equal(outcome.error, undefined, `${what}: an answer, not a broken connection`);
  t.equal(outcome.status, status, `${what}: status ${status}`);
  t.match(outcome.contentType, /^application\/problem\+json/, `${what}: problem+json`);
  let body: { type?: string; status?: number } = {};
  try {
    body = JSON.parse(outcome.body ?? '') as typeof body;
  } catch {
    t.fail(`${what}: the problem body is whole JSON (${(outcome.body ?? '').slice(0, 80)})`);
  }
  t.equal(body.type, `/problems/${type}`, `${what}: the problem body`);
}

const dir = await mkdtemp(join(tmpdir(), 'limit-clients-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

/** A valid building padded with JSON whitespace to `size` bytes. */
async function paddedBuilding(name: string, size: number): Promise<string> {
  const body = Buffer.alloc(size, ' ');
  body.write(building);
  const file = join(dir, name);
  await writeFile(file, body);
  return file;
}

const bodyLimit = loadConfig({}).bodyLimit;
const bodies = {
  '1.1x the limit': await paddedBuilding('over.json', Math.round(1.1 * bodyLimit)),
  '6 MB': await paddedBuilding('6mb.json', 6_000_000),
  '50 MB': await paddedBuilding('50mb.json', 50_000_000),
};
const batchFile = join(dir, 'batch.json');
await writeFile(batchFile, `{"buildings":[${Array(100_000).fill(building).join(',')}]}`);
const floodFile = join(dir, 'flood.json');
await writeFile(floodFile, `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":1`).join(',')}}`);

t.test('bodies over the limit: every client reads the 413, with Content-Length and chunked', async (t) => {
  const { proc, base } = await serve({});
  t.teardown(() => proc.stop());
  for (const [name, client] of clients) {
    for (const chunked of [false, true]) {
      const mode = chunked ? 'chunked' : 'Content-Length';
      for (const [size, file] of Object.entries(bodies)) {
        const outcome = await client(`${base}/v1/predict`, file, 'application/json', chunked);
        expectProblem(t, outcome, 413, 'payload-too-large', `${name}, ${size}, ${mode}`);
      }
      const batch = await client(`${base}/v1/predict/batch`, batchFile, 'application/json', chunked);
      expectProblem(t, batch, 413, 'payload-too-large', `${name}, 100,000-row batch, ${mode}`);
      const flood = await client(`${base}/v1/predict`, floodFile, 'application/json', chunked);
      expectProblem(t, flood, 422, 'invalid-building', `${name}, 50,000 unknown fields, ${mode}`);
    }
  }
});

t.test('a batch over BATCH_LIMIT within the body limit: every client reads the 413 batch-too-large', async (t) => {
  const { proc, base } = await serve({ BODY_LIMIT: '64mb' });
  t.teardown(() => proc.stop());
  for (const [name, client] of clients) {
    for (const chunked of [false, true]) {
      const outcome = await client(`${base}/v1/predict/batch`, batchFile, 'application/json', chunked);
      expectProblem(
        t,
        outcome,
        413,
        'batch-too-large',
        `${name}, 100,000 rows, ${chunked ? 'chunked' : 'Content-Length'}`,
      );
    }
  }
});

t.test('a body arriving too slowly: urllib, still sending, reads the 408 problem', async (t) => {
  const { proc, base } = await serve({ REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '1000' });
  t.teardown(() => proc.stop());
  for (const chunked of [false, true]) {
    const { stdout, stderr } = await run('/usr/bin/python3', [
      '-c',
      // 20 pieces of 1 KB, one every 200 ms: the request timeout passes half-way through the body.
      `import json, time, urllib.request, urllib.error
def body():
    for _ in range(20):
        time.sleep(0.2)
        yield b' ' * 1024
headers = {'Content-Type': 'application/json'}
if ${chunked ? 'False' : 'True'}: headers['Content-Length'] = str(20 * 1024)
try:
    urllib.request.urlopen(urllib.request.Request('${base}/v1/predict', data=body(), headers=headers), timeout=60)
    print(json.dumps({'error': 'answered 2xx'}))
except urllib.error.HTTPError as e:
    print(json.dumps({'status': e.code, 'contentType': e.headers['Content-Type'], 'body': e.read().decode()}))
except Exception as e:
    r = getattr(e, 'reason', e)
    print(json.dumps({'error': type(r).__name__ + ': ' + str(r)}))`,
    ]);
    const outcome = stdout.trim() === '' ? { error: stderr } : (JSON.parse(stdout) as Outcome);
    expectProblem(t, outcome, 408, 'request-timeout', `urllib, slow ${chunked ? 'chunked' : 'Content-Length'} body`);
  }
});

t.test('far past the bound the server closes; the discarded body is never kept (memory stays flat)', async (t) => {
  const { proc, port } = await serve({});
  t.teardown(() => proc.stop());
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
  }
  const before = process.memoryUsage();
  t.comment(`array buffers before: ${(before.arrayBuffers / 2 ** 20).toFixed(1)} MiB`);
  // Half-open allowed, as a client that goes on writing after the server's FIN (Node's default would end at once).
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  let written = 0;
  let resetAfter: number | undefined;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('error', () => (resetAfter ??= written));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    'POST /v1/predict HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n',
  );
  const chunk = Buffer.alloc(1024 * 1024, ' ');
  const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  const ceiling = 4 * LINGER_LIMITS.bytes;
  // Memory held (after a full collection) every 8 MiB sent: a server keeping the body would hold ~60 MiB by the end.
  const held: number[] = [];
  while (!socket.destroyed && written < ceiling) {
    const ok = socket.write(frame);
    written += frame.length;
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done).off('close', done);
          resolve();
        };
        socket.on('drain', done).on('close', done);
      });
    }
    if (written % (8 * 2 ** 20) < frame.length) {
      gc();
      held.push((process.memoryUsage().arrayBuffers - before.arrayBuffers) / 2 ** 20);
    }
  }
  await closed;
  t.match(received, /^HTTP\/1\.1 413 /, 'the answer came first');
  t.match(received, /"\/problems\/payload-too-large"/);
  t.ok(written < ceiling, `the server closed the connection (after ${(written / 2 ** 20).toFixed(0)} MiB sent)`);
  t.ok(
    written >= LINGER_LIMITS.bytes,
    `it read up to the bound first (${(LINGER_LIMITS.bytes / 2 ** 20).toFixed(0)} MiB)`,
  );
  const most = Math.max(...held);
  // The client's own write queue moves this by up to ~18 MiB on a loaded machine; buffering would add the body.
  t.ok(
    held.length >= 8 && most < 32,
    `memory held while ${(written / 2 ** 20).toFixed(0)} MiB were discarded: at most ${most.toFixed(1)} MiB (${held.map((m) => m.toFixed(0)).join(', ')})`,
  );
  t.comment(`reset seen by the client after ${resetAfter === undefined ? 'none' : `${resetAfter} bytes`}`);
});
