// XGBoost UBJSON models (save_model('model.ubj')): decoded and read by the XGBoost JSON loader (parity with XGBoost
// 1.7.4 runs in xgboost-generated.test.ts), through the CLI, and damaged files refused with typed errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { loadModel } from '../src/index.js';
import { decodeUbjson } from '../src/formats/ubjson.js';
import { exactMismatches } from './fixtures/compare.js';
import { fixtureFile, readFixtureBytes, readFixtureJson, readFixtureText } from './fixtures/read-fixture.js';
import { codeOf } from './fixtures/code-of.js';

const CASE = 'xgboost/generated/multi_target_3';
const bytes = readFixtureBytes(`${CASE}/model.ubj`);
const expected = readFixtureJson<{ margin: number[][]; prediction: number[][] }>(`${CASE}/expected.json`);

t.test('the UBJSON model decodes to the structure of its JSON twin', async (t) => {
  const fromUbj = decodeUbjson(bytes) as { learner: Record<string, unknown> };
  const fromJson = JSON.parse(readFixtureText(`${CASE}/model.json`)) as { learner: Record<string, unknown> };
  t.same(Object.keys(fromUbj.learner).sort(), Object.keys(fromJson.learner).sort(), 'same learner fields');
  t.same(fromUbj.learner['learner_model_param'], fromJson.learner['learner_model_param'], 'same model parameters');
  t.same(fromUbj.learner['feature_names'], fromJson.learner['feature_names'], 'same feature names');
});

t.test('the UBJSON model predicts like the JSON model, from a Buffer or a plain Uint8Array', async (t) => {
  const input = readFixtureJson<{ feature_names: string[]; rows: (number | null)[][] }>(`${CASE}/input.json`);
  for (const source of [bytes, new Uint8Array(bytes)]) {
    const model = loadModel(source);
    t.equal(model.format, 'xgboost-json');
    t.equal(model.numOutputs, 3);
    t.same(
      exactMismatches(model.predictBatch(input.rows, 5, 'margin'), expected.margin.flat()),
      { count: 0, mismatches: [] },
      'margins bit for bit',
    );
  }
  // Text given as bytes still reads as text.
  const jsonBytes = new TextEncoder().encode(readFixtureText(`${CASE}/model.json`));
  t.equal(loadModel(jsonBytes).format, 'xgboost-json', 'JSON bytes');
  const lightgbm = new TextEncoder().encode(readFixtureText('lightgbm/regression/model.txt'));
  t.equal(loadModel(lightgbm).format, 'lightgbm-text', 'model.txt bytes');
});

t.test('damaged UBJSON is refused with a typed error, never mispredicted', async (t) => {
  const cut = (n: number) => bytes.subarray(0, n);
  // Every cut of the file, at 300 spread offsets (and the last byte): refused, since a cut file cannot close its
  // top-level object.
  let refused = 0;
  const offsets = [...Array.from({ length: 300 }, (_, i) => Math.floor((i * bytes.length) / 300)), bytes.length - 1];
  for (const n of offsets) if (codeOf(() => loadModel(cut(Math.max(n, 2)))) === 'MODEL_TRUNCATED') refused++;
  t.equal(refused, offsets.length, `${offsets.length} truncations refused with MODEL_TRUNCATED`);

  const trailing = new Uint8Array([...bytes, 0x5a]);
  t.equal(
    codeOf(() => loadModel(trailing)),
    'MODEL_TRUNCATED',
    'bytes after the end',
  );
  const badMarker = new Uint8Array(bytes);
  // Byte 18 is the length marker of the first key inside "learner": make it an unknown marker.
  badMarker[18] = 0x7a;
  t.equal(
    codeOf(() => loadModel(badMarker)),
    'MODEL_TRUNCATED',
    'unknown type marker',
  );
  const hugeLength = Uint8Array.of(0x7b, 0x4c, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x61);
  t.equal(
    codeOf(() => loadModel(hugeLength)),
    'MODEL_TRUNCATED',
    'a key length beyond the file',
  );
  const notUtf8 = Uint8Array.of(0xff, 0xfe, 0x00, 0x41);
  t.equal(
    codeOf(() => loadModel(notUtf8)),
    'MODEL_FORMAT_UNSUPPORTED',
    'bytes that are neither text nor UBJSON',
  );
  t.equal(
    codeOf(() => decodeUbjson(Uint8Array.from({ length: 4000 }, () => 0x5b))),
    'MODEL_TRUNCATED',
    'nesting too deep',
  );
  // A well-formed UBJSON object that is not a model.
  const other = Uint8Array.of(0x7b, 0x69, 0x01, 0x61, 0x54, 0x7d);
  t.equal(
    codeOf(() => loadModel(other)),
    'MODEL_FORMAT_UNSUPPORTED',
    'UBJSON that is not a model',
  );
});

t.test('the CLI reads .ubj and .ubj.gz models', async (t) => {
  const cli = join(dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'ubj-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const gz = join(dir, 'model.ubj.gz');
  writeFileSync(gz, gzipSync(bytes));
  for (const model of [fixtureFile(`${CASE}/model.ubj`), gz]) {
    const result = spawnSync(
      process.execPath,
      [cli, 'predict', '--model', model, '--input', fixtureFile(`${CASE}/input.json`), '--output', 'margin'],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    t.equal(result.status, 0, result.stderr);
    const margins = (JSON.parse(result.stdout) as number[][]).flat();
    t.same(exactMismatches(margins, expected.margin.flat()), { count: 0, mismatches: [] }, `${model}: margins`);
  }
});
