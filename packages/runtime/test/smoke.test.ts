import t from 'tap';
import { packageName } from '../src/index.js';
t.test('names itself', async (t) => {
  t.equal(packageName, '@seattle-energy/runtime');
});
