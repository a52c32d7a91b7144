import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

import type { Context, Middleware } from 'koa';

import { packageDir } from '../config.js';
import { PAGE_CSP } from '../middleware/security-headers.js';
import { HttpProblem } from '../problem.js';
import type { ApiRouter } from './route-context.js';

/** Folder of the citizen page (`packages/server/public/`), added by the page's own work. */
export const publicDir = join(packageDir, 'public');

const PUBLIC_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Reads a file of `public/` by its URL path, or undefined if there is none (never outside the folder). */
async function readPublicFile(urlPath: string, dir: string): Promise<{ body: Buffer; type: string } | undefined> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (relative.includes('\0')) return undefined;
  const file = normalize(join(dir, relative));
  if (!file.startsWith(dir + sep)) return undefined;
  const type = PUBLIC_TYPES[extname(file).toLowerCase()];
  if (type === undefined) return undefined;
  try {
    return { body: await readFile(file), type };
  } catch {
    return undefined;
  }
}

/** Text files worth compressing (images other than SVG are compressed already). */
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json)|image\/svg\+xml)/;
const gzipped = new Map<string, { source: Buffer; gzip: Buffer }>();

/**
 * Answers with a file of the page, gzipped when the client accepts it: the page's budget is what a phone downloads.
 * The compressed copy is kept while the file's content stays the same.
 */
function sendPublicFile(ctx: Context, name: string, file: { body: Buffer; type: string }): void {
  ctx.set('content-security-policy', PAGE_CSP);
  ctx.set('cache-control', 'no-cache');
  ctx.type = file.type;
  if (!COMPRESSIBLE.test(file.type)) {
    ctx.body = file.body;
    return;
  }
  ctx.vary('accept-encoding');
  if (ctx.acceptsEncodings('gzip', 'identity') !== 'gzip') {
    ctx.body = file.body;
    return;
  }
  let cached = gzipped.get(name);
  if (cached === undefined || !cached.source.equals(file.body)) {
    cached = { source: file.body, gzip: gzipSync(file.body) };
    gzipped.set(name, cached);
  }
  ctx.set('content-encoding', 'gzip');
  ctx.body = cached.gzip;
}

/**
 * Registers `GET /`: the citizen page, `public/index.html`, when it exists (404 otherwise).
 *
 * @example
 * registerPageRoutes(router);
 */
export function registerPageRoutes(router: ApiRouter, dir: string = publicDir): void {
  /**
   * @openapi
   * /:
   *   get:
   *     operationId: citizenPage
   *     tags: [Documentation]
   *     summary: The citizen page
   *     responses:
   *       '200':
   *         description: The page where a building owner gets a prediction.
   *         content:
   *           text/html:
   *             schema: { type: string }
   *       '404': { $ref: '#/components/responses/NotFound' }
   */
  router.get('/', async (ctx) => {
    const file = await readPublicFile('index.html', dir);
    if (file === undefined) throw new HttpProblem(404, 'not-found', 'The citizen page is not installed.');
    sendPublicFile(ctx, join(dir, 'index.html'), file);
  });
}

/**
 * Serves the page's other files (scripts, styles, images) from `public/` for GET and HEAD requests that no route
 * matched; placed after the router. Only known file types, never outside the folder.
 *
 * @example
 * app.use(router.routes()).use(publicFiles());
 */
export function publicFiles(dir: string = publicDir): Middleware {
  return async (ctx, next) => {
    if (
      (ctx.method !== 'GET' && ctx.method !== 'HEAD') ||
      ctx.path === '/' ||
      ctx.body !== undefined ||
      ctx.status !== 404
    ) {
      await next();
      return;
    }
    const file = await readPublicFile(ctx.path, dir);
    if (file === undefined) {
      await next();
      return;
    }
    sendPublicFile(ctx, join(dir, ctx.path), file);
  };
}
