#!/usr/bin/env node
// Rebuilds src/vocabulary.json from the 2016 benchmarking file: the category lists come from the data
// (non-residential rows), the alias rules below are the reviewed part. Run: node scripts/build-vocabulary.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const csvPath = join(root, 'fixtures/seattle/2016_Building_Energy_Benchmarking.csv');

/** RFC 4180 parser: the file quotes fields that contain commas. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  // The file starts with an empty line; blank lines carry no row.
  const [header, ...body] = rows.filter((r) => !(r.length === 1 && r[0] === ''));
  return body.filter((r) => r.length === header.length).map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]])));
}

const normalize = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const rows = parseCsv(readFileSync(csvPath, 'utf8')).filter((r) => !r.BuildingType.startsWith('Multifamily'));
// Missing values are empty or the literal NULL.
const distinct = (values) =>
  [...new Set(values.filter((v) => v !== '' && v !== 'NULL'))].sort((a, b) => a.localeCompare(b));

// Multifamily is out of scope: the models are trained on non-residential buildings only.
const multifamilyPropertyTypes = [
  'High-Rise Multifamily',
  'Low-Rise Multifamily',
  'Mid-Rise Multifamily',
  'Multifamily Housing',
];
// "Office" names two property types that differ by size; the city decides by floor area, so we ask instead of guessing.
const ambiguousPropertyTypes = {
  Office: ['Small- and Mid-Sized Office', 'Large Office'],
  'Financial Office': ['Small- and Mid-Sized Office', 'Large Office', 'Other'],
  'Other/Specialty Hospital': ['Hospital', 'Other'],
};
const propertyTypes = distinct(rows.map((r) => r.PrimaryPropertyType)).filter(
  (t) => !multifamilyPropertyTypes.includes(t) && !(t in ambiguousPropertyTypes),
);

// Portfolio Manager use-type names as property-type aliases: taken from the data (the property type the city gave
// buildings whose largest use is that name, leaving out "Mixed Use Property", which depends on the mix, not the name),
// kept only when the data names exactly one property type.
const useColumns = ['LargestPropertyUseType', 'SecondLargestPropertyUseType', 'ThirdLargestPropertyUseType'];
const useTypes = distinct(rows.flatMap((r) => useColumns.map((c) => r[c])));
const propertyTypeAliases = new Map(propertyTypes.map((t) => [t, []]));
const byNormal = new Map(propertyTypes.map((t) => [normalize(t), t]));
for (const use of useTypes) {
  if (use in ambiguousPropertyTypes || multifamilyPropertyTypes.includes(use)) continue;
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
const ambiguousUseTypes = {
  Warehouse: ['Non-Refrigerated Warehouse', 'Refrigerated Warehouse'],
  Hospital: ['Hospital (General Medical & Surgical)', 'Other/Specialty Hospital'],
};

const buildingTypes = distinct(rows.map((r) => r.BuildingType));
const categories = (aliases) => [...aliases].map(([name, list]) => ({ name, aliases: list }));

const vocabulary = {
  description:
    'Categories the Seattle energy API accepts. A value matches a category when, after lowercasing and dropping every ' +
    'character that is not a letter or digit, it equals the name or one of its aliases. Ambiguous names are refused ' +
    'with their choices; out-of-scope names are refused as such. Generated by packages/schema/scripts/build-vocabulary.mjs.',
  source: {
    file: 'fixtures/seattle/2016_Building_Energy_Benchmarking.csv',
    filter: 'BuildingType not starting with "Multifamily"',
  },
  fields: {
    primaryPropertyType: { categories: categories(propertyTypeAliases), ambiguous: ambiguousPropertyTypes },
    neighborhood: { categories: categories(neighborhoodAliases), ambiguous: {} },
    useType: {
      appliesTo: ['largestPropertyUseType', 'secondLargestPropertyUseType', 'thirdLargestPropertyUseType'],
      categories: categories(useTypeAliases),
      ambiguous: ambiguousUseTypes,
    },
    buildingType: { categories: buildingTypes.map((name) => ({ name, aliases: [] })), ambiguous: {} },
  },
  outOfScope: {
    buildingType: ['Multifamily HR (10+)', 'Multifamily LR (1-4)', 'Multifamily MR (5-9)'],
    primaryPropertyType: multifamilyPropertyTypes,
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
  for (const n of vocabulary.outOfScope[field] ?? []) claim(n, `out-of-scope:${n}`);
}

writeFileSync(join(here, '..', 'src', 'vocabulary.json'), JSON.stringify(vocabulary, null, 2) + '\n');
console.log(
  Object.entries(vocabulary.fields)
    .map(([f, s]) => `${f}: ${s.categories.length}`)
    .join(', '),
);
