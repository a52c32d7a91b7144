import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { loadModel, type TreeModel } from '@seattle-energy/runtime';
import { validateBuilding } from '../validate-building.js';
import { verifyChecksums } from './checksums.js';
import { BundleError } from './errors.js';
import { createLoadedBundle, type LoadedBundle } from './loaded-bundle.js';
import { parseManifest, type ModelBundle } from './manifest.js';

/** What verifying a bundle checked, for the CLI and logs. */
export interface BundleVerification {
  bundle: LoadedBundle;
  sha256: string;
  goldenRows: number;
}

interface GoldenRow {
  id?: number;
  building: unknown;
  encoded: (number | null)[];
  margin: number;
  prediction: number;
}

/** The sha256 of a file, lowercase hex. */
export async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

async function readBytes(file: string, missing: 'BUNDLE_NOT_FOUND' | 'BUNDLE_GOLDEN_MISSING'): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw new BundleError(missing, `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
}

function parseJson(
  bytes: Buffer,
  file: string,
  invalid: 'BUNDLE_MANIFEST_INVALID' | 'BUNDLE_GOLDEN_MISMATCH',
): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (cause) {
    throw new BundleError(invalid, `${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

function checkFeatures(manifest: ModelBundle, model: TreeModel, file: string): void {
  const names = manifest.features.map((f) => f.name);
  if (model.numFeatures !== names.length) {
    throw new BundleError(
      'BUNDLE_FEATURES_MISMATCH',
      `${file} has ${model.numFeatures} features, bundle.json lists ${names.length}`,
    );
  }
  const differs = model.featureNames.findIndex((name, j) => name !== names[j]);
  if (model.featureNames.length > 0 && differs >= 0) {
    throw new BundleError(
      'BUNDLE_FEATURES_MISMATCH',
      `${file} names feature ${differs} "${model.featureNames[differs]}", bundle.json "${names[differs]}": the features are not in training order`,
    );
  }
}

// Every golden row must validate, encode to the same float32 vector and predict the same doubles, bit for bit.
function checkGolden(bundle: LoadedBundle, golden: unknown, file: string): number {
  const rows = (golden as { rows?: unknown }).rows;
  if (!Array.isArray(rows) || rows.length === 0) throw new BundleError('BUNDLE_GOLDEN_MISMATCH', `${file} has no rows`);
  const width = bundle.manifest.features.length;
  (rows as GoldenRow[]).forEach((row, i) => {
    const where = `${file} row ${i}${row.id === undefined ? '' : ` (building ${row.id})`}`;
    const checked = validateBuilding(row.building);
    if (!checked.ok) {
      throw new BundleError(
        'BUNDLE_GOLDEN_MISMATCH',
        `${where} is refused by validateBuilding: ${checked.errors.map((e) => e.message).join('; ')}`,
      );
    }
    const vector = bundle.encode(checked.building);
    if (!Array.isArray(row.encoded) || row.encoded.length !== width) {
      throw new BundleError(
        'BUNDLE_GOLDEN_MISMATCH',
        `${where} has ${String(row.encoded?.length)} encoded values for ${width} features`,
      );
    }
    for (let j = 0; j < width; j++) {
      const expected = Math.fround(row.encoded[j] ?? NaN);
      const actual = Math.fround(vector[j]!);
      if (!Object.is(expected, actual)) {
        const name = bundle.manifest.features[j]?.name;
        throw new BundleError(
          'BUNDLE_GOLDEN_MISMATCH',
          `${where}: feature ${j} (${name}) encodes to ${actual}, the training library gave ${expected} (float32)`,
        );
      }
    }
    const margin = bundle.model.predict(vector, 'margin');
    const prediction = bundle.model.predict(vector, 'prediction');
    if (!Object.is(margin, row.margin) || !Object.is(prediction, row.prediction)) {
      throw new BundleError(
        'BUNDLE_GOLDEN_MISMATCH',
        `${where}: the runtime predicts margin ${String(margin)} / prediction ${String(prediction)}, the training library ${row.margin} / ${row.prediction}`,
      );
    }
  });
  return rows.length;
}

/**
 * Loads one bundle directory (`models/<name>/<version>/`) and verifies it: manifest shape, the `SHA256SUMS` of every
 * file (bundle.json included), location, the model file's sha256, the runtime loads it with the listed features, and the golden rows reproduce bit for bit.
 * Throws `BundleError` naming the file and what differs.
 *
 * @example
 * const { bundle } = await verifyBundle('models/site-energy/1.0.0');
 * bundle.predict(exampleBuilding).value; // kBtu per year
 */
export async function verifyBundle(directory: string): Promise<BundleVerification> {
  const manifestFile = join(directory, 'bundle.json');
  const manifestBytes = await readBytes(manifestFile, 'BUNDLE_NOT_FOUND');
  const manifest = parseManifest(parseJson(manifestBytes, manifestFile, 'BUNDLE_MANIFEST_INVALID'), manifestFile);
  // SHA256SUMS seals every file, bundle.json included, before anything in them is trusted. Each file is read and
  // hashed once: what follows uses the bytes that were checked.
  const sealed = await verifyChecksums(
    directory,
    ['bundle.json', manifest.model.file, ...(manifest.golden === undefined ? [] : [manifest.golden.file])],
    new Map([['bundle.json', manifestBytes]]),
  );
  if (manifest.name !== basename(dirname(directory)) || manifest.version !== basename(directory)) {
    throw new BundleError(
      'BUNDLE_LOCATION_MISMATCH',
      `${manifestFile} describes ${manifest.name}:${manifest.version} but lies in ${directory}; bundles live in <models>/<name>/<version>/`,
    );
  }
  const modelFile = join(directory, manifest.model.file);
  // Listed (required above) and matching SHA256SUMS; bundle.json names its own expected hash as well.
  const { bytes, sha256 } = sealed.get(manifest.model.file)!;
  if (sha256 !== manifest.model.sha256) {
    throw new BundleError(
      'BUNDLE_HASH_MISMATCH',
      `${modelFile} has sha256 ${sha256} but ${manifestFile} expects ${manifest.model.sha256}: the model file was changed or replaced; refusing to load it`,
    );
  }
  let model: TreeModel;
  try {
    model = loadModel(bytes.toString('utf8'));
  } catch (cause) {
    throw new BundleError('BUNDLE_MODEL_INVALID', `the runtime cannot load ${modelFile}: ${(cause as Error).message}`, {
      cause,
    });
  }
  checkFeatures(manifest, model, modelFile);
  const bundle = createLoadedBundle(manifest, model, directory);
  if (manifest.golden === undefined) {
    throw new BundleError(
      'BUNDLE_GOLDEN_MISSING',
      `${manifestFile} names no golden file: its predictions cannot be verified`,
    );
  }
  const goldenFile = join(directory, manifest.golden.file);
  const goldenBytes = sealed.get(manifest.golden.file)?.bytes ?? (await readBytes(goldenFile, 'BUNDLE_GOLDEN_MISSING'));
  const goldenRows = checkGolden(bundle, parseJson(goldenBytes, goldenFile, 'BUNDLE_GOLDEN_MISMATCH'), goldenFile);
  return { bundle, sha256, goldenRows };
}

/**
 * Loads and verifies one bundle directory; see `verifyBundle`.
 *
 * @example
 * const bundle = await loadBundle('models/ghg-emissions/1.0.0');
 */
export async function loadBundle(directory: string): Promise<LoadedBundle> {
  return (await verifyBundle(directory)).bundle;
}
