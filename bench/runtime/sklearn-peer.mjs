// scikit-learn's own predictor as a peer of the runtime benchmark: bench/runtime/sklearn_native.py fits scikit-learn
// models on the Seattle data and exports them with packages/runtime/exporters/export_sklearn.py; this runtime loads
// the export and both predict the same rows (the XGBoost Seattle fixture's rows, tiled), one thread each, timed in
// the rounds of run.mjs. Outputs are compared bit for bit.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';

function python(root, args, env = process.env) {
  const result = spawnSync(PYTHON, [join(root, 'bench/runtime/sklearn_native.py'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env,
  });
  if (result.status !== 0) throw new Error(`sklearn_native.py ${args[0]} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Whether LightGBM's Python package (its native predictor) can be imported here. */
export function lightgbmAvailable() {
  return spawnSync(PYTHON, ['-c', 'import lightgbm'], { stdio: 'ignore' }).status === 0;
}

/**
 * Fits and exports the scikit-learn models, loads each into this runtime. `values`: the benchmark's rows (row-major,
 * NaN = missing, `columns` per row); models trained with missing values as -1 get a copy with NaN replaced.
 */
export function prepareSklearnCases({ root, work, values, columns, parseModel, TreeModel }) {
  const trained = python(root, ['train', work]);
  const cases = trained.models.map((m) => {
    const rows = m.fill_missing ? values.map((v) => (v === v ? v : -1)) : values;
    const rowsPath = join(work, `sklearn-rows-${m.key}.f64`);
    writeFileSync(rowsPath, rows);
    const ensemble = parseModel(readFileSync(join(work, `${m.key}.json`), 'utf8'));
    const model = new TreeModel(ensemble);
    const interpreted = new TreeModel(ensemble, 'interpreted');
    return {
      ...m,
      columns,
      rows,
      rowsPath,
      model,
      interpreted,
      marginsPath: join(work, `sklearn-margins-${m.key}.f64`),
    };
  });
  return { version: trained.sklearn_version, cases };
}

/** One round of scikit-learn's predict on every case (one thread); returns { key: {wall, cpu} } in ns per row. */
export function timeSklearn({ root, work, cases, repeats, median }) {
  const request = join(work, 'sklearn-request.json');
  writeFileSync(
    request,
    JSON.stringify({
      cases: cases.map((c) => ({
        key: c.key,
        estimator: join(work, `${c.key}.pickle`),
        rows: c.rowsPath,
        columns: c.columns,
        repeats,
        margins_out: c.marginsPath,
      })),
    }),
  );
  // HistGradientBoosting predicts with OpenMP threads: one, like the other peers.
  const out = python(root, ['time', request], { ...process.env, OMP_NUM_THREADS: '1' });
  const times = {};
  for (const [i, n] of out.cases.entries()) {
    times[n.key] = { wall: median(n.batch_ns_per_row), cpu: median(n.batch_cpu_ns_per_row) };
    const bytes = readFileSync(cases[i].marginsPath);
    cases[i].native = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  }
  return times;
}

/** Rows where this runtime's predictions differ from scikit-learn's `predict` (compared as float64, bit for bit). */
export function sklearnMismatches(c) {
  let mismatches = 0;
  for (let r = 0; r < c.native.length; r++)
    if (!Object.is(c.runtimeOut[r], c.native[r]) || !Object.is(c.interpretedOut[r], c.native[r])) mismatches++;
  return mismatches;
}
