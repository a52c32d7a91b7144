import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { detectFormat } from '@seattle-energy/runtime';
import { describeBuildingFields } from './building-fields.js';
import { writeChecksums } from './bundle/checksums.js';
import { featureInputs } from './bundle/encoder.js';
import { BundleError } from './bundle/errors.js';
import { verifyBundle } from './bundle/load-bundle.js';
import { parseManifest, type ModelBundle } from './bundle/manifest.js';
import { compareVersions, findBundles } from './bundle/model-store.js';

/** What a command prints; `exitCode` 0 on success. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const usage = `usage: seattle-models <command> [--models-dir DIR]     (seattle-models --help: this text)
  list                              every bundle: name, version, target, features, created
  show <name>[:<version>]           one bundle's manifest, summarised (latest version by default)
  verify [<name>[:<version>]]       sha256, runtime load and golden predictions (all bundles without a name)
  import --name N --version V --model FILE --features SPEC.json [--golden FILE]
                                    write models/<N>/<V>/ with the model, its sha256 and bundle.json`;

/** Splits `name:version`. */
function reference(text: string): { name: string; version: string | undefined } {
  const [name = '', version] = text.split(':');
  return { name, version: version === '' ? undefined : version };
}

async function readManifest(directory: string): Promise<ModelBundle> {
  const file = join(directory, 'bundle.json');
  return parseManifest(JSON.parse(await readFile(file, 'utf8')) as unknown, file);
}

async function locate(modelsDir: string, text: string): Promise<string> {
  const { name, version } = reference(text);
  const versions = (await findBundles(modelsDir))
    .filter((b) => b.name === name)
    .sort((a, b) => compareVersions(a.version, b.version));
  const found = version === undefined ? versions.at(-1) : versions.find((b) => b.version === version);
  if (found === undefined) {
    const known = versions.map((b) => b.version).join(', ');
    throw new BundleError(
      'MODEL_NOT_FOUND',
      `no bundle ${text} under ${modelsDir}${known === '' ? '' : ` (versions of ${name}: ${known})`}`,
    );
  }
  return found.directory;
}

async function list(modelsDir: string): Promise<string> {
  const rows = [['NAME', 'VERSION', 'TARGET', 'FEATURES', 'CREATED']];
  for (const { directory } of await findBundles(modelsDir)) {
    const m = await readManifest(directory);
    rows.push([
      m.name,
      m.version,
      `${m.target.column} (${m.target.unit})`,
      String(m.features.length),
      m.createdAt ?? '',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function show(modelsDir: string, text: string): Promise<string> {
  const directory = await locate(modelsDir, text);
  const m = await readManifest(directory);
  const kinds = new Map<string, number>();
  for (const f of m.features) kinds.set(f.encoding.kind, (kinds.get(f.encoding.kind) ?? 0) + 1);
  const lines = [
    `${m.name}:${m.version}  (${directory})`,
    m.description ?? '',
    `created    ${m.createdAt ?? 'unknown'}`,
    `framework  ${m.framework.name} ${m.framework.version}`,
    `model      ${m.model.file} (${m.model.format}), sha256 ${m.model.sha256}`,
    `target     ${m.target.column} in ${m.target.unit}, predicted as ${m.target.transform}`,
    `inputs     ${m.inputs.join(', ')}`,
    `features   ${m.features.length}: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`,
    `interval   ${m.interval.level * 100}% from ${m.interval.strata.length} strata, half-widths (log) ${m.interval.strata.map((s) => s.halfWidth.toFixed(3)).join(', ')}`,
    `golden     ${m.golden?.file ?? 'none'}`,
    `metrics    ${JSON.stringify(m.metrics ?? {})}`,
  ];
  return lines.filter((l) => l !== '').join('\n');
}

async function verify(modelsDir: string, text: string | undefined): Promise<string> {
  const directories =
    text === undefined ? (await findBundles(modelsDir)).map((b) => b.directory) : [await locate(modelsDir, text)];
  if (directories.length === 0) throw new BundleError('BUNDLE_NOT_FOUND', `no bundle under ${modelsDir}`);
  const lines: string[] = [];
  for (const directory of directories) {
    const { bundle, sha256, goldenRows } = await verifyBundle(directory);
    const m = bundle.manifest;
    lines.push(
      `${m.name}:${m.version} verified: sha256 ${sha256} matches; ${bundle.model.numTrees} trees over ${bundle.model.numFeatures} features load; ` +
        `${goldenRows} golden rows encode and predict bit for bit`,
    );
  }
  return lines.join('\n');
}

interface ImportOptions {
  name: string;
  version: string;
  model: string;
  features: string;
  golden: string | undefined;
}

async function importBundle(modelsDir: string, o: ImportOptions): Promise<string> {
  const directory = join(modelsDir, o.name, o.version);
  if (
    await stat(directory).then(
      () => true,
      () => false,
    )
  ) {
    throw new BundleError(
      'BUNDLE_EXISTS',
      `${directory} already exists: a published version is never overwritten; pick a new --version`,
    );
  }
  const spec = JSON.parse(await readFile(o.features, 'utf8')) as Record<string, unknown>;
  const modelText = await readFile(o.model, 'utf8');
  const parsed = JSON.parse(modelText) as { version?: unknown };
  const format = detectFormat(parsed);
  const xgboostVersion = Array.isArray(parsed.version) ? parsed.version.join('.') : undefined;
  const framework =
    spec['framework'] ?? (xgboostVersion === undefined ? undefined : { name: 'xgboost', version: xgboostVersion });
  const order = describeBuildingFields(new Date().getUTCFullYear()).map((f) => f.name);
  const features = (spec['features'] ?? []) as ModelBundle['features'];
  const inputs = [...new Set(features.flatMap((f) => featureInputs(f.encoding)))].sort(
    (a, b) => order.indexOf(a) - order.indexOf(b),
  );
  const { createHash } = await import('node:crypto');
  const manifest = {
    formatVersion: 1,
    name: o.name,
    version: o.version,
    createdAt: new Date().toISOString(),
    ...spec,
    framework,
    model: { file: 'model.json', format, sha256: createHash('sha256').update(modelText).digest('hex') },
    inputs: spec['inputs'] ?? inputs,
    ...(o.golden === undefined ? {} : { golden: { file: 'golden.json' } }),
  };
  parseManifest(manifest, `${o.features} (with the computed fields)`);
  await mkdir(directory, { recursive: true });
  try {
    await copyFile(o.model, join(directory, 'model.json'));
    if (o.golden !== undefined) await copyFile(o.golden, join(directory, 'golden.json'));
    await writeFile(join(directory, 'bundle.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeChecksums(directory, ['bundle.json', 'model.json', ...(o.golden === undefined ? [] : ['golden.json'])]);
    if (o.golden === undefined) {
      return `imported ${o.name}:${o.version} into ${directory} without a golden file: loading will refuse it until golden.json (from the training library) is added`;
    }
    return `imported ${o.name}:${o.version} into ${directory}\n${await verify(modelsDir, `${o.name}:${o.version}`)}`;
  } catch (error) {
    // A bundle that does not verify must not stay where the store would find it.
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}

/**
 * Runs one `seattle-models` command (like `bentoml models`) and returns what it prints; never exits the process.
 *
 * @example
 * const { exitCode, stdout } = await runModelsCli(['verify', 'site-energy'], '/repo/models');
 */
export async function runModelsCli(argv: readonly string[], defaultModelsDir: string): Promise<CommandResult> {
  if (argv.includes('--help') || argv.includes('-h')) return { exitCode: 0, stdout: `${usage}\n`, stderr: '' };
  const args = [...argv];
  const modelsDir = option(args, 'models-dir') ?? defaultModelsDir;
  const [command, ...rest] = args;
  try {
    let out: string;
    if (command === 'list' && rest.length === 0) out = await list(modelsDir);
    else if (command === 'show' && rest.length === 1) out = await show(modelsDir, rest[0]!);
    else if (command === 'verify' && rest.length <= 1) out = await verify(modelsDir, rest[0]);
    else if (command === 'import') {
      const [name, version, model, features, golden] = ['name', 'version', 'model', 'features', 'golden'].map((n) =>
        option(rest, n),
      );
      if (
        name === undefined ||
        version === undefined ||
        model === undefined ||
        features === undefined ||
        rest.length > 0
      ) {
        return { exitCode: 2, stdout: '', stderr: `${usage}\n` };
      }
      out = await importBundle(modelsDir, { name, version, model, features, golden });
    } else return { exitCode: 2, stdout: '', stderr: `${usage}\n` };
    return { exitCode: 0, stdout: `${out}\n`, stderr: '' };
  } catch (error) {
    const code = error instanceof BundleError ? error.code : 'ERROR';
    return { exitCode: 1, stdout: '', stderr: `${code}: ${(error as Error).message}\n` };
  }
}
