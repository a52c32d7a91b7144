// "How it compares": for a building from the city's records, its reported use next to the estimate for a building
// described like it, and where its reported energy use intensity stands among buildings of the same property type.

const LOCALE = 'en-US';
const SVG_NS = 'http://www.w3.org/2000/svg';
const approx = new Intl.NumberFormat(LOCALE, { maximumSignificantDigits: 3 });
const oneDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });

const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** The last comparison drawn, to redraw its strip at a new width. */
let shown;

/** "54%" of the other buildings of its type reported a lower EUI; undefined without a percentile. */
function share(record) {
  const { percentile } = record.comparison;
  return typeof percentile === 'number' ? `${Math.round(percentile)}%` : undefined;
}

function peersText(record) {
  const { buildings, propertyType } = record.comparison;
  return `the ${buildings} other ${buildings === 1 ? 'building' : 'buildings'} the city lists as ${propertyType}`;
}

/** A short version for the summary shown on a phone right after the required fields. */
export function comparisonSummary(record) {
  const { siteEnergyKbtu } = record.reported;
  const used =
    typeof siteEnergyKbtu === 'number' ? `The city's record: ${approx.format(siteEnergyKbtu)} kBtu in 2016.` : '';
  const rank = share(record);
  return rank ? `${used} Its energy use intensity was higher than ${rank} of ${peersText(record)}.` : used;
}

/** Where the reported use falls against the estimate's range, in words. */
function againstRange(reported, interval) {
  if (reported < interval.low)
    return 'That is below the likely range: it used less energy than buildings described like it.';
  if (reported > interval.high)
    return 'That is above the likely range: it used more energy than buildings described like it.';
  return 'That is within the likely range.';
}

function svg(name, attributes, text) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A strip of every other building's EUI (one thin line each, log scale) with this building marked. */
function drawStrip(record) {
  const host = byId('comparison-strip');
  const peers = record.comparison.siteEui;
  const own = record.reported.siteEuiKbtuPerSqFt;
  if (peers.length === 0 || typeof own !== 'number' || own <= 0) {
    host.replaceChildren();
    return;
  }
  const width = Math.round(Math.min(Math.max(host.clientWidth, 260), 480));
  const height = 70;
  const pad = 24;
  const lo = Math.log(Math.min(peers[0], own));
  const hi = Math.log(Math.max(peers[peers.length - 1], own));
  const x = (value) => (hi === lo ? width / 2 : pad + ((Math.log(value) - lo) / (hi - lo)) * (width - 2 * pad));
  const strip = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-labelledby': 'strip-title strip-desc',
  });
  strip.append(svg('title', { id: 'strip-title' }, 'Energy use intensity among buildings of the same type'));
  strip.append(
    svg(
      'desc',
      { id: 'strip-desc' },
      `One line per building of ${peersText(record)}, from ${oneDecimal.format(peers[0])} to ${oneDecimal.format(peers[peers.length - 1])} kBtu per sq ft; yours, ${oneDecimal.format(own)}, is marked.`,
    ),
  );
  strip.append(svg('line', { class: 'baseline', x1: pad, x2: width - pad, y1: 44, y2: 44 }));
  for (const value of peers) strip.append(svg('line', { class: 'peer', x1: x(value), x2: x(value), y1: 28, y2: 44 }));
  const at = x(own);
  strip.append(svg('line', { class: 'own', x1: at, x2: at, y1: 20, y2: 48 }));
  const anchor = at < width * 0.25 ? 'start' : at > width * 0.75 ? 'end' : 'middle';
  strip.append(
    svg('text', { class: 'own-label', x: at, y: 14, 'text-anchor': anchor }, `Yours: ${oneDecimal.format(own)}`),
  );
  strip.append(svg('text', { class: 'end-label', x: pad, y: 64, 'text-anchor': 'start' }, oneDecimal.format(peers[0])));
  strip.append(
    svg(
      'text',
      { class: 'end-label', x: width - pad, y: 64, 'text-anchor': 'end' },
      `${oneDecimal.format(peers[peers.length - 1])} kBtu/sq ft`,
    ),
  );
  host.replaceChildren(strip);
}

/**
 * Shows the comparison of `record` with the estimates `energy` and `emissions` (if any); returns a sentence for the status line.
 * The section must already be on screen: the strip is drawn at its shown width.
 */
export function renderComparison(record, energy, emissions) {
  const section = byId('comparison');
  section.hidden = false;
  const { siteEnergyKbtu, siteEuiKbtuPerSqFt, ghgEmissionsTonnes, complianceStatus, outlier } = record.reported;
  const estimate = `Buildings described like yours are estimated at ${approx.format(energy.value)} kBtu a year, likely between ${approx.format(energy.interval.low)} and ${approx.format(energy.interval.high)}.`;
  const use =
    typeof siteEnergyKbtu === 'number'
      ? `Your building reported ${approx.format(siteEnergyKbtu)} kBtu in 2016. ${estimate} ${againstRange(siteEnergyKbtu, energy.interval)}`
      : `The city's record has no energy use for 2016. ${estimate}`;
  byId('comparison-use').textContent = use;
  byId('comparison-ghg').textContent =
    typeof ghgEmissionsTonnes === 'number' && emissions && typeof emissions.value === 'number'
      ? `Its reported greenhouse gas emissions were ${approx.format(ghgEmissionsTonnes)} ${emissions.unit}; the estimate for buildings described like it is ${approx.format(emissions.value)}, likely between ${approx.format(emissions.interval.low)} and ${approx.format(emissions.interval.high)}.`
      : '';
  const rank = share(record);
  byId('comparison-rank').textContent =
    rank && typeof siteEuiKbtuPerSqFt === 'number'
      ? `Its energy use intensity in 2016, ${oneDecimal.format(siteEuiKbtuPerSqFt)} kBtu per sq ft, was higher than that of ${rank} of ${peersText(record)}.`
      : 'The record has no energy use intensity to compare with other buildings.';
  const flags = [complianceStatus !== 'Compliant' ? complianceStatus : '', outlier ?? ''].filter(Boolean);
  byId('comparison-note').textContent =
    'The model learned from these same 2016 records, so this comparison describes your building, not how accurate the model is.' +
    (flags.length > 0 ? ` The city marked this record: ${flags.join(', ')}.` : '');
  shown = record;
  drawStrip(record);
  return typeof siteEnergyKbtu === 'number'
    ? `Your building reported ${approx.format(siteEnergyKbtu)} kBtu in 2016.`
    : '';
}

export function clearComparison() {
  byId('comparison').hidden = true;
  shown = undefined;
}

let resizeTimer = 0;
window.addEventListener('resize', () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => {
    if (shown) drawStrip(shown);
  }, 150);
});
