// The design's own stack doing no work: Koa + @koa/router + koa-body parse the same JSON body as the server's
// POST /v1/predict and answer a constant small JSON document. The ceiling this server's framework allows.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

// Koa and its middleware are the server package's dependencies; resolve them from there.
const require = createRequire(fileURLToPath(new URL('../../packages/server/package.json', import.meta.url)));
const Koa = require('koa');
const Router = require('@koa/router');
const { koaBody } = require('koa-body');

const app = new Koa();
const router = new Router();
router.get('/readyz', (ctx) => {
  ctx.body = { status: 'ready' };
});
router.post('/v1/predict', koaBody(), (ctx) => {
  ctx.body = { ok: true, fields: Object.keys(ctx.request.body).length };
});
app.use(router.routes());
createServer(app.callback()).listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
