// axe-core audits the citizen page in real Chromium, on a phone and on a desktop, in each state a person meets:
// empty, filled in with an estimate, with errors, and with a record of the city and its comparison.
/// <reference lib="dom" />
import { chromium, type Browser, type Page } from 'playwright-core';
import t from 'tap';

import { chromiumOptions, startServer, type RunningServer } from './fixtures/browser-kit.js';
import { openPage, post, seriousViolations, waitForEstimate } from './fixtures/page-kit.js';

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

const required = {
  primaryPropertyType: 'Hotel',
  neighborhood: 'Downtown',
  yearBuilt: 1927,
  numberOfFloors: 12,
  propertyGfaTotal: 88434,
};

const states: [string, (page: Page) => Promise<void>][] = [
  ['empty', async () => {}],
  [
    'filled',
    async (page) => {
      await page.selectOption('#primaryPropertyType', required.primaryPropertyType);
      await page.selectOption('#neighborhood', required.neighborhood);
      for (const field of ['yearBuilt', 'numberOfFloors', 'propertyGfaTotal'] as const)
        await page.fill(`#${field}`, String(required[field]));
      await page.click('#building-form button[type=submit]');
      await waitForEstimate(page, (await post(server, '/v1/predict?explain=true', required)).body.value);
    },
  ],
  [
    'error',
    async (page) => {
      await page.fill('#yearBuilt', '1700');
      await page.fill('#numberOfFloors', 'twelve');
      await page.click('#building-form button[type=submit]');
      await page.locator('#numberOfFloors-error').waitFor();
    },
  ],
  [
    'comparison',
    async (page) => {
      await page.locator('#finder-q').pressSequentially('405 olive');
      await page.locator('#finder-results button').first().waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.locator('#comparison').waitFor();
    },
  ],
];

t.test('the audit is live: it catches a field without a label', async (t) => {
  const { page, close } = await openPage(browser, server);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });
  await page.evaluate(() => document.querySelector('#building-form')?.append(document.createElement('input')));
  const found = await seriousViolations(page);
  t.same(
    found.map((v) => [v.id, v.impact]),
    [['label', 'critical']],
  );
  await close();
});

for (const [device, viewport] of [
  ['phone', { width: 390, height: 844 }],
  ['desktop', { width: 1280, height: 900 }],
] as const) {
  t.test(`axe finds no serious or critical violation on a ${device}`, async (t) => {
    for (const [state, reach] of states) {
      const { page, close } = await openPage(browser, server, viewport);
      await page.goto(`${server.url}/`);
      await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });
      await reach(page);
      t.same(await seriousViolations(page), [], `${state} state`);
      await close();
    }
  });
}
