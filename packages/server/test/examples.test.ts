// The README's example, mirrored in examples/ and run here as a user runs it (through the packages' own names); the
// test command type-checks it with the tests.
import type { AddressInfo } from 'node:net';

import { exampleBuilding } from '@seattle-energy/schema';
import t from 'tap';

import { serveModels } from '../examples/embed.js';
import { defaultModelsDir } from '../src/config.js';
import type { PredictionResponse } from './fixtures/api-bodies.js';

t.test('examples/embed.ts serves the repository models and predicts the example building', async (t) => {
  const server = await serveModels(defaultModelsDir);
  t.teardown(() => new Promise<void>((closed) => server.close(() => closed())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.equal((await fetch(`${base}/readyz`)).status, 200, 'ready at once: the store was loaded before');
  const reply = await fetch(`${base}/v1/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(exampleBuilding),
  });
  t.equal(reply.status, 200);
  const body = (await reply.json()) as PredictionResponse;
  t.equal(body.model.name, 'site-energy');
  t.ok(body.value > 0, `a prediction in kBtu (${body.value})`);
});
