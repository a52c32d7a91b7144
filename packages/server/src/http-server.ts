import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import type { ServerConfig } from './config.js';
import type { Logger } from './logger.js';
import { isLingering, linger } from './middleware/lingering-close.js';

/** A listening server and its graceful shutdown. */
export interface RunningServer {
  readonly server: Server;
  /** The bound port (useful with port 0). */
  readonly port: number;
  /**
   * Stops accepting, lets in-flight requests finish (answered with `connection: close`), closes idle keep-alive
   * connections at once, and after `shutdownTimeoutMs` closes whatever is left. Resolves when the server is closed.
   */
  close(): Promise<void>;
}

/**
 * The answer to a request Node's parser refused before the app saw it (bad syntax, oversized headers, timeout),
 * still as problem+json, then the connection is closed.
 */
function rawProblem(code: string | undefined): string {
  const [status, title, type, detail] =
    code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'headers-too-large', 'The request headers are larger than 16 KiB.']
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'request-timeout', 'The request was not received in time.']
        : [400, 'Bad Request', 'malformed-request', 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify({
    type: `/problems/${type}`,
    title,
    status,
    detail,
    instance: 'urn:request:unparsed',
    errors: [],
  });
  return (
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `x-content-type-options: nosniff\r\nconnection: close\r\n\r\n${body}`
  );
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Creates the HTTP server with the timeouts that keep slow clients from holding it: `headersTimeout` (headers),
 * `requestTimeout` (whole request), idle keep-alive, and a connection check every second so those limits apply
 * promptly (Node's default check interval is 30 s).
 *
 * @example
 * const running = await startHttpServer(app.callback(), config, logger);
 * process.once('SIGTERM', () => running.close().then(() => process.exit(0)));
 */
export async function startHttpServer(handler: Handler, config: ServerConfig, logger: Logger): Promise<RunningServer> {
  let draining = false;
  const server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
      // Request headers beyond 16 KiB are refused with 431 by Node itself.
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      // While draining, every answer closes its connection so keep-alive clients reconnect elsewhere.
      if (draining) res.setHeader('connection', 'close');
      // Koa's callback answers its own errors (ctx.onerror), so its promise never rejects.
      void handler(req, res);
    },
  );
  // Bound the sockets of one process; beyond this the kernel backlog holds them.
  server.maxConnections = 10_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // The parser keeps failing on the rest of a body being discarded; that socket is already answered.
    if (isLingering(socket)) return;
    if (socket.writable && !socket.destroyed) {
      // A client still sending (a body arriving too slowly) reads the answer instead of a reset (lingering-close.ts).
      socket.write(rawProblem(error.code));
      linger(socket);
    } else {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      draining = true;
      const deadline = setTimeout(() => {
        logger.warn(
          { timeoutMs: config.shutdownTimeoutMs },
          'shutdown deadline reached; closing remaining connections',
        );
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      deadline.unref();
      server.close(() => {
        clearTimeout(deadline);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  return { server, port, close };
}
