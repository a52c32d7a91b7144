import {
  buildingJsonSchema,
  exampleBuilding,
  loadModelStore,
  validateBuilding,
  warningCodes,
} from '@seattle-energy/schema';

import type { BuildingSchemaApi, ModelStoreView } from './contract.js';

/** The schema package as the server uses it: the building functions plus the model store loader. */
export interface SchemaPackage extends BuildingSchemaApi {
  readonly loadModelStore: (modelsDir: string) => Promise<ModelStoreView>;
}

/**
 * The real `@seattle-energy/schema` parts (validator, JSON Schema, example and verified model store), typed as the
 * server's contract: this assignment is where the compiler checks that the schema package still fits the server.
 *
 * @example
 * const schema = loadSchemaPackage();
 * const store = await schema.loadModelStore('/app/models');
 */
export function loadSchemaPackage(): SchemaPackage {
  return {
    validateBuilding,
    buildingJsonSchema: () => buildingJsonSchema(),
    exampleBuilding: exampleBuilding,
    warningCodes,
    loadModelStore: (modelsDir: string): Promise<ModelStoreView> => loadModelStore(modelsDir),
  };
}
