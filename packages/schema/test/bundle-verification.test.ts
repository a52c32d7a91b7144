import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { sha256File } from '../src/bundle/load-bundle.js';
import { BundleError, CHECKSUMS_FILE, loadBundle, loadModelStore, writeChecksums } from '../src/index.js';
import { copyModels } from './helpers/bundles.js';

const { dir, done } = await copyModels();
t.teardown(done);
const bundleDir = join(dir, 'site-energy', '1.0.0');
const files = { manifest: 'bundle.json', model: 'model.json', golden: 'golden.json', sums: CHECKSUMS_FILE } as const;
const original = {
  manifest: await readFile(join(bundleDir, files.manifest), 'utf8'),
  model: await readFile(join(bundleDir, files.model), 'utf8'),
  golden: await readFile(join(bundleDir, files.golden), 'utf8'),
  sums: await readFile(join(bundleDir, files.sums), 'utf8'),
};
t.afterEach(async () => {
  for (const key of Object.keys(files) as (keyof typeof files)[])
    await writeFile(join(bundleDir, files[key]), original[key]);
});

/** Writes a bundle file and seals the change into SHA256SUMS, as a bundle's maker would: the later checks must catch it. */
async function writeSealed(file: string, text: string): Promise<void> {
  await writeFile(join(bundleDir, file), text);
  await writeChecksums(bundleDir, [files.manifest, files.model, files.golden]);
}

t.test('SHA256SUMS seals every file: a change to any of them is refused, bundle.json included', async (t) => {
  const manifest = JSON.parse(original.manifest) as { interval: unknown };
  const changes: [string, string][] = [
    [files.manifest, original.manifest.replace('"level": 0.9', '"level": 0.5')],
    [files.manifest, `${original.manifest} `],
    [files.model, `${original.model} `],
    [files.golden, original.golden.replace('"rows"', '"rows" ')],
  ];
  t.not(manifest.interval, undefined, 'the manifest has an interval to alter');
  for (const [file, text] of changes) {
    t.not(
      text,
      original[file === files.manifest ? 'manifest' : file === files.model ? 'model' : 'golden'],
      `${file} altered`,
    );
    await writeFile(join(bundleDir, file), text);
    const error = await refusal(loadBundle(bundleDir));
    t.equal(error.code, 'BUNDLE_HASH_MISMATCH', `${file}: ${error.message}`);
    t.match(
      error.message,
      new RegExp(`${file.replace('.', '\\.')} has sha256 [0-9a-f]{64} but .*SHA256SUMS expects [0-9a-f]{64}`),
    );
    await writeFile(
      join(bundleDir, file),
      original[file === files.manifest ? 'manifest' : file === files.model ? 'model' : 'golden'],
    );
  }
  await writeFile(
    join(bundleDir, files.sums),
    original.sums
      .split('\n')
      .filter((l) => !l.endsWith('  bundle.json'))
      .join('\n'),
  );
  t.match((await refusal(loadBundle(bundleDir))).message, /SHA256SUMS does not list bundle\.json/);
  await writeFile(join(bundleDir, files.sums), '');
  t.equal((await refusal(loadBundle(bundleDir))).code, 'BUNDLE_HASH_MISMATCH', 'empty SHA256SUMS');
});

/** The BundleError `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<BundleError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BundleError) return error;
    throw error;
  }
  throw new Error('expected a BundleError');
}

t.test('a changed model file is refused, naming the file and both hashes', async (t) => {
  const changed = original.model.replace(/"num_feature":"(\d+)"/, '"num_feature":"$1" ');
  await writeSealed(files.model, changed);
  const error = await refusal(loadBundle(bundleDir));
  t.equal(error.code, 'BUNDLE_HASH_MISMATCH');
  const expected = (JSON.parse(original.manifest) as { model: { sha256: string } }).model.sha256;
  const actual = await sha256File(join(bundleDir, 'model.json'));
  t.not(actual, expected);
  t.equal(
    error.message,
    `${join(bundleDir, 'model.json')} has sha256 ${actual} but ${join(bundleDir, 'bundle.json')} expects ${expected}: the model file was changed or replaced; refusing to load it`,
  );
  const store = await refusal(loadModelStore(dir));
  t.equal(store.code, 'BUNDLE_HASH_MISMATCH', 'the whole store refuses to load');
});

t.test('a golden prediction that does not reproduce is refused', async (t) => {
  const golden = JSON.parse(original.golden) as { rows: { margin: number }[] };
  golden.rows[3]!.margin += 1e-6;
  await writeSealed(files.golden, JSON.stringify(golden));
  const error = await refusal(loadBundle(bundleDir));
  t.equal(error.code, 'BUNDLE_GOLDEN_MISMATCH');
  t.match(error.message, /golden\.json row 3 \(building \d+\): the runtime predicts margin/);
});

t.test('an encoded vector that does not reproduce is refused, naming the feature', async (t) => {
  const golden = JSON.parse(original.golden) as { rows: { encoded: (number | null)[] }[] };
  golden.rows[0]!.encoded[3] = 1234;
  await writeSealed(files.golden, JSON.stringify(golden));
  const error = await refusal(loadBundle(bundleDir));
  t.equal(error.code, 'BUNDLE_GOLDEN_MISMATCH');
  t.match(
    error.message,
    /row 0 \(building \d+\): feature 3 \(yearBuilt\) encodes to \d+, the training library gave 1234/,
  );
});

t.test('a feature list out of training order is refused', async (t) => {
  const manifest = JSON.parse(original.manifest) as { features: unknown[] };
  [manifest.features[0], manifest.features[1]] = [manifest.features[1], manifest.features[0]];
  await writeSealed(files.manifest, JSON.stringify(manifest));
  const error = await refusal(loadBundle(bundleDir));
  t.equal(error.code, 'BUNDLE_FEATURES_MISMATCH');
  t.match(error.message, /names feature 0 "logPropertyGfaTotal", bundle\.json "logPropertyGfaParking"/);
});

t.test('a malformed manifest is refused with every problem', async (t) => {
  const manifest = JSON.parse(original.manifest) as Record<string, unknown>;
  manifest['formatVersion'] = 2;
  manifest['target'] = { column: 'x', unit: 'y', transform: 'sqrt' };
  await writeSealed(files.manifest, JSON.stringify(manifest));
  const error = await refusal(loadBundle(bundleDir));
  t.equal(error.code, 'BUNDLE_MANIFEST_INVALID');
  t.match(error.message, /formatVersion/);
  t.match(error.message, /target\.transform/);
  await writeSealed(files.manifest, '{ not json');
  t.equal((await refusal(loadBundle(bundleDir))).code, 'BUNDLE_MANIFEST_INVALID');
});

t.test('an expression reading an undeclared input is refused at load', async (t) => {
  const manifest = JSON.parse(original.manifest) as { features: { name: string; encoding: Record<string, unknown> }[] };
  const feature = manifest.features.find((f) => f.encoding['kind'] === 'expression');
  if (feature === undefined) throw new Error('the bundle has no expression feature');
  feature.encoding['expression'] = 'propertyGfaTotal - secret';
  await writeSealed(files.manifest, JSON.stringify(manifest));
  const error = await refusal(loadBundle(bundleDir));
  t.equal(error.code, 'BUNDLE_ENCODING_INVALID');
  t.match(error.message, /reads secret, which is not among its inputs/);
});

t.test('a bundle in the wrong directory or without its files is refused', async (t) => {
  await rename(bundleDir, join(dir, 'site-energy', '9.9.9'));
  try {
    t.equal((await refusal(loadBundle(join(dir, 'site-energy', '9.9.9')))).code, 'BUNDLE_LOCATION_MISMATCH');
  } finally {
    await rename(join(dir, 'site-energy', '9.9.9'), bundleDir);
  }
  t.equal((await refusal(loadBundle(join(dir, 'nothing', '1.0.0')))).code, 'BUNDLE_NOT_FOUND');
  t.equal((await refusal(loadModelStore(join(dir, 'missing')))).code, 'BUNDLE_NOT_FOUND');
  const manifest = JSON.parse(original.manifest) as Record<string, unknown>;
  delete manifest['golden'];
  await writeSealed(files.manifest, JSON.stringify(manifest));
  t.equal((await refusal(loadBundle(bundleDir))).code, 'BUNDLE_GOLDEN_MISSING');
});
