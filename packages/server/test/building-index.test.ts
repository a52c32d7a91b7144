// The committed building index is exactly what the build script makes from the 2016 file, and its buildings are the
// ones training makes from the same rows (training/data.py `to_building`, run by Python itself).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import t from 'tap';

import { BuildingRecords, buildingIndexFile } from '../src/buildings/building-records.js';

type IndexFile = ConstructorParameters<typeof BuildingRecords>[0];

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '..', '..');
const csvFile = join(repoRoot, 'fixtures', 'seattle', '2016_Building_Energy_Benchmarking.csv');

t.test('the committed index is what the build script makes from the 2016 file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'building-index-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'index.json');
  execFileSync(process.execPath, [join(packageDir, 'scripts', 'build-building-index.mjs'), '--out', out]);
  const [made, committed] = await Promise.all([readFile(out, 'utf8'), readFile(buildingIndexFile, 'utf8')]);
  t.ok(made === committed, 'byte for byte');
  const index = JSON.parse(committed) as { records: unknown[]; dataYear: number };
  t.equal(index.records.length, 1668, 'the 1,668 non-residential records');
  t.equal(index.dataYear, 2016);
  t.comment(`index: ${Buffer.byteLength(committed)} bytes`);
});

t.test('every record is the building training makes from the same row', async (t) => {
  const python = `
import json, sys
sys.path.insert(0, sys.argv[1])
import pandas as pd
from data import to_building
frame = pd.read_csv(sys.argv[2])
frame = frame[~frame['BuildingType'].str.startswith('Multifamily')]
out = {}
for _, row in frame.iterrows():
    out[int(row['OSEBuildingID'])] = {k: v for k, v in to_building(row).items() if v is not None}
print(json.dumps(out))
`;
  const fromTraining = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', python, join(repoRoot, 'training'), csvFile], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  ) as Record<string, Record<string, unknown>>;
  const records = new BuildingRecords(JSON.parse(await readFile(buildingIndexFile, 'utf8')) as IndexFile);
  t.equal(records.size, Object.keys(fromTraining).length, 'one record per non-residential row');
  const different: string[] = [];
  for (const [id, building] of Object.entries(fromTraining)) {
    const record = records.get(Number(id));
    if (
      JSON.stringify(record?.building, Object.keys(building).sort()) !==
      JSON.stringify(building, Object.keys(building).sort())
    )
      different.push(id);
    else if (Object.keys(record?.building ?? {}).length !== Object.keys(building).length) different.push(id);
  }
  t.same(different, [], 'the same fields and values for every record');
});

t.test('what the city reported, and the comparison with records of the same type', async (t) => {
  const records = new BuildingRecords(JSON.parse(await readFile(buildingIndexFile, 'utf8')) as IndexFile);
  const mayflower = records.get(1);
  t.same(mayflower?.reported, {
    siteEnergyKbtu: 7226362.5,
    siteEuiKbtuPerSqFt: 81.7,
    ghgEmissionsTonnes: 249.98,
    complianceStatus: 'Compliant',
    outlier: null,
  });
  const comparison = records.compare(mayflower!);
  t.equal(comparison.propertyType, 'Hotel');
  // 76 hotels in the file; training keeps 75 of them (compliant, no outlier flag, energy above zero): 74 others.
  t.equal(comparison.buildings, 74);
  t.same(
    comparison.siteEui,
    [...comparison.siteEui].sort((a, b) => a - b),
    'ascending',
  );
  const below = comparison.siteEui.filter((eui) => eui < 81.7).length;
  t.equal(below, 40);
  t.equal(comparison.percentile, (100 * 40) / 74, '40 of the 74 other hotels reported a lower EUI');
});
