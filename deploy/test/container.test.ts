// Builds the repository's Dockerfile as it is (buildah, on the local stand-in for the official Node base), starts the
// image's own command, and checks what a container platform relies on: readiness, a real prediction, the non-root
// user, the health check, graceful stop on the image's STOPSIGNAL, and what the image contains. Slow on purpose: an
// image that is never built is not a deliverable. Needs root with buildah, debootstrap and podman
// (scripts/system-packages.mjs installs them) and the npm registry.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import t from 'tap';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tag = 'localhost/seattle-energy:test';
const buildah = ['--storage-driver', 'vfs'];
const run = promisify(execFile);

// The first build on a fresh machine makes the base (debootstrap) and installs every dependency from the registry.
t.setTimeout(40 * 60_000);

async function buildahOut(...args: string[]): Promise<string> {
  const { stdout } = await run('buildah', [...buildah, ...args], { maxBuffer: 1 << 28 });
  return stdout.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Pids of every process below `pid`, read from /proc (buildah's chroot isolation shares the host's pid space). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while being read
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() ?? -1) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface ImageConfig {
  User: string;
  Cmd: string[];
  Env: string[];
  ExposedPorts: Record<string, object>;
  WorkingDir: string;
  StopSignal: string;
  Healthcheck?: { Test: string[] };
}

let config: ImageConfig | undefined;

t.test('builds the Dockerfile unchanged with buildah on the stand-in base', async (t) => {
  const build = await run('bash', [join(root, 'deploy/container/build-image.sh'), tag], { maxBuffer: 1 << 28 }).catch(
    (error: { stderr?: string }) => {
      throw new Error(`build failed:\n${(error.stderr ?? '').slice(-4000)}`);
    },
  );
  t.equal(build.stdout.trim().split('\n').at(-1), tag, 'build-image.sh names the image it built');

  const inspected = JSON.parse(await buildahOut('inspect', '--type', 'image', tag)) as {
    Docker: { config: ImageConfig };
  };
  config = inspected.Docker.config;
  const nodeVersion = /^ARG NODE_VERSION=(.+)$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1];
  t.same(config.Cmd, ['node', '--max-semi-space-size=1', '/app/dist/serve.bundle.js'], 'CMD starts the bundled server');
  t.equal(config.User, 'node', 'USER node');
  t.equal(config.WorkingDir, '/app', 'WORKDIR /app');
  t.same(Object.keys(config.ExposedPorts), ['3000/tcp'], 'EXPOSE 3000');
  t.equal(config.StopSignal, 'SIGTERM', 'STOPSIGNAL SIGTERM');
  t.same(config.Healthcheck?.Test.slice(0, 2), ['CMD', 'node'], 'health check by node itself, no curl');
  t.ok(config.Env.includes('MODELS_DIR=/app/models'), 'MODELS_DIR=/app/models');
  t.ok(config.Env.includes(`NODE_VERSION=${nodeVersion}`), 'built on the base the Dockerfile pins');
  t.match(nodeVersion, /^24\.\d+\.\d+$/, 'Node.js 24 LTS, pinned by exact version');
  t.ok(
    config.Env.includes('NODE_COMPILE_CACHE=/app/.node-compile-cache'),
    "Node's compile cache is read from the image",
  );

  // Sizes: podman lists the history newest first; the base's entries are the oldest ones.
  const history = async (image: string) =>
    JSON.parse((await run('podman', [...buildah, 'image', 'history', '--format', 'json', image])).stdout) as {
      size: number;
      CreatedBy: string;
    }[];
  const base = await history(`docker.io/library/node:${nodeVersion}-bookworm-slim`);
  const image = await history(tag);
  const own = image.slice(0, image.length - base.length).filter((layer) => layer.size > 0);
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const sum = (layers: { size: number }[]) => layers.reduce((total, layer) => total + layer.size, 0);
  t.comment(`image ${tag}: ${mb(sum(image))} in all, base ${mb(sum(base))}, application layers ${mb(sum(own))}`);
  for (const layer of own) t.comment(`  application layer ${mb(layer.size)}: ${layer.CreatedBy.slice(0, 80)}`);
  for (const layer of base.filter((layer) => layer.size > 0))
    t.comment(`  base layer ${mb(layer.size)}: ${layer.CreatedBy.slice(0, 80)}`);
  t.ok(sum(own) < 60e6, `application layers under 60 MB (${mb(sum(own))})`);
});

t.test('the image holds the server, its production dependencies and the models, nothing else', async (t) => {
  t.ok(config, 'image built');
  if (!config) return;
  const container = await buildahOut('from', '--pull=never', tag);
  t.teardown(() => buildahOut('rm', container));
  const list = async (script: string) =>
    JSON.parse(await buildahOut('run', '--isolation', 'chroot', container, '--', 'node', '-e', script)) as string[];
  t.same(
    await list('console.log(JSON.stringify(require("fs").readdirSync("/app").sort()))'),
    ['.node-compile-cache', 'data', 'dist', 'models', 'node_modules', 'package.json', 'protocol', 'public'],
    '/app holds the deployed server, its compile cache and the models only',
  );
  t.equal(
    (await list('console.log(JSON.stringify([process.version]))'))[0],
    `v${/^ARG NODE_VERSION=(.+)$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1]}`,
    'the image runs the Node.js the Dockerfile pins',
  );
  // Kept per user id: filled as the `node` user (uid 1000) who runs the server, read-only to it.
  const cache = await list(`const fs = require("fs"); const dir = "/app/.node-compile-cache";
    console.log(JSON.stringify(fs.readdirSync(dir, { recursive: true }).map((name) => {
      const s = fs.statSync(dir + "/" + name); return name + " " + s.uid + " " + (s.mode & 0o777).toString(8); })))`);
  t.ok(
    cache.some((entry) => /^v24\.[\d.]+-x64-\w+-1000\/\w+ 0 644$/.test(entry)),
    `a compile cache for uid 1000, owned by root (${cache.join('; ')})`,
  );
  t.notOk(
    cache.some((entry) => !/ 0 (644|755)$/.test(entry)),
    'nothing in it the node user could change',
  );
  const serverPackage = JSON.parse(readFileSync(join(root, 'packages/server/package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const installed = await list(`const fs = require("fs");
    const names = fs.readdirSync("/app/node_modules").filter((name) => !name.startsWith("."))
      .flatMap((name) => name.startsWith("@") ? fs.readdirSync("/app/node_modules/" + name).map((sub) => name + "/" + sub) : [name]);
    console.log(JSON.stringify(names.sort()))`);
  t.same(installed, Object.keys(serverPackage.dependencies).sort(), 'production dependencies only');
  const models = (dir: string) =>
    readdirSync(dir).flatMap((name) => readdirSync(join(dir, name)).map((version) => `${name}/${version}`));
  const inImage = await list(`const fs = require("fs"); const dir = "/app/models";
    console.log(JSON.stringify(fs.readdirSync(dir).flatMap((name) => fs.readdirSync(dir + "/" + name).map((version) => name + "/" + version))))`);
  t.same(inImage.sort(), models(join(root, 'models')).sort(), 'every model bundle of the repository');
});

t.test('runs as uid 1000, answers a prediction as the library did, and stops cleanly on SIGTERM', async (t) => {
  t.ok(config, 'image built');
  if (!config) return;
  const container = await buildahOut('from', '--pull=never', tag);
  t.teardown(() => buildahOut('rm', container));

  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    'buildah',
    [
      ...buildah,
      'run',
      '--isolation',
      'chroot',
      '--network',
      'host',
      '--env',
      `PORT=${port}`,
      '--env',
      'WORKERS=1',
      container,
      '--',
      ...config.Cmd,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Registered after the container's removal, so it runs first: the server is killed before its container goes.
  t.teardown(() => {
    if (child.exitCode !== null) return;
    for (const pid of descendants(child.pid ?? -1)) process.kill(pid, 'SIGKILL');
    child.kill('SIGKILL');
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const base = `http://127.0.0.1:${port}`;
  let ready = false;
  // A bound, not a timing assertion: model verification runs on a machine shared with other test suites.
  for (let attempt = 0; attempt < 600 && !ready && child.exitCode === null; attempt++) {
    ready = await fetch(`${base}/readyz`).then(
      (reply) => reply.status === 200,
      () => false,
    );
    if (!ready) await sleep(500);
  }
  t.ok(ready, `/readyz answered 200${ready ? '' : `; container output:\n${output}`}`);
  if (!ready) return;

  // The model's first golden row: a raw building and the prediction XGBoost itself made for it (ln kBtu).
  const modelDir = join(root, 'models', 'site-energy');
  const version =
    readdirSync(modelDir)
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .at(-1) ?? '';
  const golden = JSON.parse(readFileSync(join(modelDir, version, 'golden.json'), 'utf8')) as {
    rows: { building: object; prediction: number }[];
  };
  const row = golden.rows[0];
  const reply = await fetch(`${base}/v1/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(row?.building),
  });
  t.equal(reply.status, 200, 'POST /v1/predict answers 200');
  const body = (await reply.json()) as { model: { name: string; version: string }; value: number };
  t.same(body.model, { name: 'site-energy', version }, 'from the latest site-energy bundle');
  t.ok(
    Math.abs(Math.log(body.value) - (row?.prediction ?? NaN)) < 1e-5,
    `ln(${body.value}) is XGBoost's ${row?.prediction}`,
  );

  // The documentation is built at run time from the image's own files (route comments, swagger-ui-dist).
  const openapi = await fetch(`${base}/openapi.json`);
  t.equal(openapi.status, 200, 'GET /openapi.json answers 200');
  const spec = (await openapi.json()) as { paths: Record<string, unknown> };
  t.ok('/v1/predict' in spec.paths, 'the OpenAPI document describes /v1/predict');
  const docs = await fetch(`${base}/docs`);
  t.equal(docs.status, 200, 'GET /docs answers 200');
  t.match(docs.headers.get('content-type'), /^text\/html/, 'with the Swagger UI page');
  t.equal((await fetch(`${base}/docs/swagger-ui-bundle.js`)).status, 200, 'Swagger UI is in the image');

  const server = descendants(child.pid ?? -1).find(
    (pid) => cmdline(pid).join(' ').endsWith('/app/dist/serve.bundle.js') && !cmdline(pid)[0]?.includes('buildah'),
  );
  t.ok(server, 'server process found');
  if (server === undefined) return;
  const status = readFileSync(`/proc/${server}/status`, 'utf8');
  t.same(/^Uid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/), ['1000', '1000', '1000', '1000'], 'runs as uid 1000');
  t.same(/^Gid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/), ['1000', '1000', '1000', '1000'], 'and gid 1000');

  const healthcheck = config.Healthcheck?.Test.slice(1) ?? [];
  const probe = await run('buildah', [
    ...buildah,
    'run',
    '--isolation',
    'chroot',
    '--network',
    'host',
    '--env',
    `PORT=${port}`,
    container,
    '--',
    ...healthcheck,
  ]).then(
    () => 0,
    (error: { code?: number }) => error.code ?? -1,
  );
  t.equal(probe, 0, 'the HEALTHCHECK command passes against the running server');

  // What a container runtime does on stop: the image's STOPSIGNAL to the container's main process.
  process.kill(server, config.StopSignal);
  t.equal(await exited, 0, 'exits 0 after draining');
});
