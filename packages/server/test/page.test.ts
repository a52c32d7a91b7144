// The citizen page at GET /, driven in real headless Chromium against the real server and the real models.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { readFile } from 'node:fs/promises';
import { get, type IncomingHttpHeaders } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import t from 'tap';

import { chromiumOptions, startServer, type RunningServer } from './fixtures/browser-kit.js';
import { openPage, post, waitForEstimate } from './fixtures/page-kit.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const KBTU_PER_KWH = 3.412142;

// The page formats for people in Seattle: three significant digits, en-US grouping. The test formats the API's own
// numbers with the same Intl options, so a change on either side shows up here.
const approx = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

type Building = Record<string, string | number | boolean>;

/** Letters and digits only, lower case: how the API matches category names, used here to pick the form's option. */
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A building as its owner would describe it, from one row of the 2016 benchmarking file. */
async function buildingFromDataset(id: string) {
  const csv = await readFile(join(repoRoot, 'fixtures', 'seattle', '2016_Building_Energy_Benchmarking.csv'), 'utf8');
  const rows = parse<Record<string, string>>(csv, { columns: true, skip_empty_lines: true });
  const row = rows.find((r) => r['OSEBuildingID'] === id);
  if (!row) throw new Error(`no building ${id} in the 2016 file`);
  const number = (column: string) => Number(row[column]);
  // Blank cells stay blank in the form: the owner would not know them either.
  const known = <T extends Record<string, number | string>>(values: T) =>
    Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && !Number.isNaN(v))) as Partial<T>;
  return {
    name: row['PropertyName'] ?? '',
    categories: known({
      primaryPropertyType: row['PrimaryPropertyType'] ?? '',
      neighborhood: row['Neighborhood'] ?? '',
      buildingType: row['BuildingType'] ?? '',
      largestPropertyUseType: row['LargestPropertyUseType'] ?? '',
    }),
    numbers: known({
      yearBuilt: number('YearBuilt'),
      numberOfFloors: number('NumberofFloors'),
      propertyGfaTotal: number('PropertyGFATotal'),
      numberOfBuildings: number('NumberofBuildings'),
      propertyGfaParking: number('PropertyGFAParking'),
      largestPropertyUseTypeGfa: number('LargestPropertyUseTypeGFA'),
      energyStarScore: number('ENERGYSTARScore'),
      latitude: number('Latitude'),
      longitude: number('Longitude'),
    }),
    booleans: {
      usesNaturalGas: number('NaturalGas(kBtu)') > 0,
      usesSteam: number('SteamUse(kBtu)') > 0,
    },
  };
}

/** Picks the option whose value matches `wanted` the way the API matches categories; returns the canonical value. */
async function chooseCategory(page: Page, field: string, wanted: string) {
  const values = await page
    .locator(`#${field} option`)
    .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  const value = values.find((v) => v !== '' && squash(v) === squash(wanted));
  if (value === undefined) throw new Error(`${field}: no option for "${wanted}" among ${values.length}`);
  await page.selectOption(`#${field}`, value);
  return value;
}

async function fillBuilding(page: Page, source: Awaited<ReturnType<typeof buildingFromDataset>>): Promise<Building> {
  const building: Building = {};
  for (const [field, wanted] of Object.entries(source.categories))
    building[field] = await chooseCategory(page, field, wanted ?? '');
  for (const [field, value] of Object.entries(source.numbers)) {
    if (value === undefined) continue;
    // Areas written the way people write them, "88,434"; the page must send 88434.
    await page.fill(`#${field}`, /Gfa/.test(field) ? value.toLocaleString('en-US') : String(value));
    building[field] = value;
  }
  for (const [field, value] of Object.entries(source.booleans)) {
    await page.selectOption(`#${field}`, String(value));
    building[field] = value;
  }
  return building;
}

/**
 * Whether `shown` carries the API's `message` word for word, the page having only put the form's names for the
 * fields in place of the API's identifiers (`propertyGfaParking` -> "parking area").
 */
async function carriesApiWords(page: Page, shown: string, message: string) {
  const names = await page
    .locator('#building-form [name]')
    .evaluateAll((all) => all.map((e) => (e as HTMLInputElement).name));
  const fragments = message
    .split(new RegExp(`\\b(?:${names.join('|')})\\b`))
    .map((f) => f.trim())
    .filter(Boolean);
  let at = 0;
  for (const fragment of fragments) {
    const found = shown.indexOf(fragment, at);
    if (found < 0) return false;
    at = found + fragment.length;
  }
  return !names.some((name) => new RegExp(`\\b${name}\\b`).test(shown));
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

t.test("shows the API's estimate for a real building of the 2016 data typed in by hand", async (t) => {
  const source = await buildingFromDataset('1');
  const { page, requests, consoleErrors, close } = await openPage(browser, server);
  const sent: unknown[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST') sent.push(request.postDataJSON());
  });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });

  const building = await fillBuilding(page, source);
  await page.click('button[type=submit]');

  const energy = await post(server, '/v1/predict?explain=true', building);
  const emissions = await post(server, '/v1/models/ghg-emissions/predict', building);
  t.equal(energy.status, 200, `the API estimates ${source.name}`);
  t.equal(emissions.status, 200);
  await waitForEstimate(page, energy.body.value);

  t.same(sent.at(-1), building, 'the page sends exactly the building typed in, numbers as numbers');
  t.equal(await page.textContent('#energy-kbtu'), approx.format(energy.body.value), 'annual site energy in kBtu');
  t.equal(await page.textContent('#energy-kwh'), approx.format(energy.body.value / KBTU_PER_KWH), 'the same in kWh');
  const buildingArea = Number(building['propertyGfaTotal']) - Number(building['propertyGfaParking'] ?? 0);
  t.equal(
    await page.textContent('#eui'),
    oneDecimal.format(energy.body.value / buildingArea),
    'energy use intensity, parking excluded',
  );
  const { low, high, level } = energy.body.interval;
  t.equal(
    await page.textContent('#interval'),
    `There is a ${Math.round(level * 100)}% chance that the real figure is between ${approx.format(low)} and ${approx.format(high)} kBtu a year.`,
  );
  t.match(
    await page.textContent('#ghg'),
    `About ${approx.format(emissions.body.value)} ${emissions.body.unit} a year`,
    'GHG emissions',
  );
  const warnings = [...new Set([...energy.body.warnings, ...emissions.body.warnings].map((w) => w.message))];
  const shownWarnings = await page.locator('#warning-list li').allTextContents();
  t.equal(shownWarnings.length, warnings.length, 'every warning of the API is shown');
  for (const [index, warning] of warnings.entries()) {
    t.ok(
      await carriesApiWords(page, shownWarnings[index] ?? '', warning),
      `warning in the API's words: ${shownWarnings[index]}`,
    );
  }

  const contributions = energy.body.contributions ?? [];
  t.ok(contributions.length > 0, 'the API explains the estimate');
  const bars = Math.min(contributions.length, 6) + (contributions.length > 6 ? 1 : 0);
  t.equal(await page.locator('#factors-chart svg[role=img] rect').count(), bars, 'one bar per main factor');
  t.match(await page.textContent('#factors-chart desc'), /(raises|lowers|multiplies) the estimate/);
  t.equal(
    await page.textContent('#status'),
    `Estimated ${approx.format(energy.body.value)} kBtu a year, between ${approx.format(low)} and ${approx.format(high)} kBtu a year.`,
    'the live status line announces the estimate',
  );

  t.same(
    requests.filter((url) => new URL(url).origin !== server.url),
    [],
    'no request leaves the server',
  );
  t.same(consoleErrors, [], 'no console error, no Content-Security-Policy violation');
  await close();
});

t.test("shows the API's own message next to an incoherent field, and a cheap check at once", async (t) => {
  const source = await buildingFromDataset('1');
  const { page, consoleErrors, close } = await openPage(browser, server);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });
  const building = await fillBuilding(page, source);

  // Parking larger than the whole property: a rule only the API knows, so its words must reach the field.
  const incoherent = { ...building, propertyGfaParking: Number(building['propertyGfaTotal']) * 2 };
  await page.fill('#propertyGfaParking', String(incoherent.propertyGfaParking));
  const refused = await post(server, '/v1/predict?explain=true', incoherent);
  t.equal(refused.status, 422);
  const errors = refused.body.errors ?? [];
  t.ok(errors.length > 0, 'the API lists the violation');
  for (const error of errors) {
    const slot = page.locator(`#${error.path}-error`);
    await slot.waitFor({ state: 'visible' });
    const shown = (await slot.textContent()) ?? '';
    t.ok(
      await carriesApiWords(page, shown, error.message),
      `the API's message is shown next to ${error.path}: ${shown}`,
    );
    t.equal(await page.getAttribute(`#${error.path}`, 'aria-invalid'), 'true');
    const describedBy = (await page.getAttribute(`#${error.path}`, 'aria-describedby')) ?? '';
    t.ok(describedBy.split(' ').includes(`${error.path}-error`), 'the message is tied to the field for screen readers');
  }
  t.ok(await page.isHidden('#estimate'), 'no estimate is shown for an incoherent building');

  // Words in a number field are caught in the browser, before any request.
  await page.fill('#propertyGfaParking', '');
  let posts = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST') posts++;
  });
  await page.fill('#numberOfFloors', 'twelve');
  await page.locator('#numberOfFloors-error').waitFor({ state: 'visible' });
  t.equal(await page.textContent('#numberOfFloors-error'), 'Number of floors must be a number, written with digits.');
  t.equal(posts, 0, 'a client-side check does not ask the API');
  t.same(
    consoleErrors.filter((m) => !m.includes('422')),
    [],
    'no console error other than the refused request',
  );
  await close();
});

t.test('completes the flow by keyboard alone, in a sensible order, with visible focus', async (t) => {
  const source = await buildingFromDataset('557');
  const { page, close } = await openPage(browser, server);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#neighborhood option:nth-child(2)', { state: 'attached' });
  const focusOrder = await page
    .locator('a[href], input, select, button')
    .evaluateAll((all) => all.filter((e) => e.checkVisibility()).map((e) => e.id || e.textContent?.trim()));

  const visited: string[] = [];
  const tab = async () => {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const active = document.activeElement as HTMLElement;
      const style = getComputedStyle(active);
      return {
        id: active.id || active.textContent?.trim() || '',
        outline: `${style.outlineStyle} ${style.outlineWidth}`,
      };
    });
    t.equal(focused.outline, 'solid 3px', `focus is visible on ${focused.id}`);
    visited.push(focused.id);
    return focused.id;
  };
  // Selects answer to typing, as a closed <select> does for any keyboard user.
  const canonical = (field: string, wanted: string) =>
    page
      .locator(`#${field} option`)
      .evaluateAll(
        (os, w) =>
          (os as HTMLOptionElement[]).find((o) => o.value.toLowerCase().replace(/[^a-z0-9]/g, '') === w)?.value ?? '',
        squash(wanted),
      );

  await tab(); // the skip link comes first
  t.equal(await tab(), 'finder-q', "then the search of the city's records");
  t.equal(await tab(), 'Search');
  t.equal(await tab(), 'primaryPropertyType');
  const propertyType = await canonical('primaryPropertyType', source.categories.primaryPropertyType ?? '');
  await page.keyboard.type(propertyType);
  t.equal(await tab(), 'neighborhood');
  const neighborhood = await canonical('neighborhood', source.categories.neighborhood ?? '');
  await page.keyboard.type(neighborhood);
  t.equal(await tab(), 'yearBuilt');
  await page.keyboard.type(String(source.numbers.yearBuilt));
  t.equal(await tab(), 'numberOfFloors');
  await page.keyboard.type(String(source.numbers.numberOfFloors));
  t.equal(await tab(), 'propertyGfaTotal');
  await page.keyboard.type(String(source.numbers.propertyGfaTotal));
  while ((await tab()) !== 'Estimate' && visited.length < 40);
  // The short estimate after the five fields has a link once the estimate is in, which may be before or after Tab.
  const summaryLink = 'See the details of the estimate';
  const shown = visited.filter((id) => id !== summaryLink);
  t.same(
    shown,
    focusOrder.filter((id) => id !== summaryLink).slice(0, shown.length),
    'Tab follows the order of the page',
  );
  t.equal(visited.at(-1), 'Estimate', 'the button is reached after the optional details');
  await page.keyboard.press('Enter');

  const building = {
    primaryPropertyType: propertyType,
    neighborhood,
    yearBuilt: source.numbers.yearBuilt,
    numberOfFloors: source.numbers.numberOfFloors,
    propertyGfaTotal: source.numbers.propertyGfaTotal,
  };
  const energy = await post(server, '/v1/predict?explain=true', building);
  t.equal(energy.status, 200);
  await waitForEstimate(page, energy.body.value);
  t.equal(
    await page.textContent('#energy-kbtu'),
    approx.format(energy.body.value),
    'the estimate of the required fields alone',
  );
  await close();
});

t.test('loads nothing from outside the server and transfers under 100 KB before a search', async (t) => {
  const source = await buildingFromDataset('1');
  const { page, requests, consoleErrors, close } = await openPage(browser, server);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let transferred = 0;
  cdp.on('Network.loadingFinished', (event) => {
    transferred += event.encodedDataLength;
  });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });
  await page.waitForLoadState('networkidle');
  const beforeSearch = transferred;
  const pageRequests = requests.length;
  t.comment(`page and model metadata: ${beforeSearch} bytes in ${pageRequests} requests`);
  t.ok(beforeSearch > 0 && beforeSearch < 100 * 1024, `${beforeSearch} bytes transferred before a search`);

  const building = await fillBuilding(page, source);
  await page.click('button[type=submit]');
  const energy = await post(server, '/v1/predict?explain=true', building);
  await waitForEstimate(page, energy.body.value);
  await page.waitForLoadState('networkidle');
  t.comment(`with one estimate: ${transferred} bytes in ${requests.length} requests`);
  t.ok(transferred < 100 * 1024, `${transferred} bytes with an estimate typed in by hand`);
  t.same(
    requests.filter((url) => new URL(url).origin !== server.url),
    [],
    'every request is same-origin',
  );
  t.same(consoleErrors, []);
  await close();
});

t.test('works on a phone: the estimate right after the five fields, nothing wider than the screen', async (t) => {
  const source = await buildingFromDataset('557');
  const { page, close } = await openPage(browser, server, { width: 390, height: 844 });
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });
  const building: Building = {
    primaryPropertyType: await chooseCategory(page, 'primaryPropertyType', source.categories.primaryPropertyType ?? ''),
    neighborhood: await chooseCategory(page, 'neighborhood', source.categories.neighborhood ?? ''),
  };
  for (const field of ['yearBuilt', 'numberOfFloors', 'propertyGfaTotal'] as const) {
    await page.locator(`#${field}`).pressSequentially(String(source.numbers[field]));
    building[field] = source.numbers[field] ?? NaN;
  }
  const energy = await post(server, '/v1/predict?explain=true', building);
  await waitForEstimate(page, energy.body.value);
  const { low, high } = energy.body.interval;
  t.equal(
    await page.textContent('#summary-text'),
    `Estimate: about ${approx.format(energy.body.value)} kBtu a year, likely ${approx.format(low)} to ${approx.format(high)}.`,
    'a short estimate, without pressing the button',
  );
  // Where the person is after typing the floor area: the estimate must be on screen there, not below the options.
  await page.locator('#propertyGfaTotal').scrollIntoViewIfNeeded();
  const layout = await page.evaluate(() => {
    const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
    return {
      scrollWidth: document.documentElement.scrollWidth,
      width: window.innerWidth,
      height: window.innerHeight,
      lastRequired: box('#propertyGfaTotal').bottom,
      lastRequiredTop: box('label[for=propertyGfaTotal]').top,
      summary: { top: box('#summary').top, bottom: box('#summary').bottom },
      optionalTop: box('fieldset.optional').top,
      formBottom: box('#building-form').bottom,
      resultsTop: box('#results').top,
    };
  });
  t.ok(layout.scrollWidth <= layout.width, `no horizontal scrolling (${layout.scrollWidth} <= ${layout.width})`);
  t.ok(
    layout.summary.top >= layout.lastRequired && layout.summary.bottom <= layout.optionalTop,
    'the short estimate sits between the five fields and the optional ones',
  );
  t.ok(
    layout.summary.bottom - layout.lastRequiredTop <= layout.height,
    'the last required field and the short estimate fit on one screen',
  );
  t.ok(await page.isVisible('#summary'));
  t.ok(layout.resultsTop >= layout.formBottom, 'the full estimate comes below the form');
  await close();
});

t.test("labels every field, marks the optional ones, fills in nothing on the owner's behalf", async (t) => {
  const { page, close } = await openPage(browser, server);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });
  const fields = await page.locator('#building-form input, #building-form select').evaluateAll((all) =>
    (all as (HTMLInputElement | HTMLSelectElement)[]).map((c) => ({
      name: c.name,
      label: [...(c.labels ?? [])].map((l) => l.textContent?.replace(/\s+/g, ' ').trim()).join(' '),
      required: c.required,
      value: c.value,
      inOptionalGroup:
        c.closest('fieldset')?.querySelector('legend')?.textContent === 'More details improve the estimate',
    })),
  );
  t.same(
    fields.filter((f) => f.required).map((f) => f.name),
    ['primaryPropertyType', 'neighborhood', 'yearBuilt', 'numberOfFloors', 'propertyGfaTotal'],
    'the five required fields',
  );
  t.equal(fields.length, 19, 'every field of the building');
  for (const field of fields) {
    t.ok(field.label.length > 0, `${field.name} has a label`);
    t.equal(field.label.includes('(optional)'), !field.required, `${field.name} says whether it is optional`);
    t.equal(field.inOptionalGroup, !field.required, `${field.name} is in the right group`);
    t.equal(field.value, '', `${field.name} starts empty`);
  }
  for (const area of ['propertyGfaTotal', 'propertyGfaParking', 'largestPropertyUseTypeGfa']) {
    t.match(fields.find((f) => f.name === area)?.label, '(sq ft)', `${area} shows its unit`);
  }
  await close();
});

t.test('text has WCAG AA contrast against its background', async (t) => {
  const source = await buildingFromDataset('1');
  const { page, close } = await openPage(browser, server);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });
  const building = await fillBuilding(page, source);
  await page.fill('#numberOfFloors', 'twelve'); // an error message on screen too
  await page.locator('#numberOfFloors-error').waitFor({ state: 'visible' });
  await page.fill('#numberOfFloors', String(building['numberOfFloors']));
  const energy = await post(server, '/v1/predict?explain=true', building);
  await waitForEstimate(page, energy.body.value);
  await page.fill('#energyStarScore', 'sixty');
  await page.locator('#energyStarScore-error').waitFor({ state: 'visible' });
  const failures = await page.evaluate(() => {
    const rgb = (text: string) => (text.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const [R, G, B] = [r, g, b].map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (R ?? 0) + 0.7152 * (G ?? 0) + 0.0722 * (B ?? 0);
    };
    const background = (element: Element | null): number[] => {
      for (let at = element; at; at = at.parentElement) {
        const color = rgb(getComputedStyle(at).backgroundColor);
        if (color.length === 3 || (color[3] ?? 0) > 0) return color.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const problems: string[] = [];
    for (const element of document.querySelectorAll('body *')) {
      const own = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      if (!own || !(element as HTMLElement).checkVisibility?.() || element.closest('svg')) continue;
      const style = getComputedStyle(element);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const [a, b] = [luminance(rgb(style.color)), luminance(background(element))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < (large ? 3 : 4.5)) problems.push(`${element.tagName}#${element.id}: ${ratio.toFixed(2)}`);
    }
    return problems;
  });
  t.same(failures, [], 'every visible text passes');
  await close();
});

t.test('updates as the person types, without pressing the button', async (t) => {
  const source = await buildingFromDataset('1');
  const { page, close } = await openPage(browser, server);
  await page.goto(`${server.url}/`);
  await page.waitForSelector('#primaryPropertyType option:nth-child(2)', { state: 'attached' });
  const building: Building = {
    primaryPropertyType: await chooseCategory(page, 'primaryPropertyType', source.categories.primaryPropertyType ?? ''),
    neighborhood: await chooseCategory(page, 'neighborhood', source.categories.neighborhood ?? ''),
  };
  for (const field of ['yearBuilt', 'numberOfFloors', 'propertyGfaTotal'] as const) {
    await page.locator(`#${field}`).pressSequentially(String(source.numbers[field]));
    building[field] = source.numbers[field] ?? NaN;
  }
  const first = await post(server, '/v1/predict?explain=true', building);
  await waitForEstimate(page, first.body.value);
  t.equal(
    await page.textContent('#energy-kbtu'),
    approx.format(first.body.value),
    'an estimate once the five fields are filled',
  );

  await page.locator('#numberOfFloors').fill('');
  await page.locator('#numberOfFloors').pressSequentially('3');
  const second = await post(server, '/v1/predict?explain=true', { ...building, numberOfFloors: 3 });
  t.not(second.body.value, first.body.value, 'the model answers differently for 3 floors');
  await waitForEstimate(page, second.body.value);
  t.equal(await page.textContent('#energy-kbtu'), approx.format(second.body.value), 'and the page follows the edit');

  await page.locator('#yearBuilt').fill('');
  await page.locator('#status').filter({ hasText: 'Fill in year built to see an estimate.' }).waitFor();
  t.ok(await page.isHidden('#estimate'), 'an estimate never stays on screen for a building that is no longer complete');
  await close();
});

t.test("the page's files are gzipped for clients that accept it, byte for byte the files on disk", async (t) => {
  const onDisk = await readFile(join(repoRoot, 'packages', 'server', 'public', 'app.js'));
  const fetchRaw = (encoding: string) =>
    new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      get(`${server.url}/app.js`, { headers: { 'accept-encoding': encoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
  const zipped = await fetchRaw('gzip, deflate, br');
  t.equal(zipped.headers['content-encoding'], 'gzip');
  t.match(zipped.headers['vary'], /accept-encoding/i, 'caches keep the two apart');
  t.ok(gunzipSync(zipped.body).equals(onDisk), 'the same bytes once unzipped');
  t.ok(zipped.body.length < onDisk.length / 2, `${zipped.body.length} of ${onDisk.length} bytes`);
  const plain = await fetchRaw('identity');
  t.equal(plain.headers['content-encoding'], undefined);
  t.ok(plain.body.equals(onDisk));
});
