import { type } from 'arktype';
import { describeBuildingFields, earliestYearBuilt, maxFloorArea, seattleBounds } from './building-fields.js';

/**
 * A validated building: the public fields, with every category replaced by its canonical name.
 * Areas are in square feet.
 */
export interface Building {
  primaryPropertyType: string;
  neighborhood: string;
  yearBuilt: number;
  numberOfFloors: number;
  propertyGfaTotal: number;
  buildingType?: string;
  numberOfBuildings?: number;
  propertyGfaParking?: number;
  largestPropertyUseType?: string;
  largestPropertyUseTypeGfa?: number;
  secondLargestPropertyUseType?: string;
  secondLargestPropertyUseTypeGfa?: number;
  thirdLargestPropertyUseType?: string;
  thirdLargestPropertyUseTypeGfa?: number;
  latitude?: number;
  longitude?: number;
  energyStarScore?: number;
  usesSteam?: boolean;
  usesNaturalGas?: boolean;
}

/** The current calendar year (UTC): the latest year built accepted. */
export function currentYear(): number {
  return new Date().getUTCFullYear();
}

// One definition per field; the `rule` texts double as ArkType descriptions so the JSON Schema says the same thing.
function defineBuildingType(year: number) {
  const rule = new Map(describeBuildingFields(year).map((f) => [f.name, f.rule]));
  const describe = (name: string): string => rule.get(name) ?? name;
  const area = type(`0 < number <= ${maxFloorArea}`);
  // A second or third use may be named with 0 sq ft (validateBuilding reads it as "no area").
  const areaOrZero = type(`0 <= number <= ${maxFloorArea}`);
  const lat = seattleBounds.latitude;
  const lon = seattleBounds.longitude;
  return type({
    '+': 'reject',
    primaryPropertyType: type('string').describe(describe('primaryPropertyType')),
    neighborhood: type('string').describe(describe('neighborhood')),
    yearBuilt: type(`${earliestYearBuilt} <= number.integer <= ${year}`).describe(describe('yearBuilt')),
    numberOfFloors: type('number.integer >= 1').describe(describe('numberOfFloors')),
    propertyGfaTotal: area.describe(describe('propertyGfaTotal')),
    'buildingType?': type('string').describe(describe('buildingType')),
    'numberOfBuildings?': type('number.integer >= 0').describe(describe('numberOfBuildings')),
    'propertyGfaParking?': type(`0 <= number <= ${maxFloorArea}`).describe(describe('propertyGfaParking')),
    'largestPropertyUseType?': type('string').describe(describe('largestPropertyUseType')),
    'largestPropertyUseTypeGfa?': area.describe(describe('largestPropertyUseTypeGfa')),
    'secondLargestPropertyUseType?': type('string').describe(describe('secondLargestPropertyUseType')),
    'secondLargestPropertyUseTypeGfa?': areaOrZero.describe(describe('secondLargestPropertyUseTypeGfa')),
    'thirdLargestPropertyUseType?': type('string').describe(describe('thirdLargestPropertyUseType')),
    'thirdLargestPropertyUseTypeGfa?': areaOrZero.describe(describe('thirdLargestPropertyUseTypeGfa')),
    'latitude?': type(`${lat.min} <= number <= ${lat.max}`).describe(describe('latitude')),
    'longitude?': type(`${lon.min} <= number <= ${lon.max}`).describe(describe('longitude')),
    'energyStarScore?': type('1 <= number.integer <= 100').describe(describe('energyStarScore')),
    'usesSteam?': type('boolean').describe(describe('usesSteam')),
    'usesNaturalGas?': type('boolean').describe(describe('usesNaturalGas')),
  });
}

/** The ArkType type of a building's shape and per-field ranges (cross-field rules live in `validateBuilding`). */
export type BuildingShape = ReturnType<typeof defineBuildingType>;

let cached: { year: number; shape: BuildingShape } | undefined;

/**
 * The ArkType definition of a building for this year (the latest year built accepted moves with the calendar).
 *
 * @example
 * const result = buildingShape()({ primaryPropertyType: 'Hotel' });
 * if (result instanceof type.errors) console.log(result.summary);
 */
export function buildingShape(): BuildingShape {
  const year = currentYear();
  if (cached?.year !== year) cached = { year, shape: defineBuildingType(year) };
  return cached.shape;
}

/**
 * JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) of a building, produced from the same ArkType definition that
 * validates requests, with each field's description, unit and example added. Category fields are strings whose
 * accepted values are listed in their description (aliases and any casing are accepted, so no `enum`).
 *
 * @example
 * const schema = buildingJsonSchema();
 * schema.required // ['neighborhood', 'numberOfFloors', 'primaryPropertyType', 'propertyGfaTotal', 'yearBuilt']
 */
export function buildingJsonSchema(): Record<string, unknown> {
  const schema = buildingShape().toJsonSchema() as Record<string, unknown> & {
    properties: Record<string, Record<string, unknown>>;
  };
  for (const field of describeBuildingFields(currentYear())) {
    const property = schema.properties[field.name];
    if (property === undefined) throw new Error(`building field ${field.name} is documented but not defined`);
    const unit = field.unit === undefined ? '' : ` Unit: ${field.unit}.`;
    property['description'] = `${field.description}${unit} Must be ${field.rule}.`;
    property['examples'] = [field.example];
  }
  schema['title'] = 'Building';
  schema['description'] =
    'A non-residential Seattle building as its owner knows it. Unknown fields are refused; every problem is reported at once.';
  return schema;
}
