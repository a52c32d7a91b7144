import type { FieldError } from './contract.js';

/** Unknown fields tolerated before a building is refused without running the validator. */
export const MAX_UNKNOWN_FIELDS = 5;

/**
 * Refuses, cheaply, a building object carrying more than `MAX_UNKNOWN_FIELDS` unknown fields: the validator spends
 * about a quarter of a millisecond on each unknown field (it explains each one), so a 2 MB body of tens of thousands
 * of keys would hold a worker for many seconds and answer tens of megabytes. Lists the first unknown fields and the
 * count; returns undefined when the validator should run.
 *
 * @example
 * unknownFieldFlood({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, new Map()) // [{ path: 'a', ... }, ..., { path: '', message: '6 unknown fields ...' }]
 */
export function unknownFieldFlood(input: unknown, known: { has(field: string): boolean }): FieldError[] | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  let count = 0;
  const listed: FieldError[] = [];
  for (const key in input) {
    if (!Object.hasOwn(input, key) || known.has(key)) continue;
    if (++count <= MAX_UNKNOWN_FIELDS) listed.push({ path: key.slice(0, 100), message: 'unknown field' });
  }
  if (count <= MAX_UNKNOWN_FIELDS) return undefined;
  return [...listed, { path: '', message: `${count} unknown fields; a building has at most ${MAX_UNKNOWN_FIELDS} unknown fields before it is refused unread` }];
}
