import type { BuildingSchemaApi, ModelStoreView } from './contract.js';

/** The schema package as the server uses it: the building functions plus the model store loader. */
export interface SchemaPackage extends BuildingSchemaApi {
  loadModelStore(modelsDir: string): Promise<ModelStoreView>;
}

/**
 * Loads `@seattle-energy/schema` (the real validator, JSON Schema, example and model store).
 *
 * @example
 * const schema = await loadSchemaPackage();
 * const store = await schema.loadModelStore('/app/models');
 */
export async function loadSchemaPackage(): Promise<SchemaPackage> {
  const schema = (await import('@seattle-energy/schema')) as unknown as SchemaPackage;
  return {
    validateBuilding: schema.validateBuilding,
    buildingJsonSchema: schema.buildingJsonSchema,
    exampleBuilding: schema.exampleBuilding,
    loadModelStore: schema.loadModelStore,
  };
}
