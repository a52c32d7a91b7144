#!/usr/bin/env node
// The Debian packages the test suite drives: the Python libraries that define the golden values, the browser for
// the page tests, and the tools that build the container image. Installed with apt-get when missing (as root).
import { execFileSync } from 'node:child_process';

export const debianPackages = [
  'python3-xgboost',
  'python3-sklearn',
  'python3-pandas',
  // The Open Inference Protocol's gRPC tests: a Python client, with stubs generated from the vendored protos.
  'python3-grpcio',
  'python3-grpc-tools',
  'chromium',
  // A real client for the server's limit tests (reliability-limit-clients.test.ts), beside Python's urllib and fetch.
  'curl',
  // The container image test: buildah builds and runs the Dockerfile, debootstrap makes the stand-in base,
  // podman reads the image's layer sizes.
  'buildah',
  'debootstrap',
  'podman',
];

// The server benchmark's peer (bench/peers/fastapi_app.py): FastAPI and uvicorn, as Debian ships them.
export const benchPackages = ['python3-fastapi', 'python3-uvicorn', 'python3-xgboost'];

function missingPackages(names) {
  return names.filter((name) => {
    try {
      const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      return !status.includes('install ok installed');
    } catch {
      return true;
    }
  });
}

/** Installs whichever of `names` is missing; throws with the exact command to run when that is not possible. */
export function ensureDebianPackages(names = debianPackages) {
  const missing = missingPackages(names);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `The tests need these Debian packages: ${missing.join(', ')}. Install them with: sudo sh -c '${command}'`,
    );
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'inherit', env });
}

if (import.meta.url === `file://${process.argv[1]}`) ensureDebianPackages();
