#!/usr/bin/env node
// Fills Node's module compile cache (NODE_COMPILE_CACHE, Node 22.1+) for the image: starts the bundled server once,
// as the user and from the path the image runs it (the cache is kept per user id and keyed by file path and content),
// waits for /readyz 200, and stops it with SIGTERM so Node writes the cache. A container that starts from the image
// then reads V8's compiled code instead of compiling the bundle again.
// Usage (as root, in the image build): node prime-compile-cache.mjs <serve.bundle.js> <cache dir> [uid gid]
import { spawn } from 'node:child_process';
import { request } from 'node:http';

const [serveFile, cacheDir, uid, gid] = process.argv.slice(2);
if (serveFile === undefined || cacheDir === undefined) {
  throw new Error('usage: node prime-compile-cache.mjs <serve.bundle.js> <cache dir> [uid gid]');
}
const port = 39_871;
const status = () =>
  new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    })
      .on('error', () => resolve(0))
      .end();
  });

const child = spawn(process.execPath, [serveFile], {
  env: {
    ...process.env,
    NODE_COMPILE_CACHE: cacheDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    WORKERS: '1',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
  ...(uid === undefined ? {} : { uid: Number(uid), gid: Number(gid) }),
});
const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
const deadline = Date.now() + 120_000;
while ((await status()) !== 200) {
  if (child.exitCode !== null || Date.now() > deadline) {
    child.kill('SIGKILL');
    throw new Error(`the server did not become ready (exit code ${child.exitCode})`);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}
child.kill('SIGTERM');
const code = await exited;
if (code !== 0) throw new Error(`the server exited with ${code} after SIGTERM`);
