// The acceptance table of the README, computed from the city's 2016 file: every compliant non-residential row sent
// as its owner would send it. The README's block must equal what this computes; WRITE_ACCEPTANCE_TABLE=1 rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import t from 'tap';
import { validateBuilding } from '../src/index.js';
import { isCompliant, nonResidentialRows, repoRoot, rowToBuilding } from './helpers/seattle-rows.js';

const readmePath = join(repoRoot, 'packages', 'schema', 'README.md');
const start = '<!-- acceptance-table:start (computed by test/seattle-2016.test.ts; do not edit by hand) -->';
const end = '<!-- acceptance-table:end -->';

const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
const thousands = (n: number) => n.toLocaleString('en-US');
const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

function acceptanceTable(compliant: Record<string, string>[], flagged: Record<string, string>[]): string {
  const refusals = new Map<string, number>();
  const warnings = new Map<string, number>();
  let accepted = 0;
  for (const row of compliant) {
    const result = validateBuilding(rowToBuilding(row));
    if (result.ok) {
      accepted++;
      for (const key of new Set(result.warnings.map((w) => `\`${w.code}\` | \`${w.field ?? ''}\``)))
        count(warnings, key);
    } else {
      for (const key of new Set(result.errors.map((e) => `\`${e.path}\` | ${e.message}`))) count(refusals, key);
    }
  }
  const flaggedAccepted = flagged.filter((row) => validateBuilding(rowToBuilding(row)).ok).length;
  return [
    `Of the file's ${thousands(compliant.length)} compliant non-residential rows, ` +
      `**${thousands(accepted)} are accepted** and ${thousands(compliant.length - accepted)} refused.`,
    '',
    "| refused: field | reason (the API's message) | rows |",
    '|---|---|---:|',
    ...sorted(refusals).map(([key, n]) => `| ${key} | ${thousands(n)} |`),
    '',
    '| accepted with the warning | field | rows |',
    '|---|---|---:|',
    ...sorted(warnings).map(([key, n]) => `| ${key} | ${thousands(n)} |`),
    '',
    `Of the ${thousands(flagged.length)} non-residential rows the city did not mark compliant, ` +
      `${thousands(flaggedAccepted)} are accepted: the rules are about coherence, not compliance.`,
  ].join('\n');
}

t.test('the README acceptance table is what the 2016 file gives today', async (t) => {
  const rows = nonResidentialRows();
  t.equal(rows.length, 1668, 'non-residential rows');
  const compliant = rows.filter(isCompliant);
  t.equal(compliant.length, 1548, 'compliant rows without an outlier flag');
  const table = acceptanceTable(
    compliant,
    rows.filter((row) => !isCompliant(row)),
  );
  const readme = readFileSync(readmePath, 'utf8');
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  t.ok(from >= 0 && to > from, 'the README has the acceptance-table block');
  const block = `${start}\n${table}\n${end}`;
  if (process.env['WRITE_ACCEPTANCE_TABLE'] === '1')
    writeFileSync(readmePath, readme.slice(0, from) + block + readme.slice(to + end.length));
  t.equal(readme.slice(from, to + end.length), block, 'README block (rewrite it with WRITE_ACCEPTANCE_TABLE=1)');
});
