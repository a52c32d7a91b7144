#!/usr/bin/env node
/**
 * `seattle-models`: list, show, verify and import model bundles, like `bentoml models`.
 * The models directory defaults to `models/` at the repository root (or `$MODELS_DIR`); `--models-dir` overrides it.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runModelsCli } from './models-cli.js';

const repoModels = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models');
const result = await runModelsCli(process.argv.slice(2), process.env['MODELS_DIR'] || repoModels);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
