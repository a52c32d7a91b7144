import t from 'tap';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// Retrains both models from the committed CSV (one thread, fixed seeds) into a temp dir and compares every file
// with models/ and the README's metrics block: a bundle nobody can reproduce must not be committed.
t.test('training/train.py --check reproduces the committed bundles byte for byte', async (t) => {
  const result = spawnSync('/usr/bin/python3', [join(root, 'training', 'train.py'), '--check'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONHASHSEED: '0' },
  });
  t.equal(result.error, undefined, 'python3 runs');
  t.equal(result.stderr.trim(), '', 'no differences reported');
  t.equal(result.status, 0, 'exit status 0');
  t.match(result.stdout, /bundles reproduce byte for byte/);
});
