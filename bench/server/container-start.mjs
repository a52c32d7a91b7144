#!/usr/bin/env node
// Container start to /readyz 200 of the built image (its own CMD, as a platform starts it), against the same
// container running a bare `node -e 0`: median of BENCH_ROUNDS (default 5), alternated. Uses buildah like the
// container test (root, vfs storage, chroot isolation, host network). Build the image first:
//   deploy/container/build-image.sh localhost/seattle-energy:test && node bench/server/container-start.mjs [tag]
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

const tag = process.argv[2] ?? 'localhost/seattle-energy:test';
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const buildah = ['--storage-driver', 'vfs'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const config = JSON.parse(
  execFileSync('buildah', [...buildah, 'inspect', '--type', 'image', tag], { encoding: 'utf8' }),
).Docker.config;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function status(port) {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    })
      .on('error', () => resolve(0))
      .end();
  });
}

/** Every process below `pid` (chroot isolation shares the host's pid space). */
function descendants(pid) {
  const children = new Map();
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
  const found = [];
  const queue = [pid];
  while (queue.length > 0)
    for (const child of children.get(queue.shift()) ?? []) (found.push(child), queue.push(child));
  return found;
}

/** `buildah run` of the image with `command`; resolves with the time to exit, or to /readyz 200 when `port` is set. */
async function timed(container, command, port) {
  const env = port === undefined ? [] : ['--env', `PORT=${port}`, '--env', 'WORKERS=1'];
  const started = performance.now();
  const child = spawn(
    'buildah',
    [...buildah, 'run', '--isolation', 'chroot', '--network', 'host', ...env, container, '--', ...command],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (port === undefined) {
    await exited;
    return performance.now() - started;
  }
  while ((await status(port)) !== 200) {
    if (child.exitCode !== null) throw new Error('the container exited before it was ready');
    await sleep(5);
  }
  const ms = performance.now() - started;
  // The image's STOPSIGNAL to the server process.
  const server = descendants(child.pid).find((pid) => {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return args.at(-1) === config.Cmd.at(-1) && !args[0]?.includes('buildah');
  });
  if (server === undefined) throw new Error('server process not found');
  process.kill(server, config.StopSignal);
  await exited;
  return ms;
}

const container = execFileSync('buildah', [...buildah, 'from', '--pull=never', tag], { encoding: 'utf8' }).trim();
try {
  const bare = [];
  const ready = [];
  for (let i = 0; i < rounds; i++) {
    bare.push(await timed(container, ['node', '-e', '0']));
    ready.push(await timed(container, config.Cmd, await freePort()));
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`image ${tag}, CMD ${JSON.stringify(config.Cmd)}, load average after: ${load}`);
  console.log(
    `container start to /readyz 200: median ${median(ready).toFixed(0)} ms (${ready.map((t) => t.toFixed(0)).join(', ')})`,
  );
  console.log(
    `container running node -e 0:    median ${median(bare).toFixed(0)} ms (${bare.map((t) => t.toFixed(0)).join(', ')})`,
  );
  console.log(`ratio ${(median(ready) / median(bare)).toFixed(1)}x`);
} finally {
  execFileSync('buildah', [...buildah, 'rm', container], { stdio: 'ignore' });
}
