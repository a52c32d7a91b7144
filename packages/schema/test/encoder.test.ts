import t from 'tap';
import { BundleError, compileEncoder, featureInputs, foldContributions, predictionInterval } from '../src/index.js';
import type { BundleFeature, ModelBundle } from '../src/index.js';

const building = {
  primaryPropertyType: 'Hotel',
  neighborhood: 'Downtown',
  yearBuilt: 1927,
  numberOfFloors: 12,
  propertyGfaTotal: 100000,
  propertyGfaParking: 20000,
  largestPropertyUseType: 'Hotel',
  largestPropertyUseTypeGfa: 70000,
  secondLargestPropertyUseType: 'Parking',
  secondLargestPropertyUseTypeGfa: 20000,
  usesSteam: true,
  usesNaturalGas: false,
};

const features: BundleFeature[] = [
  { name: 'year', encoding: { kind: 'numeric', input: 'yearBuilt' } },
  { name: 'logArea', encoding: { kind: 'log1p', input: 'propertyGfaTotal' } },
  { name: 'perFloor', encoding: { kind: 'ratio', numerator: 'propertyGfaTotal', denominator: 'numberOfFloors' } },
  { name: 'steam', encoding: { kind: 'boolean', input: 'usesSteam' } },
  { name: 'gas', encoding: { kind: 'boolean', input: 'usesNaturalGas' } },
  { name: 'hotel', encoding: { kind: 'one-hot', input: 'primaryPropertyType', category: 'Hotel' } },
  { name: 'office', encoding: { kind: 'one-hot', input: 'primaryPropertyType', category: 'Large Office' } },
  { name: 'hotelShare', encoding: { kind: 'use-share', useType: 'Hotel' } },
  { name: 'officeShare', encoding: { kind: 'use-share', useType: 'Office' } },
  {
    name: 'net',
    encoding: {
      kind: 'expression',
      expression: '(propertyGfaTotal - propertyGfaParking) / numberOfFloors',
      inputs: ['propertyGfaTotal', 'propertyGfaParking', 'numberOfFloors'],
    },
  },
  { name: 'score', encoding: { kind: 'numeric', input: 'energyStarScore' } },
  { name: 'bt', encoding: { kind: 'one-hot', input: 'buildingType', category: 'Campus' } },
];

t.test('each encoding kind, in list order', async (t) => {
  const vector = compileEncoder(features)(building);
  t.ok(vector instanceof Float64Array);
  t.same(Array.from(vector), [1927, Math.log1p(100000), 100000 / 12, 1, 0, 1, 0, 0.7, 0, 80000 / 12, NaN, NaN]);
});

t.test('missing optional inputs give NaN', async (t) => {
  const bare = {
    primaryPropertyType: 'Hotel',
    neighborhood: 'Downtown',
    yearBuilt: 1990,
    numberOfFloors: 2,
    propertyGfaTotal: 30000,
  };
  const vector = Array.from(compileEncoder(features)(bare));
  t.same(vector.slice(3, 5), [NaN, NaN], 'booleans');
  t.same(vector.slice(7, 9), [NaN, NaN], 'use shares without any use type');
  t.same(vector[9], NaN, 'an expression over a missing input');
});

t.test('use shares divide by the larger of the total and the declared areas', async (t) => {
  const over = { ...building, propertyGfaTotal: 50000, propertyGfaParking: 0 };
  const [hotel] = Array.from(compileEncoder([features[7]!])(over));
  t.equal(hotel, 70000 / 90000);
});

t.test('use mixes are shares of the declared use areas, whatever the total floor area', async (t) => {
  const mix: BundleFeature[] = [
    { name: 'hotelMix', encoding: { kind: 'use-mix', useType: 'Hotel' } },
    { name: 'parkingMix', encoding: { kind: 'use-mix', useType: 'Parking' } },
    { name: 'officeMix', encoding: { kind: 'use-mix', useType: 'Office' } },
  ];
  const encode = compileEncoder(mix);
  t.same(Array.from(encode(building)), [70000 / 90000, 20000 / 90000, 0]);
  t.same(Array.from(encode({ ...building, propertyGfaTotal: 5_000_000 })), [70000 / 90000, 20000 / 90000, 0]);
  const zeroArea = { ...building, secondLargestPropertyUseTypeGfa: 0 };
  t.same(Array.from(encode(zeroArea)), [1, 0, 0], 'a use named with 0 sq ft does not count');
  const bare = { primaryPropertyType: 'Hotel', neighborhood: 'Downtown', yearBuilt: 1990, numberOfFloors: 2 };
  t.same(Array.from(encode({ ...bare, propertyGfaTotal: 30000 })), [NaN, NaN, NaN], 'no use type declared');
  t.same(featureInputs(mix[0]!.encoding), [
    'largestPropertyUseType',
    'largestPropertyUseTypeGfa',
    'secondLargestPropertyUseType',
    'secondLargestPropertyUseTypeGfa',
    'thirdLargestPropertyUseType',
    'thirdLargestPropertyUseTypeGfa',
  ]);
});

t.test('expressions may not read undeclared inputs or reach the evaluator', async (t) => {
  const bad = (expression: string): BundleFeature => ({
    name: 'x',
    encoding: { kind: 'expression', expression, inputs: ['yearBuilt'] },
  });
  t.throws(() => compileEncoder([bad('yearBuilt + process')]), BundleError);
  t.throws(() => compileEncoder([bad('yearBuilt +')]), { code: 'BUNDLE_ENCODING_INVALID' });
  t.throws(() => compileEncoder([bad('evaluate("1 + 1") + yearBuilt')]), {
    code: 'BUNDLE_ENCODING_INVALID',
    message: /unexpected """/,
  });
  t.throws(() => compileEncoder([bad('constructor(yearBuilt)')]), {
    code: 'BUNDLE_ENCODING_INVALID',
    message: /calls constructor/,
  });
  t.throws(() => compileEncoder([bad('yearBuilt ^ 2')]), { code: 'BUNDLE_ENCODING_INVALID' });
  t.same(Array.from(compileEncoder([bad('max(yearBuilt, 2000) - 1')])(building)), [1999]);
});

t.test('inputs read by each kind', async (t) => {
  t.same(featureInputs({ kind: 'ratio', numerator: 'a', denominator: 'b' }), ['a', 'b']);
  t.same(featureInputs({ kind: 'use-share', useType: 'Hotel' }), [
    'propertyGfaTotal',
    'largestPropertyUseType',
    'largestPropertyUseTypeGfa',
    'secondLargestPropertyUseType',
    'secondLargestPropertyUseTypeGfa',
    'thirdLargestPropertyUseType',
    'thirdLargestPropertyUseTypeGfa',
  ]);
});

t.test(
  'contributions fold onto input fields: whole, split among given inputs, or among all when none is given',
  async (t) => {
    const few: BundleFeature[] = [
      { name: 'year', encoding: { kind: 'numeric', input: 'yearBuilt' } },
      { name: 'perFloor', encoding: { kind: 'ratio', numerator: 'propertyGfaTotal', denominator: 'numberOfFloors' } },
      { name: 'parking', encoding: { kind: 'ratio', numerator: 'propertyGfaParking', denominator: 'energyStarScore' } },
      { name: 'lat', encoding: { kind: 'ratio', numerator: 'latitude', denominator: 'longitude' } },
    ];
    const inputs = [
      'yearBuilt',
      'numberOfFloors',
      'propertyGfaTotal',
      'propertyGfaParking',
      'latitude',
      'longitude',
      'energyStarScore',
    ];
    t.same(foldContributions(few, inputs, building, [0.5, -0.8, 0.25, 0.1, 2]), [
      { feature: 'yearBuilt', value: 0.5 },
      { feature: 'numberOfFloors', value: -0.4 },
      { feature: 'propertyGfaTotal', value: -0.4 },
      { feature: 'propertyGfaParking', value: 0.25 },
      { feature: 'latitude', value: 0.05 },
      { feature: 'longitude', value: 0.05 },
      { feature: 'energyStarScore', value: 0 },
    ]);
  },
);

t.test('the interval takes the first stratum that applies, or the widest', async (t) => {
  const interval: ModelBundle['interval'] = {
    level: 0.9,
    strata: [
      { when: { present: ['energyStarScore'] }, halfWidth: 0.5 },
      {
        when: { absent: ['energyStarScore'], range: { input: 'propertyGfaTotal', min: null, max: 50000 } },
        halfWidth: 1,
      },
      {
        when: { absent: ['energyStarScore'], range: { input: 'propertyGfaTotal', min: 50000, max: null } },
        halfWidth: 0.75,
      },
    ],
  };
  t.same(predictionInterval(interval, { ...building, energyStarScore: 60 }, 10), {
    low: Math.exp(9.5),
    high: Math.exp(10.5),
    level: 0.9,
  });
  t.same(predictionInterval(interval, { ...building, propertyGfaTotal: 49999 }, 10), {
    low: Math.exp(9),
    high: Math.exp(11),
    level: 0.9,
  });
  t.same(predictionInterval(interval, { ...building, propertyGfaTotal: 50000 }, 10), {
    low: Math.exp(9.25),
    high: Math.exp(10.75),
    level: 0.9,
  });
  t.same(predictionInterval(interval, { yearBuilt: 1990 }, 10), { low: Math.exp(9), high: Math.exp(11), level: 0.9 });
});
