/**
 * Turns validated numbers into JavaScript source. Generated code never contains text from a model file: only numbers
 * that passed these checks, printed in the shortest form that parses back to the same double (ECMAScript's
 * Number-to-String round-trips), with -0 and the infinities spelled out.
 */

/**
 * Source text for a number that reads back as exactly `value` (NaN is refused: a model never needs one in code).
 *
 * @example
 * ```ts
 * numberLiteral(0.30000001192092896); // '0.30000001192092896'
 * numberLiteral(-0);                  // '-0'
 * ```
 */
export function numberLiteral(value: number): string {
  if (typeof value !== 'number' || value !== value) throw new RangeError(`cannot emit ${String(value)} as a literal`);
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  const text = String(value);
  // Belt and braces: the literal must read back to the same double, whatever produced it.
  if (Number(text) !== value) throw new RangeError(`literal ${text} does not round-trip`);
  return text;
}

/**
 * Source text for a non-negative integer index (node, feature, offset), refusing anything else.
 *
 * @example
 * ```ts
 * indexLiteral(12); // '12'
 * ```
 */
export function indexLiteral(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot emit ${String(value)} as an index`);
  return String(value);
}

/**
 * Whether this environment lets code be generated at all: a Content-Security-Policy without `unsafe-eval` makes
 * `new Function` throw, and then only the interpreted evaluator can run.
 *
 * @example
 * ```ts
 * if (!codeGenerationAllowed()) console.warn('using the interpreted evaluator');
 * ```
 */
export function codeGenerationAllowed(): boolean {
  try {
    // The probe a Content-Security-Policy without `unsafe-eval` refuses.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- probes whether this host lets the compilers generate code
    const probe = new Function('return 1') as () => number;
    return probe() === 1;
  } catch {
    return false;
  }
}
