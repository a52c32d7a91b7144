import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { buildOpenApiDocument } from '../openapi.js';
import { DOCS_CSP } from '../middleware/security-headers.js';
import { HttpProblem } from '../problem.js';
import type { ApiRouter, RouteContext } from './route-context.js';

const require = createRequire(import.meta.url);

/** Swagger UI's files served under `/docs/`, from the installed swagger-ui-dist (no CDN: works offline). */
const SWAGGER_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Seattle building energy API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-initializer.js"></script>
</body>
</html>
`;

// An external file rather than an inline script, so the CSP needs no 'unsafe-inline' for scripts.
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
});
`;

/**
 * Registers `GET /openapi.json`, `GET /docs` and Swagger UI's assets under `/docs/`.
 *
 * @example
 * registerDocsRoutes(router, context);
 */
export function registerDocsRoutes(router: ApiRouter, context: RouteContext): void {
  let document: string | undefined;
  const assets = new Map<string, Buffer>();
  const swaggerDir = (): string => (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();

  /**
   * @openapi
   * /openapi.json:
   *   get:
   *     operationId: openApiDocument
   *     tags: [Documentation]
   *     summary: This OpenAPI 3.1 document
   *     responses:
   *       '200':
   *         description: The OpenAPI document.
   *         content:
   *           application/json:
   *             schema: { type: object }
   */
  router.get('/openapi.json', (ctx) => {
    document ??= JSON.stringify(buildOpenApiDocument(context.schema, { batchLimit: context.config.batchLimit }));
    ctx.type = 'application/json';
    ctx.body = document;
  });

  /**
   * @openapi
   * /docs:
   *   get:
   *     operationId: docs
   *     tags: [Documentation]
   *     summary: Swagger UI for this API
   *     responses:
   *       '200':
   *         description: The Swagger UI page (its assets are under /docs/).
   *         content:
   *           text/html:
   *             schema: { type: string }
   */
  router.get('/docs', (ctx) => {
    ctx.set('content-security-policy', DOCS_CSP);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = DOCS_HTML;
  });

  /**
   * @openapi
   * /docs/{file}:
   *   get:
   *     operationId: docsAsset
   *     tags: [Documentation]
   *     summary: Swagger UI's script, style and icons
   *     parameters:
   *       - name: file
   *         in: path
   *         required: true
   *         schema: { enum: [swagger-ui.css, swagger-ui-bundle.js, swagger-initializer.js, favicon-32x32.png, favicon-16x16.png] }
   *     responses:
   *       '200':
   *         description: The file.
   *         content:
   *           text/javascript: { schema: { type: string } }
   *           text/css: { schema: { type: string } }
   *           image/png: { schema: { type: string, contentMediaType: image/png } }
   *       '404': { $ref: '#/components/responses/NotFound' }
   */
  router.get('/docs/:file', async (ctx) => {
    const file = ctx.params['file'] ?? '';
    ctx.set('cache-control', 'public, max-age=3600');
    if (file === 'swagger-initializer.js') {
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.body = INITIALIZER;
      return;
    }
    const type = Object.hasOwn(SWAGGER_FILES, file) ? SWAGGER_FILES[file] : undefined;
    if (type === undefined)
      throw new HttpProblem(404, 'not-found', `There is no documentation file "${file.slice(0, 100)}".`);
    let content = assets.get(file);
    if (content === undefined) {
      content = await readFile(join(swaggerDir(), file));
      assets.set(file, content);
    }
    ctx.type = type;
    ctx.body = content;
  });
}
