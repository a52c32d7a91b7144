#!/usr/bin/env node
/**
 * Command line: `node dist/cli.js predict --model FILE --input FILE [--output margin|prediction|contrib]`.
 * Reads a model in any supported format (`.gz` accepted) and rows as `{"feature_names": [...], "rows": [[...]]}`
 * (`null` = missing) or CSV with a header line, and writes a JSON array with one entry per row to stdout.
 * The only file of the package that uses Node APIs.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { TreeModelError } from './errors.js';
import { loadModel, type LoadOptions } from './load.js';
import type { OutputKind, TreeModel } from './model.js';

const USAGE = `usage: cli.js predict --model FILE --input FILE [--output margin|prediction|contrib]
       cli.js --help
  input: JSON {"feature_names": [...], "rows": [[...]]} (null = missing) or CSV with a header line
  get_dump models: [--objective NAME] [--base-score X[,Y...]] [--num-class K] [--num-parallel-tree N]
  files ending in .gz (or gzip content) are decompressed; on a terminal, progress is shown on stderr`;

const FLAGS = new Set(['model', 'input', 'output', 'objective', 'base-score', 'num-class', 'num-parallel-tree']);
/** Rows between two progress updates on a terminal. */
const PROGRESS_EVERY = 10_000;

interface Rows {
  readonly names: readonly string[] | undefined;
  readonly rows: (number | null)[][];
}

class UsageError extends Error {}

function readBytes(path: string): Uint8Array {
  const bytes = readFileSync(path);
  const gzipped = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return gzipped ? gunzipSync(bytes) : bytes;
}

function readText(path: string): string {
  return Buffer.from(readBytes(path)).toString('utf8');
}

function parseArgs(argv: readonly string[]): Map<string, string> {
  const [command, ...rest] = argv;
  if (command !== 'predict')
    throw new UsageError(command === undefined ? 'missing command' : `unknown command ${command}`);
  const args = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i]!;
    const value = rest[i + 1];
    if (!key.startsWith('--') || !FLAGS.has(key.slice(2))) throw new UsageError(`unknown argument ${key}`);
    if (value === undefined) throw new UsageError(`${key} needs a value`);
    args.set(key.slice(2), value);
  }
  return args;
}

function parseInput(text: string): Rows {
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    const data = JSON.parse(text) as unknown;
    const rows = Array.isArray(data) ? data : (data as { rows?: unknown }).rows;
    if (!Array.isArray(rows)) throw new UsageError('input JSON has no "rows" array');
    const names = Array.isArray(data) ? undefined : (data as { feature_names?: unknown }).feature_names;
    return { names: Array.isArray(names) ? names.map(String) : undefined, rows: rows as (number | null)[][] };
  }
  return parseCsv(text);
}

function parseCsv(text: string): Rows {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const split = (line: string): string[] => line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
  const names = split(lines[0] ?? '');
  const rows = lines.slice(1).map((line, r) =>
    split(line).map((cell, j) => {
      if (cell === '' || /^(na|nan|null)$/i.test(cell)) return null;
      const value = Number(cell);
      if (Number.isNaN(value))
        throw new UsageError(`CSV row ${r + 1}, column ${names[j] ?? j}: ${JSON.stringify(cell)} is not a number`);
      return value;
    }),
  );
  return { names, rows };
}

/** Puts the input columns in the model's feature order when the names allow it, else keeps their positions. */
function alignRows(model: TreeModel, input: Rows): (number | null)[][] {
  const names = input.names;
  if (names === undefined || names.every((name, j) => name === model.featureNames[j])) return input.rows;
  const position = new Map(names.map((name, j) => [name, j]));
  if (!model.featureNames.every((name) => position.has(name))) {
    if (names.length === model.numFeatures) return input.rows;
    throw new UsageError(
      `input columns [${names.join(', ')}] do not match the model's features [${model.featureNames.join(', ')}]`,
    );
  }
  const order = model.featureNames.map((name) => position.get(name)!);
  return input.rows.map((row) => order.map((j) => row[j] ?? null));
}

function loadOptions(args: Map<string, string>, input: Rows): LoadOptions {
  const baseScore = args.get('base-score')?.split(',').map(Number);
  const objective = args.get('objective');
  const numClass = args.get('num-class');
  const parallel = args.get('num-parallel-tree');
  return {
    ...(input.names !== undefined ? { featureNames: input.names } : {}),
    ...(baseScore !== undefined ? { baseScore: baseScore.length === 1 ? baseScore[0]! : baseScore } : {}),
    ...(objective !== undefined ? { objective } : {}),
    ...(numClass !== undefined ? { numClass: Number(numClass) } : {}),
    ...(parallel !== undefined ? { numParallelTree: Number(parallel) } : {}),
  };
}

/** Predicts every row; on a terminal, says on stderr how far it got (pipes and files get the JSON only). */
function predictRows(model: TreeModel, rows: readonly (number | null)[][], output: OutputKind): unknown[] {
  const progress = process.stderr.isTTY && rows.length > PROGRESS_EVERY;
  const results: unknown[] = [];
  for (let r = 0; r < rows.length; r++) {
    results.push(model.predict(rows[r]!, output));
    if (progress && (r + 1) % PROGRESS_EVERY === 0) process.stderr.write(`\rpredicted ${r + 1} of ${rows.length} rows`);
  }
  if (progress) process.stderr.write(`\rpredicted ${rows.length} of ${rows.length} rows\n`);
  return results;
}

function main(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let args: Map<string, string>;
  try {
    args = parseArgs(argv);
    const modelPath = args.get('model');
    const inputPath = args.get('input');
    const output = (args.get('output') ?? 'prediction') as OutputKind;
    if (modelPath === undefined || inputPath === undefined) throw new UsageError('--model and --input are required');
    if (!['margin', 'prediction', 'contrib'].includes(output)) throw new UsageError(`bad --output ${output}`);
    const input = parseInput(readText(inputPath));
    // The bytes, not text: loadModel tells binary formats (XGBoost UBJSON) from text itself.
    const model = loadModel(readBytes(modelPath), loadOptions(args, input));
    const rows = alignRows(model, input);
    const results = predictRows(model, rows, output);
    process.stdout.write(`${JSON.stringify(results)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof TreeModelError) {
      process.stderr.write(`error: ${error.code}: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
