/**
 * The arithmetic a bundle's derived features may declare: numbers, the feature's named inputs, `+ - * /`, unary
 * minus, parentheses and the functions below, with mathjs's syntax and number semantics (a strict subset of it; the
 * tests evaluate every expression with mathjs too and require the same double). A dedicated compiler instead of
 * mathjs itself at run time: mathjs instantiates its whole library on import (seconds on a busy 2-core machine),
 * which the service would pay on every start, for four operators.
 *
 * Nothing in an expression can reach JavaScript: it is parsed into a tree of closures over `Math` functions, and any
 * name that is not one of the feature's inputs or the functions below is refused at bundle load.
 */

/** Evaluates a compiled expression with its inputs bound to numbers (NaN for a missing input). */
export type CompiledExpression = (scope: Readonly<Record<string, number>>) => number;

const FUNCTIONS: Readonly<Record<string, { arity: number; fn: (...args: number[]) => number }>> = {
  log: { arity: 1, fn: Math.log },
  log1p: { arity: 1, fn: Math.log1p },
  exp: { arity: 1, fn: Math.exp },
  sqrt: { arity: 1, fn: Math.sqrt },
  abs: { arity: 1, fn: Math.abs },
  min: { arity: 2, fn: Math.min },
  max: { arity: 2, fn: Math.max },
};

/** The functions an expression may call. */
export const EXPRESSION_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS);

type Token = { kind: 'number'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let rest = source;
  while (rest.length > 0) {
    const space = /^\s+/.exec(rest);
    if (space) {
      rest = rest.slice(space[0].length);
      continue;
    }
    const number = NUMBER.exec(rest);
    const name = number ? null : NAME.exec(rest);
    if (number) tokens.push({ kind: 'number', value: Number(number[0]) });
    else if (name) tokens.push({ kind: 'name', value: name[0] });
    else if ('+-*/(),'.includes(rest[0]!)) tokens.push({ kind: 'op', value: rest[0]! });
    else throw new SyntaxError(`unexpected "${rest[0]!}" at position ${source.length - rest.length + 1}`);
    rest = rest.slice((number ?? name)?.[0].length ?? 1);
  }
  return tokens;
}

/**
 * Parses `source` into an evaluator. Throws a SyntaxError naming the problem (unknown name, unknown function, wrong
 * number of arguments, anything outside the grammar).
 *
 * @example
 * const perFloor = compileExpression('(propertyGfaTotal - propertyGfaParking) / numberOfFloors',
 *   ['propertyGfaTotal', 'propertyGfaParking', 'numberOfFloors']);
 * perFloor({ propertyGfaTotal: 90000, propertyGfaParking: 10000, numberOfFloors: 4 }); // 20000
 */
export function compileExpression(source: string, inputs: readonly string[]): CompiledExpression {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const isOp = (value: string): boolean => {
    const token = peek();
    return token !== undefined && token.kind === 'op' && token.value === value;
  };
  const expect = (value: string): void => {
    if (!isOp(value)) throw new SyntaxError(`expected "${value}" in "${source}"`);
    at++;
  };

  // sum := product (('+' | '-') product)*; product := unary (('*' | '/') unary)*; unary := '-' unary | '+' unary | atom
  function sum(): CompiledExpression {
    let left = product();
    while (isOp('+') || isOp('-')) {
      const minus = (tokens[at++] as Token).value === '-';
      const l = left;
      const r = product();
      left = minus ? (s) => l(s) - r(s) : (s) => l(s) + r(s);
    }
    return left;
  }
  function product(): CompiledExpression {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const divide = (tokens[at++] as Token).value === '/';
      const l = left;
      const r = unary();
      left = divide ? (s) => l(s) / r(s) : (s) => l(s) * r(s);
    }
    return left;
  }
  function unary(): CompiledExpression {
    if (isOp('-')) {
      at++;
      const operand = unary();
      return (s) => -operand(s);
    }
    if (isOp('+')) {
      at++;
      return unary();
    }
    return atom();
  }
  function atom(): CompiledExpression {
    const token = tokens[at++];
    if (token === undefined) throw new SyntaxError(`"${source}" ends too early`);
    if (token.kind === 'number') {
      const value = token.value;
      return () => value;
    }
    if (token.kind === 'op' && token.value === '(') {
      const inner = sum();
      expect(')');
      return inner;
    }
    if (token.kind === 'name') return isOp('(') ? call(token.value) : variable(token.value);
    throw new SyntaxError(`unexpected "${token.value}" in "${source}"`);
  }
  function variable(name: string): CompiledExpression {
    if (!inputs.includes(name)) {
      throw new SyntaxError(`"${source}" reads ${name}, which is not among its inputs (${inputs.join(', ')})`);
    }
    return (s) => {
      const value = s[name];
      return typeof value === 'number' ? value : NaN;
    };
  }
  function call(name: string): CompiledExpression {
    const known = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
    if (known === undefined) {
      throw new SyntaxError(`"${source}" calls ${name}; the functions allowed are ${EXPRESSION_FUNCTIONS.join(', ')}`);
    }
    expect('(');
    const args: CompiledExpression[] = [sum()];
    while (isOp(',')) {
      at++;
      args.push(sum());
    }
    expect(')');
    if (args.length !== known.arity) {
      throw new SyntaxError(`${name} takes ${known.arity} argument(s), "${source}" gives ${args.length}`);
    }
    const fn = known.fn;
    const [a, b] = args as [CompiledExpression, CompiledExpression?];
    return b === undefined ? (s) => fn(a(s)) : (s) => fn(a(s), b(s));
  }

  const root = sum();
  if (at !== tokens.length) throw new SyntaxError(`unexpected "${String(tokens[at]!.value)}" in "${source}"`);
  return root;
}
