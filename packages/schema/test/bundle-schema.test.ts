import t from 'tap';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

// ajv's 2020-12 build is CommonJS; createRequire keeps its constructor typed without interop guesswork.
const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js').default;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const schema: unknown = JSON.parse(readFileSync(join(here, '..', 'src', 'bundle.schema.json'), 'utf8'));
const validate: ValidateFunction = new Ajv2020({ allErrors: true, strict: true }).compile(schema as object);

/** Every committed bundle: models/<name>/<version>/bundle.json. */
function committedBundles(): string[] {
  const models = join(root, 'models');
  return readdirSync(models).flatMap((name) =>
    readdirSync(join(models, name))
      .map((version) => join('models', name, version, 'bundle.json'))
      .filter((file) => existsSync(join(root, file))),
  );
}

/** The fields of bundle.json these tests read or damage. */
interface BundleFile {
  name: string;
  version: string;
  createdAt?: string;
  extra?: unknown;
  model: { file: string; sha256: string };
  golden: { file: string };
  target: { transform: string };
  features: { encoding: unknown }[];
  interval: { strata: { halfWidth?: number }[] };
}

const readBundle = (file: string): BundleFile => JSON.parse(readFileSync(join(root, file), 'utf8')) as BundleFile;

t.test('the two Seattle models are committed', async (t) => {
  const files = committedBundles();
  t.ok(files.includes(join('models', 'site-energy', '1.0.0', 'bundle.json')), 'site-energy 1.0.0');
  t.ok(files.includes(join('models', 'ghg-emissions', '1.0.0', 'bundle.json')), 'ghg-emissions 1.0.0');
});

for (const file of committedBundles()) {
  t.test(`${file} matches bundle.schema.json`, async (t) => {
    const ok = validate(readBundle(file));
    t.same(validate.errors ?? [], [], 'no schema errors');
    t.equal(ok, true);
  });

  t.test(`${file} sits in models/<name>/<version>/ and names its files beside it`, async (t) => {
    const bundle = readBundle(file);
    t.equal(file, join('models', bundle.name, bundle.version, 'bundle.json'));
    t.ok(existsSync(join(root, dirname(file), bundle.model.file)), 'model file exists');
    t.ok(existsSync(join(root, dirname(file), bundle.golden.file)), 'golden file exists');
  });
}

t.test('the schema refuses what a bundle must not be', async (t) => {
  const [file] = committedBundles();
  const good = readBundle(file!);
  const broken: [string, (b: BundleFile) => void][] = [
    [
      'an unknown encoding kind',
      (b) => {
        b.features[0]!.encoding = { kind: 'standardize', input: 'yearBuilt' };
      },
    ],
    [
      'a feature reading an unknown input',
      (b) => {
        b.features[0]!.encoding = { kind: 'numeric', input: 'yearbuilt' };
      },
    ],
    [
      'a short sha256',
      (b) => {
        b.model.sha256 = 'abc';
      },
    ],
    [
      'a target transform other than log',
      (b) => {
        b.target.transform = 'log10';
      },
    ],
    [
      'a missing createdAt',
      (b) => {
        delete b.createdAt;
      },
    ],
    [
      'an unknown top-level field',
      (b) => {
        b.extra = 1;
      },
    ],
    [
      'a stratum without halfWidth',
      (b) => {
        delete b.interval.strata[0]!.halfWidth;
      },
    ],
    [
      'a model file outside the bundle directory',
      (b) => {
        b.model.file = '../other/model.json';
      },
    ],
  ];
  for (const [label, breakIt] of broken) {
    const copy = structuredClone(good);
    breakIt(copy);
    t.equal(validate(copy), false, label);
  }
});
