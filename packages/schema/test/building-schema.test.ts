import { Ajv2020 } from 'ajv/dist/2020.js';
import t from 'tap';
import { buildingJsonSchema, describeBuildingFields, exampleBuilding } from '../src/index.js';

const year = new Date().getUTCFullYear();

t.test('the JSON Schema comes from the validator and documents every field', async (t) => {
  const schema = buildingJsonSchema() as {
    $schema: string;
    properties: Record<string, Record<string, unknown>>;
    required: string[];
    additionalProperties: boolean;
  };
  t.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  t.equal(schema.additionalProperties, false);
  t.same([...schema.required].sort(), [
    'neighborhood',
    'numberOfFloors',
    'primaryPropertyType',
    'propertyGfaTotal',
    'yearBuilt',
  ]);
  const fields = describeBuildingFields(year);
  t.same(Object.keys(schema.properties).sort(), fields.map((f) => f.name).sort());
  for (const field of fields) {
    const property = schema.properties[field.name];
    t.equal(property?.['type'], field.type, field.name);
    t.same(property?.['examples'], [field.example], field.name);
    t.match(property?.['description'], field.rule, field.name);
  }
  t.same(schema.properties['yearBuilt'], {
    type: 'integer',
    description: `Year the building was built (or last completely renovated). Must be a whole year from 1850 to ${year}.`,
    minimum: 1850,
    maximum: year,
    examples: [1927],
  });
});

t.test(
  'a draft 2020-12 validator accepts the example and refuses what validateBuilding refuses on shape',
  async (t) => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const check = ajv.compile(buildingJsonSchema());
    t.ok(check(exampleBuilding), JSON.stringify(check.errors));
    t.notOk(check({ ...exampleBuilding, extra: 1 }));
    t.notOk(check({ ...exampleBuilding, yearBuilt: '1927' }));
    t.notOk(check({ ...exampleBuilding, energyStarScore: 101 }));
    t.notOk(check({ ...exampleBuilding, latitude: 40 }));
  },
);
