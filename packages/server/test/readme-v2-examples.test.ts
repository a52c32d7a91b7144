// The README's Open Inference Protocol examples, run as written against a real server (HTTP and gRPC, the real
// bundles): each curl command's answer must be the JSON shown beside it (`[...]` stands for any array, `...` ends a
// string prefix), and the Python gRPC example must print what its comments say.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import t, { type Test } from 'tap';

import { loadConfig, packageDir } from '../src/config.js';
import { runServer } from '../src/run-server.js';
import { loadSchemaPackage } from '../src/schema-adapter.js';

const repoRoot = resolve(packageDir, '..', '..');
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const start = readme.indexOf('### Open Inference Protocol');
const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
const blocks = (lang: string) =>
  [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');

const schema = loadSchemaPackage();
const proc = await runServer(
  loadConfig({ HOST: '127.0.0.1', PORT: '0', GRPC_PORT: '0', LOG_LEVEL: 'silent' }),
  schema,
  schema.loadModelStore,
);
await proc.loaded;
const dir = mkdtempSync(join(tmpdir(), 'oip-readme-'));
t.teardown(async () => {
  rmSync(dir, { recursive: true, force: true });
  await proc.stop();
});

/** Runs a program without blocking this process (the server answering it runs here). */
function run(file: string, args: string[], cwd: string): Promise<string> {
  return new Promise((done, fail) =>
    execFile(file, args, { cwd, encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout),
    ),
  );
}

/** Compares an answer with the README's shown JSON, where `[...]` is any array and `...` ends a string prefix. */
function matches(actual: unknown, expected: unknown): boolean {
  if (expected === '\u2026ANY') return Array.isArray(actual);
  if (typeof expected === 'string' && expected.endsWith('...'))
    return typeof actual === 'string' && actual.startsWith(expected.slice(0, -3));
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(actual[i], e))
    );
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return false;
    const keys = Object.keys(expected);
    return (
      JSON.stringify(keys) === JSON.stringify(Object.keys(actual)) &&
      keys.every((k) => matches((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]))
    );
  }
  return actual === expected;
}
const shown = (text: string): unknown => JSON.parse(text.replaceAll('[...]', '"\u2026ANY"'));

t.test('the curl examples answer what the README shows', async (t: Test) => {
  const [sh] = blocks('sh');
  if (sh === undefined) throw new Error('no sh block in the section');
  // Commands (lines joined on a trailing backslash), each with the JSON shown after `# ` beside or below it.
  const commands: { command: string; expected?: string }[] = [];
  let pending = '';
  for (const line of sh.split('\n')) {
    if (pending === '' && line.startsWith('# ')) {
      const last = commands.at(-1);
      if (last) last.expected = line.slice(2);
      continue;
    }
    const [code = '', comment] = line.split(/\s+# /);
    pending += code.endsWith('\\') ? code.slice(0, -1) : code;
    if (code.endsWith('\\')) continue;
    const shownAnswer = comment?.startsWith('{') ? { expected: comment } : {};
    if (pending.trim() !== '') commands.push({ command: pending, ...shownAnswer });
    pending = '';
  }
  const script = commands
    .map(({ command }) => command.replaceAll('localhost:3000', `127.0.0.1:${proc.running.port}`) + '; echo; echo @@')
    .join('\n');
  const outputs = (await run('/bin/bash', ['-c', script], dir)).split('@@\n');
  let checked = 0;
  commands.forEach(({ command, expected }, i) => {
    if (expected === undefined) return;
    const answer = JSON.parse(outputs[i] ?? '') as unknown;
    t.ok(matches(answer, shown(expected)), command.slice(0, 90), { answer, expected });
    checked++;
  });
  t.equal(checked, 7, 'every curl answer shown was checked');
});

t.test('the Python gRPC example prints what it says', async (t: Test) => {
  const [python] = blocks('python');
  if (python === undefined) throw new Error('no python block in the section');
  const protoc = /^# (python3 -m grpc_tools\.protoc .*)$/m.exec(python)?.[1];
  if (protoc === undefined) throw new Error('the example does not say how to generate the stubs');
  const args = protoc
    .split(' ')
    .slice(1)
    .map((a) => a.replace(/=\.$/, `=${dir}`));
  await run('/usr/bin/python3', args, repoRoot);
  const code = python.replace('localhost:8081', `127.0.0.1:${String(proc.grpc?.port)}`);
  const printed = (await run('/usr/bin/python3', ['-c', code], dir)).trim().split('\n');
  const expected = [...python.matchAll(/^print\(.*?# (.*)$|^# (\{.*)$/gm)].map((m) => m[1] ?? m[2] ?? '');
  t.equal(printed.length, expected.length, 'one line per print');
  t.equal(printed[0], expected[0]);
  t.ok(matches(JSON.parse(printed[1] ?? ''), shown(expected[1] ?? '')), 'the explained prediction', { printed });
});
