import { pino, type DestinationStream, type Logger } from 'pino';

import type { ServerConfig } from './config.js';

/**
 * Creates the JSON logger: one line per event, request lines carry `reqId`. Writes asynchronously to stdout by
 * default (flushed on shutdown) so logging never blocks the event loop on a slow pipe. (Batching lines with sonic-boom's
 * `minLength` saved a system call per request but lost a retiring cluster worker's last lines; not used.)
 *
 * @example
 * const logger = createLogger('info');
 * logger.info({ port: 3000 }, 'listening');
 */
export function createLogger(level: ServerConfig['logLevel'], destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      // Never log bodies or headers that could carry secrets; request lines are built field by field.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export type { Logger } from 'pino';
