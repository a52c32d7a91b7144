import t from 'tap';
import { matchCategory, validateBuilding, vocabulary } from '../src/index.js';
import type { CategoryField } from '../src/index.js';

const base = {
  primaryPropertyType: 'Hotel',
  neighborhood: 'Downtown',
  yearBuilt: 1990,
  numberOfFloors: 3,
  propertyGfaTotal: 50000,
};

// Names the city's files have used, as published (sources in the README). The 2015 file's three names that end in
// a line feed are left out here: they are refused, as every string with a control character is (below).
const city2015PropertyTypes = [
  'Hotel',
  'Other',
  'Mixed Use Property',
  'K-12 School',
  'College/University',
  'Small- and Mid-Sized Office',
  'Distribution Center',
  'Large Office',
  'Retail Store',
  'Medical Office',
  'Hospital',
  'Non-Refrigerated Warehouse',
  'SPS-District K-12',
  'Worship Facility',
  'Supermarket/Grocery Store',
  'Laboratory',
  'Self-Storage Facility',
  'Refrigerated Warehouse',
  'Restaurant',
  'Senior Care Community',
  'Residence Hall/Dormitory',
];
// EPAPropertyType of "Building Energy Benchmarking Data, 2015-Present" (multifamily building types included).
const cityEpaPropertyTypes = [
  'Adult Education',
  'Bank Branch',
  'Bowling Alley',
  'College/University',
  'Convenience Store without Gas Station',
  'Convention Center',
  'Courthouse',
  'Data Center',
  'Distribution Center',
  'Enclosed Mall',
  'Energy/Power Station',
  'Financial Office',
  'Fire Station',
  'Fitness Center/Health Club/Gym',
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
  'Multifamily HR (10+)',
  'Multifamily LR (1-4)',
  'Multifamily MR (5-9)',
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
  'Refrigerated Warehouse',
  'Residence Hall/Dormitory',
  'Residential Care Facility',
  'Restaurant',
  'Retail Store',
  'Self-Storage Facility',
  'Senior Living Community',
  'Single Family Home',
  'Social/Meeting Hall',
  'Stadium (Open)',
  'Strip Mall',
  'Supermarket/Grocery Store',
  'Transportation Terminal/Station',
  'Urgent Care/Clinic/Other Outpatient',
  'Vehicle Dealership',
  'Vehicle Repair Services',
  'Wholesale Club/Supercenter',
  'Worship Facility',
];
// Use types of the same file's three use-type columns that the 2016 file does not have.
const cityLaterUseTypes = [
  'Ambulatory Surgical Center',
  'Barracks',
  'Bowling Alley',
  'Electric Vehicle Charging Station',
  'Energy/Power Station',
  'Ice/Curling Rink',
  'Indoor Arena',
  'Mailing Center/Post Office',
  'Outpatient Rehabilitation/Physical Therapy',
  'Senior Living Community',
  'Single Family Home',
  'Stadium (Open)',
  'Transportation Terminal/Station',
  'Vehicle Dealership',
  'Vehicle Repair Services',
  'Veterinary Office',
];
const residential = ['Multifamily HR (10+)', 'Multifamily LR (1-4)', 'Multifamily MR (5-9)', 'Single Family Home'];

const codesOf = (input: Record<string, unknown>) => {
  const result = validateBuilding(input);
  return result.ok ? result.warnings.map((w) => `${w.code} ${w.field ?? ''}`) : result.errors.map((e) => e.path);
};

t.test('every Portfolio Manager type and every city name is understood, never refused as unknown', async (t) => {
  t.equal(vocabulary.portfolioManagerTypes.length, 87);
  const known = (field: CategoryField, name: string) => {
    const kind = matchCategory(field, name).kind;
    return kind === 'match' || kind === 'nearest' || kind === 'by-size';
  };
  for (const name of [...vocabulary.portfolioManagerTypes, ...city2015PropertyTypes, ...cityEpaPropertyTypes]) {
    const outOfScope = /multifamily/i.test(name) || name === 'Single Family Home';
    if (outOfScope) t.match(codesOf({ ...base, primaryPropertyType: name }), ['primaryPropertyType'], name);
    else t.ok(known('primaryPropertyType', name), `property type ${name}`);
  }
  for (const name of [...vocabulary.portfolioManagerTypes, ...cityLaterUseTypes])
    t.ok(known('useType', name), `use type ${name}`);
  for (const name of residential) {
    const result = validateBuilding({ ...base, primaryPropertyType: name });
    t.match(result.ok ? '' : result.errors[0]?.message, /is out of scope: this service predicts for non-residential/);
  }
});

t.test('names of other years are read as the model knows them, saying so', async (t) => {
  const cases: [string, string][] = [
    ['SPS-District K-12', 'K-12 School'],
    ['Senior Living Community', 'Senior Care Community'],
    ['Vehicle Dealership', 'Other'],
    ['Non-Refrigerated Warehouse', 'Warehouse'],
  ];
  for (const [name, category] of cases) {
    const result = validateBuilding({ ...base, primaryPropertyType: name });
    t.same(result.ok && [result.building.primaryPropertyType, result.warnings], [
      category,
      [
        {
          field: 'primaryPropertyType',
          code: 'CATEGORY_ALIAS',
          message: `primaryPropertyType "${name}" was read as "${category}"`,
        },
      ],
    ]);
  }
  const use = validateBuilding({ ...base, largestPropertyUseType: 'Senior Living Community' });
  t.equal(use.ok && use.building.largestPropertyUseType, 'Senior Care Community');
});

t.test('"Office" is read by size, as the city files it', async (t) => {
  for (const [total, category] of [
    [99999, 'Small- and Mid-Sized Office'],
    [100000, 'Large Office'],
  ] as const) {
    const result = validateBuilding({ ...base, propertyGfaTotal: total, primaryPropertyType: 'OFFICE' });
    t.same(result.ok && [result.building.primaryPropertyType, result.warnings], [
      category,
      [
        {
          field: 'primaryPropertyType',
          code: 'CATEGORY_ALIAS',
          message: `primaryPropertyType "OFFICE" was read as "${category}": the city files it by size, "Large Office" from 100,000 sq ft of propertyGfaTotal and "Small- and Mid-Sized Office" below`,
        },
      ],
    ]);
  }
  // Without a valid total there is nothing to decide by: the total's own error is the one reported.
  t.same(codesOf({ ...base, propertyGfaTotal: -1, primaryPropertyType: 'Office' }), ['propertyGfaTotal']);
});

t.test('a type the models never saw is read as its nearest category, with a warning', async (t) => {
  const result = validateBuilding({
    ...base,
    primaryPropertyType: 'Bowling Alley',
    largestPropertyUseType: 'Bowling Alley',
    secondLargestPropertyUseType: 'Veterinary Office',
  });
  t.ok(result.ok);
  if (!result.ok) return;
  t.equal(result.building.primaryPropertyType, 'Other');
  t.equal(result.building.largestPropertyUseType, 'Other - Recreation');
  t.equal(result.building.secondLargestPropertyUseType, 'Medical Office');
  t.same(result.warnings, [
    {
      field: 'primaryPropertyType',
      code: 'CATEGORY_NEAREST',
      message:
        'primaryPropertyType "Bowling Alley" is a type the models never saw; it was read as "Other", its nearest category, so the estimate knows less about this building',
    },
    {
      field: 'largestPropertyUseType',
      code: 'CATEGORY_NEAREST',
      message:
        'largestPropertyUseType "Bowling Alley" is a type the models never saw; it was read as "Other - Recreation", its nearest category, so the estimate knows less about this building',
    },
    {
      field: 'secondLargestPropertyUseType',
      code: 'CATEGORY_NEAREST',
      message:
        'secondLargestPropertyUseType "Veterinary Office" is a type the models never saw; it was read as "Medical Office", its nearest category, so the estimate knows less about this building',
    },
  ]);
  const food = validateBuilding({ ...base, primaryPropertyType: 'Food Sales' });
  t.equal(food.ok && food.building.primaryPropertyType, 'Supermarket / Grocery Store');
});

t.test('a name that is none of these is refused with the closest names', async (t) => {
  const hotle = validateBuilding({ ...base, primaryPropertyType: 'Hotle' });
  t.notOk(hotle.ok);
  if (!hotle.ok)
    t.match(
      hotle.errors[0]?.message,
      /^primaryPropertyType must be one of the property types .*\(was "Hotle"\); did you mean "Hotel"\?$/,
    );
  const suggestions = (field: CategoryField, value: string) => {
    const match = matchCategory(field, value);
    return match.kind === 'unknown' ? match.suggestions : undefined;
  };
  t.same(suggestions('primaryPropertyType', 'Warehose'), ['Warehouse']);
  t.same(suggestions('neighborhood', 'Downtwon'), ['Downtown']);
  t.same(suggestions('useType', 'Swiming Pool'), ['Swimming Pool']);
  t.ok(suggestions('primaryPropertyType', 'grocery')?.includes('Supermarket / Grocery Store'), 'by containment');
  t.same(suggestions('primaryPropertyType', 'Castle'), []);
  const castle = validateBuilding({ ...base, primaryPropertyType: 'Castle' });
  t.match(castle.ok ? '' : castle.errors[0]?.message, /\(was "Castle"\)$/);
  // A huge value is refused like any other (lengths far apart are never compared letter by letter).
  t.same(suggestions('primaryPropertyType', 'x'.repeat(1_000_000)), []);
});
