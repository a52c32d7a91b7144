// The runtime in a real browser (Debian's Chromium): the package as published, bundled as one ES module, loads a
// fixture model of every format in a page and predicts margins (bit for bit the training library's; ONNX: the runtime's
// in Node) and TreeSHAP contributions (bit for bit what it computes in Node, within 1e-5 of XGBoost's and LightGBM's).
// Under a strict Content-Security-Policy (script-src 'self': no eval, no WebAssembly) it falls back to the
// interpreter by itself; with 'wasm-unsafe-eval' it runs XGBoost numeric models as WebAssembly.
import t from 'tap';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { loadModel, parseModel, type EvaluatorForm, type LoadOptions } from '../src/index.js';
import { walkApplies } from '../src/evaluators/walk-layout.js';
import { browserBundle } from './fixtures/browser-bundle.js';
import { contribMismatches } from './fixtures/compare.js';
import { hasFixture, readFixtureBytes, readFixtureJson, readFixtureText } from './fixtures/read-fixture.js';
import { dumpOptions } from './fixtures/xgboost-parity.js';

interface BrowserCase {
  name: string;
  /** The model file: text, or base64 of its bytes (binary formats: ONNX, XGBoost UBJSON) when `binary`. */
  model: string;
  binary: boolean;
  options: LoadOptions;
  rows: (number | null)[][];
  /** The output the library's golden values are: margins, or ml-random-forest's predictions. */
  output: 'margin' | 'prediction';
  golden: number[];
  /** The library's own TreeSHAP values, where it has them. */
  goldenContrib: number[] | undefined;
  /** When the fixture stores no golden values (ONNX): compared with the runtime in Node, itself held to ONNX Runtime. */
  goldenFromNode: boolean;
  contribRows: number;
}

const CONTRIB_ROWS = 40;

function browserCase(dir: string, file: string, key: string, options: LoadOptions = {}): BrowserCase {
  const input = readFixtureJson<{ feature_names?: string[]; rows: (number | null)[][] }>(`${dir}/input.json`);
  const binary = file.endsWith('.onnx') || file.endsWith('.ubj');
  const model = binary
    ? Buffer.from(readFixtureBytes(`${dir}/${file}`)).toString('base64')
    : readFixtureText(`${dir}/${file}`);
  if (!hasFixture(`${dir}/expected.json`)) {
    const inNode = loadModel(Buffer.from(model, 'base64'), options);
    const golden = Array.from(inNode.predictBatch(input.rows, inNode.numFeatures, 'margin'));
    return {
      name: `${dir}/${file}`,
      model,
      binary,
      options,
      rows: input.rows,
      output: 'margin',
      golden,
      goldenContrib: undefined,
      goldenFromNode: true,
      contribRows: CONTRIB_ROWS,
    };
  }
  const expected = readFixtureJson<Record<string, unknown[]>>(`${dir}/expected.json`);
  const contrib = expected['contrib'];
  return {
    name: `${dir}/${file}`,
    model,
    binary,
    goldenFromNode: false,
    options,
    rows: input.rows,
    output: key === 'prediction' ? 'prediction' : 'margin',
    golden: expected[key]!.flat(2) as number[],
    goldenContrib: contrib?.slice(0, CONTRIB_ROWS).flat(2) as number[] | undefined,
    contribRows: CONTRIB_ROWS,
  };
}

const dumpDir = 'xgboost/3.4.1/binary_logistic';
const cases: BrowserCase[] = [
  browserCase('xgboost/1.7.4/reg_squarederror_seattle', 'model.json', 'margin'),
  browserCase('xgboost/1.7.4/categorical_hist', 'model.json', 'margin'),
  browserCase(
    dumpDir,
    'dump.json',
    'margin',
    dumpOptions(readFixtureText(`${dumpDir}/model.json`), readFixtureJson(`${dumpDir}/input.json`)),
  ),
  browserCase('lightgbm/categorical', 'model.txt', 'raw'),
  browserCase('lightgbm/regression', 'model.json', 'raw'),
  browserCase('sklearn/hist_gradient_boosting_nan_categorical', 'model.json', 'margin'),
  browserCase('sklearn/random_forest_seattle', 'model.json', 'margin'),
  browserCase('ml-random-forest/mean_seattle', 'model.json', 'prediction'),
  browserCase('xgboost/generated/binary_hinge', 'model.ubj', 'margin'),
  browserCase('onnx/xgboost_multi_softprob', 'model.onnx', 'margin'),
  browserCase('onnx/sklearn_extra_trees_binary', 'model.onnx', 'margin'),
];

// The page's script (served as a file: script-src 'self' forbids inline scripts). Outputs go back as the hex of their
// float64 bytes, so that -0, NaN and every last bit survive the trip.
const PAGE_SCRIPT = `import { loadModel } from './runtime.js';
const hex = (values) => {
  const bytes = new Uint8Array(Float64Array.from(values).buffer);
  let text = '';
  for (const b of bytes) text += b.toString(16).padStart(2, '0');
  return text;
};
try {
  const cases = await (await fetch('/cases.json')).json();
  const results = [];
  for (const c of cases) {
    const source = c.binary ? Uint8Array.from(atob(c.model), (ch) => ch.charCodeAt(0)) : c.model;
    const model = loadModel(source, c.options);
    const columns = model.numFeatures;
    const single = c.rows.map((row) => model.predict(row, c.output)).flat();
    results.push({
      name: c.name,
      form: model.evaluatorForm,
      batch: hex(model.predictBatch(c.rows, columns, c.output)),
      single: hex(single),
      contrib: hex(model.predictBatch(c.rows.slice(0, c.contribRows), columns, 'contrib')),
    });
  }
  window.results = { results };
} catch (error) {
  window.results = { error: String(error && error.stack || error) };
}
`;

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>runtime</title><script type="module" src="/page.js"></script>';

const POLICIES = {
  strict: "script-src 'self'",
  wasm: "script-src 'self' 'wasm-unsafe-eval'",
} as const;

function fromHex(text: string): Float64Array {
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return new Float64Array(bytes.buffer);
}

function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): string | undefined {
  if (actual.length !== expected.length) return `${actual.length} values for ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) return `value ${i}: ${actual[i]} !== ${expected[i]}`;
  }
  return undefined;
}

const bundle = browserBundle();
const casesJson = JSON.stringify(cases);
let server: Server;
let origin: string;
let browser: Browser;

t.before(async () => {
  server = createServer((request, response) => {
    const [path, query] = (request.url ?? '/').split('?');
    const send = (type: string, body: string) => {
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    };
    if (path === '/') {
      const policy = POLICIES[query as keyof typeof POLICIES];
      response.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': policy }).end(PAGE);
    } else if (path === '/runtime.js') send('text/javascript', bundle.code);
    else if (path === '/page.js') send('text/javascript', PAGE_SCRIPT);
    else if (path === '/cases.json') send('application/json', casesJson);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
});

t.teardown(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

t.test(
  `the bundle is ${bundle.bytes} bytes minified, ${bundle.gzipBytes} gzipped (budget 40 KB gzipped)`,
  async (t) => {
    t.ok(bundle.gzipBytes <= 40 * 1024);
  },
);

for (const policy of Object.keys(POLICIES) as (keyof typeof POLICIES)[]) {
  t.test(`in Chromium under Content-Security-Policy "${POLICIES[policy]}"`, async (t) => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });
    await page.goto(`${origin}/?${policy}`);
    await page.waitForFunction(() => 'results' in globalThis, undefined, { timeout: 240_000 });
    const outcome = (await page.evaluate(() => (globalThis as unknown as { results: unknown }).results)) as {
      error?: string;
      results?: { name: string; form: EvaluatorForm; batch: string; single: string; contrib: string }[];
    };
    await page.close();
    t.equal(outcome.error, undefined, 'the page ran every case');
    if (policy === 'strict') t.ok(violations.length > 0, 'the policy refused code generation (reported by Chromium)');
    for (const c of cases) {
      const got = outcome.results?.find((r) => r.name === c.name);
      if (got === undefined) {
        t.fail(`${c.name}: no result`);
        continue;
      }
      const wasm = walkApplies(parseModel(c.binary ? Buffer.from(c.model, 'base64') : c.model, c.options));
      const form: EvaluatorForm = policy === 'wasm' && wasm ? 'wasm' : 'interpreted';
      t.equal(got.form, form, `${c.name}: picks ${form} by itself`);
      const against = c.goldenFromNode ? 'as in Node' : "the library's";
      t.equal(
        firstDifference(fromHex(got.batch), c.golden),
        undefined,
        `${c.name}: ${c.output}s bit for bit, ${against} (batch)`,
      );
      t.equal(
        firstDifference(fromHex(got.single), c.golden),
        undefined,
        `${c.name}: ${c.output}s bit for bit, ${against} (predict)`,
      );
      const model = loadModel(c.binary ? Buffer.from(c.model, 'base64') : c.model, c.options);
      const contrib = fromHex(got.contrib);
      const inNode = model.predictBatch(c.rows.slice(0, c.contribRows), model.numFeatures, 'contrib');
      t.equal(firstDifference(contrib, inNode), undefined, `${c.name}: contributions bit for bit the same as in Node`);
      if (c.goldenContrib !== undefined) {
        t.same(
          contribMismatches(contrib, c.goldenContrib, model.numFeatures),
          { count: 0, mismatches: [] },
          `${c.name}: contributions within 1e-5 of the library's`,
        );
      }
    }
  });
}
