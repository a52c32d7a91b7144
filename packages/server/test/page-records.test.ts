// The citizen page with the city's records, in real headless Chromium against the real server, models and index:
// find a building by a partial address, pick it, see the form filled, the estimate and how the building compares;
// the page's address carries all of it.
/// <reference lib="dom" />
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser, type Page } from 'playwright-core';
import t, { type Test } from 'tap';

import { chromiumOptions, startServer, type RunningServer } from './fixtures/browser-kit.js';
import { getJson, openPage, post, waitForEstimate, type Prediction } from './fixtures/page-kit.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const screenshotPath = join(repoRoot, 'docs', 'screenshots', 'citizen-page.png');

const approx = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

interface BuildingRecord {
  id: number;
  name: string;
  address: string;
  type: string;
  building: Record<string, string | number | boolean>;
  valid: boolean;
  reported: {
    siteEnergyKbtu: number;
    siteEuiKbtuPerSqFt: number;
    ghgEmissionsTonnes: number;
    complianceStatus: string;
    outlier: string | null;
  };
  comparison: { propertyType: string; buildings: number; percentile: number; siteEui: number[] };
}

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

/** What each control of the building form holds. */
function formValues(page: Page) {
  return page
    .locator('#building-form input, #building-form select')
    .evaluateAll((all) =>
      Object.fromEntries((all as (HTMLInputElement | HTMLSelectElement)[]).map((c) => [c.name, c.value])),
    );
}

/** The form as the record fills it: every field of the form, blank where the record has nothing. */
function expectedForm(record: BuildingRecord, names: string[]) {
  return Object.fromEntries(names.map((name) => [name, String(record.building[name] ?? '')]));
}

/** The comparison the page must show, written from the API's own numbers. */
function expectedComparison(record: BuildingRecord, energy: Prediction) {
  const { low, high } = energy.interval;
  const reported = record.reported.siteEnergyKbtu;
  const where = reported < low ? 'below the likely range' : reported > high ? 'above the likely range' : 'within';
  return {
    use: `Your building reported ${approx.format(reported)} kBtu in 2016. Buildings described like yours are estimated at ${approx.format(energy.value)} kBtu a year, likely between ${approx.format(low)} and ${approx.format(high)}.`,
    where,
    rank: `Its energy use intensity in 2016, ${oneDecimal.format(record.reported.siteEuiKbtuPerSqFt)} kBtu per sq ft, was higher than that of ${Math.round(record.comparison.percentile)}% of the ${record.comparison.buildings} other buildings the city lists as ${record.comparison.propertyType}.`,
  };
}

async function checkComparison(t: Test, page: Page, record: BuildingRecord, energy: Prediction, emissions: Prediction) {
  const expected = expectedComparison(record, energy);
  t.equal(
    await page.textContent('#comparison-ghg'),
    `Its reported greenhouse gas emissions were ${approx.format(record.reported.ghgEmissionsTonnes)} ${emissions.unit}; the estimate for buildings described like it is ${approx.format(emissions.value)}, likely between ${approx.format(emissions.interval.low)} and ${approx.format(emissions.interval.high)}.`,
    'reported emissions next to their estimate',
  );
  const use = (await page.textContent('#comparison-use')) ?? '';
  t.ok(use.startsWith(expected.use), `reported use next to the estimate: ${use}`);
  t.match(use, expected.where, 'and where it falls against the range');
  t.equal(await page.textContent('#comparison-rank'), expected.rank, 'the percentile among its property type');
  t.match(await page.textContent('#comparison-note'), 'The model learned from these same 2016 records');
  t.equal(
    await page.locator('#comparison-strip svg[role=img] line.peer').count(),
    record.comparison.siteEui.length,
    'one line per other building of the type',
  );
  t.equal(await page.locator('#comparison-strip svg line.own').count(), 1, 'and this one marked');
}

t.test('finds a 2016 building by a partial address, fills the form, estimates and compares', async (t) => {
  const { page, requests, consoleErrors, close } = await openPage(browser, server);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });

  // The Mayflower Park Hotel is at 405 Olive Way; an owner types part of it, in their own case.
  await page.locator('#finder-q').pressSequentially('405 OLIV');
  await page.locator('#finder-results button').first().waitFor();
  t.equal(await page.textContent('#finder-status'), '1 building found. Choose yours below.');
  t.equal(
    (await page.textContent('#finder-results button'))?.replace(/\s+/g, ' ').trim(),
    'Mayflower park hotel405 Olive way · Hotel',
  );
  // Chosen by keyboard: arrow down from the search box to the result, Enter.
  await page.keyboard.press('ArrowDown');
  t.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset['id']), '1');
  await page.keyboard.press('Enter');

  const record = (await getJson<BuildingRecord>(server, '/v1/buildings/1')).body;
  const energy = await post(server, '/v1/predict?explain=true', record.building);
  const emissions = await post(server, '/v1/models/ghg-emissions/predict', record.building);
  t.equal(energy.status, 200);
  await waitForEstimate(page, energy.body.value);
  await page.locator('#comparison').waitFor();

  const values = await formValues(page);
  t.same(values, expectedForm(record, Object.keys(values)), 'the form holds the record as the API reads it');
  t.equal(values['neighborhood'], 'Downtown', 'the file\'s "DOWNTOWN", as the API reads it');
  t.equal(await page.textContent('#energy-kbtu'), approx.format(energy.body.value), 'the estimate of that building');
  t.equal(
    await page.textContent('#record-text'),
    "Filled in from the city's 2016 record of Mayflower park hotel, 405 Olive way. Change anything you know better.",
  );
  t.equal(await page.evaluate(() => document.activeElement?.id), 'record-note', 'focus goes to what happened');
  await checkComparison(t, page, record, energy.body, emissions.body);
  t.match(await page.textContent('#status'), `Your building reported ${approx.format(7226362.5)} kBtu in 2016.`);

  const url = new URL(page.url());
  t.equal(url.searchParams.get('record'), '1', 'the address carries the record');
  t.equal(url.searchParams.get('propertyGfaTotal'), '88434', 'and the fields');

  await mkdir(dirname(screenshotPath), { recursive: true });
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: screenshotPath, fullPage: true });

  // Not the owner's building after all: back to an empty form and a plain address.
  await page.click('#record-clear');
  t.same(Object.values(await formValues(page)).filter(Boolean), [], 'every field empty');
  t.equal(new URL(page.url()).search, '', 'the address no longer carries the record');
  t.ok(await page.isHidden('#estimate'));
  t.ok(await page.isHidden('#record-note'));
  t.equal(await page.evaluate(() => document.activeElement?.id), 'finder-q', 'ready for another search');

  t.same(
    requests.filter((u) => new URL(u).origin !== server.url),
    [],
    'no request leaves the server',
  );
  t.same(consoleErrors, [], 'no console error, no Content-Security-Policy violation');
  await close();
});

t.test('a shared link restores the form, the estimate and the comparison', async (t) => {
  const record = (await getJson<BuildingRecord>(server, '/v1/buildings/2')).body;
  const energy = await post(server, '/v1/predict?explain=true', record.building);
  const emissions = await post(server, '/v1/models/ghg-emissions/predict', record.building);
  const query = new URLSearchParams({ record: '2' });
  for (const [name, value] of Object.entries(record.building)) query.set(name, String(value));

  const { page, consoleErrors, close } = await openPage(browser, server);
  await page.goto(`${server.url}/?${query.toString()}`);
  await waitForEstimate(page, energy.body.value);
  await page.locator('#comparison').waitFor();
  const values = await formValues(page);
  t.same(values, expectedForm(record, Object.keys(values)), 'every field as the link gives it');
  await checkComparison(t, page, record, energy.body, emissions.body);
  t.match(await page.textContent('#record-note'), 'Paramount Hotel');
  t.same(consoleErrors, []);
  await close();

  // A link with only the record fills the form from it.
  const short = await openPage(browser, server);
  await short.page.goto(`${server.url}/?record=2`);
  await waitForEstimate(short.page, energy.body.value);
  t.same(await formValues(short.page), values, 'the record alone restores the same form');
  await short.close();
});

t.test('invalid values in a link are shown with their messages, as typed ones are', async (t) => {
  const { page, close } = await openPage(browser, server);
  // Words in a number field: the page's own check.
  await page.goto(
    `${server.url}/?primaryPropertyType=Hotel&neighborhood=Downtown&yearBuilt=1927&numberOfFloors=twelve`,
  );
  await page.locator('#numberOfFloors-error').waitFor();
  t.equal(await page.inputValue('#numberOfFloors'), 'twelve', 'the value is kept as given');
  t.equal(await page.textContent('#numberOfFloors-error'), 'Number of floors must be a number, written with digits.');
  t.equal(await page.textContent('#propertyGfaTotal-error'), 'Total floor area is needed for an estimate.');
  t.ok(await page.isHidden('#estimate'));

  // Values only the API can judge: its own messages, next to the fields.
  const building = {
    primaryPropertyType: 'Castle',
    neighborhood: 'Downtown',
    yearBuilt: 1700,
    numberOfFloors: 12,
    propertyGfaTotal: 88434,
  };
  const refused = await post(server, '/v1/predict?explain=true', building);
  t.equal(refused.status, 422);
  const query = new URLSearchParams(Object.entries(building).map(([k, v]) => [k, String(v)]));
  await page.goto(`${server.url}/?${query.toString()}`);
  for (const error of refused.body.errors ?? []) {
    await page.locator(`#${error.path}-error`).waitFor();
    t.equal(await page.getAttribute(`#${error.path}`, 'aria-invalid'), 'true', `${error.path} is marked invalid`);
  }
  t.same(
    (refused.body.errors ?? []).map((e) => e.path).sort(),
    ['primaryPropertyType', 'yearBuilt'],
    'the API names both fields',
  );
  t.match(await page.textContent('#yearBuilt-error'), 'must be a whole year from 1850', "the API's words");
  t.equal(await page.inputValue('#primaryPropertyType'), 'Castle', 'an unknown category is kept, not dropped');
  await close();
});

t.test('on a phone, a picked record shows its estimate and comparison right after the five fields', async (t) => {
  const record = (await getJson<BuildingRecord>(server, '/v1/buildings/1')).body;
  const energy = await post(server, '/v1/predict?explain=true', record.building);
  const { page, close } = await openPage(browser, server, { width: 390, height: 844 });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });
  await page.locator('#finder-q').pressSequentially('mayflower');
  await page.locator('#finder-results button').first().click();
  await waitForEstimate(page, energy.body.value);
  t.equal(
    await page.textContent('#summary-record'),
    `The city's record: ${approx.format(7226362.5)} kBtu in 2016. Its energy use intensity was higher than ${Math.round(record.comparison.percentile)}% of the ${record.comparison.buildings} other buildings the city lists as Hotel.`,
  );
  const order = await page.evaluate(() => {
    const top = (selector: string) => document.querySelector(selector)!.getBoundingClientRect().top;
    return { summary: top('#summary'), optional: top('fieldset.optional'), lastRequired: top('#propertyGfaTotal') };
  });
  t.ok(order.lastRequired < order.summary && order.summary < order.optional, 'before the optional fields');
  await close();
});
