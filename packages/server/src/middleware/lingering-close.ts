import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

import type { Middleware } from 'koa';

/**
 * How long a client that is still sending may go on after its answer, as nginx's lingering close does
 * (`lingering_time` 30 s, `lingering_timeout` 5 s): the rest of the body is read and thrown away up to `bytes`,
 * for at most `ms` in all and `idleMs` without a byte, then the connection is closed.
 */
export interface LingerLimits {
  readonly bytes: number;
  readonly ms: number;
  readonly idleMs: number;
}

/** 64 MiB covers any upload a client would make by mistake (the API's own limits are a few MB). */
export const LINGER_LIMITS: LingerLimits = { bytes: 64 * 1024 ** 2, ms: 30_000, idleMs: 5_000 };

const lingering = new WeakSet<Socket>();

/** True once `linger` has taken the socket over: later parser errors on it come from the discarded bytes. */
export function isLingering(socket: Socket): boolean {
  return lingering.has(socket);
}

/**
 * Half-closes `socket` (what was written goes out, then FIN) and lets the client finish sending: the bytes are read
 * and thrown away as they arrive (the HTTP parser drops a request body nobody listens to; nothing is kept), until
 * the request has arrived in full or the client closes its side, then the socket is closed. A socket closed with
 * unread data answers the client's next segment with a reset, and many clients (Python's urllib, for one) write
 * the whole body before they read anything: they would see "connection reset" instead of the answer. Past
 * `limits` (bytes read since, time in all, time without a byte), the socket is closed anyway.
 *
 * @example
 * socket.write(answer);
 * linger(socket);
 */
export function linger(socket: Socket, request?: IncomingMessage, limits: LingerLimits = LINGER_LIMITS): void {
  if (socket.destroyed || lingering.has(socket)) return;
  lingering.add(socket);
  if (socket.writable) socket.end();
  // Destroying drops what is still queued for writing: wait until the answer and the FIN are out.
  const closeWhenWritten = () => {
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  };
  if (request?.complete === true || socket.readableEnded) {
    closeWhenWritten();
    return;
  }
  const start = socket.bytesRead;
  const began = Date.now();
  let seen = start;
  let lastByte = began;
  let done = false;
  const close = (force = false) => {
    if (done) return;
    done = true;
    clearInterval(watch);
    if (force) socket.destroy();
    else closeWhenWritten();
  };
  const check = () => {
    const read = socket.bytesRead;
    const now = Date.now();
    if (read !== seen) {
      seen = read;
      lastByte = now;
    }
    if (read - start > limits.bytes || now - lastByte > limits.idleMs) close();
    else if (now - began > limits.ms) close(true);
  };
  // Bytes are counted on the socket (bytesRead), not through 'data' listeners: those would take the socket away from
  // the HTTP parser's native reading. Each chunk of the request checks at once, the timer catches silence.
  const watch = setInterval(check, Math.min(250, limits.idleMs));
  socket.once('end', () => close());
  socket.once('close', () => close());
  socket.on('error', () => socket.destroy());
  if (request !== undefined) {
    request.on('data', check);
    request.once('end', () => close());
  }
}

/**
 * Answers first, then lingers: when a response is decided before the request body has been received in full (a
 * body over the limit refused from its Content-Length or half-way through a chunked body, a media type refused before
 * reading), the answer says `connection: close`, the rest of the body is read and discarded, and the socket closes
 * once the client has sent it or `LINGER_LIMITS` is reached (see `linger`). A request whose body was read costs one
 * property check.
 *
 * @example
 * app.use(lingeringClose());
 */
export function lingeringClose(limits: LingerLimits = LINGER_LIMITS): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      const request = ctx.req;
      if (!request.complete && ctx.respond !== false) {
        ctx.set('connection', 'close');
        // A body reader that gave up paused the request (which stops the socket being read); flowing again with a
        // listener, its chunks are dropped as they come, and Node does not take it for an unread request.
        request.on('data', () => {});
        request.resume();
        // Node ends a `connection: close` response with socket.destroySoon(), which destroys the socket as soon as
        // the answer is flushed, unread bytes or not; this socket lingers instead.
        const socket = request.socket as Socket & { destroySoon: () => void };
        socket.destroySoon = () => linger(socket, request, limits);
      }
    }
  };
}
