// "Find your building": searches the city's 2016 records as the person types and hands the picked record to the
// form. Results are plain buttons in a list: reachable with Tab, and with the arrow keys from the search box.

const DEBOUNCE_MS = 250;
const MIN_QUERY = 2;

const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * The city writes some names in capitals; people read them more easily in title case. Words with digits keep a
 * readable form: "5TH" becomes "5th", a code such as "ID8" stays as it is.
 */
export function readable(text) {
  const value = String(text ?? '').trim();
  if (value !== value.toUpperCase() || !/\p{L}/u.test(value)) return value;
  return value.replace(/[\p{L}\p{N}']+/gu, (word) => {
    if (/^\p{N}/u.test(word)) return word.toLowerCase();
    if (/\p{N}/u.test(word)) return word;
    return word[0] + word.slice(1).toLowerCase();
  });
}

async function getJson(path, signal) {
  const response = await fetch(new URL(path, document.baseURI), {
    headers: { accept: 'application/json, application/problem+json' },
    signal,
  });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

/** One record of the city's file, as the API reads it, with what it reported and how it compares. */
export function fetchRecord(id) {
  return getJson(`v1/buildings/${encodeURIComponent(id)}`);
}

/**
 * Wires the search form.
 * @param {{ onPick: (record: any) => void }} options
 */
export function initFinder({ onPick }) {
  const finder = /** @type {HTMLFormElement} */ (byId('finder'));
  const input = /** @type {HTMLInputElement} */ (byId('finder-q'));
  const list = byId('finder-results');
  const status = byId('finder-status');
  let timer = 0;
  /** @type {AbortController | undefined} */
  let inFlight;

  const buttons = () => /** @type {HTMLButtonElement[]} */ (Array.from(list.querySelectorAll('button')));

  function clear(message = '') {
    inFlight?.abort();
    list.replaceChildren();
    list.hidden = true;
    status.textContent = message;
  }

  async function search() {
    window.clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < MIN_QUERY) {
      clear(query.length === 0 ? '' : `Type at least ${MIN_QUERY} letters or digits.`);
      return;
    }
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    try {
      const found = await getJson(`v1/buildings?q=${encodeURIComponent(query)}`, controller.signal);
      const items = found.results.map((result) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'result';
        button.dataset.id = String(result.id);
        const name = Object.assign(document.createElement('span'), {
          className: 'result-name',
          textContent: readable(result.name),
        });
        const detail = Object.assign(document.createElement('span'), {
          className: 'result-detail',
          textContent: `${readable(result.address)} · ${result.type}`,
        });
        button.append(name, detail);
        const item = document.createElement('li');
        item.append(button);
        return item;
      });
      list.replaceChildren(...items);
      list.hidden = items.length === 0;
      status.textContent =
        items.length === 0
          ? `No building found for "${query}" in the 2016 records. You can describe your building below.`
          : `${items.length === 20 ? 'The first 20' : items.length} ${items.length === 1 ? 'building' : 'buildings'} found. Choose yours below${items.length === 20 ? ', or add words to narrow the search' : ''}.`;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      clear('The search is not available right now. You can describe your building below.');
    }
  }

  async function pick(button) {
    status.textContent = 'Loading the record…';
    try {
      const record = await fetchRecord(button.dataset.id ?? '');
      clear('');
      input.value = '';
      onPick(record);
    } catch {
      status.textContent = 'That record could not be loaded right now. Please try again in a moment.';
    }
  }

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void search(), DEBOUNCE_MS);
  });
  finder.addEventListener('submit', (event) => {
    event.preventDefault();
    void search();
  });
  list.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (button) void pick(button);
  });
  // Arrow keys move between the search box and the results; Escape goes back to the box.
  finder.addEventListener('keydown', (event) => {
    const all = buttons();
    if (all.length === 0) return;
    const at = all.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
    let next;
    if (event.key === 'ArrowDown') next = at < 0 ? all[0] : all[Math.min(at + 1, all.length - 1)];
    else if (event.key === 'ArrowUp' && at >= 0) next = at === 0 ? input : all[at - 1];
    else if (event.key === 'Escape' && at >= 0) next = input;
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });
}
