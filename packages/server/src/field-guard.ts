import type { FieldError } from './contract.js';

/**
 * Unknown fields tolerated before a building is refused without running the validator: more than a building has
 * fields at all, so a person's typos are always answered by the validator in full, with every other violation too.
 */
export const MAX_UNKNOWN_FIELDS = 20;

/**
 * Refuses, cheaply, a building object carrying more than `MAX_UNKNOWN_FIELDS` unknown fields: the validator spends
 * about a quarter of a millisecond on each unknown field (it explains each one), so a 2 MB body of tens of thousands
 * of keys would hold a worker for many seconds and answer tens of megabytes. Lists the first unknown fields and the
 * count; returns undefined when the validator should run.
 *
 * @example
 * unknownFieldFlood(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, i])), new Set()) // [{ path: 'f0', ... }, ..., { path: '', message: '21 unknown fields, ...' }]
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
  return [
    ...listed,
    {
      path: '',
      message: `${count} unknown fields, the first ${MAX_UNKNOWN_FIELDS} listed; a building with more than ${MAX_UNKNOWN_FIELDS} unknown fields is not checked further`,
    },
  ];
}
