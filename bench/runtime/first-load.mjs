// One fresh process: reads a model file into memory, then times importing the runtime, loading the model (parse,
// flatten, validate, generate its evaluator) and the first prediction. Prints one JSON line (milliseconds).
// Usage: node first-load.mjs RUNTIME_DIST MODEL_FILE
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist, file] = process.argv.slice(2);
const bytes = readFileSync(file);
const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const t0 = performance.now();
const c0 = cpu();
const { loadModel } = await import(pathToFileURL(join(dist, 'index.js')).href);
const t1 = performance.now();
const c1 = cpu();
const model = loadModel(text);
model.predict(new Float64Array(model.numFeatures), 'margin');
const t2 = performance.now();
const c2 = cpu();
console.log(
  JSON.stringify({
    importMs: t1 - t0,
    importCpuMs: c1 - c0,
    firstMs: t2 - t1,
    firstCpuMs: c2 - c1,
    form: model.evaluatorForm,
  }),
);
