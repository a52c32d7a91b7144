// A models folder with one altered bundle (default workers), a missing folder and an unreadable one: the built
// `serve` command refuses each with a clear error log line, /readyz stays 503, and nothing is served.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import t from 'tap';

import { expectRefused, modelFile, modelsCopy } from './fixtures/reliability-refusal.js';

t.test('one altered bundle refuses the whole store with the default workers: no model is served', async (t) => {
  const dir = modelsCopy(t);
  writeFileSync(
    modelFile(dir, 'ghg-emissions'),
    readFileSync(modelFile(dir, 'ghg-emissions'), 'utf8').replace(/\d(?=,)/, (d) => String((Number(d) + 1) % 10)),
  );
  const served = await expectRefused(t, dir, /BUNDLE_HASH_MISMATCH/, { WORKERS: '2' });
  t.ok(
    served.lines.some((l) => l.msg === 'cluster primary started'),
    'ran under node:cluster',
  );
});

t.test('a missing models folder is refused', async (t) => {
  const dir = modelsCopy(t);
  await expectRefused(t, join(dir, 'does-not-exist'), /BUNDLE_NOT_FOUND/);
});

t.test('an unreadable models folder is refused', async (t) => {
  const dir = modelsCopy(t);
  chmodSync(dir, 0o000);
  t.teardown(() => chmodSync(dir, 0o700));
  // Root reads any folder whatever its mode, so as root the server runs as nobody (65534), as it would in production.
  const spawnAs = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
  await expectRefused(t, dir, /EACCES/, {}, spawnAs);
});
