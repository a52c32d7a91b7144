import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleError } from './errors.js';

/**
 * Every file of a bundle is sealed by `SHA256SUMS` beside it, in `sha256sum` format (`<hex>  <file>` per line), so that
 * `sha256sum -c SHA256SUMS` checks a bundle by hand too. It covers `bundle.json` itself: a changed interval, range
 * or metric is refused like a changed model file.
 */
export const CHECKSUMS_FILE = 'SHA256SUMS';

/** A file listed in `SHA256SUMS` whose content matched: its bytes and their sha256 (lowercase hex). */
export interface SealedFile {
  readonly bytes: Buffer;
  readonly sha256: string;
}

const LINE = /^([0-9a-f]{64}) {2}([^/\\\s][^/\\]*)$/;

/** The `SHA256SUMS` text for `files` (name -> content), sorted by name. */
export function formatChecksums(files: ReadonlyMap<string, Uint8Array>): string {
  return [...files.keys()]
    .sort()
    .map((name) => `${createHash('sha256').update(files.get(name)!).digest('hex')}  ${name}\n`)
    .join('');
}

/**
 * Writes `SHA256SUMS` for the named files of `directory`.
 *
 * @example
 * await writeChecksums('models/site-energy/1.1.0', ['bundle.json', 'golden.json', 'model.json']);
 */
export async function writeChecksums(directory: string, names: readonly string[]): Promise<void> {
  const files = new Map<string, Uint8Array>();
  for (const name of names) files.set(name, await readFile(join(directory, name)));
  await writeFile(join(directory, CHECKSUMS_FILE), formatChecksums(files));
}

/**
 * Checks `directory`'s files against its `SHA256SUMS`: every file in `required` must be listed, and every listed
 * file must have the listed sha256. Throws `BundleError` (`BUNDLE_NOT_FOUND` without the file,
 * `BUNDLE_HASH_MISMATCH` otherwise) naming the file and both hashes. Returns each listed file's bytes and sha256,
 * so that a loader reads and hashes every file once; `alreadyRead` passes bytes the caller has read (they are
 * hashed and checked like the others).
 *
 * @example
 * const sealed = await verifyChecksums('models/site-energy/1.0.0', ['bundle.json', 'model.json', 'golden.json']);
 * sealed.get('model.json')?.sha256;
 */
export async function verifyChecksums(
  directory: string,
  required: readonly string[],
  alreadyRead: ReadonlyMap<string, Buffer> = new Map(),
): Promise<Map<string, SealedFile>> {
  const sumsFile = join(directory, CHECKSUMS_FILE);
  let text: string;
  try {
    text = await readFile(sumsFile, 'utf8');
  } catch (cause) {
    throw new BundleError(
      'BUNDLE_NOT_FOUND',
      `cannot read ${sumsFile}: ${(cause as Error).message}; a bundle without checksums is not loaded`,
      { cause },
    );
  }
  const listed = new Map<string, string>();
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const match = LINE.exec(line);
    if (!match) throw new BundleError('BUNDLE_HASH_MISMATCH', `${sumsFile} line ${i + 1} is not "<sha256>  <file>"`);
    listed.set(match[2]!, match[1]!);
  }
  for (const name of required) {
    if (!listed.has(name)) throw new BundleError('BUNDLE_HASH_MISMATCH', `${sumsFile} does not list ${name}`);
  }
  const sealed = new Map<string, SealedFile>();
  for (const [name, expected] of listed) {
    const file = join(directory, name);
    let bytes: Buffer;
    try {
      bytes = alreadyRead.get(name) ?? (await readFile(file));
    } catch (cause) {
      throw new BundleError(
        'BUNDLE_NOT_FOUND',
        `cannot read ${file}, listed in ${sumsFile}: ${(cause as Error).message}`,
        { cause },
      );
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== expected) {
      throw new BundleError(
        'BUNDLE_HASH_MISMATCH',
        `${file} has sha256 ${actual} but ${sumsFile} expects ${expected}: the file was changed or replaced; refusing to load the bundle`,
      );
    }
    sealed.set(name, { bytes, sha256: actual });
  }
  return sealed;
}
