import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// The core must run in a browser: only the CLI may use Node APIs.
const src = join(dirname(fileURLToPath(import.meta.url)), '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

t.test('no Node API outside cli.ts', (t) => {
  const offenders: string[] = [];
  for (const file of sources(src)) {
    const name = relative(src, file);
    if (name === 'cli.ts') continue;
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    if (
      /from\s+'node:|from\s+'(fs|path|zlib|os|child_process|url|crypto)'|\bBuffer\b|\bprocess\.|\brequire\(|__dirname/.test(
        code,
      )
    ) {
      offenders.push(name);
    }
  }
  t.same(offenders, [], 'files of the core using a Node API');
  t.ok(sources(src).length > 5, 'scanned the sources');
  t.end();
});
