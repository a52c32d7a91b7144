import t from 'tap';
import { loadModelStore, validateBuilding } from '../src/index.js';
import { modelsDir } from './helpers/bundles.js';

const base = {
  primaryPropertyType: 'Hotel',
  neighborhood: 'Downtown',
  yearBuilt: 1927,
  numberOfFloors: 12,
  propertyGfaTotal: 88434,
  largestPropertyUseType: 'Hotel',
  largestPropertyUseTypeGfa: 83880,
};

t.test('a second or third use named with 0 sq ft is accepted as "named, no area", with a warning', async (t) => {
  const result = validateBuilding({
    ...base,
    secondLargestPropertyUseType: 'Parking',
    secondLargestPropertyUseTypeGfa: 0,
    thirdLargestPropertyUseType: 'Swimming Pool',
    thirdLargestPropertyUseTypeGfa: 0,
  });
  t.ok(result.ok);
  if (!result.ok) return;
  t.equal(result.building.secondLargestPropertyUseType, 'Parking');
  t.equal(result.building.secondLargestPropertyUseTypeGfa, undefined, 'no area');
  t.equal(result.building.thirdLargestPropertyUseType, 'Swimming Pool');
  t.equal(result.building.thirdLargestPropertyUseTypeGfa, undefined, 'no area');
  t.same(result.warnings, [
    {
      field: 'secondLargestPropertyUseTypeGfa',
      code: 'USE_AREA_ZERO',
      message:
        'secondLargestPropertyUseTypeGfa is 0 sq ft: secondLargestPropertyUseType is kept as named, with no floor area, and does not count in the use shares',
    },
    {
      field: 'thirdLargestPropertyUseTypeGfa',
      code: 'USE_AREA_ZERO',
      message:
        'thirdLargestPropertyUseTypeGfa is 0 sq ft: thirdLargestPropertyUseType is kept as named, with no floor area, and does not count in the use shares',
    },
  ]);
  const third = validateBuilding({
    ...base,
    secondLargestPropertyUseType: 'Restaurant',
    secondLargestPropertyUseTypeGfa: 4554,
    thirdLargestPropertyUseType: 'Parking',
    thirdLargestPropertyUseTypeGfa: 0,
  });
  t.same(third.ok && third.warnings.map((w) => w.field), ['thirdLargestPropertyUseTypeGfa']);
});

t.test('a zero-area use counts in no use share: the estimate is the one without that slot', async (t) => {
  const store = await loadModelStore(modelsDir);
  const zero = validateBuilding({
    ...base,
    secondLargestPropertyUseType: 'Parking',
    secondLargestPropertyUseTypeGfa: 0,
  });
  const without = validateBuilding(base);
  if (!zero.ok || !without.ok) throw new Error('both buildings validate');
  for (const name of store.names()) {
    const bundle = store.get(name);
    if (bundle === undefined) throw new Error(name);
    t.same([...bundle.encode(zero.building)], [...bundle.encode(without.building)], `${name}: same features`);
    t.equal(bundle.predict(zero.building).value, bundle.predict(without.building).value, `${name}: same estimate`);
  }
});

t.test('the other area rules stay: negative areas, an area without its type, a largest use of 0', async (t) => {
  const paths = (input: Record<string, unknown>) => {
    const result = validateBuilding(input);
    return result.ok ? [] : result.errors.map((e) => e.path);
  };
  t.same(paths({ ...base, secondLargestPropertyUseType: 'Parking', secondLargestPropertyUseTypeGfa: -1 }), [
    'secondLargestPropertyUseTypeGfa',
  ]);
  t.same(paths({ ...base, secondLargestPropertyUseTypeGfa: 0 }), ['secondLargestPropertyUseTypeGfa']);
  t.same(paths({ ...base, largestPropertyUseTypeGfa: 0 }), ['largestPropertyUseTypeGfa']);
  t.same(paths({ ...base, thirdLargestPropertyUseType: 'Parking', thirdLargestPropertyUseTypeGfa: 0 }), [
    'thirdLargestPropertyUseType',
  ]);
  // A named use without area is not ranked: the next area is compared with the last area given.
  t.same(
    paths({
      ...base,
      secondLargestPropertyUseType: 'Parking',
      secondLargestPropertyUseTypeGfa: 0,
      thirdLargestPropertyUseType: 'Restaurant',
      thirdLargestPropertyUseTypeGfa: 90000,
    }),
    ['thirdLargestPropertyUseTypeGfa'],
  );
});

t.test(
  'the other 0s of the city files: 0 buildings reads as not given, 0 floors is refused with the reason',
  async (t) => {
    const buildings = validateBuilding({ ...base, numberOfBuildings: 0 });
    t.same(buildings.ok && [buildings.building.numberOfBuildings, buildings.warnings], [
      undefined,
      [
        {
          field: 'numberOfBuildings',
          code: 'ZERO_AS_MISSING',
          message:
            'numberOfBuildings 0 was read as not given: a property has at least one building, and the models learned the same reading of 0',
        },
      ],
    ]);
    const floors = validateBuilding({ ...base, numberOfFloors: 0 });
    t.same(floors.ok ? [] : floors.errors, [
      {
        path: 'numberOfFloors',
        message:
          "numberOfFloors must be a whole number of floors, at least 1 (was 0; the city's files write 0 where the count is unknown, but the models need the number of floors above ground)",
      },
    ]);
    const parking = validateBuilding({ ...base, propertyGfaParking: 0 });
    t.same(parking.ok && [parking.building.propertyGfaParking, parking.warnings], [0, []], 'no parking is a real 0');
  },
);
