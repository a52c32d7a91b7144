// Headers and exposure of the real server (runServer, real schema and models): no x-powered-by, nosniff on every
// answer, a Content-Security-Policy for the page and for /docs that allows exactly what they load, CORS closed
// unless configured and then open to the configured origin only.
import t from 'tap';

import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { API_CSP, DOCS_CSP, PAGE_CSP } from '../src/middleware/security-headers.js';
import { runServer, type ServerProcess } from '../src/run-server.js';
import { loadSchemaPackage } from '../src/schema-adapter.js';
import { send } from './fixtures/http-harness.js';
import { hotelBody, leakIn } from './fixtures/reliability-kit.js';

const schema = loadSchemaPackage();
const jsonHeaders = { 'content-type': 'application/json' };

async function serve(env: Record<string, string> = {}): Promise<ServerProcess> {
  const config = loadConfig({ LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', ...env });
  const proc = await runServer(config, schema, schema.loadModelStore, { logger: createLogger('silent') });
  if (!(await proc.loaded)) throw new Error('the repository models did not verify');
  return proc;
}

/** One answer of each kind the server gives: success, every error status, HTML, assets, metrics. */
const REQUESTS: readonly [string, string, { body?: string; headers?: Record<string, string> }?][] = [
  ['GET', '/'],
  ['GET', '/docs'],
  ['GET', '/docs/swagger-ui.css'],
  ['GET', '/docs/swagger-initializer.js'],
  ['GET', '/openapi.json'],
  ['GET', '/livez'],
  ['GET', '/readyz'],
  ['GET', '/healthz'],
  ['GET', '/metrics'],
  ['GET', '/v1/models'],
  ['GET', '/v2/models/site-energy'],
  ['POST', '/v1/predict', { body: hotelBody, headers: jsonHeaders }],
  ['POST', '/v1/predict', { body: '{"yearBuilt":', headers: jsonHeaders }],
  ['POST', '/v1/predict', { body: '{"yearBuilt":1700}', headers: jsonHeaders }],
  ['POST', '/v1/predict', { body: hotelBody, headers: { 'content-type': 'text/plain' } }],
  ['POST', '/v1/predict', { body: 'x'.repeat(3 * 1024 * 1024), headers: jsonHeaders }],
  ['DELETE', '/v1/predict'],
  ['GET', '/no/such/route'],
  ['GET', '/v1/models/no-such-model'],
];

t.test(
  'every kind of answer: no x-powered-by, nosniff, a CSP, no server banner, no internals in the body',
  async (t) => {
    const proc = await serve();
    t.teardown(() => proc.stop());
    const statuses = new Set<number>();
    for (const [method, path, options] of REQUESTS) {
      const reply = await send(proc.running.port, method, path, options);
      statuses.add(reply.status);
      const what = `${method} ${path} (${reply.status})`;
      t.equal(reply.headers['x-powered-by'], undefined, `${what}: no x-powered-by`);
      t.equal(reply.headers['server'], undefined, `${what}: no server banner`);
      t.equal(reply.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
      t.type(reply.headers['content-security-policy'], 'string', `${what}: a CSP`);
      if (!path.endsWith('.css'))
        t.equal(leakIn(reply.text), undefined, `${what}: no stack trace, file path or internal version`);
    }
    t.same(
      [...statuses].sort(),
      [200, 400, 404, 405, 413, 415, 422],
      'the answers covered success and every client error status',
    );
  },
);

/** The same-origin files an HTML page loads through <script src> and <link href>, and any inline code it carries. */
function pageResources(html: string): {
  sources: string[];
  inlineScripts: number;
  inlineHandlers: number;
  styleAttributes: number;
} {
  const sources = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
  const inlineScripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(
    (m) => !/\bsrc=/.test(m[1] ?? '') && (m[2] ?? '').trim() !== '',
  ).length;
  return {
    sources,
    inlineScripts,
    inlineHandlers: (html.match(/\son[a-z]+\s*=/gi) ?? []).length,
    styleAttributes: (html.match(/\sstyle\s*=/gi) ?? []).length,
  };
}

t.test('the page and /docs carry their own CSP, and everything they load is allowed by it', async (t) => {
  const proc = await serve();
  t.teardown(() => proc.stop());
  const port = proc.running.port;
  for (const [path, csp] of [
    ['/', PAGE_CSP],
    ['/docs', DOCS_CSP],
  ] as const) {
    const page = await send(port, 'GET', path);
    t.equal(page.status, 200);
    t.equal(page.headers['content-security-policy'], csp, `${path} has its own CSP`);
    t.match(csp, /script-src 'self'(;|$)/, `${path}: scripts from this origin only, no inline script allowed`);
    t.match(csp, /frame-ancestors 'none'/, `${path}: cannot be framed`);
    const found = pageResources(page.text);
    t.equal(found.inlineScripts, 0, `${path}: no inline script (blocked by script-src 'self')`);
    t.equal(found.inlineHandlers, 0, `${path}: no inline event handler`);
    if (!csp.includes("style-src 'self' 'unsafe-inline'"))
      t.equal(found.styleAttributes, 0, `${path}: no style attribute (blocked by style-src 'self')`);
    t.ok(found.sources.length >= 2, `${path} loads its script and style`);
    for (const source of found.sources) {
      t.notMatch(source, /^(?:[a-z]+:)?\/\//i, `${path}: ${source} is same-origin (no CDN)`);
      const asset = await send(port, 'GET', new URL(source, `http://x${path}`).pathname);
      t.equal(asset.status, 200, `${path}: ${source} is served`);
      // With nosniff a browser runs a script or applies a style only when its media type says so.
      const kind = /\.m?js$/.test(source) ? /^text\/javascript/ : /\.css$/.test(source) ? /^text\/css/ : /^image\//;
      t.match(asset.headers['content-type'], kind, `${path}: ${source} has the media type its tag needs`);
    }
  }
  t.equal(
    (await send(port, 'GET', '/openapi.json')).headers['content-security-policy'],
    API_CSP,
    'API answers: nothing may load from them',
  );
});

const preflight = (origin: string) => ({
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
});

t.test('CORS is closed by default: no origin is granted, not even on preflight', async (t) => {
  const proc = await serve();
  t.teardown(() => proc.stop());
  const port = proc.running.port;
  const simple = await send(port, 'POST', '/v1/predict', {
    body: hotelBody,
    headers: { ...jsonHeaders, origin: 'https://city.example' },
  });
  t.equal(simple.status, 200);
  t.equal(simple.headers['access-control-allow-origin'], undefined, 'no access-control-allow-origin');
  const options = await send(port, 'OPTIONS', '/v1/predict', preflight('https://city.example'));
  t.equal(options.headers['access-control-allow-origin'], undefined, 'preflight grants nothing');
  t.equal(options.headers['access-control-allow-methods'], undefined);
});

t.test('CORS_ORIGINS opens CORS to the configured origin only', async (t) => {
  const proc = await serve({ CORS_ORIGINS: 'https://city.example' });
  t.teardown(() => proc.stop());
  const port = proc.running.port;
  const allowed = await send(port, 'POST', '/v1/predict', {
    body: hotelBody,
    headers: { ...jsonHeaders, origin: 'https://city.example' },
  });
  t.equal(allowed.headers['access-control-allow-origin'], 'https://city.example', 'the configured origin is granted');
  t.match(allowed.headers['vary'], /origin/i, 'caches keep answers per origin');
  const allowedPreflight = await send(port, 'OPTIONS', '/v1/predict', preflight('https://city.example'));
  t.equal(allowedPreflight.headers['access-control-allow-origin'], 'https://city.example');
  t.match(allowedPreflight.headers['access-control-allow-methods'], /POST/);
  for (const origin of ['https://evil.example', 'https://city.example.evil.example', 'http://city.example', 'null']) {
    const other = await send(port, 'POST', '/v1/predict', { body: hotelBody, headers: { ...jsonHeaders, origin } });
    t.equal(other.headers['access-control-allow-origin'], undefined, `${origin} is not granted`);
    const otherPreflight = await send(port, 'OPTIONS', '/v1/predict', preflight(origin));
    t.equal(otherPreflight.headers['access-control-allow-origin'], undefined, `${origin} preflight is not granted`);
  }
  t.equal(allowed.headers['access-control-allow-credentials'], undefined, 'credentials are never allowed');
});
