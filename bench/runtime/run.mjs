#!/usr/bin/env node
// Runtime benchmark: this runtime's compiled (WebAssembly and JavaScript) and interpreted evaluators against XGBoost's native predictor
// (Debian's python3-xgboost, nthread=1, inplace_predict) and a JavaScript peer (xgboost-scorer), on the same models
// and the same rows, in one run. Prints a table of per-row times and ratios; run with `npm run bench:runtime`.
// The machine is shared: every figure is the median of several repeats, and ratios compare figures of this run only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const runtime = join(root, 'packages/runtime/dist');
const { parseModel } = await import(join(runtime, 'load.js'));
const { TreeModel } = await import(join(runtime, 'model.js'));
const Scorer = createRequire(import.meta.url)('xgboost-scorer').default;

const ROWS = 20_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3); // python and JavaScript alternate, ROUNDS times
const REPEATS = 5; // timed batches per round and evaluator
const SINGLE_ROWS = 5_000;
const PEER_ROWS = 1_000;

const readText = (path) =>
  existsSync(path) ? readFileSync(path, 'utf8') : gunzipSync(readFileSync(`${path}.gz`)).toString('utf8');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const now = () => Number(process.hrtime.bigint());
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}; // ns of CPU time
const { loadavg } = await import('node:os');
const loadAtStart = loadavg();

/** The fixture's ordinary rows (not the edge cases), repeated to ROWS rows. */
function fixtureRows(dir, columns) {
  const input = JSON.parse(readText(join(dir, 'input.json')));
  const rows = input.rows.filter((_, i) => ['data', 'sample'].includes(input.row_tags?.[i] ?? 'data'));
  return tile(rows, columns);
}
function tile(rows, columns) {
  const values = new Float64Array(ROWS * columns);
  for (let r = 0; r < ROWS; r++) {
    const row = rows[r % rows.length];
    for (let j = 0; j < columns; j++) values[r * columns + j] = row[j] ?? NaN;
  }
  return values;
}

const cases = [];
function addCase(name, dir, modelFile, rowsOf, dump) {
  const text = readText(join(dir, modelFile));
  const ensemble = parseModel(text);
  const values = rowsOf(ensemble.numFeatures);
  cases.push({
    name,
    modelPath: existsSync(join(dir, modelFile)) ? join(dir, modelFile) : join(dir, `${modelFile}.gz`),
    ensemble,
    values,
    dump,
  });
}
addCase(
  'seattle 600 trees depth 5 (fixture)',
  join(root, 'fixtures/xgboost/1.7.4/reg_squarederror_seattle'),
  'model.json',
  (c) => fixtureRows(join(root, 'fixtures/xgboost/1.7.4/reg_squarederror_seattle'), c),
  JSON.parse(readText(join(root, 'fixtures/xgboost/1.7.4/reg_squarederror_seattle/dump.json'))),
);
const served = join(root, 'models/site-energy');
for (const version of existsSync(served) ? readdirSync(served) : []) {
  const dir = join(served, version);
  if (!existsSync(join(dir, 'model.json')) || !existsSync(join(dir, 'golden.json'))) continue;
  const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8'));
  addCase(`site-energy ${version} (served)`, dir, 'model.json', (c) =>
    tile(
      golden.rows.map((g) => g.encoded),
      c,
    ),
  );
}
addCase('deep_depth12 150 trees depth 12', join(root, 'fixtures/xgboost/1.7.4/deep_depth12'), 'model.json', (c) =>
  fixtureRows(join(root, 'fixtures/xgboost/1.7.4/deep_depth12'), c),
);

// ---- this runtime
function timeBatch(fn) {
  const times = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = now();
    fn();
    times.push((now() - start) / ROWS);
  }
  return times;
}
function timeJs(c, into) {
  const { ensemble, values } = c;
  const width = ensemble.numFeatures;
  let out;
  into.compiled.push(...timeBatch(() => (out = c.compiled.predictBatch(values, width, 'margin'))));
  c.checksum = out.reduce((a, b) => a + b, 0);
  if (c.walk) {
    into.walk.push(...timeBatch(() => (out = c.walk.predictBatch(values, width, 'margin'))));
    c.walkChecksum = out.reduce((a, b) => a + b, 0);
  }
  into.interpreted.push(...timeBatch(() => c.interpreted.predictBatch(values, width, 'margin')));
  const plain = Array.from(values.subarray(0, SINGLE_ROWS * width)); // predict() receives plain arrays
  for (let i = 0; i < SINGLE_ROWS; i++) {
    const row = values.subarray((i % ROWS) * width, ((i % ROWS) + 1) * width);
    let start = now();
    c.compiled.predictBatch(row, width, 'margin');
    into.single.push(now() - start);
    const list = plain.slice(i * width, (i + 1) * width);
    start = now();
    c.model.predict(list, 'margin');
    into.predict.push(now() - start);
  }
}

// ---- JavaScript peer: xgboost-scorer (walks the get_dump JSON; one object per row, missing = absent key)
async function timePeer(c, into) {
  if (!c.dump) return;
  const scorer = await Scorer.create(c.dump);
  const names = c.ensemble.featureNames;
  const objects = [];
  for (let r = 0; r < PEER_ROWS; r++) {
    const o = {};
    names.forEach((n, j) => {
      const v = c.values[r * names.length + j];
      if (v === v) o[n] = v;
    });
    objects.push(o);
  }
  await scorer.score(objects.slice(0, 50)); // warm-up
  for (let i = 0; i < 3; i++) {
    const start = now();
    await scorer.score(objects);
    into.peer.push((now() - start) / PEER_ROWS);
  }
}

// ---- XGBoost native, in a child python process timing the same rows
const work = mkdtempSync(join(tmpdir(), 'bench-runtime-'));
const request = {
  cases: cases.map((c, i) => {
    const rows = join(work, `rows-${i}.f64`);
    writeFileSync(rows, c.values);
    return {
      name: c.name,
      model: c.modelPath,
      rows,
      columns: c.ensemble.numFeatures,
      repeats: REPEATS,
      single_rows: 2000,
    };
  }),
};
writeFileSync(join(work, 'request.json'), JSON.stringify(request));
function timeNative() {
  const result = spawnSync(
    '/usr/bin/python3',
    [join(root, 'bench/runtime/xgboost_native.py'), join(work, 'request.json')],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (result.status !== 0) throw new Error(`xgboost_native.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

// ---- load time of 1,000-tree models (text already in memory: parsing + flattening + validation), then generating
// their code (done lazily by TreeModel on the first prediction). Wall and CPU time: on a shared machine the CPU time
// of this process is the steadier figure. The XGBoost model is trained here by make_xgboost_1000_trees.py.
function timeLoad() {
  const xgboostPath = join(work, 'xgboost_1000_trees.json');
  const made = spawnSync('/usr/bin/python3', [join(root, 'bench/runtime/make_xgboost_1000_trees.py'), xgboostPath], {
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`make_xgboost_1000_trees.py failed: ${made.stderr}`);
  const models = [
    ['LightGBM deep_1000_trees model.txt', readText(join(root, 'fixtures/lightgbm/deep_1000_trees/model.txt'))],
    ['LightGBM deep_1000_trees dump_model JSON', readText(join(root, 'fixtures/lightgbm/deep_1000_trees/model.json'))],
    ['XGBoost 1,000 trees depth 6 save_model JSON', readFileSync(xgboostPath, 'utf8')],
  ];
  return models.map(([name, text]) => {
    const wall = [],
      cpu = [],
      compileWall = [],
      firstWall = [];
    let ensemble;
    for (let i = 0; i < 7; i++) {
      let start = now();
      const startCpu = cpuNow();
      ensemble = parseModel(text);
      const ns = now() - start;
      (i === 0 ? firstWall : wall).push(ns);
      if (i > 0) cpu.push(cpuNow() - startCpu);
      start = now();
      const model = new TreeModel(ensemble);
      model.predict([], 'margin');
      if (i > 0) compileWall.push(now() - start);
    }
    const form = new TreeModel(ensemble).evaluatorForm;
    return {
      name,
      trees: ensemble.treeRoot.length,
      nodes: ensemble.nodes.feature.length,
      first: firstWall[0],
      wall: median(wall),
      cpu: median(cpu),
      compile: median(compileWall),
      form,
    };
  });
}

const stats = cases.map(() => ({
  compiled: [],
  walk: [],
  interpreted: [],
  single: [],
  predict: [],
  peer: [],
  native: [],
  nativeSingle: [],
}));
let versions;
for (const c of cases) {
  c.compiled = new TreeModel(c.ensemble);
  if (c.compiled.evaluatorForm === 'wasm') c.walk = new TreeModel(c.ensemble, 'nested');
  c.interpreted = new TreeModel(c.ensemble, 'interpreted');
  c.model = c.compiled;
}
for (let round = 0; round < ROUNDS; round++) {
  const native = timeNative();
  versions = native;
  native.cases.forEach((n, i) => {
    stats[i].native.push(...n.batch_ns_per_row);
    stats[i].nativeSingle.push(n.single_p50_ns);
    stats[i].nativeChecksum = n.checksum;
  });
  for (let i = 0; i < cases.length; i++) timeJs(cases[i], stats[i]);
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}
for (let i = 0; i < cases.length; i++) await timePeer(cases[i], stats[i]);
const load = timeLoad();
rmSync(work, { recursive: true, force: true });
const loadAtEnd = loadavg();

const us = (ns) => (ns / 1000).toFixed(2);
const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown';
console.log(
  `\nruntime benchmark ${new Date().toISOString().slice(0, 10)}: ${cpu}, ${(await import('node:os')).availableParallelism()} cores, ` +
    `Node ${process.version}, XGBoost ${versions.xgboost_version}; ${ROWS} rows per batch, medians of ${ROUNDS} x ${REPEATS}; ` +
    `load average ${loadAtStart.map((x) => x.toFixed(1)).join(' ')} at start, ${loadAtEnd.map((x) => x.toFixed(1)).join(' ')} at end`,
);
console.log('\n| model | evaluator | batch us/row | speed vs XGBoost native |');
console.log('|---|---|---:|---:|');
for (let i = 0; i < cases.length; i++) {
  const s = stats[i];
  const native = median(s.native);
  const rows = [
    ['XGBoost native (nthread=1, inplace_predict)', native],
    [`this runtime, compiled (${cases[i].compiled.evaluatorForm})`, median(s.compiled)],
  ];
  if (s.walk.length > 0) rows.push(['this runtime, generated JavaScript (nested, fallback)', median(s.walk)]);
  rows.push(['this runtime, interpreted', median(s.interpreted)]);
  if (s.peer.length > 0) rows.push([`xgboost-scorer ${PEER_ROWS} rows`, median(s.peer)]);
  for (const [label, ns] of rows)
    console.log(`| ${cases[i].name} | ${label} | ${us(ns)} | ${(native / ns).toFixed(2)}x |`);
  const exact = Math.abs(cases[i].checksum - s.nativeChecksum) <= 1e-9 * Math.abs(s.nativeChecksum);
  if (!exact)
    console.log(
      `| ${cases[i].name} | WARNING: margin checksum differs from XGBoost (${cases[i].checksum} vs ${s.nativeChecksum}) | | |`,
    );
  if (cases[i].walk && cases[i].walkChecksum !== cases[i].checksum)
    console.log(`| ${cases[i].name} | WARNING: nested and wasm checksums differ | | |`);
}
console.log('\n| model | single row, in process | p50 us | p99 us |');
console.log('|---|---|---:|---:|');
for (let i = 0; i < cases.length; i++) {
  console.log(
    `| ${cases[i].name} | this runtime, compiled (${cases[i].compiled.evaluatorForm}) predictBatch of one row | ${us(median(stats[i].single))} | ${us(quantile(stats[i].single, 0.99))} |`,
  );
  console.log(
    `| ${cases[i].name} | this runtime, TreeModel.predict(row, 'margin'), plain array | ${us(median(stats[i].predict))} | ${us(quantile(stats[i].predict, 0.99))} |`,
  );
  console.log(
    `| ${cases[i].name} | XGBoost native inplace_predict (python call) | ${us(median(stats[i].nativeSingle))} | |`,
  );
}
console.log(
  '\n| model (text in memory) | trees | nodes | first load ms | load ms (median wall) | load ms (median CPU) | code generation ms (form) |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const l of load) {
  console.log(
    `| ${l.name} | ${l.trees} | ${l.nodes} | ${us(l.first / 1000)} | ${us(l.wall / 1000)} | ${us(l.cpu / 1000)} | ${us(l.compile / 1000)} (${l.form}) |`,
  );
}
