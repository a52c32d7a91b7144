import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

import t from 'tap';

import { ConfigError, defaultModelsDir, loadConfig, parseServeArgs } from '../src/config.js';

t.test('defaults', async (t) => {
  t.same(loadConfig({}), {
    port: 3000,
    host: '0.0.0.0',
    modelsDir: defaultModelsDir,
    logLevel: 'info',
    bodyLimit: 2 * 1024 * 1024,
    batchLimit: 1000,
    corsOrigins: [],
    requestTimeoutMs: 30_000,
    headersTimeoutMs: 10_000,
    keepAliveTimeoutMs: 5_000,
    shutdownTimeoutMs: 10_000,
    workers: availableParallelism(),
    reload: false,
  });
  t.equal(defaultModelsDir, resolve(import.meta.dirname, '..', '..', '..', 'models'), "the repository's models/");
});

t.test('environment', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    HOST: '127.0.0.1',
    MODELS_DIR: '/app/models',
    LOG_LEVEL: 'WARN',
    BODY_LIMIT: '512kb',
    BATCH_LIMIT: '5000',
    CORS_ORIGINS: 'https://a.example, https://b.example:8443',
    REQUEST_TIMEOUT_MS: '5000',
    HEADERS_TIMEOUT_MS: '20000',
    WORKERS: '3',
  });
  t.match(config, {
    port: 8080,
    host: '127.0.0.1',
    modelsDir: '/app/models',
    logLevel: 'warn',
    bodyLimit: 512 * 1024,
    batchLimit: 5000,
    corsOrigins: ['https://a.example', 'https://b.example:8443'],
    requestTimeoutMs: 5000,
    workers: 3,
  });
  t.equal(config.headersTimeoutMs, 5000, 'headers timeout never above the request timeout');
  t.equal(loadConfig({ BODY_LIMIT: '1mb' }).bodyLimit, 1024 * 1024);
});

t.test('flags win over the environment', async (t) => {
  const flags = parseServeArgs(['--port', '9000', '--host=::1', '--models-dir', 'm', '--workers', '2', '--reload']);
  t.same(flags, { port: '9000', host: '::1', modelsDir: 'm', workers: '2', reload: true });
  t.match(loadConfig({ PORT: '1', WORKERS: '8' }, flags), {
    port: 9000,
    host: '::1',
    modelsDir: resolve('m'),
    workers: 2,
    reload: true,
  });
});

t.test('refuses unusable settings with a message naming them', async (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: 'abc' }, 'PORT must be a whole number, got "abc"'],
    [{ PORT: '70000' }, 'PORT must be between 0 and 65535, got 70000'],
    [{ BATCH_LIMIT: '999' }, 'BATCH_LIMIT must be between 1000 and 100000, got 999'],
    [{ BODY_LIMIT: 'lots' }, 'BODY_LIMIT must be a size like 1048576, 512kb or 2mb, got "lots"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [
      { CORS_ORIGINS: 'example.org' },
      'CORS_ORIGINS entries must be origins like https://example.org, got "example.org"',
    ],
    [{ WORKERS: '0' }, 'WORKERS must be between 1 and 256, got 0'],
  ];
  for (const [env, message] of cases) t.throws(() => loadConfig(env), new ConfigError(message));
  t.throws(() => parseServeArgs(['--port']), new ConfigError('option --port needs a value'));
  t.throws(() => parseServeArgs(['--verbose']), { message: /^unknown option "--verbose"/ });
});
