// The explain extension of the Open Inference Protocol gives exactly what `/v1 ?explain=true` gives, on the real
// bundles: for every golden building, the V2 `contributions` row of its encoded features ends with /v1's
// `baseValue`, folds (by the schema package's own folding) onto /v1's `contributions`, and `predict` is /v1's value.
import { foldContributions, loadModelStore, validateBuilding } from '@seattle-energy/schema';
import t from 'tap';

import { defaultModelsDir } from '../src/config.js';
import { loadSchemaPackage } from '../src/schema-adapter.js';
import { inferOf, json, startHarness } from './fixtures/http-harness.js';
import { goldenRows } from './fixtures/protocol-spec.js';

const store = await loadModelStore(defaultModelsDir);
const h = await startHarness({ store, schema: loadSchemaPackage() });
t.teardown(() => h.close());

interface Explained {
  value: number;
  baseValue: number;
  contributions: { feature: string; value: number }[];
}

for (const name of ['site-energy', 'ghg-emissions']) {
  t.test(`${name}: V2 contributions are /v1's explanation, unfolded`, async (t) => {
    const bundle = store.get(name);
    if (bundle === undefined) throw new Error(`no ${name}`);
    const buildings = goldenRows(name).map((row) => {
      const checked = validateBuilding(row.building);
      if (!checked.ok) throw new Error(`golden row ${row.id} does not validate`);
      return checked.building;
    });
    const width = bundle.manifest.features.length + 1;
    const reply = inferOf(
      await h.request(
        'POST',
        `/v2/models/${name}/infer`,
        json({
          parameters: { explain: true },
          inputs: [
            {
              name: 'features',
              shape: [buildings.length, width - 1],
              datatype: 'FP64',
              // JSON has no NaN: a missing feature travels as null.
              data: buildings.map((b) => Array.from(bundle.encode(b), (v) => (Number.isNaN(v) ? null : v))),
            },
          ],
        }),
      ),
    );
    t.same(reply.outputs[1]?.shape, [buildings.length, width]);
    for (const [i, building] of buildings.entries()) {
      const v1 = (await h.request('POST', `/v1/models/${name}/predict?explain=true`, json(building))).json as Explained;
      const phi = reply.outputs[1]?.data.slice(i * width, (i + 1) * width) ?? [];
      t.equal(reply.outputs[0]?.data[i], v1.value, `row ${i}: predict = /v1 value`);
      t.equal(phi[width - 1], v1.baseValue, `row ${i}: the bias = /v1 baseValue`);
      t.same(
        foldContributions(bundle.manifest.features, bundle.manifest.inputs, { ...building }, phi),
        v1.contributions,
      );
    }
  });
}
