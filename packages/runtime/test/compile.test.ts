// The compiled evaluator reproduces every fixture case's margins bit for bit (XGBoost 1.7.4 and 3.4.1, LightGBM
// 4.6), in both generated forms, for whole batches and one row at a time; it steps aside where code cannot be
// generated. Golden values are the libraries' own outputs in fixtures/.
import t from 'tap';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModel } from '../src/load.js';
import { compileEnsemble } from '../src/compile.js';
import { numberLiteral } from '../src/compile-literal.js';
import type { TreeEnsemble } from '../src/ensemble.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

function readText(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8');
  return gunzipSync(readFileSync(`${path}.gz`)).toString('utf8');
}

interface Case {
  name: string;
  model: string;
  rows: (number | null)[][];
  margins: number[][];
}

function loadCase(dir: string, modelFile: string, marginKey: string): Case {
  const input = JSON.parse(readText(join(dir, 'input.json'))) as { rows: (number | null)[][] };
  const expected = JSON.parse(readText(join(dir, 'expected.json'))) as Record<string, (number | number[])[]>;
  const margins = expected[marginKey]!.map((m) => (Array.isArray(m) ? m : [m]));
  return { name: dir.slice(fixtures.length), model: readText(join(dir, modelFile)), rows: input.rows, margins };
}

function caseDirs(parent: string): string[] {
  return readdirSync(parent)
    .map((name) => join(parent, name))
    .filter((dir) => statSync(dir).isDirectory())
    .sort();
}

const cases: Case[] = [];
for (const version of ['1.7.4', '3.4.1']) {
  for (const dir of caseDirs(join(fixtures, 'xgboost', version))) cases.push(loadCase(dir, 'model.json', 'margin'));
}
for (const dir of caseDirs(join(fixtures, 'lightgbm'))) {
  cases.push(loadCase(dir, 'model.txt', 'raw'));
  if (dir.endsWith('regression') || dir.endsWith('categorical')) cases.push(loadCase(dir, 'model.json', 'raw'));
}

/** Bit-for-bit comparison (Object.is also tells -0 from 0); returns the first mismatch, or undefined. */
function firstMismatch(ensemble: TreeEnsemble, got: Float64Array, c: Case): string | undefined {
  const outputs = ensemble.numOutputs;
  for (let r = 0; r < c.rows.length; r++) {
    for (let k = 0; k < outputs; k++) {
      const want = c.margins[r]![k]!;
      const have = got[r * outputs + k]!;
      if (!Object.is(have, want)) return `row ${r} output ${k}: ${have} !== ${want}`;
    }
  }
  return undefined;
}

for (const c of cases) {
  t.test(`compiled margins equal ${c.name} bit for bit`, async (t) => {
    const ensemble = parseModel(c.model);
    const columns = ensemble.numFeatures;
    const values = new Float64Array(c.rows.length * columns);
    c.rows.forEach((row, r) => row.forEach((v, j) => (values[r * columns + j] = v ?? NaN)));
    const walkForms = compileEnsemble(ensemble)?.form === 'wasm' ? (['walk'] as const) : [];
    const forms = ensemble.rules === 'xgboost' ? (['auto', ...walkForms, 'nested'] as const) : (['auto'] as const);
    for (const form of forms) {
      const compiled = compileEnsemble(ensemble, { form });
      if (compiled === undefined) {
        t.fail(`${form}: no compiled evaluator`);
        continue;
      }
      const batch = new Float64Array(c.rows.length * ensemble.numOutputs);
      compiled.margins(values, columns, c.rows.length, batch);
      t.equal(firstMismatch(ensemble, batch, c), undefined, `${compiled.form} form, batch of ${c.rows.length} rows`);
      // One row at a time, from plain arrays with null for missing, as `predict` passes them.
      const single = new Float64Array(c.rows.length * ensemble.numOutputs);
      const one = new Float64Array(ensemble.numOutputs);
      c.rows.forEach((row, r) => {
        compiled.margins(row, row.length, 1, one);
        single.set(one, r * ensemble.numOutputs);
      });
      t.equal(firstMismatch(ensemble, single, c), undefined, `${compiled.form} form, row by row`);
    }
  });
}

const seattle = cases.find((c) => c.name === 'xgboost/1.7.4/reg_squarederror_seattle')!;
const categorical = cases.find((c) => c.name === 'xgboost/1.7.4/categorical_hist')!;

t.test(
  'picks the branch-free walk (WebAssembly) for numeric XGBoost models and nested code for categorical ones',
  async (t) => {
    t.equal(compileEnsemble(parseModel(seattle.model))?.form, 'wasm');
    t.equal(compileEnsemble(parseModel(seattle.model), { form: 'walk' })?.form, 'walk');
    t.equal(compileEnsemble(parseModel(categorical.model), { form: 'wasm' }), undefined, 'wasm cannot be forced on it');
    t.equal(compileEnsemble(parseModel(categorical.model))?.form, 'nested');
    t.equal(compileEnsemble(parseModel(categorical.model), { form: 'walk' }), undefined, 'walk cannot be forced on it');
  },
);

t.test('steps aside when the model exceeds maxNodes', async (t) => {
  const ensemble = parseModel(seattle.model);
  t.equal(compileEnsemble(ensemble, { maxNodes: ensemble.nodes.feature.length - 1 }), undefined);
  t.not(compileEnsemble(ensemble, { maxNodes: ensemble.nodes.feature.length }), undefined);
});

t.test('steps aside when new Function is forbidden (Content-Security-Policy)', async (t) => {
  const ensemble = parseModel(seattle.model);
  const original = globalThis.Function;
  globalThis.Function = function forbidden(): never {
    throw new EvalError('Refused to evaluate a string as JavaScript');
  } as unknown as FunctionConstructor;
  try {
    t.equal(compileEnsemble(ensemble)?.form, 'wasm', 'WebAssembly needs no new Function');
    t.equal(compileEnsemble(ensemble, { form: 'walk' }), undefined);
    t.equal(compileEnsemble(ensemble, { form: 'nested' }), undefined);
  } finally {
    globalThis.Function = original;
  }
  t.not(compileEnsemble(ensemble, { form: 'walk' }), undefined);
});

t.test('falls back to the JavaScript walk where WebAssembly is unavailable', async (t) => {
  const ensemble = parseModel(seattle.model);
  const scope = globalThis as { WebAssembly?: unknown };
  const original = scope.WebAssembly;
  scope.WebAssembly = undefined;
  try {
    const compiled = compileEnsemble(ensemble);
    t.equal(compiled?.form, 'walk');
    const out = new Float64Array(1);
    compiled!.margins(seattle.rows[0]!, ensemble.numFeatures, 1, out);
    t.equal(out[0], seattle.margins[0]![0]);
    t.equal(compileEnsemble(ensemble, { form: 'wasm' }), undefined);
  } finally {
    scope.WebAssembly = original;
  }
});

t.test('feature names never reach the generated code', async (t) => {
  const ensemble = parseModel(seattle.model);
  const hostile = { ...ensemble, featureNames: ensemble.featureNames.map(() => '"); throw new Error("x"); ("') };
  const compiled = compileEnsemble(hostile, { form: 'nested' })!;
  const out = new Float64Array(1);
  compiled.margins(seattle.rows[0]!, ensemble.numFeatures, 1, out);
  t.equal(out[0], seattle.margins[0]![0]);
});

t.test('number literals read back to the same double', async (t) => {
  for (const v of [
    0.30000001192092896,
    1e-45,
    1.401298464324817e-45,
    5e-324,
    3.4028234663852886e38,
    2 ** 53 + 2,
    -1e300,
  ]) {
    t.equal(Number(numberLiteral(v)), v);
  }
  t.equal(numberLiteral(-0), '-0');
  t.equal(numberLiteral(-Infinity), '-Infinity');
  t.throws(() => numberLiteral(NaN), RangeError);
  t.throws(() => numberLiteral('1; alert(1)' as unknown as number), RangeError);
});

t.test('loadModel evaluator option: compiled and interpreted predictBatch give the fixture margins', async (t) => {
  const { loadModel } = await import('../src/load.js');
  const values = new Float64Array(seattle.rows.length * 10);
  seattle.rows.forEach((row, r) => row.forEach((v, j) => (values[r * 10 + j] = v ?? NaN)));
  for (const evaluator of ['auto', 'compiled', 'interpreted', 'wasm', 'walk', 'nested'] as const) {
    const model = loadModel(seattle.model, { evaluator });
    const batch = model.predictBatch(values, 10, 'margin');
    t.equal(firstMismatch(model.ensemble, batch, seattle), undefined, `${evaluator}: predictBatch`);
    t.equal(model.predict(seattle.rows[3]!, 'margin'), seattle.margins[3]![0], `${evaluator}: predict`);
  }
});

t.test('loadModel refuses a generated form that does not fit the model', async (t) => {
  const { loadModel } = await import('../src/load.js');
  t.throws(() => loadModel(categorical.model, { evaluator: 'wasm' }), RangeError);
  t.throws(() => loadModel(categorical.model, { evaluator: 'walk' }), RangeError);
  t.equal(
    loadModel(categorical.model, { evaluator: 'nested' }).predict(categorical.rows[0]!, 'margin'),
    categorical.margins[0]![0],
  );
});
