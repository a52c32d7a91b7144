import { categoryNames } from './vocabulary.js';

/** The bounding box a building's coordinates must fall in: the City of Seattle's limits, rounded outwards. */
export const seattleBounds = {
  latitude: { min: 47.48, max: 47.74 },
  longitude: { min: -122.44, max: -122.22 },
} as const;

/** The largest floor area accepted, in square feet: far above any building on Earth, low enough to catch unit slips. */
export const maxFloorArea = 100_000_000;

/** The benchmarking ordinance covers buildings of this floor area (sq ft) and more; the models saw only those. */
export const ordinanceThreshold = 20_000;

/** The earliest year built accepted; the city's data starts in 1900. */
export const earliestYearBuilt = 1850;

/** How one public field of a building is documented (README, OpenAPI) and explained in error messages. */
export interface BuildingFieldDoc {
  readonly name: string;
  readonly required: boolean;
  readonly type: 'string' | 'integer' | 'number' | 'boolean';
  readonly unit?: string;
  /** What the field means, for documentation. */
  readonly description: string;
  /** What is allowed, phrased to follow "<field> must be". */
  readonly rule: string;
  readonly example: string | number | boolean;
}

const list = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');
const area = `a floor area in square feet: a number greater than 0 and at most ${maxFloorArea.toLocaleString('en-US')}`;
const areaOrZero = `a floor area in square feet: a number from 0 to ${maxFloorArea.toLocaleString('en-US')}`;

/**
 * The public fields of a building, in the order the API documents them. Their names are the API contract.
 *
 * @example
 * describeBuildingFields(2026).filter((f) => f.required).map((f) => f.name)
 * // ['primaryPropertyType', 'neighborhood', 'yearBuilt', 'numberOfFloors', 'propertyGfaTotal']
 */
export function describeBuildingFields(currentYear: number): readonly BuildingFieldDoc[] {
  // Validation reads these on every request; they only change with the year.
  if (cachedDocs?.year !== currentYear)
    cachedDocs = { year: currentYear, docs: Object.freeze(defineFieldDocs(currentYear)) };
  return cachedDocs.docs;
}

let cachedDocs: { year: number; docs: readonly BuildingFieldDoc[] } | undefined;

function defineFieldDocs(currentYear: number): BuildingFieldDoc[] {
  const useType = (rank: string, example: string): BuildingFieldDoc => ({
    name: `${rank}PropertyUseType`,
    required: false,
    type: 'string',
    description: `The ${rank === 'largest' ? 'largest' : rank === 'secondLargest' ? 'second largest' : 'third largest'} use of the property, as ENERGY STAR Portfolio Manager names it.`,
    rule: `one of the use types (case, spaces and punctuation are ignored): ${list(categoryNames('useType'))}`,
    example,
  });
  const useArea = (rank: string, example: number): BuildingFieldDoc => ({
    name: `${rank}PropertyUseTypeGfa`,
    required: false,
    type: 'number',
    unit: 'sq ft',
    description:
      `Gross floor area of the ${rank === 'largest' ? 'largest' : rank === 'secondLargest' ? 'second largest' : 'third largest'} use; needs ${rank}PropertyUseType.` +
      (rank === 'largest'
        ? ''
        : " 0 (as the city's files write it) names the use with no area: it counts in no use share."),
    rule: rank === 'largest' ? area : areaOrZero,
    example,
  });
  return [
    {
      name: 'primaryPropertyType',
      required: true,
      type: 'string',
      description:
        'The building\'s primary property type as the City of Seattle classifies it. Every ENERGY STAR Portfolio Manager property type and the names the city\'s files have used since 2015 are understood too ("Office" by floor area, a type the models never saw as its nearest category), with a warning saying how.',
      rule: `one of the property types (case, spaces and punctuation are ignored): ${list(categoryNames('primaryPropertyType'))}`,
      example: 'Hotel',
    },
    {
      name: 'neighborhood',
      required: true,
      type: 'string',
      description: 'The Seattle neighborhood district the building is in.',
      rule: `one of the neighborhoods (case, spaces and punctuation are ignored): ${list(categoryNames('neighborhood'))}`,
      example: 'Downtown',
    },
    {
      name: 'yearBuilt',
      required: true,
      type: 'integer',
      description: 'Year the building was built (or last completely renovated).',
      rule: `a whole year from ${earliestYearBuilt} to ${currentYear}`,
      example: 1927,
    },
    {
      name: 'numberOfFloors',
      required: true,
      type: 'integer',
      description: 'Number of floors above ground.',
      rule: 'a whole number of floors, at least 1',
      example: 12,
    },
    {
      name: 'propertyGfaTotal',
      required: true,
      type: 'number',
      unit: 'sq ft',
      description: 'Total gross floor area of the property, buildings and parking together.',
      rule: area,
      example: 88434,
    },
    {
      name: 'buildingType',
      required: false,
      type: 'string',
      description: "The city's building type. Multifamily types are out of scope and refused.",
      rule: `one of the non-residential building types: ${list(categoryNames('buildingType'))}`,
      example: 'NonResidential',
    },
    {
      name: 'numberOfBuildings',
      required: false,
      type: 'integer',
      description:
        "Number of buildings on the property. 0 (as the city's files write an unknown count) is read as not given.",
      rule: 'a whole number of buildings, at least 1 (or 0 for unknown)',
      example: 1,
    },
    {
      name: 'propertyGfaParking',
      required: false,
      type: 'number',
      unit: 'sq ft',
      description: 'Gross floor area of parking, part of propertyGfaTotal; 0 for none.',
      rule: `a floor area in square feet from 0 to ${maxFloorArea.toLocaleString('en-US')}`,
      example: 0,
    },
    useType('largest', 'Hotel'),
    useArea('largest', 88434),
    useType('secondLargest', 'Parking'),
    useArea('secondLargest', 12000),
    useType('thirdLargest', 'Restaurant'),
    useArea('thirdLargest', 4622),
    {
      name: 'latitude',
      required: false,
      type: 'number',
      unit: 'degrees',
      description: 'Latitude (WGS 84); send it with longitude.',
      rule: `a latitude inside Seattle, from ${seattleBounds.latitude.min} to ${seattleBounds.latitude.max}`,
      example: 47.6122,
    },
    {
      name: 'longitude',
      required: false,
      type: 'number',
      unit: 'degrees',
      description: 'Longitude (WGS 84); send it with latitude.',
      rule: `a longitude inside Seattle, from ${seattleBounds.longitude.min} to ${seattleBounds.longitude.max}`,
      example: -122.33799,
    },
    {
      name: 'energyStarScore',
      required: false,
      type: 'integer',
      description: 'ENERGY STAR score from Portfolio Manager, when the building has one.',
      rule: 'a whole number from 1 to 100',
      example: 60,
    },
    {
      name: 'usesSteam',
      required: false,
      type: 'boolean',
      description: 'Whether the building buys district steam.',
      rule: 'true or false',
      example: true,
    },
    {
      name: 'usesNaturalGas',
      required: false,
      type: 'boolean',
      description: 'Whether the building burns natural gas.',
      rule: 'true or false',
      example: true,
    },
  ];
}
