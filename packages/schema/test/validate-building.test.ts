import t from 'tap';
import { exampleBuilding, validateBuilding } from '../src/index.js';
import type { ValidationIssue } from '../src/index.js';

const year = new Date().getUTCFullYear();
const base = {
  primaryPropertyType: 'Hotel',
  neighborhood: 'Downtown',
  yearBuilt: 1990,
  numberOfFloors: 3,
  propertyGfaTotal: 50000,
};

/** The errors for a building, or [] when it passes. */
function errorsOf(input: unknown): ValidationIssue[] {
  const result = validateBuilding(input);
  return result.ok ? [] : result.errors;
}
const paths = (input: unknown): string[] => errorsOf(input).map((e) => e.path);

t.test('the documented example and a minimal building pass without warnings', async (t) => {
  t.same(validateBuilding(exampleBuilding), { ok: true, building: { ...exampleBuilding }, warnings: [] });
  t.same(validateBuilding(base), { ok: true, building: base, warnings: [] });
});

t.test('a body that is not an object is refused as a whole', async (t) => {
  for (const [input, found] of [
    [null, 'null'],
    [[], 'an array'],
    ['x', 'a string'],
    [3, 'a number'],
  ] as const) {
    t.same(errorsOf(input), [{ path: '', message: `a building must be a JSON object of fields (was ${found})` }]);
  }
});

t.test('required fields are named when missing', async (t) => {
  t.same(
    errorsOf({}).map((e) => e.path),
    ['primaryPropertyType', 'neighborhood', 'yearBuilt', 'numberOfFloors', 'propertyGfaTotal'],
  );
  t.same(errorsOf({ ...base, yearBuilt: undefined }), [
    { path: 'yearBuilt', message: `yearBuilt is required: a whole year from 1850 to ${year}` },
  ]);
});

t.test('year built: 1850 to the current year, whole', async (t) => {
  for (const ok of [1850, 1900, year]) t.same(paths({ ...base, yearBuilt: ok }), [], `${ok}`);
  for (const bad of [1849, year + 1, 1990.5]) {
    t.same(errorsOf({ ...base, yearBuilt: bad }), [
      { path: 'yearBuilt', message: `yearBuilt must be a whole year from 1850 to ${year} (was ${bad})` },
    ]);
  }
});

t.test('floors and buildings: whole numbers of at least 1 (0 buildings reads as not given)', async (t) => {
  t.same(paths({ ...base, numberOfFloors: 1, numberOfBuildings: 1 }), []);
  t.same(paths({ ...base, numberOfFloors: 99, numberOfBuildings: 111 }), []);
  t.same(errorsOf({ ...base, numberOfFloors: 0, numberOfBuildings: 1.5 }), [
    {
      path: 'numberOfFloors',
      message:
        "numberOfFloors must be a whole number of floors, at least 1 (was 0; the city's files write 0 where the count is unknown, but the models need the number of floors above ground)",
    },
    {
      path: 'numberOfBuildings',
      message: 'numberOfBuildings must be a whole number of buildings, at least 1 (or 0 for unknown) (was 1.5)',
    },
  ]);
  t.same(paths({ ...base, numberOfBuildings: -1 }), ['numberOfBuildings']);
  t.same(paths({ ...base, numberOfFloors: -2 }), ['numberOfFloors']);
});

t.test('areas: finite and above 0, parking from 0 up to the total', async (t) => {
  t.same(paths({ ...base, propertyGfaTotal: 0.5, propertyGfaParking: 0 }), []);
  t.same(paths({ ...base, propertyGfaParking: 50000 }), []);
  for (const bad of [0, -1, Infinity, 1e9])
    t.same(paths({ ...base, propertyGfaTotal: bad }), ['propertyGfaTotal'], `${bad}`);
  t.same(errorsOf({ ...base, propertyGfaParking: 50001 }), [
    {
      path: 'propertyGfaParking',
      message: 'propertyGfaParking (50001) must not exceed propertyGfaTotal (50000): parking is part of the total',
    },
  ]);
  t.same(paths({ ...base, propertyGfaParking: -1 }), ['propertyGfaParking']);
});

t.test('use types: each area with its type, ranked largest to third', async (t) => {
  const uses = {
    largestPropertyUseType: 'Hotel',
    largestPropertyUseTypeGfa: 30000,
    secondLargestPropertyUseType: 'Parking',
    secondLargestPropertyUseTypeGfa: 20000,
    thirdLargestPropertyUseType: 'Restaurant',
    thirdLargestPropertyUseTypeGfa: 20000,
  };
  t.same(paths({ ...base, ...uses }), []);
  t.same(paths({ ...base, largestPropertyUseType: 'Hotel' }), [], 'a type without its area is accepted');
  t.same(errorsOf({ ...base, largestPropertyUseTypeGfa: 30000 }), [
    {
      path: 'largestPropertyUseTypeGfa',
      message: 'largestPropertyUseTypeGfa needs largestPropertyUseType: say which use this floor area is for',
    },
  ]);
  t.same(
    errorsOf({ ...base, ...uses, secondLargestPropertyUseTypeGfa: 30001, thirdLargestPropertyUseTypeGfa: 30002 }),
    [
      {
        path: 'secondLargestPropertyUseTypeGfa',
        message:
          'secondLargestPropertyUseTypeGfa (30001) must not exceed largestPropertyUseTypeGfa (30000): use types are ranked by floor area',
      },
      {
        path: 'thirdLargestPropertyUseTypeGfa',
        message:
          'thirdLargestPropertyUseTypeGfa (30002) must not exceed secondLargestPropertyUseTypeGfa (30001): use types are ranked by floor area',
      },
    ],
  );
  t.same(paths({ ...base, thirdLargestPropertyUseType: 'Parking', largestPropertyUseType: 'Hotel' }), [
    'thirdLargestPropertyUseType',
  ]);
  t.same(paths({ ...base, secondLargestPropertyUseType: 'Parking' }), ['secondLargestPropertyUseType']);
  t.same(paths({ ...base, ...uses, largestPropertyUseTypeGfa: 0 }), ['largestPropertyUseTypeGfa']);
  t.same(paths({ ...base, ...uses, secondLargestPropertyUseTypeGfa: -1 }), ['secondLargestPropertyUseTypeGfa']);
  const canonical = validateBuilding({
    ...base,
    ...uses,
    largestPropertyUseType: 'hotel',
    secondLargestPropertyUseType: 'PARKING',
  });
  t.ok(canonical.ok);
  if (canonical.ok)
    t.same(
      [canonical.building.largestPropertyUseType, canonical.building.secondLargestPropertyUseType],
      ['Hotel', 'Parking'],
    );
});

t.test('latitude and longitude: together and inside Seattle', async (t) => {
  t.same(paths({ ...base, latitude: 47.6, longitude: -122.3 }), []);
  t.same(paths({ ...base, latitude: 47.48, longitude: -122.44 }), []);
  t.same(errorsOf({ ...base, latitude: 47.6 }), [
    { path: 'longitude', message: 'longitude is required when latitude is given: send both or neither' },
  ]);
  t.same(paths({ ...base, longitude: -122.3 }), ['latitude']);
  t.same(errorsOf({ ...base, latitude: 40.7, longitude: -74 }), [
    { path: 'latitude', message: 'latitude must be a latitude inside Seattle, from 47.48 to 47.74 (was 40.7)' },
    { path: 'longitude', message: 'longitude must be a longitude inside Seattle, from -122.44 to -122.22 (was -74)' },
  ]);
});

t.test('ENERGY STAR score: a whole number from 1 to 100', async (t) => {
  for (const ok of [1, 50, 100]) t.same(paths({ ...base, energyStarScore: ok }), []);
  for (const bad of [0, 101, 50.5]) {
    t.same(errorsOf({ ...base, energyStarScore: bad }), [
      { path: 'energyStarScore', message: `energyStarScore must be a whole number from 1 to 100 (was ${bad})` },
    ]);
  }
});

t.test('booleans must be booleans', async (t) => {
  t.same(paths({ ...base, usesSteam: false, usesNaturalGas: true }), []);
  t.same(errorsOf({ ...base, usesSteam: 'true', usesNaturalGas: 1 }), [
    { path: 'usesSteam', message: 'usesSteam must be true or false (was the string "true")' },
    { path: 'usesNaturalGas', message: 'usesNaturalGas must be true or false (was 1)' },
  ]);
});

t.test('multifamily is refused as out of scope, saying so', async (t) => {
  for (const buildingType of ['Multifamily LR (1-4)', 'multifamily hr (10+)', 'Multifamily XL']) {
    t.same(errorsOf({ ...base, buildingType }), [
      {
        path: 'buildingType',
        message: `buildingType "${buildingType}" is out of scope: this service predicts for non-residential buildings only, not multifamily ones`,
      },
    ]);
  }
  t.same(paths({ ...base, primaryPropertyType: 'High-Rise Multifamily' }), ['primaryPropertyType']);
  t.match(errorsOf({ ...base, primaryPropertyType: 'Multifamily Housing' })[0]?.message, /out of scope/);
  t.same(paths({ ...base, buildingType: 'Campus' }), []);
});

t.test('unknown fields are refused, with the closest known name', async (t) => {
  const errors = errorsOf({ ...base, yearbuilt: 1990, colour: 'red' });
  t.same(
    errors.map((e) => e.path),
    ['yearbuilt', 'colour'],
  );
  t.match(
    errors[0]?.message,
    /^unknown field "yearbuilt" \(did you mean "yearBuilt"\?\); accepted fields: primaryPropertyType, neighborhood/,
  );
  t.match(errors[1]?.message, /^unknown field "colour"; accepted fields: /);
});

t.test('NaN, Infinity, numbers sent as strings and wrong types are refused', async (t) => {
  t.same(
    errorsOf({
      ...base,
      yearBuilt: '1990',
      propertyGfaTotal: NaN,
      numberOfFloors: Infinity,
      neighborhood: 7,
      latitude: null,
      longitude: -122.3,
    }),
    [
      {
        path: 'neighborhood',
        message: errorsOf({ ...base, neighborhood: 'x' })[0]?.message.replace('(was "x")', '(was 7)') ?? '',
      },
      {
        path: 'yearBuilt',
        message: `yearBuilt must be a whole year from 1850 to ${year} (was the string "1990"; send numbers as JSON numbers, not strings)`,
      },
      { path: 'numberOfFloors', message: 'numberOfFloors must be a whole number of floors, at least 1 (was Infinity)' },
      {
        path: 'propertyGfaTotal',
        message:
          'propertyGfaTotal must be a floor area in square feet: a number greater than 0 and at most 100,000,000 (was NaN)',
      },
      { path: 'latitude', message: 'latitude must be a latitude inside Seattle, from 47.48 to 47.74 (was null)' },
    ],
  );
  t.same(paths({ ...base, primaryPropertyType: ['Hotel'] }), ['primaryPropertyType']);
  t.same(paths({ ...base, energyStarScore: { value: 3 } }), ['energyStarScore']);
});

t.test('every violation is reported at once, in field order', async (t) => {
  const errors = errorsOf({
    primaryPropertyType: 'Castle',
    neighborhood: 'Nowhere',
    yearBuilt: 3000,
    numberOfFloors: 0,
    propertyGfaTotal: 100,
    propertyGfaParking: 200,
    secondLargestPropertyUseTypeGfa: 10,
    latitude: 47.6,
    energyStarScore: 0,
    extra: true,
  });
  t.same(
    errors.map((e) => e.path),
    [
      'primaryPropertyType',
      'neighborhood',
      'yearBuilt',
      'numberOfFloors',
      'propertyGfaParking',
      'secondLargestPropertyUseTypeGfa',
      'longitude',
      'energyStarScore',
      'extra',
    ],
  );
});

t.test('soft issues pass with warnings', async (t) => {
  const small = validateBuilding({ ...base, propertyGfaTotal: 12000 });
  t.same(small.ok && small.warnings, [
    {
      field: 'propertyGfaTotal',
      code: 'BELOW_ORDINANCE_THRESHOLD',
      message:
        "propertyGfaTotal (12000 sq ft) is below the benchmarking ordinance's 20,000 sq ft: the models learned from larger buildings",
    },
  ]);
  const over = validateBuilding({ ...base, largestPropertyUseType: 'Hotel', largestPropertyUseTypeGfa: 60000 });
  t.same(over.ok && over.warnings.map((w) => w.code), ['USE_AREAS_EXCEED_TOTAL']);
  const alias = validateBuilding({ ...base, primaryPropertyType: 'College/University' });
  t.same(alias.ok && alias.warnings, [
    {
      field: 'primaryPropertyType',
      code: 'CATEGORY_ALIAS',
      message: 'primaryPropertyType "College/University" was read as "University"',
    },
  ]);
});
