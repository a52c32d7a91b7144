import t from 'tap';
import { validateBuilding } from '../src/index.js';

const base = {
  primaryPropertyType: 'Hotel',
  neighborhood: 'Downtown',
  yearBuilt: 1990,
  numberOfFloors: 3,
  propertyGfaTotal: 50000,
  buildingType: 'NonResidential',
  largestPropertyUseType: 'Hotel',
  secondLargestPropertyUseType: 'Parking',
  thirdLargestPropertyUseType: 'Restaurant',
};
const stringFields = [
  'primaryPropertyType',
  'neighborhood',
  'buildingType',
  'largestPropertyUseType',
  'secondLargestPropertyUseType',
  'thirdLargestPropertyUseType',
] as const;

// Every character the rule names: C0 controls, DEL, zero-width, bidirectional embeddings/overrides/isolates, BOM.
const hidden = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  0x7f,
  0x200b,
  0x200c,
  0x200d,
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
  0xfeff,
];
const hex = (code: number) => code.toString(16).toUpperCase().padStart(4, '0');

t.test('a string field holding a hidden character is refused, naming the field; never stripped to match', async (t) => {
  t.equal(hidden.length, 46);
  for (const field of stringFields) {
    for (const code of hidden) {
      for (const at of ['end', 'start', 'middle'] as const) {
        const clean = base[field];
        const char = String.fromCharCode(code);
        const value =
          at === 'end' ? clean + char : at === 'start' ? char + clean : clean.slice(0, 2) + char + clean.slice(2);
        const result = validateBuilding({ ...base, [field]: value });
        if (result.ok) {
          t.fail(`${field} with U+${hex(code)} at the ${at} was accepted`);
          continue;
        }
        t.same(
          result.errors.map((e) => e.path),
          [field],
          `${field} U+${hex(code)} ${at}`,
        );
      }
    }
  }
});

t.test('the refusal says which character and where, and quotes it escaped', async (t) => {
  t.same(validateBuilding({ ...base, primaryPropertyType: 'Hotel\u0000' }), {
    ok: false,
    errors: [
      {
        path: 'primaryPropertyType',
        message:
          'primaryPropertyType must not contain control, zero-width, bidirectional or byte-order-mark characters (U+0000 at character 6 of "Hotel\\u0000")',
      },
    ],
  });
  const bidi = validateBuilding({ ...base, neighborhood: '\u202eDowntown' });
  t.same(bidi.ok ? [] : bidi.errors, [
    {
      path: 'neighborhood',
      message:
        'neighborhood must not contain control, zero-width, bidirectional or byte-order-mark characters (U+202E at character 1 of "\\u202eDowntown")',
    },
  ]);
});

t.test('no answer ever quotes a hidden character as such', async (t) => {
  const isHidden = (c: number) =>
    c <= 0x1f ||
    c === 0x7f ||
    (c >= 0x200b && c <= 0x200d) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0xfeff;
  const inputs = [
    { ...base, 'colour\u202e': 'red' },
    { ...base, yearBuilt: '19\u000027' },
    { ...base, primaryPropertyType: 'Hot\u200bel' },
    { ...base, primaryPropertyType: 7, neighborhood: '\ufeffDowntown' },
  ];
  for (const input of inputs) {
    const result = validateBuilding(input);
    t.notOk(result.ok);
    const text = JSON.stringify(result.ok ? [] : result.errors.map((e) => e.message));
    const message = JSON.parse(text) as string[];
    t.notOk(
      message.some((m) => [...m].some((c) => isHidden(c.charCodeAt(0)))),
      `escaped: ${text}`,
    );
  }
});

t.test('ordinary letters, spaces and punctuation are not hidden characters', async (t) => {
  t.ok(validateBuilding({ ...base, primaryPropertyType: ' Supermarket / Grocery Store ' }).ok);
  t.ok(validateBuilding({ ...base, neighborhood: 'MAGNOLIA / QUEEN ANNE' }).ok);
});
