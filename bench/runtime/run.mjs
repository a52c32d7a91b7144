#!/usr/bin/env node
// Runtime benchmark (`npm run bench:runtime`): this runtime (WebAssembly, generated JavaScript, interpreter) against
// XGBoost's native predictor (Debian's python3-xgboost, nthread=1, inplace_predict), onnxruntime-node (1 thread and
// default threads) and onnxruntime-web (WebAssembly, 1 thread) on the same models converted to ONNX, and a JavaScript
// peer (xgboost-scorer), on the same rows, in one run; and scikit-learn's own predict (n_jobs=1) on scikit-learn
// models fitted to the Seattle data and exported for this runtime (sklearn-peer.mjs). Engines alternate over ROUNDS rounds; each ratio is taken
// within a round, and the table gives the median ratio and its spread. Outputs are checked in the same run: ours
// against XGBoost's bit for bit, ONNX Runtime's against XGBoost's within float32 summation error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { ensureDebianPackages } from '../../scripts/system-packages.mjs';

// The Python peers: XGBoost's and scikit-learn's native predictors and the ONNX converter.
ensureDebianPackages(['python3-xgboost', 'python3-onnx', 'python3-sklearn', 'python3-pandas']);
const { lightgbmAvailable, prepareSklearnCases, sklearnMismatches, timeSklearn } = await import('./sklearn-peer.mjs');
const { convertToOnnx, onnxSessions, onnxVersions } = await import('./onnx-peers.mjs');

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = join(root, 'packages/runtime/dist');
const { parseModel, TreeModel } = await import(join(dist, 'index.js'));
const Scorer = createRequire(import.meta.url)('xgboost-scorer').default;

const ROWS = 20_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REPEATS = 5; // timed batches per round and engine
const SMALL_CALLS = 3_000; // calls per small-batch size
const PEER_ROWS = 1_000;
const LOADED = 1.5;
const loadAtStart = loadavg();

const readText = (path) =>
  existsSync(path) ? readFileSync(path, 'utf8') : gunzipSync(readFileSync(`${path}.gz`)).toString('utf8');
const existing = (path) => (existsSync(path) ? path : `${path}.gz`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const now = () => Number(process.hrtime.bigint());
const work = mkdtempSync(join(tmpdir(), 'bench-runtime-'));

/** Rows repeated to ROWS rows, row-major, missing = NaN. */
function tile(rows, columns) {
  const values = new Float64Array(ROWS * columns);
  for (let r = 0; r < ROWS; r++) {
    const row = rows[r % rows.length];
    for (let j = 0; j < columns; j++) values[r * columns + j] = row[j] ?? NaN;
  }
  return values;
}
/** A fixture's ordinary rows (not its edge cases). */
const fixtureRows = (dir) => {
  const input = JSON.parse(readText(join(dir, 'input.json')));
  return input.rows.filter((_, i) => ['data', 'sample'].includes(input.row_tags?.[i] ?? 'data'));
};

const cases = [];
async function addCase(name, dir, rows, dump) {
  const modelPath = existing(join(dir, 'model.json'));
  const ensemble = parseModel(readText(join(dir, 'model.json')));
  const columns = ensemble.numFeatures;
  const values = tile(rows, columns);
  const onnxPath = join(work, `model-${cases.length}.onnx`);
  const converted = convertToOnnx(root, modelPath, onnxPath);
  cases.push({
    name,
    modelPath,
    ensemble,
    columns,
    values,
    x32: Float32Array.from(values),
    dump,
    converted,
    engines: {
      runtime: new TreeModel(ensemble),
      nested: new TreeModel(ensemble, 'nested'),
      interpreted: new TreeModel(ensemble, 'interpreted'),
    },
    onnx: await onnxSessions(onnxPath, columns),
  });
}
const seattleDir = join(root, 'fixtures/xgboost/1.7.4/reg_squarederror_seattle');
const served = join(root, 'models/site-energy');
for (const version of existsSync(served) ? readdirSync(served) : []) {
  const dir = join(served, version);
  if (!existsSync(join(dir, 'model.json')) || !existsSync(join(dir, 'golden.json'))) continue;
  const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8'));
  await addCase(
    `served site-energy ${version} (600 trees, depth 5)`,
    dir,
    golden.rows.map((g) => g.encoded),
  );
}
await addCase(
  'Seattle fixture (600 trees, depth 5)',
  seattleDir,
  fixtureRows(seattleDir),
  JSON.parse(readText(join(seattleDir, 'dump.json'))),
);
const deepDir = join(root, 'fixtures/xgboost/1.7.4/deep_depth12');
await addCase('deep_depth12 (150 trees, depth 12)', deepDir, fixtureRows(deepDir));
const seattleCase = cases.find((c) => c.dump);
const sklearn = prepareSklearnCases({
  root,
  work,
  values: seattleCase.values,
  columns: seattleCase.columns,
  parseModel,
  TreeModel,
});
const sklearnRounds = sklearn.cases.map(() => ({ runtime: [], native: [], interpreted: [] }));

// ---- XGBoost native, in a child python process timing the same rows
const request = {
  cases: cases.map((c, i) => {
    const rows = join(work, `rows-${i}.f64`);
    writeFileSync(rows, c.values);
    c.nativeMarginsPath = join(work, `margins-${i}.f32`);
    const margins_out = c.nativeMarginsPath;
    return {
      name: c.name,
      model: c.modelPath,
      rows,
      columns: c.columns,
      repeats: REPEATS,
      single_rows: 2000,
      margins_out,
    };
  }),
};
writeFileSync(join(work, 'request.json'), JSON.stringify(request));
function timeNative() {
  const script = join(root, 'bench/runtime/xgboost_native.py');
  const result = spawnSync('/usr/bin/python3', [script, join(work, 'request.json')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`xgboost_native.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
/**
 * Median time per row of REPEATS runs of `fn` over ROWS rows: CPU time of this process (the steadier figure on a
 * shared machine: a batch of ~50 ms is descheduled many times at a high load average) and wall time.
 */
async function perRow(fn) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = now();
    const startCpu = cpuNow();
    await fn();
    cpu.push((cpuNow() - startCpu) / ROWS);
    wall.push((now() - start) / ROWS);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const RUNTIME_ENGINES = {
  runtime: 'this runtime, as TreeModel picks (wasm)',
  nested: 'this runtime, generated JavaScript (nested)',
  interpreted: 'this runtime, interpreter',
};
const rounds = cases.map(() => ({}));
const record = (i, engine, ns) => (rounds[i][engine] ??= []).push(ns);
let nativeInfo;
for (let round = 0; round < ROUNDS; round++) {
  nativeInfo = timeNative();
  nativeInfo.cases.forEach((n, i) => {
    record(i, 'native', { wall: median(n.batch_ns_per_row), cpu: median(n.batch_cpu_ns_per_row) });
    cases[i].nativeSingle = n.single_p50_ns;
    const bytes = readFileSync(cases[i].nativeMarginsPath);
    cases[i].native = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  });
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    for (const key of Object.keys(RUNTIME_ENGINES)) {
      record(
        i,
        key,
        await perRow(() => (c[`${key}Margins`] = c.engines[key].predictBatch(c.values, c.columns, 'margin'))),
      );
    }
    for (const session of c.onnx) {
      record(
        i,
        session.name,
        await perRow(async () => ((c.onnxMargins ??= {})[session.name] = await session.run(c.x32, ROWS))),
      );
    }
  }
  const sklearnTimes = timeSklearn({ root, work, cases: sklearn.cases, repeats: REPEATS, median });
  for (const [i, c] of sklearn.cases.entries()) {
    sklearnRounds[i].native.push(sklearnTimes[c.key]);
    sklearnRounds[i].runtime.push(await perRow(() => (c.runtimeOut = c.model.predictBatch(c.rows, c.columns))));
    sklearnRounds[i].interpreted.push(
      await perRow(() => (c.interpretedOut = c.interpreted.predictBatch(c.rows, c.columns))),
    );
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}

// ---- JavaScript peer: xgboost-scorer (walks the get_dump JSON; one object per row, missing = absent key)
for (const [i, c] of cases.entries()) {
  if (!c.dump) continue;
  const scorer = await Scorer.create(c.dump);
  const objects = [];
  for (let r = 0; r < PEER_ROWS; r++) {
    const o = {};
    c.ensemble.featureNames.forEach((n, j) => {
      const v = c.values[r * c.columns + j];
      if (v === v) o[n] = v;
    });
    objects.push(o);
  }
  await scorer.score(objects.slice(0, 50)); // warm-up
  const start = now();
  const startCpu = cpuNow();
  await scorer.score(objects);
  const time = { wall: (now() - start) / PEER_ROWS, cpu: (cpuNow() - startCpu) / PEER_ROWS };
  rounds[i]['xgboost-scorer'] = Array(ROUNDS).fill(time);
}

// ---- one row and small batches
const small = cases.map((c) => {
  const model = c.engines.runtime;
  const result = { predict: [], batches: [], onnx: {} };
  const plain = Array.from(c.values.subarray(0, 1000 * c.columns));
  for (let i = 0; i < SMALL_CALLS; i++) {
    const row = plain.slice((i % 1000) * c.columns, ((i % 1000) + 1) * c.columns);
    const start = now();
    model.predict(row, 'margin');
    result.predict.push(now() - start);
  }
  for (let size = 1; size <= 8; size++) {
    const times = [];
    for (let i = 0; i < SMALL_CALLS; i++) {
      const from = (i * size) % (1000 - size);
      const block = c.values.subarray(from * c.columns, (from + size) * c.columns);
      const start = now();
      model.predictBatch(block, c.columns, 'margin');
      times.push(now() - start);
    }
    result.batches.push(times);
  }
  return result;
});
for (const [i, c] of cases.entries()) {
  for (const session of c.onnx) {
    const times = [];
    for (let k = 0; k < 1000; k++) {
      const start = now();
      await session.run(c.x32.subarray(k * c.columns), 1);
      times.push(now() - start);
    }
    small[i].onnx[session.name] = median(times);
  }
}

// ---- load: 1,000-tree models from text in memory to the first prediction, in fresh processes
function timeLoad() {
  const xgboostPath = join(work, 'xgboost_1000_trees.json');
  const made = spawnSync('/usr/bin/python3', [join(root, 'bench/runtime/make_xgboost_1000_trees.py'), xgboostPath], {
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`make_xgboost_1000_trees.py failed: ${made.stderr}`);
  const lightgbm = join(root, 'fixtures/lightgbm/deep_1000_trees');
  const models = [
    ['XGBoost 1,000 trees depth 6, save_model JSON', xgboostPath],
    ['LightGBM deep_1000_trees, model.txt', existing(join(lightgbm, 'model.txt'))],
    ['LightGBM deep_1000_trees, dump_model JSON', existing(join(lightgbm, 'model.json'))],
  ];
  return models.map(([name, path]) => {
    const fresh = [];
    for (let i = 0; i < 3; i++) {
      const run = spawnSync(process.execPath, [join(root, 'bench/runtime/first-load.mjs'), dist, path], {
        encoding: 'utf8',
      });
      if (run.status !== 0) throw new Error(`first-load.mjs failed: ${run.stderr}`);
      fresh.push(JSON.parse(run.stdout));
    }
    const bytes = readFileSync(path);
    const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    const warm = [];
    let model;
    for (let i = 0; i < 5; i++) {
      const start = now();
      model = new TreeModel(parseModel(text));
      model.predict(new Float64Array(model.numFeatures), 'margin');
      warm.push(now() - start);
    }
    return {
      name,
      trees: model.numTrees,
      form: model.evaluatorForm,
      fresh: median(fresh.map((f) => f.firstMs)),
      freshCpu: median(fresh.map((f) => f.firstCpuMs)),
      freshRange: [Math.min(...fresh.map((f) => f.firstMs)), Math.max(...fresh.map((f) => f.firstMs))],
      importMs: median(fresh.map((f) => f.importMs)),
      warm: median(warm) / 1e6,
    };
  });
}
const load = timeLoad();
rmSync(work, { recursive: true, force: true });
const loadAtEnd = loadavg();

// ---- report
const us = (ns) => (ns / 1000).toFixed(2);
const fmtLoad = (l) => l.map((x) => x.toFixed(2)).join(' ');
const loaded = Math.max(loadAtStart[0], loadAtEnd[0]) > LOADED;
const cpuName = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown';
console.log(
  `\nruntime benchmark ${new Date().toISOString().slice(0, 16)}Z: ${cpuName}, ${availableParallelism()} cores, Node ${process.version}, ` +
    `XGBoost ${nativeInfo.xgboost_version}, onnxruntime-node ${onnxVersions.node}, onnxruntime-web ${onnxVersions.web}, ` +
    `ONNX ${cases[0].converted.onnx_version}, scikit-learn ${sklearn.version}; ${ROWS} rows per batch, ${ROUNDS} rounds alternating engines, ${REPEATS} batches per engine per round`,
);
console.log(`load average (1, 5, 15 min): ${fmtLoad(loadAtStart)} at start, ${fmtLoad(loadAtEnd)} at end`);
if (loaded)
  console.log(`LOADED MACHINE: load average above ${LOADED}; absolute times are inflated, read the same-run ratios`);

console.log(
  '\n| model | engine | batch us/row, CPU (median) | wall | this runtime is faster by (median of rounds, min-max) |',
);
console.log('|---|---|---:|---:|---:|');
for (const [i, c] of cases.entries()) {
  const r = rounds[i];
  const engines = [
    ['runtime', RUNTIME_ENGINES.runtime.replace('wasm', c.engines.runtime.evaluatorForm)],
    ['native', 'XGBoost native, 1 thread (inplace_predict)'],
    ...c.onnx.map((s) => [s.name, s.name]),
    ['nested', RUNTIME_ENGINES.nested],
    ['interpreted', RUNTIME_ENGINES.interpreted],
    ...(r['xgboost-scorer'] ? [['xgboost-scorer', `xgboost-scorer (JavaScript, ${PEER_ROWS} rows)`]] : []),
  ];
  printEngines(c.name, r, engines);
}
for (const [i, c] of sklearn.cases.entries()) {
  const name = `${c.name}, Seattle fixture rows${c.fill_missing ? ' (missing as -1)' : ''}`;
  printEngines(name, sklearnRounds[i], [
    ['runtime', RUNTIME_ENGINES.runtime.replace('wasm', c.model.evaluatorForm)],
    ['native', `scikit-learn ${sklearn.version} predict, 1 thread`],
    ['interpreted', RUNTIME_ENGINES.interpreted],
  ]);
}
function printEngines(name, r, engines) {
  for (const [key, label] of engines) {
    // Several threads: CPU time adds theirs up, so that engine is compared by wall time.
    const basis = key.includes('default threads') ? 'wall' : 'cpu';
    const ratios = r[key].map((time, k) => time[basis] / r.runtime[k][basis]);
    const spread =
      key === 'runtime'
        ? ''
        : `${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})${basis === 'wall' ? ', wall' : ''}`;
    const cpuTime = median(r[key].map((time) => time.cpu));
    const wallTime = median(r[key].map((time) => time.wall));
    console.log(`| ${name} | ${label} | ${basis === 'cpu' ? us(cpuTime) : ''} | ${us(wallTime)} | ${spread} |`);
  }
}

console.log('\nExactness, checked in this run on the batch rows:');
for (const c of cases) {
  const native = c.native;
  let mismatches = 0;
  for (let r = 0; r < ROWS; r++)
    if (c.runtimeMargins[r] !== native[r] || c.nestedMargins[r] !== native[r] || c.interpretedMargins[r] !== native[r])
      mismatches++;
  console.log(
    `- ${c.name}: this runtime (all three forms) vs XGBoost native margins: ${mismatches === 0 ? `bit for bit on all ${ROWS} rows` : `${mismatches} rows DIFFER`}`,
  );
  const bound = c.converted.trees * 2 ** -24; // float32 summation of `trees` leaves, relative to max(1, |margin|)
  for (const [name, y] of Object.entries(c.onnxMargins)) {
    let worst = 0;
    let exact = 0;
    for (let r = 0; r < ROWS; r++) {
      worst = Math.max(worst, Math.abs(y[r] - native[r]) / Math.max(1, Math.abs(native[r])));
      if (y[r] === native[r]) exact++;
    }
    const verdict = worst <= bound ? 'within float32 summation error' : 'OUTSIDE float32 summation error';
    console.log(
      `- ${c.name}: ${name} vs XGBoost: largest relative difference ${worst.toExponential(2)} (bound ${c.converted.trees} x 2^-24 = ${bound.toExponential(2)}): ${verdict}; ${exact} of ${ROWS} equal`,
    );
  }
}

for (const c of sklearn.cases) {
  const mismatches = sklearnMismatches(c);
  console.log(
    `- ${c.name}: this runtime (${c.model.evaluatorForm} and interpreter) vs scikit-learn predict: ${mismatches === 0 ? `bit for bit on all ${ROWS} rows` : `${mismatches} rows DIFFER`}`,
  );
}
console.log(
  `- LightGBM native predict: ${lightgbmAvailable() ? 'available but not timed' : "peer unavailable (Python's lightgbm is not installed here; Debian does not package it)"}`,
);

console.log('\n| model | one row / small batch | p50 us per call | p50 us per row | p99 us per call |');
console.log('|---|---|---:|---:|---:|');
for (const [i, c] of cases.entries()) {
  const s = small[i];
  console.log(
    `| ${c.name} | this runtime, predict(row, 'margin'), plain array | ${us(median(s.predict))} | ${us(median(s.predict))} | ${us(quantile(s.predict, 0.99))} |`,
  );
  s.batches.forEach((times, k) => {
    const p50 = median(times);
    console.log(
      `| ${c.name} | this runtime, predictBatch of ${k + 1} row${k ? 's' : ''} | ${us(p50)} | ${us(p50 / (k + 1))} | ${us(quantile(times, 0.99))} |`,
    );
  });
  for (const [name, ns] of Object.entries(s.onnx))
    console.log(`| ${c.name} | ${name}, one row | ${us(ns)} | ${us(ns)} | |`);
  console.log(
    `| ${c.name} | XGBoost native inplace_predict, one row (python call) | ${us(c.nativeSingle)} | ${us(c.nativeSingle)} | |`,
  );
}

console.log(
  '\n| 1,000-tree model, text in memory | evaluator | first load + first prediction, fresh process: ms wall (median of 3, range) | of it CPU ms | import of the runtime ms | warm, same process ms |',
);
console.log('|---|---|---:|---:|---:|---:|');
for (const l of load) {
  console.log(
    `| ${l.name} | ${l.form} | ${l.fresh.toFixed(1)} (${l.freshRange.map((x) => x.toFixed(1)).join('-')}) | ${l.freshCpu.toFixed(1)} | ${l.importMs.toFixed(1)} | ${l.warm.toFixed(1)} |`,
  );
}
