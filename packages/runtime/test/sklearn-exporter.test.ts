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

t.test('classifiers exported by the shipped exporter give predict_proba and decision_function', async (t) => {
  const script = `
import json, pickle, subprocess, sys
import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier
from export_sklearn import write_model
rng = np.random.default_rng(6)
X = rng.normal(size=(500, 3)) * [1, 10, 100]
labels = np.array(['a', 'b', 'c'])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 5)]
Xn = X.copy(); Xn[rng.random(500) < 0.1, 1] = np.nan
rows = rng.normal(size=(60, 3)) * [1, 10, 100]
rows_nan = rows.copy(); rows_nan[::4, 1] = np.nan
models = {
  'rfc': (RandomForestClassifier(n_estimators=7, max_depth=6, random_state=1).fit(X, labels), rows),
  'dtc': (DecisionTreeClassifier(max_depth=5, random_state=2).fit(X, labels == 'b'), rows),
  'gbc': (GradientBoostingClassifier(n_estimators=15, random_state=3).fit(X, labels), rows),
  'hgbc': (HistGradientBoostingClassifier(max_iter=15, random_state=4).fit(Xn, labels == 'a'), rows_nan),
}
out = {}
for name, (model, data) in models.items():
  if name == 'rfc':
    with open('rfc.pkl', 'wb') as f: pickle.dump(model, f)
    subprocess.run([sys.executable, '${exporters}export_sklearn.py', 'rfc.pkl', 'rfc.json'], check=True)
  else:
    write_model(model, name + '.json')
  margin = model.decision_function(data) if hasattr(model, 'decision_function') else model.predict_proba(data)
  out[name] = {'rows': [[None if v != v else float(v) for v in r] for r in data],
               'classes': model.classes_.tolist(),
               'margin': np.ravel(margin).tolist(), 'proba': np.ravel(model.predict_proba(data)).tolist()}
json.dump(out, sys.stdout)
`;
  const result = run(script, dir);
  t.equal(result.status, 0, result.stderr);
  const cases = JSON.parse(result.stdout) as Record<
    string,
    { rows: (number | null)[][]; classes: unknown[]; margin: number[]; proba: number[] }
  >;
  t.same(Object.keys(cases), ['rfc', 'dtc', 'gbc', 'hgbc']);
  for (const [name, { rows, classes, margin, proba }] of Object.entries(cases)) {
    const model = loadModel(readFileSync(join(dir, `${name}.json`), 'utf8'));
    t.same(model.classes, classes, `${name}: classes`);
    t.same(Array.from(model.predictBatch(rows, 3, 'margin')), margin, `${name}: margins bit for bit`);
    const out = model.predictBatch(rows, 3, 'prediction');
    const worst = proba.reduce((w, p, i) => Math.max(w, p === out[i] ? 0 : Math.abs(out[i]! - p) / Math.abs(p)), 0);
    t.ok(out.length === proba.length && worst <= 1e-12, `${name}: predict_proba within 1e-12 (worst ${worst})`);
  }
});

t.test('the exporter refuses what the format cannot describe', async (t) => {
  const script = `
import numpy as np
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor, RandomForestClassifier,
                              RandomForestRegressor)
from sklearn.linear_model import LinearRegression, LogisticRegression
from export_sklearn import export_model
X = np.arange(40.0).reshape(20, 2); y = np.arange(20.0)
cases = {
  'multi-output classifier': RandomForestClassifier(n_estimators=2).fit(X, np.c_[y > 10, y > 5]),
  'multi-output': RandomForestRegressor(n_estimators=2).fit(X, np.c_[y, y]),
  'custom init': GradientBoostingRegressor(n_estimators=2, init=LinearRegression()).fit(X, y),
  'custom classifier init': GradientBoostingClassifier(n_estimators=2, init=LogisticRegression()).fit(X, y > 10),
  'not a tree model': LinearRegression().fit(X, y),
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
  t.same(result.stdout.trim().split('\n'), [
    'multi-output classifier refused',
    'multi-output refused',
    'custom init refused',
    'custom classifier init refused',
    'not a tree model refused',
  ]);
});
