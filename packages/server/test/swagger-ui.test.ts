// Swagger UI at /docs, driven in real headless Chromium: the developer's path through the documented example.
/// <reference lib="dom" />
import { chromium, type Browser } from 'playwright-core';
import t from 'tap';

import { chromiumOptions, startServer, type RunningServer } from './fixtures/browser-kit.js';

let server: RunningServer;
let browser: Browser;

t.before(async () => {
  server = await startServer();
  browser = await chromium.launch(chromiumOptions);
});
t.teardown(async () => {
  await browser?.close();
  await server?.close();
});

t.test('"Try it out" on POST /v1/predict with the documented example returns 200', async (t) => {
  const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
    paths: Record<string, { post?: { operationId?: string; tags?: string[]; requestBody?: unknown } }>;
    components?: { examples?: Record<string, { value?: unknown }> };
  };
  const operation = spec.paths['/v1/predict']?.post;
  t.ok(operation?.operationId, 'POST /v1/predict is documented with an operationId');
  const tag = operation?.tags?.[0] ?? 'default';
  const documented = JSON.stringify(operation?.requestBody ?? {}).match(/#\/components\/examples\/([^"]+)/)?.[1];
  const example = documented === undefined ? undefined : spec.components?.examples?.[documented]?.value;
  t.ok(example, 'the request body has a documented example');

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    return new URL(url).origin === server.url ? route.continue() : route.abort('blockedbyclient');
  });
  await page.goto(`${server.url}/docs`);

  const block = page.locator(`#operations-${tag}-${operation?.operationId}`);
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  const body = block.locator('textarea.body-param__text');
  await body.waitFor({ state: 'visible' });
  t.same(JSON.parse(await body.inputValue()), example, 'the editor holds the documented example');

  await block.locator('button.execute').click();
  const status = block.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ state: 'visible' });
  t.equal((await status.textContent())?.trim(), '200', 'the response panel shows 200');
  const shown = await block.locator('.live-responses-table .response-col_description pre').first().textContent();
  t.match(JSON.parse(shown ?? '{}'), { model: { name: 'site-energy' }, unit: 'kBtu' }, 'and the prediction itself');

  t.ok(
    requests.some((url) => new URL(url).pathname === '/v1/predict'),
    'the request went to this server',
  );
  t.same(
    requests.filter((url) => new URL(url).origin !== server.url),
    [],
    'no request leaves the server',
  );
  await context.close();
});
