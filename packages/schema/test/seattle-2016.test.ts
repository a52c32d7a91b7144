import t from 'tap';
import { validateBuilding } from '../src/index.js';
import { isCompliant, nonResidentialRows, rowToBuilding } from './helpers/seattle-rows.js';

// Why a compliant 2016 row can still be refused: each is a rule of the API that the city's data breaks.
// The README lists the same counts; this test fails if a rule starts refusing anything else.
const reasons: [string, (path: string, message: string) => boolean][] = [
  ['numberOfBuildings is 0', (p, m) => p === 'numberOfBuildings' && m.endsWith('(was 0)')],
  ['numberOfFloors is 0', (p, m) => p === 'numberOfFloors' && m.endsWith('(was 0)')],
  [
    'a second or third use type declared with 0 sq ft',
    (p, m) => /^(second|third)LargestPropertyUseTypeGfa$/.test(p) && m.endsWith('(was 0)'),
  ],
  [
    'primaryPropertyType "Low-Rise Multifamily" (out of scope)',
    (p, m) => p === 'primaryPropertyType' && m.includes('out of scope'),
  ],
];

t.test(
  'every coherent compliant non-residential 2016 row passes; the others fail for known reasons only',
  async (t) => {
    const rows = nonResidentialRows();
    t.equal(rows.length, 1668, 'non-residential rows');
    const compliant = rows.filter(isCompliant);
    t.equal(compliant.length, 1548, 'compliant rows without an outlier flag');
    const counts = new Map<string, number>(reasons.map(([name]) => [name, 0]));
    let refused = 0;
    for (const row of compliant) {
      const result = validateBuilding(rowToBuilding(row));
      if (result.ok) continue;
      refused++;
      const hit = new Set<string>();
      for (const error of result.errors) {
        const reason = reasons.find(([, test]) => test(error.path, error.message));
        if (reason === undefined) t.fail(`row ${row['OSEBuildingID']}: unexpected ${error.path}: ${error.message}`);
        else hit.add(reason[0]);
      }
      for (const name of hit) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    t.equal(refused, 164, 'rows refused');
    t.same(Object.fromEntries(counts), {
      'numberOfBuildings is 0': 52,
      'numberOfFloors is 0': 16,
      'a second or third use type declared with 0 sq ft': 98,
      'primaryPropertyType "Low-Rise Multifamily" (out of scope)': 2,
    });
  },
);

t.test(
  'the rows the city flagged are mostly accepted too: the rules are about coherence, not compliance',
  async (t) => {
    const flagged = nonResidentialRows().filter((row) => !isCompliant(row));
    const accepted = flagged.filter((row) => validateBuilding(rowToBuilding(row)).ok).length;
    t.equal(flagged.length, 120);
    t.equal(accepted, 112);
  },
);
