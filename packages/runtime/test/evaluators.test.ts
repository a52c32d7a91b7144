// Every evaluator form that applies to a model reproduces the training library's margins bit for bit on every
// fixture case of every format (XGBoost 1.7.4, 3.4.1 and generated cases, LightGBM 4.6 from both files,
// scikit-learn 1.2.1, ml-random-forest), for whole batches and one row at a time; and `auto` picks WebAssembly, then
// generated JavaScript, then the interpreter, as the environment allows. Golden values are the libraries' own outputs
// in fixtures/ (ONNX: see the last block). The interpreter is also the reference form the generated ones are held to.
import t, { type Test } from 'tap';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, parseModel, TreeModel } from '../src/index.js';
import type { EvaluatorForm } from '../src/index.js';
import { walkApplies } from '../src/evaluators/walk-layout.js';
import { numberLiteral } from '../src/evaluators/literal.js';
import { FIXTURES, hasFixture, readFixtureBytes, readFixtureJson, readFixtureText } from './fixtures/read-fixture.js';

interface Case {
  name: string;
  model: string;
  rows: (number | null)[][];
  /** Golden values per row: margins, or ml-random-forest's predictions (the only output it defines). */
  golden: number[][];
  output: 'margin' | 'prediction';
}

function caseDirs(parent: string): string[] {
  const dir = join(FIXTURES, parent);
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
    .map((name) => `${parent}/${name}`);
}

function loadCase(dir: string, modelFile: string, key: string, output: Case['output'] = 'margin'): Case {
  const input = readFixtureJson<{ rows: (number | null)[][] }>(`${dir}/input.json`);
  const expected = readFixtureJson<Record<string, (number | number[])[]>>(`${dir}/expected.json`);
  const golden = expected[key]!.map((m) => (Array.isArray(m) ? m : [m]));
  return {
    name: `${dir}/${modelFile}`,
    model: readFixtureText(`${dir}/${modelFile}`),
    rows: input.rows,
    golden,
    output,
  };
}

const cases: Case[] = [];
for (const version of ['1.7.4', '3.4.1', 'generated', 'generated-3.4.1']) {
  // refused/ holds models the loader refuses (refusals.test.ts).
  for (const dir of caseDirs(`xgboost/${version}`).filter((d) => !d.endsWith('/refused'))) {
    cases.push(loadCase(dir, 'model.json', 'margin'));
  }
}
for (const dir of caseDirs('lightgbm')) {
  cases.push(loadCase(dir, 'model.txt', 'raw'), loadCase(dir, 'model.json', 'raw'));
}
for (const dir of caseDirs('sklearn')) cases.push(loadCase(dir, 'model.json', 'margin'));
for (const dir of caseDirs('ml-random-forest')) cases.push(loadCase(dir, 'model.json', 'prediction', 'prediction'));

/** Bit-for-bit comparison (Object.is also tells -0 from 0); the first mismatch, or undefined. */
function firstMismatch(got: Float64Array, c: Case, width: number): string | undefined {
  for (let r = 0; r < c.rows.length; r++) {
    for (let k = 0; k < width; k++) {
      if (!Object.is(got[r * width + k], c.golden[r]![k]))
        return `row ${r} output ${k}: ${got[r * width + k]} !== ${c.golden[r]![k]}`;
    }
  }
  return undefined;
}

for (const c of cases) {
  t.test(`every evaluator form equals ${c.name} bit for bit`, async (t) => {
    const ensemble = parseModel(c.model);
    // Linear leaves (LightGBM linear_tree) have only the interpreter (select.ts).
    const forms: EvaluatorForm[] =
      ensemble.leafModels !== undefined
        ? ['interpreted']
        : walkApplies(ensemble)
          ? ['wasm', 'nested', 'interpreted']
          : ['nested', 'interpreted'];
    if (ensemble.leafModels !== undefined) t.throws(() => new TreeModel(ensemble, 'nested'), RangeError);
    t.equal(new TreeModel(ensemble).evaluatorForm, forms[0], `auto picks ${forms[0]}`);
    for (const form of forms) {
      const model = new TreeModel(ensemble, form);
      t.equal(model.evaluatorForm, form);
      const width = model.outputWidth(c.output);
      const batch = model.predictBatch(c.rows, model.numFeatures, c.output);
      t.equal(firstMismatch(batch, c, width), undefined, `${form}: batch of ${c.rows.length} rows`);
      // One row at a time through predict, from plain arrays with null for missing.
      const single = new Float64Array(c.rows.length * width);
      c.rows.forEach((row, r) => {
        const value = model.predict(row, c.output);
        single.set(typeof value === 'number' ? [value] : (value as number[]), r * width);
      });
      t.equal(firstMismatch(single, c, width), undefined, `${form}: predict, row by row`);
      // Small batches (1 to 8 rows) take the evaluators' short paths: the first rows in batches of each size.
      for (let size = 1; size <= 8; size++) {
        const rows = c.rows.slice(0, size);
        const got = model.predictBatch(rows, model.numFeatures, c.output);
        t.equal(firstMismatch(got, { ...c, rows }, width), undefined, `${form}: batch of ${size}`);
      }
    }
  });
}

const seattle = cases.find((c) => c.name === 'xgboost/1.7.4/reg_squarederror_seattle/model.json')!;
const categorical = cases.find((c) => c.name === 'xgboost/1.7.4/categorical_hist/model.json')!;
const lightgbm = cases.find((c) => c.name === 'lightgbm/regression/model.txt')!;

t.test(
  'the WebAssembly walk applies to numeric XGBoost models only; a named form that does not fit throws',
  async (t) => {
    t.equal(new TreeModel(parseModel(seattle.model)).evaluatorForm, 'wasm');
    t.equal(new TreeModel(parseModel(categorical.model)).evaluatorForm, 'nested');
    t.equal(new TreeModel(parseModel(lightgbm.model)).evaluatorForm, 'nested');
    t.throws(() => loadModel(categorical.model, { evaluator: 'wasm' }), RangeError);
    t.throws(() => loadModel(lightgbm.model, { evaluator: 'wasm' }), RangeError);
    t.equal(loadModel(categorical.model, { evaluator: 'compiled' }).evaluatorForm, 'nested');
  },
);

/** Runs `body` with `new Function` and/or WebAssembly taken away, as a Content-Security-Policy would. */
function withoutCodeGeneration(t: Test, what: { eval: boolean; wasm: boolean }, body: () => void): void {
  const scope = globalThis as { WebAssembly?: unknown; Function: FunctionConstructor };
  const originalFunction = scope.Function;
  const originalWasm = scope.WebAssembly;
  if (what.eval) {
    scope.Function = function forbidden(): never {
      throw new EvalError('Refused to evaluate a string as JavaScript');
    } as unknown as FunctionConstructor;
  }
  if (what.wasm) scope.WebAssembly = undefined;
  try {
    body();
  } finally {
    scope.Function = originalFunction;
    scope.WebAssembly = originalWasm;
  }
  t.equal(scope.Function, originalFunction);
}

t.test('auto falls back by itself: WebAssembly, then generated JavaScript, then the interpreter', async (t) => {
  const check = (c: Case, expected: EvaluatorForm, label: string) => {
    const model = loadModel(c.model);
    t.equal(model.evaluatorForm, expected, `${c.name}: ${label}`);
    t.equal(model.predict(c.rows[0]!, 'margin'), c.golden[0]![0], `${c.name}: ${label}, exact`);
  };
  withoutCodeGeneration(t, { eval: true, wasm: false }, () => {
    check(seattle, 'wasm', 'no new Function: WebAssembly needs none');
    check(lightgbm, 'interpreted', 'no new Function');
    t.throws(() => loadModel(lightgbm.model, { evaluator: 'compiled' }), RangeError);
  });
  withoutCodeGeneration(t, { eval: false, wasm: true }, () => {
    check(seattle, 'nested', 'no WebAssembly');
    t.throws(() => loadModel(seattle.model, { evaluator: 'wasm' }), RangeError);
  });
  withoutCodeGeneration(t, { eval: true, wasm: true }, () => check(seattle, 'interpreted', 'neither'));
});

t.test('slicing iterations keeps the evaluator choice', async (t) => {
  const model = loadModel(seattle.model, { evaluator: 'interpreted' });
  t.equal(model.sliceIterations(0, 10).evaluatorForm, 'interpreted');
  t.equal(loadModel(seattle.model).sliceIterations(0, 10).evaluatorForm, 'wasm');
});

t.test('feature names never reach the generated code', async (t) => {
  const ensemble = parseModel(seattle.model);
  const hostile = { ...ensemble, featureNames: ensemble.featureNames.map(() => '"); throw new Error("x"); ("') };
  const model = new TreeModel(hostile, 'nested');
  t.equal(model.predict(seattle.rows[0]!, 'margin'), seattle.golden[0]![0]);
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

// ONNX fixtures have no stored golden values (onnx.test.ts holds `loadModel`'s output to ONNX Runtime run in the
// test): here every form that applies must give the same bits as the others, on every row, in batches and one by one.
for (const dir of caseDirs('onnx').filter((d) => hasFixture(`${d}/model.onnx`) && hasFixture(`${d}/input.json`))) {
  t.test(`every evaluator form agrees on ${dir}/model.onnx bit for bit`, async (t) => {
    const ensemble = parseModel(readFixtureBytes(`${dir}/model.onnx`));
    const rows = readFixtureJson<{ rows: (number | null)[][] }>(`${dir}/input.json`).rows;
    // MIN / MAX aggregation has only the interpreter (select.ts): a generated form named for it is refused.
    const forms: EvaluatorForm[] =
      ensemble.aggregation !== undefined
        ? ['interpreted']
        : walkApplies(ensemble)
          ? ['wasm', 'nested', 'interpreted']
          : ['nested', 'interpreted'];
    if (ensemble.aggregation !== undefined) {
      t.throws(() => new TreeModel(ensemble, 'nested'), RangeError, 'no nested form for MIN / MAX');
      t.equal(new TreeModel(ensemble).evaluatorForm, 'interpreted', "'auto' takes the interpreter");
    }
    const reference = new TreeModel(ensemble, 'interpreted').predictBatch(rows, ensemble.numFeatures, 'margin');
    const golden = Array.from({ length: rows.length }, (_, r) =>
      Array.from(reference.subarray(r * ensemble.numOutputs, (r + 1) * ensemble.numOutputs)),
    );
    const c: Case = { name: dir, model: '', rows, golden, output: 'margin' };
    for (const form of forms) {
      const model = new TreeModel(ensemble, form);
      const width = model.outputWidth('margin');
      t.equal(
        firstMismatch(model.predictBatch(rows, model.numFeatures, 'margin'), c, width),
        undefined,
        `${form}: batch`,
      );
      const single = new Float64Array(rows.length * width);
      rows.forEach((row, r) => {
        const value = model.predict(row, 'margin');
        single.set(typeof value === 'number' ? [value] : (value as number[]), r * width);
      });
      t.equal(firstMismatch(single, c, width), undefined, `${form}: predict, row by row`);
    }
  });
}
