// The shipped exporter, run live with Debian's python3-sklearn: models trained here are exported through the command
// line and the library function, loaded, and compared with scikit-learn's own predict on fresh rows. Estimators the
// format cannot describe are refused by the exporter.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../src/index.js';

const exporters = fileURLToPath(new URL('../exporters/', import.meta.url));
const python = '/usr/bin/python3';

function run(script: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(python, ['-c', script], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: exporters },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'sklearn-export-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('models exported by the shipped exporter predict as scikit-learn does', async (t) => {
  const script = `
import json, pickle, subprocess, sys
import numpy as np
from sklearn.ensemble import (ExtraTreesRegressor, GradientBoostingRegressor,
                              HistGradientBoostingRegressor, RandomForestRegressor)
from export_sklearn import write_model
rng = np.random.default_rng(5)
X = rng.normal(size=(400, 4)) * [1, 10, 100, 1000]
X[:, 3] = rng.integers(0, 6, size=400)
y = X[:, 0] + np.sin(X[:, 1]) + (X[:, 3] == 2)
Xn = X.copy(); Xn[rng.random(400) < 0.1, 0] = np.nan
rows = rng.normal(size=(60, 4)) * [1, 10, 100, 1000]
rows[:, 3] = rng.integers(0, 8, size=60)
rows_nan = rows.copy(); rows_nan[::5, 0] = np.nan; rows_nan[::7, 3] = np.nan
models = {
  'rf': (RandomForestRegressor(n_estimators=5, max_depth=5, random_state=1).fit(X, y), rows),
  'et': (ExtraTreesRegressor(n_estimators=5, max_depth=5, random_state=2).fit(X, y), rows),
  'gbr': (GradientBoostingRegressor(loss='quantile', alpha=0.8, n_estimators=20, random_state=3).fit(X, y), rows),
  'hgb': (HistGradientBoostingRegressor(max_iter=20, categorical_features=[3], random_state=4).fit(Xn, y), rows_nan),
}
out = {}
for name, (model, data) in models.items():
  if name == 'rf':
    # The command-line path: a pickled estimator in, the JSON out.
    with open('rf.pkl', 'wb') as f: pickle.dump(model, f)
    subprocess.run([sys.executable, '${exporters}export_sklearn.py', 'rf.pkl', 'rf.json'], check=True)
  else:
    write_model(model, name + '.json')
  out[name] = {'rows': [[None if v != v else float(v) for v in r] for r in data], 'prediction': model.predict(data).tolist()}
json.dump(out, sys.stdout)
`;
  const result = run(script, dir);
  t.equal(result.status, 0, result.stderr);
  const cases = JSON.parse(result.stdout) as Record<string, { rows: (number | null)[][]; prediction: number[] }>;
  t.same(Object.keys(cases), ['rf', 'et', 'gbr', 'hgb']);
  for (const [name, { rows, prediction }] of Object.entries(cases)) {
    const model = loadModel(readFileSync(join(dir, `${name}.json`), 'utf8'));
    const out = model.predictBatch(rows, 4, 'prediction');
    t.same(Array.from(out), prediction, `${name}: ${rows.length} predictions bit for bit`);
  }
});

t.test('the exporter refuses what the format cannot describe', async (t) => {
  const script = `
import numpy as np
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor, GradientBoostingRegressor
from sklearn.linear_model import LinearRegression
from export_sklearn import export_model
X = np.arange(40.0).reshape(20, 2); y = np.arange(20.0)
cases = {
  'classifier': RandomForestClassifier(n_estimators=2).fit(X, y > 10),
  'multi-output': RandomForestRegressor(n_estimators=2).fit(X, np.c_[y, y]),
  'custom init': GradientBoostingRegressor(n_estimators=2, init=LinearRegression()).fit(X, y),
}
for name, model in cases.items():
  try:
    export_model(model)
    print(name, 'exported')
  except ValueError as e:
    print(name, 'refused')
`;
  const result = run(script, dir);
  t.equal(result.status, 0, result.stderr);
  t.same(result.stdout.trim().split('\n'), ['classifier refused', 'multi-output refused', 'custom init refused']);
});
