import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from 'csv-parse/sync';

/** The repository root, from this helper's location. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** The records by column name (a short record reads '' for the fields it lacks); blank lines carry none. */
export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...body] = parse(text, { skip_empty_lines: true, relax_column_count: true });
  if (header === undefined) return [];
  return body.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j] ?? ''])));
}

/** The 2016 rows of the non-residential buildings (BuildingType not Multifamily *). */
export function nonResidentialRows(): Record<string, string>[] {
  const text = readFileSync(join(repoRoot, 'fixtures/seattle/2016_Building_Energy_Benchmarking.csv'), 'utf8');
  return parseCsv(text).filter((r) => !(r['BuildingType'] ?? '').startsWith('Multifamily'));
}

const missing = (value: string | undefined): boolean => value === undefined || value === '' || value === 'NULL';

/**
 * A 2016 row in the API's field names, as its owner would send it: empty cells left out, steam and gas use turned
 * into "uses" flags.
 */
export function rowToBuilding(row: Record<string, string>): Record<string, unknown> {
  const building: Record<string, unknown> = {};
  const text = (field: string, column: string): void => {
    if (!missing(row[column])) building[field] = row[column];
  };
  const number = (field: string, column: string): void => {
    if (!missing(row[column])) building[field] = Number(row[column]);
  };
  const uses = (field: string, column: string): void => {
    if (!missing(row[column])) building[field] = Number(row[column]) > 0;
  };
  text('primaryPropertyType', 'PrimaryPropertyType');
  text('neighborhood', 'Neighborhood');
  number('yearBuilt', 'YearBuilt');
  number('numberOfFloors', 'NumberofFloors');
  number('propertyGfaTotal', 'PropertyGFATotal');
  text('buildingType', 'BuildingType');
  number('numberOfBuildings', 'NumberofBuildings');
  number('propertyGfaParking', 'PropertyGFAParking');
  for (const [slot, column] of [
    ['largest', 'Largest'],
    ['secondLargest', 'SecondLargest'],
    ['thirdLargest', 'ThirdLargest'],
  ]) {
    text(`${slot}PropertyUseType`, `${column}PropertyUseType`);
    number(`${slot}PropertyUseTypeGfa`, `${column}PropertyUseTypeGFA`);
  }
  number('latitude', 'Latitude');
  number('longitude', 'Longitude');
  number('energyStarScore', 'ENERGYSTARScore');
  uses('usesSteam', 'SteamUse(kBtu)');
  uses('usesNaturalGas', 'NaturalGas(kBtu)');
  return building;
}

/** Compliant means the city marked the row `Compliant` and flagged no outlier. */
export function isCompliant(row: Record<string, string>): boolean {
  return row['ComplianceStatus'] === 'Compliant' && missing(row['Outlier']);
}
