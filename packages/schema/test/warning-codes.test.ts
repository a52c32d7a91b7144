import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import t from 'tap';
import { warningCodes } from '../src/index.js';
import { repoRoot } from './helpers/seattle-rows.js';

// The compiler holds every emitted code to `warningCodes` (Warning.code is a WarningCode); this holds the README to it.
t.test("the README's warning table lists exactly the codes the API can answer with", async (t) => {
  const readme = readFileSync(join(repoRoot, 'packages', 'schema', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Warnings'), readme.indexOf('## Categories and aliases'));
  const listed = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  t.same([...listed].sort(), Object.keys(warningCodes).sort());
});
