#!/usr/bin/env node
// Rebuilds src/vocabulary.json from the 2016 benchmarking file: the category lists come from the data
// (non-residential rows), the alias rules below are the reviewed part. Run: node scripts/build-vocabulary.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const csvPath = join(root, 'fixtures/seattle/2016_Building_Energy_Benchmarking.csv');

/** The file's records by column name; blank lines carry none, and a record with another field count is skipped. */
function parseCsv(text) {
  const [header, ...body] = parse(text, { skip_empty_lines: true, relax_column_count: true });
  return body.filter((r) => r.length === header.length).map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]])));
}

const normalize = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const rows = parseCsv(readFileSync(csvPath, 'utf8')).filter((r) => !r.BuildingType.startsWith('Multifamily'));
// Missing values are empty or the literal NULL.
const distinct = (values) =>
  [...new Set(values.filter((v) => v !== '' && v !== 'NULL'))].sort((a, b) => a.localeCompare(b));

// Homes are out of scope: the models are trained on non-residential buildings only.
const multifamilyPropertyTypes = [
  'High-Rise Multifamily',
  'Low-Rise Multifamily',
  'Mid-Rise Multifamily',
  'Multifamily Housing',
];
const residentialPropertyTypes = [...multifamilyPropertyTypes, 'Single Family Home'];
// "Office" names two property types that differ by size. The city splits them by PropertyGFATotal: in 2016 all 173
// "Large Office" rows have 100,734 sq ft or more and all 292 "Small- and Mid-Sized Office" rows 99,440 or less.
const officeBySize = {
  input: 'propertyGfaTotal',
  threshold: 100000,
  below: 'Small- and Mid-Sized Office',
  atOrAbove: 'Large Office',
};
const sizedPropertyTypes = { Office: officeBySize };
for (const row of rows) {
  const t = row.PrimaryPropertyType;
  if (t === officeBySize.below || t === officeBySize.atOrAbove) {
    const expected =
      Number(row.PropertyGFATotal) >= officeBySize.threshold ? officeBySize.atOrAbove : officeBySize.below;
    if (t !== expected) throw new Error(`review the office size rule: ${row.OSEBuildingID} is ${t}`);
  }
}
const ambiguousPropertyTypes = {};
const propertyTypes = distinct(rows.map((r) => r.PrimaryPropertyType)).filter(
  (t) => !multifamilyPropertyTypes.includes(t) && !(t in ambiguousPropertyTypes) && !(t in sizedPropertyTypes),
);

// Every ENERGY STAR Portfolio Manager property type ("U.S. Property Types, Definitions, and Use Details", May 2020),
// plus the names Portfolio Manager and the city's 2015-present file use for types renamed since 2016.
const portfolioManagerTypes = [
  'Adult Education',
  'Ambulatory Surgical Center',
  'Aquarium',
  'Automobile Dealership',
  'Bank Branch',
  'Bar/Nightclub',
  'Barracks',
  'Bowling Alley',
  'Casino',
  'College/University',
  'Convenience Store with Gas Station',
  'Convenience Store without Gas Station',
  'Convention Center',
  'Courthouse',
  'Data Center',
  'Distribution Center',
  'Drinking Water Treatment & Distribution',
  'Enclosed Mall',
  'Energy/Power Station',
  'Fast Food Restaurant',
  'Financial Office',
  'Fire Station',
  'Fitness Center/Health Club/Gym',
  'Food Sales',
  'Food Service',
  'Hospital (General Medical & Surgical)',
  'Hotel',
  'Ice/Curling Rink',
  'Indoor Arena',
  'K-12 School',
  'Laboratory',
  'Library',
  'Lifestyle Center',
  'Mailing Center/Post Office',
  'Manufacturing/Industrial Plant',
  'Medical Office',
  'Mixed Use Property',
  'Movie Theater',
  'Multifamily Housing',
  'Museum',
  'Non-Refrigerated Warehouse',
  'Office',
  'Other',
  'Other - Education',
  'Other - Entertainment/Public Assembly',
  'Other - Lodging/Residential',
  'Other - Mall',
  'Other - Public Services',
  'Other - Recreation',
  'Other - Restaurant/Bar',
  'Other - Services',
  'Other - Stadium',
  'Other - Technology/Science',
  'Other - Utility',
  'Other/Specialty Hospital',
  'Outpatient Rehabilitation/Physical Therapy',
  'Parking',
  'Performing Arts',
  'Personal Services (Health/Beauty, Dry Cleaning, etc)',
  'Police Station',
  'Pre-school/Daycare',
  'Prison/Incarceration',
  'Race Track',
  'Refrigerated Warehouse',
  'Repair Services (Vehicle, Shoe, Locksmith, etc)',
  'Residence Hall/Dormitory',
  'Residential Care Facility',
  'Restaurant',
  'Retail Store',
  'Roller Rink',
  'Self-Storage Facility',
  'Senior Care Community',
  'Single Family Home',
  'Social/Meeting Hall',
  'Stadium (Closed)',
  'Stadium (Open)',
  'Strip Mall',
  'Supermarket/Grocery Store',
  'Swimming Pool',
  'Transportation Terminal/Station',
  'Urgent Care/Clinic/Other Outpatient',
  'Veterinary Office',
  'Vocational School',
  'Wastewater Treatment Plant',
  'Wholesale Club/Supercenter',
  'Worship Facility',
  'Zoo',
];
// Later names of 2016 types (Portfolio Manager's renames, as the city's 2015-present file spells them).
const renamedUseTypes = {
  'Senior Living Community': 'Senior Care Community',
  'Vehicle Dealership': 'Automobile Dealership',
  'Vehicle Repair Services': 'Repair Services (Vehicle, Shoe, Locksmith, etc)',
  'Other - Specialty Hospital': 'Other/Specialty Hospital',
};
// Types the 2016 data never has, as use types: the "Other - ..." use of their Portfolio Manager group, or the closest
// single use of that group, else Other. Reviewed one by one; the script fails on a type missing here.
const nearestUseTypes = {
  'Ambulatory Surgical Center': 'Urgent Care/Clinic/Other Outpatient',
  'Outpatient Rehabilitation/Physical Therapy': 'Urgent Care/Clinic/Other Outpatient',
  Aquarium: 'Other - Entertainment/Public Assembly',
  Zoo: 'Other - Entertainment/Public Assembly',
  Casino: 'Other - Entertainment/Public Assembly',
  'Indoor Arena': 'Other - Entertainment/Public Assembly',
  'Race Track': 'Other - Entertainment/Public Assembly',
  'Stadium (Closed)': 'Other - Entertainment/Public Assembly',
  'Stadium (Open)': 'Other - Entertainment/Public Assembly',
  'Other - Stadium': 'Other - Entertainment/Public Assembly',
  'Bowling Alley': 'Other - Recreation',
  'Ice/Curling Rink': 'Other - Recreation',
  'Roller Rink': 'Other - Recreation',
  Barracks: 'Other - Lodging/Residential',
  'Single Family Home': 'Other - Lodging/Residential',
  'Convenience Store with Gas Station': 'Convenience Store without Gas Station',
  'Drinking Water Treatment & Distribution': 'Other - Utility',
  'Energy/Power Station': 'Other - Utility',
  'Wastewater Treatment Plant': 'Other - Utility',
  'Mailing Center/Post Office': 'Other - Public Services',
  'Transportation Terminal/Station': 'Other - Public Services',
  'Veterinary Office': 'Medical Office',
  'Electric Vehicle Charging Station': 'Other',
  'Mixed Use Property': 'Other',
};
// As property types: Portfolio Manager scores food sales and convenience stores with supermarkets, and the city files
// bars under Restaurant ("Other - Restaurant/Bar" is one in 2016); every other type without a city property type of
// its own is filed under Other, as the city does (33 such types in 2016).
const nearestPropertyTypeExceptions = {
  'Food Sales': 'Supermarket / Grocery Store',
  'Convenience Store with Gas Station': 'Supermarket / Grocery Store',
  'Convenience Store without Gas Station': 'Supermarket / Grocery Store',
  'Bar/Nightclub': 'Restaurant',
  'Fast Food Restaurant': 'Restaurant',
};
// The city's own names of other years: the 2015 file gives K-12 schools of the school district this property type.
const cityPropertyTypeAliases = { 'K-12 School': ['SPS-District K-12'] };

// Portfolio Manager use-type names as property-type aliases: taken from the data (the property type the city gave
// buildings whose largest use is that name, leaving out "Mixed Use Property", which depends on the mix, not the name),
// kept only when the data names exactly one property type.
const useColumns = ['LargestPropertyUseType', 'SecondLargestPropertyUseType', 'ThirdLargestPropertyUseType'];
const useTypes = distinct(rows.flatMap((r) => useColumns.map((c) => r[c])));
const propertyTypeAliases = new Map(propertyTypes.map((t) => [t, []]));
const byNormal = new Map(propertyTypes.map((t) => [normalize(t), t]));
for (const use of useTypes) {
  if (use in ambiguousPropertyTypes || use in sizedPropertyTypes || residentialPropertyTypes.includes(use)) continue;
  if (byNormal.has(normalize(use))) {
    if (byNormal.get(normalize(use)) !== use) propertyTypeAliases.get(byNormal.get(normalize(use))).push(use);
    continue;
  }
  const seen = distinct(rows.filter((r) => r.LargestPropertyUseType === use).map((r) => r.PrimaryPropertyType)).filter(
    (t) => t !== 'Mixed Use Property',
  );
  if (seen.length === 1 && propertyTypeAliases.has(seen[0])) propertyTypeAliases.get(seen[0]).push(use);
  else if (seen.length > 1) throw new Error(`review ${use}: the data gives ${seen.join(', ')}`);
}

for (const [name, extra] of Object.entries(cityPropertyTypeAliases)) propertyTypeAliases.get(name).push(...extra);
const propertyTypeOf = new Map(
  [...propertyTypeAliases].flatMap(([name, aliases]) => [name, ...aliases].map((n) => [normalize(n), name])),
);
for (const [later, earlier] of Object.entries(renamedUseTypes)) {
  const target = propertyTypeOf.get(normalize(earlier));
  if (target !== undefined) propertyTypeAliases.get(target).push(later);
}
const nearestPropertyTypes = {};
for (const name of [...portfolioManagerTypes, ...Object.keys(nearestUseTypes)]) {
  const key = normalize(name);
  const known =
    propertyTypeOf.has(key) ||
    Object.keys(renamedUseTypes).some((n) => normalize(n) === key) ||
    [...residentialPropertyTypes, ...Object.keys(sizedPropertyTypes)].some((n) => normalize(n) === key);
  if (!known && !(name in nearestPropertyTypes))
    nearestPropertyTypes[name] = nearestPropertyTypeExceptions[name] ?? 'Other';
}

// Neighborhoods: the data spells them in capitals (and a few in title case); canonical names are title case.
const neighborhoodNames = {
  BALLARD: 'Ballard',
  CENTRAL: 'Central',
  DELRIDGE: 'Delridge',
  DOWNTOWN: 'Downtown',
  EAST: 'East',
  'GREATER DUWAMISH': 'Greater Duwamish',
  'LAKE UNION': 'Lake Union',
  'MAGNOLIA / QUEEN ANNE': 'Magnolia / Queen Anne',
  NORTH: 'North',
  NORTHEAST: 'Northeast',
  NORTHWEST: 'Northwest',
  SOUTHEAST: 'Southeast',
  SOUTHWEST: 'Southwest',
};
const extraNeighborhoodAliases = {
  Delridge: ['DELRIDGE NEIGHBORHOODS'],
  'Greater Duwamish': ['Duwamish'],
  'Magnolia / Queen Anne': ['Magnolia', 'Queen Anne', 'Magnolia/Queen Anne'],
};
const neighborhoodAliases = new Map(Object.values(neighborhoodNames).map((n) => [n, []]));
for (const raw of distinct(rows.map((r) => r.Neighborhood))) {
  const canonical = neighborhoodNames[raw.toUpperCase()] ?? (raw === 'DELRIDGE NEIGHBORHOODS' ? 'Delridge' : undefined);
  if (canonical === undefined) throw new Error(`unmapped neighborhood ${raw}`);
  if (raw !== canonical && raw !== 'DELRIDGE NEIGHBORHOODS') neighborhoodAliases.get(canonical).push(raw);
}
for (const [name, extra] of Object.entries(extraNeighborhoodAliases)) neighborhoodAliases.get(name).push(...extra);

// Use types keep Portfolio Manager's names; the city's property-type names are accepted where they name one use.
const useTypeAliases = new Map(useTypes.map((u) => [u, []]));
const extraUseAliases = {
  'College/University': ['University'],
  'Residence Hall/Dormitory': ['Residence Hall', 'Dormitory'],
  'Hospital (General Medical & Surgical)': ['General Medical & Surgical Hospital'],
  Office: ['Small- and Mid-Sized Office', 'Large Office'],
};
for (const [name, extra] of Object.entries(extraUseAliases)) useTypeAliases.get(name).push(...extra);
for (const [later, earlier] of Object.entries(renamedUseTypes)) useTypeAliases.get(earlier).push(later);
for (const name of portfolioManagerTypes)
  if (!useTypeAliases.has(name) && !(name in nearestUseTypes)) throw new Error(`review the use type ${name}`);
for (const [name, nearest] of Object.entries(nearestUseTypes))
  if (useTypeAliases.has(name) || !useTypeAliases.has(nearest)) throw new Error(`review the nearest use of ${name}`);
const ambiguousUseTypes = {
  Warehouse: ['Non-Refrigerated Warehouse', 'Refrigerated Warehouse'],
  Hospital: ['Hospital (General Medical & Surgical)', 'Other/Specialty Hospital'],
};

const buildingTypes = distinct(rows.map((r) => r.BuildingType));
const categories = (aliases) => [...aliases].map(([name, list]) => ({ name, aliases: list }));

const vocabulary = {
  description:
    'Categories the Seattle energy API accepts. A value matches a category when, after lowercasing and dropping every ' +
    'character that is not a letter or digit, it equals the name or one of its aliases. A "nearest" name is a known ' +
    'type the models never saw, read as the category given (with a warning); a "bySize" name is read as one of two ' +
    'categories by the floor area, as the city classifies it. Ambiguous names are refused with their choices; ' +
    'out-of-scope names are refused as such. Generated by packages/schema/scripts/build-vocabulary.mjs.',
  source: {
    file: 'fixtures/seattle/2016_Building_Energy_Benchmarking.csv',
    filter: 'BuildingType not starting with "Multifamily"',
    portfolioManager: 'ENERGY STAR Portfolio Manager, U.S. Property Types, Definitions, and Use Details (May 2020)',
    city: 'City of Seattle building energy benchmarking files 2015, 2016 and Building Energy Benchmarking Data, 2015-Present',
  },
  portfolioManagerTypes,
  fields: {
    primaryPropertyType: {
      categories: categories(propertyTypeAliases),
      ambiguous: ambiguousPropertyTypes,
      nearest: nearestPropertyTypes,
      bySize: sizedPropertyTypes,
    },
    neighborhood: { categories: categories(neighborhoodAliases), ambiguous: {} },
    useType: {
      appliesTo: ['largestPropertyUseType', 'secondLargestPropertyUseType', 'thirdLargestPropertyUseType'],
      categories: categories(useTypeAliases),
      ambiguous: ambiguousUseTypes,
      nearest: nearestUseTypes,
    },
    buildingType: { categories: buildingTypes.map((name) => ({ name, aliases: [] })), ambiguous: {} },
  },
  outOfScope: {
    buildingType: ['Multifamily HR (10+)', 'Multifamily LR (1-4)', 'Multifamily MR (5-9)'],
    primaryPropertyType: residentialPropertyTypes,
  },
};

// Every normalised name must lead to one place only.
for (const [field, spec] of Object.entries(vocabulary.fields)) {
  const owner = new Map();
  const claim = (key, who) => {
    const n = normalize(key);
    if (owner.has(n) && owner.get(n) !== who)
      throw new Error(`${field}: "${key}" claimed by ${owner.get(n)} and ${who}`);
    owner.set(n, who);
  };
  for (const c of spec.categories) for (const n of [c.name, ...c.aliases]) claim(n, c.name);
  for (const n of Object.keys(spec.ambiguous)) claim(n, `ambiguous:${n}`);
  for (const n of Object.keys(spec.nearest ?? {})) claim(n, `nearest:${n}`);
  for (const n of Object.keys(spec.bySize ?? {})) claim(n, `by-size:${n}`);
  for (const n of vocabulary.outOfScope[field] ?? []) claim(n, `out-of-scope:${n}`);
}

writeFileSync(join(here, '..', 'src', 'vocabulary.json'), JSON.stringify(vocabulary, null, 2) + '\n');
console.log(
  Object.entries(vocabulary.fields)
    .map(([f, s]) => `${f}: ${s.categories.length}`)
    .join(', '),
);
