// The page's state in its address, so that an owner can bookmark or share it: the fields as typed (invalid ones
// included, so that the link shows the same messages) and the city's record the form was filled from.

const RECORD_ID = /^[1-9][0-9]{0,9}$/;
const MAX_VALUE_LENGTH = 200;

/**
 * The fields and record a query string carries; names that are not fields of the form are ignored.
 * @param {string} search
 * @param {Set<string>} names
 */
export function readUrlState(search, names) {
  const params = new URLSearchParams(search);
  /** @type {Map<string, string>} */
  const fields = new Map();
  for (const [name, value] of params) {
    if (names.has(name) && !fields.has(name)) fields.set(name, value.slice(0, MAX_VALUE_LENGTH));
  }
  const record = params.get('record') ?? '';
  return { fields, record: RECORD_ID.test(record) ? record : undefined };
}

/**
 * Replaces the page's address with the form's current state (no new history entry per keystroke).
 * @param {(HTMLInputElement | HTMLSelectElement)[]} controls
 * @param {number | string | undefined} record
 */
export function writeUrlState(controls, record) {
  const params = new URLSearchParams();
  if (record !== undefined) params.set('record', String(record));
  for (const control of controls) {
    const value = control.value.trim();
    if (value !== '') params.set(control.name, value);
  }
  const query = params.toString();
  const { pathname, search, hash } = window.location;
  const next = `${pathname}${query ? `?${query}` : ''}${hash}`;
  if (next !== `${pathname}${search}${hash}`) window.history.replaceState(null, '', next);
}
