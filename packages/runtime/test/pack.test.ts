import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { fixtureFile, readFixtureJson } from './fixtures/read-fixture.js';

// Other Node apps use the runtime from its npm tarball: pack it, install it into an empty project (it has no
// dependencies, so an offline install works), then import it, require it and type-check against its shipped types.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(packageDir, '../../node_modules/typescript/bin/tsc');
const work = mkdtempSync(join(tmpdir(), 'runtime-pack-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
const env = { ...process.env, npm_config_cache: join(work, 'npm-cache'), npm_config_update_notifier: 'false' };
const project = join(work, 'app');
const model = fixtureFile('xgboost/3.4.1/binary_logitraw/model.json');
const input = readFixtureJson<{ rows: (number | null)[][] }>('xgboost/3.4.1/binary_logitraw/input.json');
const expected = readFixtureJson<{ margin: number[] }>('xgboost/3.4.1/binary_logitraw/expected.json');

t.before(() => {
  execFileSync(process.execPath, [tsc, '-b', packageDir]);
  execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: packageDir, env });
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent', join(work, tarball)], {
    cwd: project,
    env,
  });
});

function node(file: string, source: string): string {
  writeFileSync(join(project, file), source);
  const result = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${file} failed: ${result.stderr}`);
  return result.stdout;
}

const script = (load: string) => `${load}
const fs = require('node:fs');
const model = loadModel(fs.readFileSync(${JSON.stringify(model)}, 'utf8'));
console.log(JSON.stringify([model.format, model.predict(${JSON.stringify(input.rows[0])}, 'margin')]));
`;

t.test('the tarball ships dist and README, no sources or tests', (t) => {
  const listing = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: packageDir, env, encoding: 'utf8' });
  const files = (JSON.parse(listing) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  t.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts') && files.includes('dist/cli.js'));
  t.ok(files.includes('README.md'));
  t.notOk(files.some((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.tsbuildinfo')));
  t.end();
});

t.test('works from import in the installed project', (t) => {
  const out = node(
    'check.mjs',
    script(
      "import { loadModel } from '@seattle-energy/runtime';\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);",
    ),
  );
  t.same(JSON.parse(out), ['xgboost-json', expected.margin[0]]);
  t.end();
});

t.test('works from require in the installed project (Node >= 20.19 requires ESM)', (t) => {
  const out = node('check.cjs', script("const { loadModel } = require('@seattle-energy/runtime');"));
  t.same(JSON.parse(out), ['xgboost-json', expected.margin[0]]);
  t.end();
});

t.test('type-checks against the shipped declarations', (t) => {
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        noEmit: true,
        types: [],
      },
      files: ['check.ts'],
    }),
  );
  writeFileSync(
    join(project, 'check.ts'),
    `import { loadModel, TreeModelError, type TreeModel, type TreeEnsemble, type TreeModelErrorCode } from '@seattle-energy/runtime';
export function score(text: string): number | number[] | number[][] {
  const model: TreeModel = loadModel(text, { objective: 'reg:squarederror' });
  const ensemble: TreeEnsemble = model.ensemble;
  const batch: Float64Array = model.predictBatch(new Float32Array(ensemble.numFeatures), ensemble.numFeatures, 'contrib');
  void batch;
  // @ts-expect-error the output kind is checked
  model.predict([1, null], 'probability');
  return model.predict([1, null, undefined, Number.NaN], 'margin');
}
export function code(error: unknown): TreeModelErrorCode | undefined {
  return error instanceof TreeModelError ? error.code : undefined;
}
`,
  );
  const result = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
  t.equal(result.status, 0, result.stdout + result.stderr);
  const broken = join(project, 'tsconfig.json');
  writeFileSync(
    join(project, 'check.ts'),
    "import { loadModel } from '@seattle-energy/runtime';\nconst n: string = loadModel('{}').numTrees;\nvoid n;\n",
  );
  const failing = spawnSync(process.execPath, [tsc, '-p', broken], { encoding: 'utf8' });
  t.not(failing.status, 0, 'a type error in the consumer is caught (the types are really in use)');
  t.end();
});
