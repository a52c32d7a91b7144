// The citizen page: reads the building form, asks the API for an estimate as the person types, and explains it.
// Plain browser JavaScript with no build step and no third-party code, so that the page works offline and under
// the server's `default-src 'self'` Content-Security-Policy (no inline script or style anywhere).

const KBTU_PER_KWH = 3.412142;
const LOCALE = 'en-US';
const DEBOUNCE_MS = 400;
const MAX_FACTORS = 6;
const SVG_NS = 'http://www.w3.org/2000/svg';

// People reading an estimate need its size, not false precision: three significant digits.
const approx = new Intl.NumberFormat(LOCALE, { maximumSignificantDigits: 3 });
const whole = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 0 });

import { clearComparison, comparisonSummary, renderComparison } from './comparison.js';
import { fetchRecord, initFinder } from './finder.js';
import { readUrlState, writeUrlState } from './url-state.js';

const form = /** @type {HTMLFormElement} */ (document.getElementById('building-form'));

// Labels that lean on their neighbour on screen ("Its floor area") need their full name when read elsewhere.
/** @type {Record<string, string>} */
const FULL_NAMES = {};

/** The three use-type rows, made from one template: a use type and its floor area for each slot. */
function buildUseTypeRows() {
  const template = /** @type {HTMLTemplateElement} */ (document.getElementById('use-type-row'));
  for (const slot of /** @type {NodeListOf<HTMLElement>} */ (form.querySelectorAll('[data-use-slot]'))) {
    const row = /** @type {DocumentFragment} */ (template.content.cloneNode(true));
    const use = `${slot.dataset.useSlot}PropertyUseType`;
    const area = `${use}Gfa`;
    const part = (name) => /** @type {HTMLElement} */ (row.querySelector(`[data-part="${name}"]`));
    for (const [name, id] of [
      ['use', use],
      ['area', area],
    ]) {
      const control = part(name);
      control.id = id;
      control.setAttribute('name', id);
      control.setAttribute('aria-describedby', `${id}-error`);
      part(`${name}-error`).id = `${id}-error`;
      part(`${name}-label`).setAttribute('for', id);
    }
    part('use-label').prepend(slot.dataset.useLabel ?? use);
    FULL_NAMES[area] = slot.dataset.areaName ?? area;
    slot.replaceWith(row);
  }
}
buildUseTypeRows();

const controls = /** @type {(HTMLInputElement | HTMLSelectElement)[]} */ (
  Array.from(form.elements).filter((el) => el instanceof HTMLInputElement || el instanceof HTMLSelectElement)
);
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const statusLine = byId('status');
const touched = new Set();
let debounceTimer = 0;
let sequence = 0;
/** @type {AbortController | undefined} */
let inFlight;
/** The city's record the form was filled from, if any: its reported use is compared with the estimate. */
let currentRecord;
/** The last explained estimate, to redraw its chart at a new width. */
let lastFactors;
let resizeTimer = 0;

/** The visible label of a field, without its unit or "(optional)" tag. */
function labelText(name) {
  const label = form.querySelector(`label[for="${name}"]`);
  return label?.firstChild?.textContent?.trim() ?? name;
}

/** A field's name for people, wherever it is read away from its own label. */
function plainName(name) {
  return FULL_NAMES[name] ?? labelText(name);
}

/** Lower-cases the first letter for use inside a sentence, unless the word is an acronym ("ENERGY STAR"). */
function midSentence(text) {
  return /^\p{Lu}\p{Ll}/u.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}

/**
 * The API's own message with its field names (`propertyGfaParking`) replaced by the names on the form, so the words
 * stay the API's (one source of truth) and read as the owner's.
 */
function inPlainWords(message) {
  const names = controls.map((c) => c.name).sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`\\b(${names.join('|')})\\b`, 'g');
  return message.replace(pattern, (name, _m, offset) =>
    offset === 0 ? plainName(name) : midSentence(plainName(name)),
  );
}

// The city's building-type codes, in words; the option's value stays the code the API knows.
const BUILDING_TYPE_WORDS = {
  NonResidential: 'Non-residential',
  'Nonresidential COS': 'Non-residential, owned by the City of Seattle',
  'Nonresidential WA': 'Non-residential, owned by the State of Washington',
  'SPS-District K-12': 'Seattle Public Schools (K-12)',
};

/** Shows category names as people write them: the data spells some names in capitals or as codes. */
function displayName(value) {
  const text = String(value);
  if (Object.hasOwn(BUILDING_TYPE_WORDS, text)) return BUILDING_TYPE_WORDS[text];
  if (text !== text.toUpperCase()) return text;
  return text.toLowerCase().replace(/(^|[\s/-])(\p{L})/gu, (_, sep, ch) => sep + ch.toUpperCase());
}

// ---- categories from the model's own metadata: the API is the one source of truth -------------------------------

function findSchema(node, seen = new Set()) {
  if (!node || typeof node !== 'object' || seen.has(node)) return undefined;
  seen.add(node);
  if (node.properties && typeof node.properties === 'object' && 'primaryPropertyType' in node.properties) return node;
  for (const child of Object.values(node)) {
    const found = findSchema(child, seen);
    if (found) return found;
  }
  return undefined;
}

function resolveRef(node, roots) {
  if (!node || typeof node.$ref !== 'string' || !node.$ref.startsWith('#/')) return node;
  const steps = node.$ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (const root of roots) {
    const target = steps.reduce((at, step) => (at && typeof at === 'object' ? at[step] : undefined), root);
    if (target) return target;
  }
  return node;
}

function enumValues(node, roots) {
  const schema = resolveRef(node, roots);
  if (!schema || typeof schema !== 'object') return [];
  if (Array.isArray(schema.enum)) return schema.enum.filter((v) => typeof v === 'string');
  if (typeof schema.const === 'string') return [schema.const];
  const parts = schema.anyOf ?? schema.oneOf ?? schema.allOf ?? [];
  return Array.isArray(parts) ? parts.flatMap((part) => enumValues(part, roots)) : [];
}

/** Alphabetical, with the catch-all "Other" last where people look for it. */
function byName(a, b) {
  const otherA = /^other\b/i.test(a);
  const otherB = /^other\b/i.test(b);
  return otherA === otherB ? a.localeCompare(b, LOCALE) : otherA ? 1 : -1;
}

/**
 * Categories of one field, all from the model's metadata: the input schema's enum when it has one; else the
 * categories the model saw in training (`trainingRange.categories`, every use-type slot sharing one list); else
 * the categories of its one-hot and use-share / use-mix features.
 */
function categoriesOf(name, meta, schema) {
  const fromSchema = schema ? enumValues(schema.properties[name], [schema, meta]) : [];
  if (fromSchema.length > 0) return [...new Set(fromSchema)];
  const isUseType = /PropertyUseType$/.test(name);
  const seen = meta.trainingRange?.categories;
  if (seen && typeof seen === 'object') {
    const fields = isUseType ? Object.keys(seen).filter((f) => /PropertyUseType$/.test(f)) : [name];
    const names = fields.flatMap((f) => (seen[f] && typeof seen[f] === 'object' ? Object.keys(seen[f]) : []));
    if (names.length > 0) return [...new Set(names)].sort(byName);
  }
  const features = Array.isArray(meta.features) ? meta.features : [];
  const fromFeatures = features
    .map((f) => f?.encoding)
    .filter(
      (e) =>
        e &&
        ((e.kind === 'one-hot' && e.input === name) || ((e.kind === 'use-share' || e.kind === 'use-mix') && isUseType)),
    )
    .map((e) => e.category ?? e.useType)
    .filter((v) => typeof v === 'string');
  return [...new Set(fromFeatures)].sort(byName);
}

function fillSelect(select, values) {
  for (const value of values) select.append(new Option(displayName(value), value));
}

async function loadModelMetadata() {
  const response = await fetch(new URL('v1/models/site-energy', document.baseURI), {
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`metadata ${response.status}`);
  const meta = await response.json();
  const schema = findSchema(meta);
  for (const [index, select] of controls.entries()) {
    if (!(select instanceof HTMLSelectElement) || select.dataset.kind === 'boolean') continue;
    const categories = categoriesOf(select.name, meta, schema);
    if (categories.length > 0) {
      fillSelect(select, categories);
      continue;
    }
    // A model that lists no categories still accepts names typed freely (the API matches them and says when not).
    const input = document.createElement('input');
    for (const attribute of ['id', 'name', 'required', 'aria-describedby']) {
      const value = select.getAttribute(attribute);
      if (value !== null) input.setAttribute(attribute, value);
    }
    input.type = 'text';
    input.autocomplete = 'off';
    select.replaceWith(input);
    controls[index] = input;
  }
  if (typeof meta.name === 'string' && typeof meta.version === 'string') {
    byId('model-info').textContent = `Estimates from the model ${meta.name} ${meta.version}.`;
  }
}

// ---- reading the form and the cheap checks done before asking the API -------------------------------------------

/** Accepts what people type: "52,000" and "52 000" are 52000. */
function parseNumber(raw) {
  const text = raw.replace(/[\s,_]/g, '');
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? Number(text) : undefined;
}

function readForm() {
  /** @type {Record<string, string | number | boolean>} */
  const building = {};
  /** @type {Record<string, string>} */
  const problems = {};
  const missing = [];
  for (const control of controls) {
    const raw = control.value.trim();
    if (raw === '') {
      if (control.required) missing.push(control.name);
      continue;
    }
    if (control.dataset.kind === 'number') {
      const value = parseNumber(raw);
      if (value === undefined)
        problems[control.name] = `${plainName(control.name)} must be a number, written with digits.`;
      else building[control.name] = value;
    } else if (control.dataset.kind === 'boolean') {
      building[control.name] = raw === 'true';
    } else {
      building[control.name] = raw;
    }
  }
  return { building, problems, missing };
}

function clearErrors() {
  for (const control of controls) {
    control.removeAttribute('aria-invalid');
    const slot = document.getElementById(`${control.name}-error`);
    if (slot) {
      slot.textContent = '';
      slot.hidden = true;
    }
  }
  const formError = byId('form-error');
  formError.textContent = '';
  formError.hidden = true;
}

function showError(name, message) {
  const control = controls.find((c) => c.name === name);
  const slot = document.getElementById(`${name}-error`);
  if (!control || !slot) {
    const formError = byId('form-error');
    formError.textContent = [formError.textContent, message].filter(Boolean).join(' ');
    formError.hidden = false;
    return;
  }
  control.setAttribute('aria-invalid', 'true');
  slot.textContent = slot.hidden ? message : `${slot.textContent} ${message}`;
  slot.hidden = false;
}

/** The API names the field in `path` (`yearBuilt`, or `/yearBuilt`); anything else goes above the form. */
function fieldOfPath(path) {
  return (
    String(path ?? '')
      .replace(/^[#/.]+/, '')
      .split(/[/.[]/)[0] ?? ''
  );
}

function focusFirstError() {
  const first = controls.find((c) => c.getAttribute('aria-invalid') === 'true');
  (first ?? byId('form-error')).focus();
}

// ---- asking the API ---------------------------------------------------------------------------------------------

async function postJson(path, body, signal) {
  const response = await fetch(new URL(path, document.baseURI), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
    body: JSON.stringify(body),
    signal,
  });
  const data = await response.json().catch(() => null);
  return { status: response.status, data };
}

/**
 * Reads the form and asks for an estimate. `mode`: 'typing' (messages for missing fields only once visited),
 * 'submit' (every message, focus on the first) or 'restore' (every message, focus left alone: a link or a record).
 */
async function update(mode) {
  window.clearTimeout(debounceTimer);
  writeUrlState(controls, currentRecord?.id);
  const { building, problems, missing } = readForm();
  clearErrors();
  for (const [name, message] of Object.entries(problems)) showError(name, message);
  for (const name of missing) {
    if (mode !== 'typing' || touched.has(name)) showError(name, `${plainName(name)} is needed for an estimate.`);
  }
  if (missing.length > 0 || Object.keys(problems).length > 0) {
    inFlight?.abort();
    sequence++;
    showEstimate(false);
    statusLine.textContent =
      missing.length > 0
        ? `Fill in ${missing.map((n) => labelText(n).toLowerCase()).join(', ')} to see an estimate.`
        : 'Please correct the highlighted fields.';
    if (mode === 'submit') focusFirstError();
    return;
  }

  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  const mine = ++sequence;
  statusLine.textContent = 'Estimating…';
  try {
    const [energy, emissions] = await Promise.all([
      postJson('v1/predict?explain=true', building, controller.signal),
      postJson('v1/models/ghg-emissions/predict', building, controller.signal),
    ]);
    if (mine !== sequence) return;
    if (energy.status === 422 && Array.isArray(energy.data?.errors)) {
      for (const error of energy.data.errors) showError(fieldOfPath(error.path), inPlainWords(String(error.message)));
      showEstimate(false);
      statusLine.textContent = 'Please check the highlighted fields.';
      if (mode === 'submit') focusFirstError();
      return;
    }
    if (energy.status !== 200 || typeof energy.data?.value !== 'number') throw new Error(`predict ${energy.status}`);
    renderEstimate(energy.data, emissions.status === 200 ? emissions.data : undefined, building);
    if (mode === 'submit' && window.matchMedia('(max-width: 56rem)').matches)
      byId('results').scrollIntoView({ block: 'start' });
  } catch (error) {
    if (mine !== sequence || (error instanceof DOMException && error.name === 'AbortError')) return;
    showEstimate(false);
    statusLine.textContent = 'The estimate could not be computed right now. Please try again in a moment.';
  }
}

// ---- a building from the city's records, or from a link ---------------------------------------------------------

/** Letters and digits only, lower case: how the API matches category names. */
const squash = (text) =>
  String(text)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/**
 * Puts a value into a control. A select takes the option the API would match; a value it has no option for is added
 * as one, so the API's own message about it can be shown rather than the value silently dropped.
 */
function setControl(control, value) {
  const text = String(value);
  if (control instanceof HTMLSelectElement) {
    const options = Array.from(control.options);
    const option =
      options.find((o) => o.value === text) ?? options.find((o) => o.value && squash(o.value) === squash(text));
    if (option) control.value = option.value;
    else if (text !== '') {
      control.append(new Option(text, text));
      control.value = text;
    } else control.value = '';
  } else control.value = text;
  if (text !== '') touched.add(control.name);
}

/** Fills the form with a record of the city's file, exactly as the API reads it. */
function fillFromRecord(record) {
  for (const control of controls) setControl(control, record.building[control.name] ?? '');
}

function showRecordNote(record) {
  const note = byId('record-note');
  byId('record-text').textContent =
    `Filled in from the city's 2016 record of ${record.name}, ${record.address}. Change anything you know better.`;
  note.hidden = false;
}

/** Back to an empty form: the record, its comparison and the address's state are dropped. */
function clearRecord() {
  currentRecord = undefined;
  touched.clear();
  for (const control of controls) setControl(control, '');
  byId('record-note').hidden = true;
  clearErrors();
  showEstimate(false);
  writeUrlState(controls, undefined);
  statusLine.textContent = 'Fill in the five fields about your building to see an estimate.';
  byId('finder-q').focus();
}

/** A record was picked in the search: fill the form, show its estimate and how it compares. */
function pickRecord(record) {
  currentRecord = record;
  touched.clear();
  fillFromRecord(record);
  showRecordNote(record);
  byId('record-note').focus();
  void update('restore');
}

/** Opens the page in the state its link carries: the fields as they were typed, and the record if there was one. */
async function restoreFromLink() {
  const state = readUrlState(window.location.search, new Set(controls.map((c) => c.name)));
  if (state.fields.size === 0 && state.record === undefined) return false;
  for (const [name, value] of state.fields) {
    const control = controls.find((c) => c.name === name);
    if (control) setControl(control, value);
  }
  if (state.record !== undefined) {
    const record = await fetchRecord(state.record).catch(() => undefined);
    if (record) {
      currentRecord = record;
      if (state.fields.size === 0) fillFromRecord(record);
      showRecordNote(record);
    }
  }
  await update('restore');
  return true;
}

// ---- showing the estimate ---------------------------------------------------------------------------------------

function showEstimate(visible) {
  byId('estimate').hidden = !visible;
  byId('summary').hidden = !visible;
  if (!visible) clearComparison();
  // The status line repeats the estimate for screen readers; on screen the estimate itself says it.
  statusLine.classList.toggle('visually-hidden', visible);
}

function renderEstimate(energy, emissions, building) {
  const kbtu = energy.value;
  const kbtuText = approx.format(kbtu);
  const kbtuSlot = byId('energy-kbtu');
  kbtuSlot.textContent = kbtuText;
  kbtuSlot.dataset.value = String(kbtu);
  byId('energy-kwh').textContent = approx.format(kbtu / KBTU_PER_KWH);

  // The city's energy use intensity divides by the building's own floor area: parking is not heated or lit alike.
  const parking = typeof building.propertyGfaParking === 'number' ? building.propertyGfaParking : 0;
  const total = Number(building.propertyGfaTotal);
  const area = total - parking > 0 ? total - parking : total;
  byId('eui').textContent = oneDecimal.format(kbtu / area);
  byId('eui-basis').textContent =
    parking > 0 ? `(over ${whole.format(area)} sq ft, parking excluded)` : `(over ${whole.format(area)} sq ft)`;

  const { low, high, level } = energy.interval;
  const rangeText = `between ${approx.format(low)} and ${approx.format(high)} kBtu a year`;
  byId('interval').textContent = `There is a ${percent.format(level)} chance that the real figure is ${rangeText}.`;

  let emissionsText = 'Not available right now.';
  if (emissions && typeof emissions.value === 'number') {
    emissionsText = `About ${approx.format(emissions.value)} ${emissions.unit} a year`;
    if (emissions.interval)
      emissionsText += ` (likely between ${approx.format(emissions.interval.low)} and ${approx.format(emissions.interval.high)})`;
    emissionsText += '.';
  }
  byId('ghg').textContent = emissionsText;

  const warnings = [...(energy.warnings ?? [])];
  for (const w of emissions?.warnings ?? []) if (!warnings.some((x) => x.message === w.message)) warnings.push(w);
  const list = byId('warning-list');
  list.replaceChildren(
    ...warnings.map((w) => Object.assign(document.createElement('li'), { textContent: inPlainWords(w.message) })),
  );
  byId('warnings').hidden = warnings.length === 0;

  showEstimate(true); // before the charts, which are drawn at their shown width
  renderFactors(energy, building);
  const compared = currentRecord ? renderComparison(currentRecord, energy, emissions) : '';
  byId('summary-text').replaceChildren(
    Object.assign(document.createElement('strong'), { textContent: `Estimate: about ${kbtuText} kBtu a year` }),
    `, likely ${approx.format(low)} to ${approx.format(high)}.`,
  );
  const summaryRecord = byId('summary-record');
  summaryRecord.textContent = currentRecord ? comparisonSummary(currentRecord) : '';
  summaryRecord.hidden = !currentRecord;
  statusLine.textContent = `Estimated ${kbtuText} kBtu a year, ${rangeText}.${compared ? ` ${compared}` : ''}`;
}

/** A factor in words: the building's own value, so that "Built in 1927" reads as a reason. */
function describeFactor(field, building) {
  const value = building[field];
  if (value === undefined) return `${plainName(field)}: not given`;
  switch (field) {
    case 'yearBuilt':
      return `Built in ${value}`;
    case 'numberOfFloors':
      return `${whole.format(Number(value))} ${value === 1 ? 'floor' : 'floors'}`;
    case 'numberOfBuildings':
      return `${whole.format(Number(value))} ${value === 1 ? 'building' : 'buildings'}`;
    case 'usesNaturalGas':
      return value ? 'Uses natural gas' : 'No natural gas';
    case 'usesSteam':
      return value ? 'Uses district steam' : 'No district steam';
    case 'propertyGfaParking':
      if (value === 0) return 'No parking';
      break;
    default:
      break;
  }
  if (typeof value === 'number') {
    const unit = form.querySelector(`label[for="${field}"] .unit`) ? ' sq ft' : '';
    return `${plainName(field)}: ${whole.format(value)}${unit}`;
  }
  return `${plainName(field)}: ${displayName(value)}`;
}

/** The change a log-space contribution makes to the estimate, short for the chart and long for screen readers. */
function describeEffect(logEffect) {
  const factor = Math.exp(logEffect);
  if (Math.abs(factor - 1) < 0.005) return { short: '<1%', long: 'changes the estimate by less than 1%' };
  if (factor >= 2)
    return { short: `×${oneDecimal.format(factor)}`, long: `multiplies the estimate by ${oneDecimal.format(factor)}` };
  if (factor >= 1)
    return { short: `+${percent.format(factor - 1)}`, long: `raises the estimate by ${percent.format(factor - 1)}` };
  return { short: `−${percent.format(1 - factor)}`, long: `lowers the estimate by ${percent.format(1 - factor)}` };
}

function svg(name, attributes, text) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function renderFactors(energy, building) {
  const figure = byId('factors');
  const contributions = Array.isArray(energy.contributions) ? energy.contributions : [];
  if (contributions.length === 0) {
    figure.hidden = true;
    return;
  }
  const sorted = [...contributions].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  const rows = sorted
    .slice(0, MAX_FACTORS)
    .map((c) => ({ label: describeFactor(c.feature, building), value: c.value }));
  const rest = sorted.slice(MAX_FACTORS).reduce((sum, c) => sum + c.value, 0);
  if (sorted.length > MAX_FACTORS) rows.push({ label: 'Everything else together', value: rest });

  byId('factors-intro').textContent =
    typeof energy.baseValue === 'number'
      ? `Starting from a typical building in the data (about ${approx.format(Math.exp(energy.baseValue))} kBtu a year), each detail of yours moves the estimate up (bar to the right) or down (bar to the left).`
      : 'Each detail of yours moves the estimate up (bar to the right) or down (bar to the left).';

  // Drawn at the size it is shown (one unit, one CSS pixel), so the labels keep a readable size on a phone.
  figure.hidden = false;
  const host = byId('factors-chart');
  const width = Math.round(Math.min(Math.max(host.clientWidth, 260), 480));
  const rowHeight = 50;
  const middle = width / 2;
  const reach = middle - 56; // room for the effect text beside the longest bar
  const largest = Math.max(...rows.map((r) => Math.abs(r.value)), 1e-9);
  const height = rows.length * rowHeight + 8;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-labelledby': 'factors-title factors-desc',
  });
  chart.append(svg('title', { id: 'factors-title' }, 'Main factors behind the estimate'));
  chart.append(
    svg('desc', { id: 'factors-desc' }, rows.map((r) => `${r.label} ${describeEffect(r.value).long}.`).join(' ')),
  );
  rows.forEach((row, index) => {
    const top = index * rowHeight + 4;
    const length = Math.max((Math.abs(row.value) / largest) * reach, 2);
    const raises = row.value >= 0;
    const x = raises ? middle : middle - length;
    chart.append(svg('text', { class: 'label', x: 0, y: top + 16 }, row.label));
    // The axis is drawn per row, beside each bar, so that it never crosses a label.
    chart.append(svg('line', { class: 'axis', x1: middle, x2: middle, y1: top + 22, y2: top + 44 }));
    chart.append(svg('rect', { class: raises ? 'raise' : 'lower', x, y: top + 25, width: length, height: 16, rx: 2 }));
    chart.append(
      svg(
        'text',
        {
          class: 'effect',
          x: raises ? middle + length + 6 : middle - length - 6,
          y: top + 38,
          'text-anchor': raises ? 'start' : 'end',
        },
        describeEffect(row.value).short,
      ),
    );
  });
  host.replaceChildren(chart);
  for (const label of chart.querySelectorAll('text.label')) fitText(/** @type {SVGTextElement} */ (label), width);
  lastFactors = { energy, building };
}

/** Shortens a label that does not fit the chart's width; the chart's description keeps every word. */
function fitText(node, width) {
  const full = node.textContent ?? '';
  for (let length = full.length; length > 8 && node.getComputedTextLength() > width; length--) {
    node.textContent = `${full.slice(0, length - 1).trimEnd()}…`;
  }
}

// ---- wiring -----------------------------------------------------------------------------------------------------

form.addEventListener('input', () => {
  window.clearTimeout(debounceTimer);
  debounceTimer = window.setTimeout(() => void update('typing'), DEBOUNCE_MS);
});
form.addEventListener('focusout', (event) => {
  const target = event.target;
  if ((target instanceof HTMLInputElement || target instanceof HTMLSelectElement) && target.value.trim() !== '')
    touched.add(target.name);
});
window.addEventListener('resize', () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    if (lastFactors && !byId('estimate').hidden) renderFactors(lastFactors.energy, lastFactors.building);
  }, 150);
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  void update('submit');
});
initFinder({ onPick: pickRecord });
byId('record-clear').addEventListener('click', clearRecord);

loadModelMetadata()
  .then(async () => {
    statusLine.textContent = 'Fill in the five fields about your building to see an estimate.';
    await restoreFromLink();
  })
  .catch(() => {
    statusLine.textContent = 'The model could not be reached. Please reload the page in a moment.';
  });
