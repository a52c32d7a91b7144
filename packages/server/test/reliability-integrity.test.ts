// Model integrity at start: the built `serve` command on a temporary copy of models/ (never models/ itself) whose
// model file or bundle.json was altered is refused with one clear error log line, /readyz stays 503, and no
// prediction route serves anything. Missing and unreadable folders: reliability-models-folder.test.ts.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { writeChecksums } from '@seattle-energy/schema';
import t from 'tap';

import { expectRefused, manifestFile, modelFile, modelsCopy } from './fixtures/reliability-refusal.js';

t.test('a model file altered by one digit is refused (sha256 mismatch)', async (t) => {
  const dir = modelsCopy(t);
  const text = readFileSync(modelFile(dir), 'utf8');
  const altered = text.replace('"base_score":"1.4948878E1"', '"base_score":"1.4948879E1"');
  t.not(altered, text, 'the copy was altered');
  writeFileSync(modelFile(dir), altered);
  await expectRefused(t, dir, /BUNDLE_HASH_MISMATCH/);
});

/** Re-seals a bundle's SHA256SUMS after a deliberate change, as someone who also rewrites the checksums would. */
const reseal = (manifest: string) => writeChecksums(dirname(manifest), ['bundle.json', 'golden.json', 'model.json']);

t.test('a bundle.json altered anywhere (here its 90% interval level) is refused by SHA256SUMS', async (t) => {
  const dir = modelsCopy(t);
  const text = readFileSync(manifestFile(dir), 'utf8');
  const altered = text.replace('"level": 0.9', '"level": 0.5');
  t.not(altered, text, 'the copy was altered');
  writeFileSync(manifestFile(dir), altered);
  await expectRefused(t, dir, /BUNDLE_HASH_MISMATCH.*bundle\.json has sha256 [0-9a-f]{64} but .*SHA256SUMS expects/);
});

t.test(
  'an altered model with its new sha256 written into bundle.json and SHA256SUMS is refused (golden predictions differ)',
  async (t) => {
    const dir = modelsCopy(t);
    const altered = readFileSync(modelFile(dir), 'utf8').replace(
      '"base_score":"1.4948878E1"',
      '"base_score":"1.4948879E1"',
    );
    writeFileSync(modelFile(dir), altered);
    const manifest = JSON.parse(readFileSync(manifestFile(dir), 'utf8')) as { model: { sha256: string } };
    manifest.model.sha256 = createHash('sha256').update(altered).digest('hex');
    writeFileSync(manifestFile(dir), JSON.stringify(manifest, null, 2));
    await reseal(manifestFile(dir));
    await expectRefused(t, dir, /BUNDLE_GOLDEN_MISMATCH/);
  },
);

t.test('a bundle.json whose sha256 or (re-sealed) feature list was altered is refused', async (t) => {
  const dir = modelsCopy(t);
  const original = readFileSync(manifestFile(dir, 'ghg-emissions'), 'utf8');
  const manifest = JSON.parse(original) as { model: { sha256: string } };
  manifest.model.sha256 = manifest.model.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  writeFileSync(manifestFile(dir, 'ghg-emissions'), JSON.stringify(manifest, null, 2));
  await expectRefused(t, dir, /BUNDLE_HASH_MISMATCH/);

  // The encodings of two features swapped: the model loads, but the golden rows no longer encode the same.
  const swapped = JSON.parse(original) as { features: { name: string; encoding: unknown }[] };
  const [a, b] = [swapped.features[0], swapped.features[3]];
  if (a && b) [a.encoding, b.encoding] = [b.encoding, a.encoding];
  writeFileSync(manifestFile(dir, 'ghg-emissions'), JSON.stringify(swapped, null, 2));
  await reseal(manifestFile(dir, 'ghg-emissions'));
  await expectRefused(t, dir, /BUNDLE_GOLDEN_MISMATCH|BUNDLE_FEATURES_MISMATCH|BUNDLE_MANIFEST_INVALID/);
});
