import t from 'tap';
import { categoryNames, loadModelStore, seattleBounds, validateBuilding } from '../src/index.js';
import type { CategoryField, LoadedBundle } from '../src/index.js';
import { bundleNames, modelsDir } from './helpers/bundles.js';

// The estimate must behave as physics says, for every building the API accepts: never lower for a larger floor area,
// never higher for a better ENERGY STAR score, all else equal. The bundles get it by construction (monotone
// constraints in training); this checks it through the loaded bundles on generated buildings, each walked along a
// grid of floor areas (20,000 to 5,000,000 sq ft) and along every score from 1 to 100.

const buildings = 2_000;
const areaSteps = 48;
const minArea = 20_000;
const maxArea = 5_000_000;

// mulberry32: a small seeded generator, so a failure names a building that can be rebuilt.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

// Categories the API accepts (out-of-scope names such as multifamily types are left out).
function accepted(field: CategoryField, name: string): boolean {
  const probe: Record<string, unknown> = {
    primaryPropertyType: 'Hotel',
    neighborhood: 'Downtown',
    yearBuilt: 1990,
    numberOfFloors: 3,
    propertyGfaTotal: 50_000,
  };
  const key = field === 'useType' ? 'largestPropertyUseType' : field;
  probe[key] = name;
  return validateBuilding(probe).ok;
}
const categories = Object.fromEntries(
  (['primaryPropertyType', 'neighborhood', 'useType', 'buildingType'] as const).map((field) => [
    field,
    categoryNames(field).filter((name) => accepted(field, name)),
  ]),
) as Record<CategoryField, string[]>;

const areaGrid = Array.from({ length: areaSteps }, (_, i) =>
  Math.round(minArea * Math.pow(maxArea / minArea, i / (areaSteps - 1))),
);

/** One building as a client could send it; optional inputs are each given or left out at random. */
function generate(next: () => number): Record<string, unknown> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const between = (low: number, high: number): number => Math.round(low + next() * (high - low));
  const building: Record<string, unknown> = {
    primaryPropertyType: pick(categories.primaryPropertyType),
    neighborhood: pick(categories.neighborhood),
    yearBuilt: between(1900, 2015),
    numberOfFloors: between(1, 40),
    propertyGfaTotal: pick(areaGrid),
  };
  if (next() < 0.5) building['buildingType'] = pick(categories.buildingType);
  if (next() < 0.5) building['numberOfBuildings'] = between(1, 5);
  // Parking is part of the total, so it stays below the smallest area of the grid.
  if (next() < 0.5) building['propertyGfaParking'] = between(0, minArea);
  if (next() < 0.6) {
    const slots = between(1, 3);
    let area = between(5_000, 800_000);
    for (const slot of ['largest', 'secondLargest', 'thirdLargest'].slice(0, slots)) {
      building[`${slot}PropertyUseType`] = pick(categories.useType);
      building[`${slot}PropertyUseTypeGfa`] = area;
      area = between(1, area);
    }
  }
  if (next() < 0.5) {
    building['latitude'] =
      seattleBounds.latitude.min + next() * (seattleBounds.latitude.max - seattleBounds.latitude.min);
    building['longitude'] =
      seattleBounds.longitude.min + next() * (seattleBounds.longitude.max - seattleBounds.longitude.min);
  }
  if (next() < 0.6) building['energyStarScore'] = between(1, 100);
  if (next() < 0.5) building['usesSteam'] = next() < 0.3;
  if (next() < 0.5) building['usesNaturalGas'] = next() < 0.6;
  return building;
}

function estimate(bundle: LoadedBundle, building: Record<string, unknown>): number {
  const result = validateBuilding(building);
  if (!result.ok) throw new Error(`the API refuses ${JSON.stringify(building)}: ${JSON.stringify(result.errors)}`);
  return bundle.predict(result.building).value;
}

interface Violation {
  building: Record<string, unknown>;
  input: string;
  from: number;
  to: number;
  before: number;
  after: number;
}

/** Walks one input along its grid (ascending) and reports each step where the estimate moves the wrong way. */
function walk(
  bundle: LoadedBundle,
  building: Record<string, unknown>,
  input: string,
  grid: readonly number[],
  direction: 1 | -1,
): Violation[] {
  const found: Violation[] = [];
  let previous: number | undefined;
  for (let i = 0; i < grid.length; i++) {
    const value = estimate(bundle, { ...building, [input]: grid[i] });
    if (previous !== undefined && (value - previous) * direction < 0) {
      found.push({ building, input, from: grid[i - 1]!, to: grid[i]!, before: previous, after: value });
    }
    previous = value;
  }
  return found;
}

const store = await loadModelStore(modelsDir);
const scoreGrid = Array.from({ length: 100 }, (_, i) => i + 1);

for (const name of bundleNames) {
  t.test(`${name}: more floor area never lowers the estimate, a better score never raises it`, async (t) => {
    const bundle = store.get(name)!;
    const next = random(2016);
    const violations: Violation[] = [];
    let steps = 0;
    for (let i = 0; i < buildings; i++) {
      const building = generate(next);
      violations.push(...walk(bundle, building, 'propertyGfaTotal', areaGrid, 1));
      steps += areaGrid.length - 1;
      // The score grid at this building's own area, and with its other inputs as generated.
      violations.push(...walk(bundle, building, 'energyStarScore', scoreGrid, -1));
      steps += scoreGrid.length - 1;
    }
    t.equal(buildings, 2_000, 'generated buildings');
    t.equal(
      violations.length,
      0,
      `${violations.length} of ${steps} steps move the wrong way; first: ${JSON.stringify(violations.slice(0, 3))}`,
    );
  });
}

t.test('the constraints are part of the published model', async (t) => {
  for (const name of bundleNames) {
    const { manifest } = store.get(name)!;
    const params = (manifest.model as { params?: Record<string, string> }).params ?? {};
    const constraints = (params['monotone_constraints'] ?? '').replace(/[()]/g, '').split(',').map(Number);
    t.equal(constraints.length, manifest.features.length, `${name}: one constraint per feature`);
    const byFeature = new Map(manifest.features.map((f, i) => [f.name, constraints[i]]));
    t.equal(byFeature.get('energyStarScore'), -1, `${name}: energyStarScore is constrained downward`);
    for (const feature of manifest.features) {
      const encoding = feature.encoding;
      const readsArea =
        (encoding.kind === 'numeric' || encoding.kind === 'log1p') && encoding.input === 'propertyGfaTotal';
      if (readsArea) t.equal(byFeature.get(feature.name), 1, `${name}: ${feature.name} is constrained upward`);
      t.not(encoding.kind, 'use-share', `${name}: ${feature.name} does not divide a use area by the total`);
    }
  }
});
