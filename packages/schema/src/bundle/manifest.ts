import { type } from 'arktype';
import { BundleError } from './errors.js';

const encoding = type.or(
  { kind: "'numeric'", input: 'string' },
  { kind: "'log1p'", input: 'string' },
  { kind: "'ratio'", numerator: 'string', denominator: 'string' },
  { kind: "'boolean'", input: 'string' },
  { kind: "'one-hot'", input: 'string', category: 'string' },
  { kind: "'use-share'", useType: 'string' },
  { kind: "'use-mix'", useType: 'string' },
  { kind: "'expression'", expression: 'string', inputs: 'string[]' },
);

const condition = type({
  'present?': 'string[]',
  'absent?': 'string[]',
  'range?': { input: 'string', min: 'number | null', max: 'number | null' },
});

// What this package reads from bundle.json. Other fields (description, trainingData, metrics...) pass through untouched;
// the full format is `bundle.schema.json`.
const manifestType = type({
  formatVersion: '1',
  name: 'string',
  version: 'string',
  'createdAt?': 'string',
  'description?': 'string',
  framework: { name: 'string', version: 'string' },
  model: { file: 'string', format: 'string', sha256: /^[0-9a-f]{64}$/ },
  target: { column: 'string', unit: 'string', transform: "'log'" },
  inputs: 'string[]',
  features: type({ name: 'string', encoding }).array().atLeastLength(1),
  interval: {
    level: '0 < number < 1',
    strata: type({ when: condition, halfWidth: 'number >= 0' }).array().atLeastLength(1),
  },
  'trainingRange?': {
    'numeric?': type.Record('string', { min: 'number', max: 'number' }),
    'categories?': type.Record('string', type.Record('string', 'number')),
  },
  'golden?': { file: 'string' },
  'metrics?': 'object',
  'trainingData?': 'object',
});

/** How one feature is computed from a building (ARCHITECTURE.md, "Feature encodings"). */
export type FeatureEncoding = typeof encoding.infer;

/** One model feature, in training order. */
export interface BundleFeature {
  readonly name: string;
  readonly encoding: FeatureEncoding;
}

/** When an interval stratum applies: inputs given, inputs absent, an input's value in [min, max). */
export type StratumCondition = typeof condition.infer;

/** The parsed `bundle.json` (format 1). Fields this package does not use are kept as they are. */
export type ModelBundle = typeof manifestType.infer & { readonly [extra: string]: unknown };

/**
 * Checks a parsed `bundle.json` against what this package needs, naming the file and every problem.
 *
 * @example
 * const manifest = parseManifest(JSON.parse(text), 'models/site-energy/1.0.0/bundle.json');
 * manifest.features.length; // 95
 */
export function parseManifest(json: unknown, file: string): ModelBundle {
  const checked = manifestType(json);
  if (checked instanceof type.errors) {
    throw new BundleError('BUNDLE_MANIFEST_INVALID', `${file} is not a valid bundle manifest:\n${checked.summary}`);
  }
  return checked;
}
