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
          'primaryPropertyType must not contain control or invisible formatting characters (zero-width, bidirectional, byte-order mark...): U+0000 at character 6 of "Hotel\\u0000"',
      },
    ],
  });
  const bidi = validateBuilding({ ...base, neighborhood: '\u202eDowntown' });
  t.same(bidi.ok ? [] : bidi.errors, [
    {
      path: 'neighborhood',
      message:
        'neighborhood must not contain control or invisible formatting characters (zero-width, bidirectional, byte-order mark...): U+202E at character 1 of "\\u202eDowntown"',
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
      message.some((m) => [...m].some((c) => isHidden(c.codePointAt(0) ?? 0))),
      `escaped: ${text}`,
    );
  }
});

t.test('the other invisible characters the matcher would drop are refused too', async (t) => {
  // C1 control, soft hyphen, Arabic letter mark, left-to-right mark, word joiner, invisible plus, line separator,
  // paragraph separator, a tag character (outside the BMP: named and counted as one character).
  for (const [code, name] of [
    [0x85, 'U+0085'],
    [0xad, 'U+00AD'],
    [0x61c, 'U+061C'],
    [0x200e, 'U+200E'],
    [0x2060, 'U+2060'],
    [0x2064, 'U+2064'],
    [0x2028, 'U+2028'],
    [0x2029, 'U+2029'],
    [0xe0041, 'U+E0041'],
  ] as const) {
    const result = validateBuilding({ ...base, primaryPropertyType: `Ho${String.fromCodePoint(code)}tel` });
    const message = result.ok ? '' : (result.errors[0]?.message ?? '');
    t.ok(message.includes(`: ${name} at character 3 of "Ho\\u`), message);
  }
});

t.test('ordinary letters, spaces and punctuation are not hidden characters', async (t) => {
  t.ok(validateBuilding({ ...base, primaryPropertyType: ' Supermarket / Grocery Store ' }).ok);
  t.ok(validateBuilding({ ...base, neighborhood: 'MAGNOLIA / QUEEN ANNE' }).ok);
});
