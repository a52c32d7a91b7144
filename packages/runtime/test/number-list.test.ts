// The one-pass number-list scanner of the text loaders gives exactly what `split(' ')` and `Number` give for plain
// decimals (bit for bit, -0 included), and gives up on everything else so that the strict parser decides.
import t from 'tap';
import { scanNumberList } from '../src/formats/number-list.js';

const reference = (text: string): number[] => text.split(' ').map(Number);

t.test('plain decimals read back exactly as Number reads them', async (t) => {
  const tokens = [
    '0',
    '-0',
    '+3',
    '007',
    '1.',
    '.5',
    '-.5',
    '1e5',
    '1E-5',
    '2.5e+3',
    '-1.25E-07',
    '9007199254740993',
    '123456789012345',
    '1234567890123456',
    '0.57450000000000012',
    '-0.0',
    '1e-320',
    '1.7976931348623157e308',
  ];
  const text = tokens.join(' ');
  const got = scanNumberList(text, false, tokens.length);
  t.ok(got);
  const want = reference(text);
  tokens.forEach((token, i) => t.ok(Object.is(got![i], want[i]), `${token}: ${got![i]} vs ${want[i]}`));
});

t.test('random doubles printed with 17 significant digits and shortest form', async (t) => {
  let seed = 12345;
  const random = (): number =>
    ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 10 ** ((seed % 21) - 10);
  const values = Array.from({ length: 2000 }, random);
  for (const text of [values.map((v) => v.toPrecision(17)).join(' '), values.map(String).join(' ')]) {
    const got = scanNumberList(text, false);
    const want = reference(text);
    t.equal(got?.length, want.length);
    t.ok(
      want.every((w, i) => Object.is(got![i], w)),
      'every value equal',
    );
  }
});

t.test('integers: digits only, at most 15, exact', async (t) => {
  t.same(Array.from(scanNumberList('0 -3 +4 123456789012345', true, 4)!), [0, -3, 4, 123456789012345]);
  t.ok(Object.is(scanNumberList('-0', true)![0], -0));
  for (const text of ['1.5', '1e3', '1234567890123456', 'x']) t.equal(scanNumberList(text, true), undefined, text);
});

t.test('gives up on what the strict parser must judge', async (t) => {
  for (const text of [
    '1 inf',
    '-inf',
    'nan',
    '1  2',
    '1 2 ',
    ' 1',
    '1,2',
    '1e',
    '1e+',
    '-',
    '+',
    '.',
    '1..2',
    '0x10',
    '1_000',
  ]) {
    t.equal(scanNumberList(text, false), undefined, JSON.stringify(text));
  }
  t.equal(scanNumberList('1 2 3', false, 2), undefined, 'wrong length');
  t.equal(scanNumberList('', false, 1), undefined, 'empty list where one value is due');
  t.equal(scanNumberList('', false)?.length, 0);
});
