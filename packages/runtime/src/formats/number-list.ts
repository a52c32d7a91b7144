/**
 * Fast scanners for the space-separated number lists of text model formats (LightGBM's `threshold=...`,
 * `left_child=...`). One pass over the characters into a preallocated Float64Array, instead of `split(' ')`, a regular
 * expression and `Number` per token. They accept only the plain common spellings and give up (`undefined`) on anything
 * else, so that the caller's strict, slower path decides, and words, every error message included, exactly as before.
 * Decimal fractions still go through `Number` (correctly rounded); only integers are accumulated by hand.
 */

const SPACE = 32;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;
/** Up to 15 decimal digits always fit a double exactly. */
const EXACT_DIGITS = 15;

/** Tokens of `text` split at single spaces (`text.split(' ').length`), `text` non-empty. */
function countTokens(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === SPACE) n++;
  return n;
}

/**
 * The numbers of a trimmed, single-space-separated list, or `undefined` when a token is not a plain decimal
 * (`[+-]digits[.digits][e[+-]digits]`), when `integers` is set and a token is not `[+-]digits` of at most 15 digits,
 * or when the list does not have `length` tokens.
 *
 * @example
 * ```ts
 * scanNumberList('1 -2.5 3e-2', false, 3); // Float64Array [1, -2.5, 0.03]
 * scanNumberList('1 inf', false);          // undefined: the caller's full parser handles "inf"
 * ```
 */
export function scanNumberList(text: string, integers: boolean, length?: number): Float64Array | undefined {
  if (text === '') return length === undefined || length === 0 ? new Float64Array(0) : undefined;
  const count = countTokens(text);
  if (length !== undefined && count !== length) return undefined;
  const out = new Float64Array(count);
  const end = text.length;
  let i = 0;
  for (let n = 0; n < count; n++) {
    const start = i;
    let c = text.charCodeAt(i);
    let negative = false;
    if (c === PLUS || c === MINUS) {
      negative = c === MINUS;
      c = text.charCodeAt(++i);
    }
    let digits = 0;
    let whole = 0;
    while (c >= ZERO && c <= NINE) {
      whole = whole * 10 + (c - ZERO);
      digits++;
      c = text.charCodeAt(++i);
    }
    let plain = true; // integer of at most 15 digits: exact by hand
    if (c === DOT) {
      if (integers) return undefined;
      plain = false;
      c = text.charCodeAt(++i);
      while (c >= ZERO && c <= NINE) {
        digits++;
        c = text.charCodeAt(++i);
      }
    }
    if (digits === 0) return undefined;
    if (c === LOWER_E || c === UPPER_E) {
      if (integers) return undefined;
      plain = false;
      c = text.charCodeAt(++i);
      if (c === PLUS || c === MINUS) c = text.charCodeAt(++i);
      let exponent = 0;
      while (c >= ZERO && c <= NINE) {
        exponent++;
        c = text.charCodeAt(++i);
      }
      if (exponent === 0) return undefined;
    }
    if (i < end && c !== SPACE) return undefined;
    if (plain && digits <= EXACT_DIGITS) out[n] = negative ? -whole : whole;
    else if (integers) return undefined;
    else out[n] = Number(text.slice(start, i));
    i++; // the separating space
  }
  return out;
}
