#!/usr/bin/env node
// Turns the city's 2016 benchmarking file into the compact index the server searches (`data/buildings-2016.json`).
// Run before the TypeScript build by scripts/setup.mjs; the output is committed, because the container build context
// has no fixtures/ (test/building-index.test.ts checks that the committed file is exactly what this script makes).
//
// Each non-residential record becomes the public building of training/data.py `to_building` (the same quirks, the
// dataset's own spellings: the API's validator resolves the categories and aliases when a record is read), plus what
// the city reported that year. Category strings are stored once, in `strings`, and referred to by position.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from 'csv-parse/sync';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(packageDir, '..', '..');
export const sourceCsv = join(repoRoot, 'fixtures', 'seattle', '2016_Building_Energy_Benchmarking.csv');
export const indexFile = join(packageDir, 'data', 'buildings-2016.json');

/** The record's columns, in the order of each row of the index. `s` = index into `strings`, `n` = number or null. */
export const COLUMNS = [
  ['id', 'n'],
  ['name', 't'],
  ['address', 't'],
  ['primaryPropertyType', 's'],
  ['neighborhood', 's'],
  ['yearBuilt', 'n'],
  ['numberOfFloors', 'n'],
  ['propertyGfaTotal', 'n'],
  ['buildingType', 's'],
  ['numberOfBuildings', 'n'],
  ['propertyGfaParking', 'n'],
  ['largestPropertyUseType', 's'],
  ['largestPropertyUseTypeGfa', 'n'],
  ['secondLargestPropertyUseType', 's'],
  ['secondLargestPropertyUseTypeGfa', 'n'],
  ['thirdLargestPropertyUseType', 's'],
  ['thirdLargestPropertyUseTypeGfa', 'n'],
  ['latitude', 'n'],
  ['longitude', 'n'],
  ['energyStarScore', 'n'],
  ['usesSteam', 'b'],
  ['usesNaturalGas', 'b'],
  ['siteEnergyKbtu', 'n'],
  ['siteEuiKbtuPerSqFt', 'n'],
  ['ghgEmissionsTonnes', 'n'],
  ['complianceStatus', 's'],
  ['outlier', 's'],
];

/** A CSV cell as pandas reads it: blank is missing (NaN), anything else a number. */
function numberCell(text) {
  const trimmed = (text ?? '').trim();
  return trimmed === '' ? NaN : Number(trimmed);
}
const given = (value) => value !== undefined && value !== null && !Number.isNaN(value) && value !== '';

/** training/data.py `to_building`, field for field (its docstring lists the quirks). */
export function toBuilding(row) {
  const floors = numberCell(row.NumberofFloors);
  const building = {
    primaryPropertyType: row.PrimaryPropertyType,
    neighborhood: row.Neighborhood,
    yearBuilt: numberCell(row.YearBuilt),
    numberOfFloors: floors > 0 ? floors : null,
    propertyGfaTotal: numberCell(row.PropertyGFATotal),
    buildingType: row.BuildingType,
  };
  const buildings = numberCell(row.NumberofBuildings);
  if (given(buildings) && buildings > 0) building.numberOfBuildings = buildings;
  const parking = numberCell(row.PropertyGFAParking);
  if (given(parking)) building.propertyGfaParking = parking;
  for (const [slot, column] of [
    ['largest', 'Largest'],
    ['secondLargest', 'SecondLargest'],
    ['thirdLargest', 'ThirdLargest'],
  ]) {
    const useType = row[`${column}PropertyUseType`] ?? '';
    const area = numberCell(row[`${column}PropertyUseTypeGFA`]);
    if (given(useType) && given(area) && area > 0) {
      building[`${slot}PropertyUseType`] = useType;
      building[`${slot}PropertyUseTypeGfa`] = area;
    }
  }
  const [latitude, longitude] = [numberCell(row.Latitude), numberCell(row.Longitude)];
  if (given(latitude) && given(longitude)) Object.assign(building, { latitude, longitude });
  const score = numberCell(row.ENERGYSTARScore);
  if (given(score)) building.energyStarScore = score;
  building.usesSteam = numberCell(row['SteamUse(kBtu)']) > 0;
  building.usesNaturalGas = numberCell(row['NaturalGas(kBtu)']) > 0;
  return building;
}

/** The index of every non-residential record of the CSV text (the service's scope, as in training). */
export function buildIndex(csvText) {
  const rows = parse(csvText, { columns: true, skip_empty_lines: true });
  const strings = [];
  const positions = new Map();
  const intern = (value) => {
    if (!given(value)) return null;
    if (!positions.has(value)) positions.set(value, strings.push(value) - 1);
    return positions.get(value);
  };
  const records = [];
  for (const row of rows) {
    if (row.BuildingType.startsWith('Multifamily')) continue;
    const record = {
      ...toBuilding(row),
      id: Number(row.OSEBuildingID),
      name: row.PropertyName.trim(),
      address: row.Address.trim(),
      siteEnergyKbtu: numberCell(row['SiteEnergyUse(kBtu)']),
      // Published as float32 values (81.69999695 for 81.7): seven significant digits are what the city wrote.
      siteEuiKbtuPerSqFt: Number(numberCell(row['SiteEUI(kBtu/sf)']).toPrecision(7)),
      ghgEmissionsTonnes: numberCell(row.TotalGHGEmissions),
      complianceStatus: row.ComplianceStatus,
      outlier: row.Outlier,
    };
    records.push(
      COLUMNS.map(([name, kind]) => {
        const value = record[name];
        if (kind === 's') return intern(value);
        if (kind === 'b') return value === undefined ? null : value ? 1 : 0;
        return given(value) ? value : null;
      }),
    );
  }
  return {
    source: '2016_Building_Energy_Benchmarking.csv (City of Seattle), non-residential records',
    dataYear: 2016,
    columns: COLUMNS.map(([name]) => name),
    strings,
    records,
  };
}

/** One record per line: small, and a change to one building is a one-line diff. */
export function serializeIndex(index) {
  const { records, ...head } = index;
  const top = JSON.stringify(head).slice(0, -1);
  return `${top},"records":[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `--out FILE` writes elsewhere (the test compares that output with the committed index).
  const outAt = process.argv.indexOf('--out');
  const target = outAt > 0 ? process.argv[outAt + 1] : indexFile;
  let csv;
  try {
    csv = readFileSync(sourceCsv, 'utf8');
  } catch {
    // The container build has no fixtures/: it ships the committed index.
    console.log(`building index: ${sourceCsv} absent, keeping the committed ${indexFile}`);
    process.exit(0);
  }
  const text = serializeIndex(buildIndex(csv));
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // first build
  }
  if (current !== text) writeFileSync(target, text);
}
