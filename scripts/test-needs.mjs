// What a test file needs beyond Node and this repository. `npm run test:unit` runs every test file listed under none
// of these; `npm test` runs them all. A new test that drives a browser, a container, Python or the network, or that
// takes more than a few seconds on its own, is added here.
export const testNeeds = {
  browser: [
    'packages/runtime/test/browser.test.ts',
    'packages/server/test/page.test.ts',
    'packages/server/test/page-accessibility.test.ts',
    'packages/server/test/page-records.test.ts',
    'packages/server/test/swagger-ui.test.ts',
  ],
  container: ['deploy/test/container.test.ts'],
  python: [
    'packages/runtime/test/onnx.test.ts',
    'packages/runtime/test/sklearn-exporter.test.ts',
    'packages/schema/test/training-reproducible.test.ts',
    'packages/server/test/building-index.test.ts',
    'packages/server/test/grpc-python.test.ts',
    'packages/server/test/readme-v2-examples.test.ts',
    'packages/server/test/reliability-limit-clients.test.ts',
  ],
  // Packs the runtime and installs the tarball into an empty project with npm.
  network: ['packages/runtime/test/pack.test.ts'],
  // Whole-suite parity runs, the built CLI over every fixture, and the serving process under load, crash and stop.
  time: [
    'packages/runtime/test/cli-formats.test.ts',
    'packages/runtime/test/cli.test.ts',
    'packages/runtime/test/evaluators.test.ts',
    'packages/runtime/test/lightgbm.test.ts',
    'packages/runtime/test/xgboost-1.7.4-dump.test.ts',
    'packages/runtime/test/xgboost-1.7.4-model.test.ts',
    'packages/runtime/test/xgboost-3.4.1-dump.test.ts',
    'packages/runtime/test/xgboost-3.4.1-model.test.ts',
    'packages/schema/test/monotone-estimates.test.ts',
    'packages/server/test/grpc-node.test.ts',
    'packages/server/test/reliability-crash.test.ts',
    'packages/server/test/reliability-fuzz.test.ts',
    'packages/server/test/reliability-integrity.test.ts',
    'packages/server/test/reliability-limits.test.ts',
    'packages/server/test/reliability-load.test.ts',
    'packages/server/test/reliability-models-folder.test.ts',
    'packages/server/test/reliability-shutdown.test.ts',
    'packages/server/test/serve.test.ts',
  ],
};
