import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleError } from './errors.js';
import { loadBundle } from './load-bundle.js';
import type { LoadedBundle } from './loaded-bundle.js';

/** The verified bundles of a models directory, by name and version. */
export interface ModelStore {
  /** Every bundle, by name then version (oldest first). */
  list(): LoadedBundle[];
  /** The model names, sorted. */
  names(): string[];
  /** The versions of one model, oldest first. */
  versions(name: string): string[];
  /** A bundle by name and version; the latest version when none is given; undefined when there is none. */
  get(name: string, version?: string): LoadedBundle | undefined;
}

/**
 * Orders versions numerically part by part (`1.10.0` after `1.9.0`), falling back to text for non-numeric parts.
 *
 * @example
 * ['1.10.0', '1.9.0'].sort(compareVersions) // ['1.9.0', '1.10.0']
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return 0;
}

async function subdirectories(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/**
 * Finds every `<modelsDir>/<name>/<version>/bundle.json` without loading it.
 *
 * @example
 * await findBundles('models') // [{ name: 'ghg-emissions', version: '1.0.0', directory: 'models/ghg-emissions/1.0.0' }, ...]
 */
export async function findBundles(modelsDir: string): Promise<{ name: string; version: string; directory: string }[]> {
  try {
    if (!(await stat(modelsDir)).isDirectory()) throw new Error('not a directory');
  } catch (cause) {
    throw new BundleError(
      'BUNDLE_NOT_FOUND',
      `the models directory ${modelsDir} does not exist or is not a directory`,
      { cause },
    );
  }
  const found: { name: string; version: string; directory: string }[] = [];
  for (const name of await subdirectories(modelsDir)) {
    const versions = (await subdirectories(join(modelsDir, name))).sort(compareVersions);
    for (const version of versions) found.push({ name, version, directory: join(modelsDir, name, version) });
  }
  return found;
}

/**
 * Loads and verifies every bundle under `modelsDir` (sha256, runtime load, golden predictions bit for bit).
 * One bundle that does not verify rejects the whole store with its `BundleError`: a service never serves a model
 * it could not check.
 *
 * @example
 * const store = await loadModelStore('models');
 * store.get('site-energy')?.predict(building).value;
 */
export async function loadModelStore(modelsDir: string): Promise<ModelStore> {
  const found = await findBundles(modelsDir);
  if (found.length === 0)
    throw new BundleError('BUNDLE_NOT_FOUND', `no bundle under ${modelsDir} (expected <name>/<version>/bundle.json)`);
  const bundles = new Map<string, LoadedBundle[]>();
  for (const { name, directory } of found) {
    const bundle = await loadBundle(directory);
    bundles.set(name, [...(bundles.get(name) ?? []), bundle]);
  }
  return {
    list: () => [...bundles.values()].flat(),
    names: () => [...bundles.keys()],
    versions: (name) => (bundles.get(name) ?? []).map((b) => b.manifest.version),
    get(name, version) {
      const all = bundles.get(name) ?? [];
      return version === undefined ? all.at(-1) : all.find((b) => b.manifest.version === version);
    },
  };
}
