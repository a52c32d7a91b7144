// ONNX Runtime peers of the runtime benchmark: onnxruntime-node (native, 1 thread and its default thread count) and
// onnxruntime-web (WebAssembly, 1 thread, run in Node) on the models converted by bench/peers/xgboost_to_onnx.py.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ortNode = require('onnxruntime-node');
const ortWeb = await import('onnxruntime-web');
ortWeb.env.wasm.numThreads = 1;

export const onnxVersions = {
  node: require('onnxruntime-node/package.json').version,
  web: ortWeb.env.versions.web,
};

/** Converts an XGBoost JSON model to ONNX with Debian's python3-onnx; returns the converter's report. */
export function convertToOnnx(root, modelPath, onnxPath) {
  const result = spawnSync('/usr/bin/python3', [join(root, 'bench/peers/xgboost_to_onnx.py'), modelPath, onnxPath], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`xgboost_to_onnx.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The three ONNX Runtime sessions of one converted model, each with `run(x: Float32Array, rows) => Float32Array`. */
export async function onnxSessions(onnxPath, columns) {
  const sessions = {
    'onnxruntime-node, 1 thread': [
      ortNode,
      await ortNode.InferenceSession.create(onnxPath, { intraOpNumThreads: 1, interOpNumThreads: 1 }),
    ],
    'onnxruntime-node, default threads': [ortNode, await ortNode.InferenceSession.create(onnxPath)],
    'onnxruntime-web (wasm), 1 thread': [ortWeb, await ortWeb.InferenceSession.create(readFileSync(onnxPath))],
  };
  return Object.entries(sessions).map(([name, [ort, session]]) => ({
    name,
    async run(x, rows) {
      const output = await session.run({
        X: new ort.Tensor('float32', x.subarray(0, rows * columns), [rows, columns]),
      });
      return output.Y.data;
    },
  }));
}
