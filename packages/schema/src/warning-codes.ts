/**
 * Every warning code the API can answer with, and when: the validator's (the building is accepted) and the bundle's
 * (from `predict`). Documentation (README, OpenAPI) is written from this list; a test holds the code to it.
 */
export const warningCodes = {
  BELOW_ORDINANCE_THRESHOLD:
    "propertyGfaTotal is below the benchmarking ordinance's 20,000 sq ft: the models learned from larger buildings",
  USE_AREAS_EXCEED_TOTAL:
    'the use-type areas add up to more than propertyGfaTotal; the size is read from propertyGfaTotal, the mix of uses from the use-type areas',
  CATEGORY_ALIAS:
    'a category was given by another name (an alias, a name of another year, or a name the city files by size) and read as the canonical one',
  CATEGORY_NEAREST: 'a known type the models never saw was read as its nearest category',
  USE_AREA_ZERO: 'a second or third use declared with 0 sq ft is kept as named, with no area, outside the use shares',
  ZERO_AS_MISSING: 'numberOfBuildings 0 was read as not given, as training reads it',
  OUTSIDE_TRAINING_RANGE: "a numeric input is outside the model's training range: the prediction is an extrapolation",
  RARE_CATEGORY: 'a category seen in fewer than 10 training buildings of that model (or never)',
} as const;

/** A warning code of the API. */
export type WarningCode = keyof typeof warningCodes;
