export { validateBuilding } from './validate-building.js';
export type { BuildingValidation, ValidationIssue, Warning } from './validate-building.js';
export { buildingJsonSchema, buildingShape } from './building-type.js';
export type { Building, BuildingShape } from './building-type.js';
export { describeBuildingFields, maxFloorArea, ordinanceThreshold, seattleBounds } from './building-fields.js';
export type { BuildingFieldDoc } from './building-fields.js';
export { exampleBuilding } from './example-building.js';
export { categoryNames, matchCategory, normalizeCategoryName, vocabulary } from './vocabulary.js';
export type { Category, CategoryField, CategoryMatch } from './vocabulary.js';
