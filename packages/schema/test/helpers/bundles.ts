import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './seattle-rows.js';

/** The committed models directory. */
export const modelsDir = join(repoRoot, 'models');

/** Bundle names the training script publishes. */
export const bundleNames = ['site-energy', 'ghg-emissions'] as const;

/** A scratch copy of the committed models directory, removed by `done`. */
export async function copyModels(): Promise<{ dir: string; done: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'seattle-models-'));
  await cp(modelsDir, dir, { recursive: true });
  return { dir, done: () => rm(dir, { recursive: true, force: true }) };
}
