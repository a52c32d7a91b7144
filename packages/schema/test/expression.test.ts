// Bundle expressions are evaluated by a small dedicated compiler; mathjs, whose syntax and number semantics it
// follows, is the reference: every expression here, and every expression of the committed bundles, must give the
// same double as mathjs's own evaluate.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { all, create, type FactoryFunctionMap } from 'mathjs';
import { compileExpression, EXPRESSION_FUNCTIONS } from '../src/bundle/expression.js';

const math = create(all as FactoryFunctionMap, { number: 'number' });
const models = fileURLToPath(new URL('../../../models/', import.meta.url));

function mathjsValue(expression: string, scope: Record<string, number>): number {
  const value: unknown = math.evaluate(expression, { ...scope });
  return typeof value === 'number' ? value : NaN;
}

const scopes: Record<string, number>[] = [
  { a: 90000, b: 10000, c: 4 },
  { a: 1e-300, b: 3e300, c: -7.25 },
  { a: 0, b: 0, c: 0 },
  { a: -0, b: 1, c: -1 },
  { a: NaN, b: 2, c: 3 },
  { a: 0.1, b: 0.2, c: 0.3 },
  { a: 123456789.123, b: 2 ** 53, c: 1 / 3 },
];

const expressions = [
  'a - b',
  '(a - b) / c',
  'a / b / c',
  'a - b - c',
  'a + b * c',
  '-a + +b',
  '- (a - b) * -c',
  '2.5e3 * a / .5',
  'log1p(a) - log(b + 1)',
  'sqrt(abs(c)) + exp(c / 100)',
  'max(a, b) - min(b, c)',
  'a / (b - b)',
];

t.test('gives the same double as mathjs', async (t) => {
  for (const expression of expressions) {
    const compiled = compileExpression(expression, ['a', 'b', 'c']);
    for (const scope of scopes) {
      t.same(compiled(scope), mathjsValue(expression, scope), `${expression} with ${JSON.stringify(scope)}`);
    }
  }
});

t.test('every expression of the committed bundles agrees with mathjs on their golden buildings', async (t) => {
  let checked = 0;
  for (const name of readdirSync(models)) {
    for (const version of readdirSync(join(models, name))) {
      const dir = join(models, name, version);
      const bundle = JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8')) as {
        features: { encoding: { kind: string; expression?: string; inputs?: string[] } }[];
      };
      const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as {
        rows: { building: Record<string, unknown> }[];
      };
      for (const { encoding } of bundle.features) {
        if (encoding.kind !== 'expression') continue;
        const inputs = encoding.inputs ?? [];
        const compiled = compileExpression(encoding.expression ?? '', inputs);
        for (const { building } of golden.rows) {
          const scope = Object.fromEntries(inputs.map((i) => [i, typeof building[i] === 'number' ? building[i] : NaN]));
          t.same(compiled(scope), mathjsValue(encoding.expression ?? '', scope));
          checked++;
        }
      }
    }
  }
  t.ok(checked > 0, `${checked} evaluations compared`);
});

t.test('refuses anything outside the grammar, naming the problem', async (t) => {
  const refuse = (expression: string, message: RegExp) =>
    t.throws(() => compileExpression(expression, ['a']), { name: 'SyntaxError', message }, expression);
  refuse('a + secret', /reads secret, which is not among its inputs \(a\)/);
  refuse('constructor(a)', /calls constructor/);
  refuse('__proto__', /reads __proto__/);
  refuse('a ^ 2', /unexpected "\^"/);
  refuse('a +', /ends too early/);
  refuse('(a', /expected "\)"/);
  refuse('2 a', /unexpected "a"/);
  refuse('max(a)', /max takes 2 argument/);
  refuse('a; 1', /unexpected ";"/);
  refuse('"a"', /unexpected """/);
  t.same(EXPRESSION_FUNCTIONS, ['log', 'log1p', 'exp', 'sqrt', 'abs', 'min', 'max']);
});
