import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Everything the server can be configured with; every field has a documented default (README, "Configuration"). */
export interface ServerConfig {
  readonly port: number;
  /** When set, `/metrics` is served on this port only (one the public ingress does not expose), not on `port`. */
  readonly metricsPort?: number;
  readonly host: string;
  readonly modelsDir: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest accepted request body, in bytes (JSON and CSV). */
  readonly bodyLimit: number;
  /** Largest accepted batch, in buildings (at least 1,000). */
  readonly batchLimit: number;
  /** Origins allowed by CORS; empty means CORS is closed. */
  readonly corsOrigins: readonly string[];
  /** Time a client has to send the whole request (headers and body), in ms. */
  readonly requestTimeoutMs: number;
  /** Time a client has to send the headers, in ms (never above `requestTimeoutMs`). */
  readonly headersTimeoutMs: number;
  /** Idle keep-alive time, in ms. */
  readonly keepAliveTimeoutMs: number;
  /** Bound on a graceful shutdown: in-flight requests get this long to finish, in ms. */
  readonly shutdownTimeoutMs: number;
  readonly workers: number;
  readonly reload: boolean;
  /** Port of the Open Inference Protocol over gRPC; undefined (the default) serves no gRPC. */
  readonly grpcPort: number | undefined;
}

/** Directory of this package (`packages/server`), from either `src/` or `dist/`. */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The repository's `models/` folder, the default `MODELS_DIR` outside the container. */
export const defaultModelsDir = resolve(packageDir, '..', '..', 'models');

/** Smallest batch limit the API promises. */
export const MIN_BATCH_LIMIT = 1000;

/** Raised for configuration that cannot be used; `serve` prints the message and exits 2. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2 };

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function byteSize(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const match = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw.trim());
  if (!match) throw new ConfigError(`${name} must be a size like 1048576, 512kb or 2mb, got "${raw}"`);
  const bytes = Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1);
  if (bytes < 1024 || bytes > 64 * 1024 ** 2)
    throw new ConfigError(`${name} must be between 1kb and 64mb, got "${raw}"`);
  return bytes;
}

/** Command-line flags of `serve`; they win over the environment. */
export interface ServeFlags {
  port?: string;
  host?: string;
  modelsDir?: string;
  workers?: string;
  reload?: boolean;
}

/**
 * Parses `serve`'s flags (`--port 8080`, `--port=8080`, `--host`, `--models-dir`, `--workers`, `--reload`).
 *
 * @example
 * parseServeArgs(['--port', '8080', '--reload']) // { port: '8080', reload: true }
 */
export function parseServeArgs(argv: readonly string[]): ServeFlags {
  const flags: ServeFlags = {};
  const names = { '--port': 'port', '--host': 'host', '--models-dir': 'modelsDir', '--workers': 'workers' } as const;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--reload') {
      flags.reload = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const key = (names as Record<string, (typeof names)[keyof typeof names]>)[flag];
    if (key === undefined)
      throw new ConfigError(`unknown option "${arg}" (known: --port, --host, --models-dir, --workers, --reload)`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '') throw new ConfigError(`option ${flag} needs a value`);
    flags[key] = value;
  }
  return flags;
}

/**
 * Reads the configuration from the environment and `serve`'s flags, with the documented defaults.
 *
 * @example
 * loadConfig({ PORT: '8080', CORS_ORIGINS: 'https://example.org' }).port // 8080
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, flags: ServeFlags = {}): ServerConfig {
  const logLevel = (env['LOG_LEVEL'] ?? 'info').trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env['LOG_LEVEL']}"`);
  }
  const requestTimeoutMs = integer('REQUEST_TIMEOUT_MS', env['REQUEST_TIMEOUT_MS'], 30_000, 100, 600_000);
  const corsOrigins = (env['CORS_ORIGINS'] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`CORS_ORIGINS entries must be origins like https://example.org, got "${origin}"`);
    }
  }
  const port = integer('PORT', flags.port ?? env['PORT'], 3000, 0, 65535);
  const metricsPort =
    env['METRICS_PORT'] === undefined || env['METRICS_PORT'].trim() === ''
      ? undefined
      : integer('METRICS_PORT', env['METRICS_PORT'], 0, 1, 65535);
  if (metricsPort !== undefined && metricsPort === port) {
    throw new ConfigError(`METRICS_PORT must differ from PORT (${port}): metrics are kept off the public port`);
  }
  return {
    port,
    ...(metricsPort === undefined ? {} : { metricsPort }),
    host: flags.host ?? env['HOST'] ?? '0.0.0.0',
    modelsDir: resolve(flags.modelsDir ?? env['MODELS_DIR'] ?? defaultModelsDir),
    logLevel: logLevel as ServerConfig['logLevel'],
    bodyLimit: byteSize('BODY_LIMIT', env['BODY_LIMIT'], 2 * 1024 ** 2),
    batchLimit: integer('BATCH_LIMIT', env['BATCH_LIMIT'], MIN_BATCH_LIMIT, MIN_BATCH_LIMIT, 100_000),
    corsOrigins,
    requestTimeoutMs,
    headersTimeoutMs: Math.min(
      requestTimeoutMs,
      integer('HEADERS_TIMEOUT_MS', env['HEADERS_TIMEOUT_MS'], 10_000, 100, 600_000),
    ),
    keepAliveTimeoutMs: integer('KEEP_ALIVE_TIMEOUT_MS', env['KEEP_ALIVE_TIMEOUT_MS'], 5_000, 100, 600_000),
    shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', env['SHUTDOWN_TIMEOUT_MS'], 10_000, 100, 600_000),
    workers: integer('WORKERS', flags.workers ?? env['WORKERS'], availableParallelism(), 1, 256),
    reload: flags.reload ?? false,
    grpcPort: (env['GRPC_PORT'] ?? '').trim() === '' ? undefined : integer('GRPC_PORT', env['GRPC_PORT'], 0, 0, 65535),
  };
}
