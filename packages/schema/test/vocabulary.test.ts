import t from 'tap';
import { categoryNames, matchCategory, normalizeCategoryName, validateBuilding, vocabulary } from '../src/index.js';
import type { CategoryField } from '../src/index.js';
import { nonResidentialRows } from './helpers/seattle-rows.js';

const base = { neighborhood: 'Downtown', yearBuilt: 1990, numberOfFloors: 3, propertyGfaTotal: 50000 };

t.test('normalisation keeps only lowercase letters and digits', async (t) => {
  t.equal(normalizeCategoryName(' Supermarket / Grocery Store '), 'supermarketgrocerystore');
  t.equal(normalizeCategoryName('K-12 School'), 'k12school');
});

t.test('no normalised name leads to two places in one field', async (t) => {
  for (const field of Object.keys(vocabulary.fields) as CategoryField[]) {
    const owners = new Map<string, string>();
    const spec = vocabulary.fields[field];
    const claims: [string, string][] = [
      ...spec.categories.flatMap((c) => [c.name, ...c.aliases].map((n): [string, string] => [n, c.name])),
      ...Object.keys(spec.ambiguous).map((n): [string, string] => [n, `ambiguous ${n}`]),
      ...(vocabulary.outOfScope[field] ?? []).map((n): [string, string] => [n, `out of scope ${n}`]),
    ];
    for (const [name, owner] of claims) {
      const key = normalizeCategoryName(name);
      t.equal(owners.get(key) ?? owner, owner, `${field}: ${name}`);
      owners.set(key, owner);
    }
  }
});

t.test('neighborhoods match in any casing and spacing, DELRIDGE NEIGHBORHOODS included', async (t) => {
  for (const [raw, name] of [
    ['NORTH', 'North'],
    ['North', 'North'],
    [' north ', 'North'],
    ['DELRIDGE NEIGHBORHOODS', 'Delridge'],
    ['Delridge', 'Delridge'],
    ['magnolia/queen anne', 'Magnolia / Queen Anne'],
    ['MAGNOLIA / QUEEN ANNE', 'Magnolia / Queen Anne'],
    ['Greater-Duwamish', 'Greater Duwamish'],
  ] as const) {
    const result = validateBuilding({ ...base, primaryPropertyType: 'Hotel', neighborhood: raw });
    t.ok(result.ok, raw);
    if (result.ok) t.equal(result.building.neighborhood, name, raw);
  }
});

t.test('property types accept casing, punctuation and Portfolio Manager names', async (t) => {
  const cases = [
    ['hotel', 'Hotel', false],
    ['SMALL- AND MID-SIZED OFFICE', 'Small- and Mid-Sized Office', false],
    ['Supermarket/Grocery Store', 'Supermarket / Grocery Store', false],
    ['k12 school', 'K-12 School', false],
    ['Non-Refrigerated Warehouse', 'Warehouse', true],
    ['College/University', 'University', true],
    ['Residence Hall/Dormitory', 'Residence Hall', true],
    ['Hospital (General Medical & Surgical)', 'Hospital', true],
    ['Data Center', 'Other', true],
    ['Financial Office', 'Other', true],
    ['Other/Specialty Hospital', 'Other', true],
  ] as const;
  for (const [raw, name, viaAlias] of cases) {
    const result = validateBuilding({ ...base, primaryPropertyType: raw });
    t.ok(result.ok, raw);
    if (!result.ok) continue;
    t.equal(result.building.primaryPropertyType, name, raw);
    const warned = result.warnings.some((w) => w.code === 'CATEGORY_ALIAS' && w.field === 'primaryPropertyType');
    t.equal(warned, viaAlias, `${raw} reported as an alias: ${viaAlias}`);
  }
});

t.test('ambiguous Portfolio Manager names are refused with their choices', async (t) => {
  t.same(validateBuilding({ ...base, primaryPropertyType: 'Hotel', largestPropertyUseType: 'hospital' }), {
    ok: false,
    errors: [
      {
        path: 'largestPropertyUseType',
        message:
          'largestPropertyUseType "hospital" is ambiguous: it may be "Hospital (General Medical & Surgical)" or "Other/Specialty Hospital"; send one of them',
      },
    ],
  });
  t.same(matchCategory('useType', 'warehouse'), {
    kind: 'ambiguous',
    choices: ['Non-Refrigerated Warehouse', 'Refrigerated Warehouse'],
  });
});

t.test('use types accept Portfolio Manager names and the city property-type names', async (t) => {
  t.same(matchCategory('useType', 'supermarket / grocery store'), {
    kind: 'match',
    name: 'Supermarket/Grocery Store',
    viaAlias: false,
  });
  t.same(matchCategory('useType', 'Large Office'), { kind: 'match', name: 'Office', viaAlias: true });
  t.same(matchCategory('useType', 'Dormitory'), { kind: 'match', name: 'Residence Hall/Dormitory', viaAlias: true });
  t.same(matchCategory('useType', 'multifamily housing'), {
    kind: 'match',
    name: 'Multifamily Housing',
    viaAlias: false,
  });
});

t.test('building types: non-residential kinds accepted, multifamily out of scope', async (t) => {
  t.same(matchCategory('buildingType', 'non-residential'), { kind: 'match', name: 'NonResidential', viaAlias: false });
  t.same(matchCategory('buildingType', 'Multifamily MR (5-9)'), { kind: 'out-of-scope' });
  t.same(matchCategory('primaryPropertyType', 'Low-Rise Multifamily'), { kind: 'out-of-scope' });
});

t.test('an unknown category is refused with the list of accepted names', async (t) => {
  t.same(matchCategory('neighborhood', 'Bellevue'), {
    kind: 'unknown',
    accepted: categoryNames('neighborhood'),
    suggestions: [],
  });
  t.same(matchCategory('neighborhood', '  '), {
    kind: 'unknown',
    accepted: categoryNames('neighborhood'),
    suggestions: [],
  });
  const result = validateBuilding({ ...base, primaryPropertyType: 'Castle' });
  t.notOk(result.ok);
  if (result.ok) return;
  t.equal(result.errors.length, 1);
  const message = result.errors[0]?.message ?? '';
  t.match(message, /^primaryPropertyType must be one of the property types/);
  for (const name of categoryNames('primaryPropertyType')) t.ok(message.includes(`"${name}"`), name);
  t.match(message, /\(was "Castle"\)$/);
});

t.test('every category value of the 2016 non-residential rows is known to the vocabulary', async (t) => {
  const columns: [string, CategoryField][] = [
    ['PrimaryPropertyType', 'primaryPropertyType'],
    ['Neighborhood', 'neighborhood'],
    ['BuildingType', 'buildingType'],
    ['LargestPropertyUseType', 'useType'],
    ['SecondLargestPropertyUseType', 'useType'],
    ['ThirdLargestPropertyUseType', 'useType'],
  ];
  const unknown = new Set<string>();
  for (const row of nonResidentialRows()) {
    for (const [column, field] of columns) {
      const value = row[column] ?? '';
      if (value !== '' && value !== 'NULL' && matchCategory(field, value).kind === 'unknown')
        unknown.add(`${column}: ${value}`);
    }
  }
  t.same([...unknown], []);

  t.equal(categoryNames('primaryPropertyType').length, 20);
  t.equal(categoryNames('neighborhood').length, 13);
  t.equal(categoryNames('useType').length, 64);
  t.same(categoryNames('buildingType'), [
    'Campus',
    'NonResidential',
    'Nonresidential COS',
    'Nonresidential WA',
    'SPS-District K-12',
  ]);
});
