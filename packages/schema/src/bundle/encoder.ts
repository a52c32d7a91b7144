import type { Building } from '../building-type.js';
import { BundleError } from './errors.js';
import { compileExpression as compileArithmetic } from './expression.js';
import type { BundleFeature, FeatureEncoding } from './manifest.js';

/** Turns a validated building into the model's feature vector (doubles; NaN = missing). */
export type BuildingEncoder = (building: Readonly<Building> | Readonly<Record<string, unknown>>) => Float64Array;

const useSlots = ['largest', 'secondLargest', 'thirdLargest'] as const;
const slotFields = useSlots.flatMap((s) => [`${s}PropertyUseType`, `${s}PropertyUseTypeGfa`]);

/**
 * The public input fields a feature reads, in the order used to share out its contribution.
 *
 * @example
 * featureInputs({ kind: 'ratio', numerator: 'propertyGfaTotal', denominator: 'numberOfFloors' })
 * // ['propertyGfaTotal', 'numberOfFloors']
 */
export function featureInputs(encoding: FeatureEncoding): readonly string[] {
  switch (encoding.kind) {
    case 'numeric':
    case 'log1p':
    case 'boolean':
    case 'one-hot':
      return [encoding.input];
    case 'ratio':
      return [encoding.numerator, encoding.denominator];
    case 'expression':
      return encoding.inputs;
    case 'use-share':
      return ['propertyGfaTotal', ...slotFields];
    case 'use-mix':
      return slotFields;
  }
}

type Record_ = Readonly<Record<string, unknown>>;
type FeatureFn = (b: Record_) => number;

const numberOf = (b: Record_, name: string): number => {
  const value = b[name];
  return typeof value === 'number' ? value : NaN;
};

// Share of the floor area declared for one use type; divides by the larger of the total and the declared sum,
// because the city's use-type areas and totals come from different sources and the declared sum can exceed the total.
// The slots' field names are built once: a name assembled per call is a fresh string, hashed again at every lookup.
const slotTypeFields = useSlots.map((slot) => `${slot}PropertyUseType`);
const slotAreaFields = useSlots.map((slot) => `${slot}PropertyUseTypeGfa`);

function useShare(b: Record_, useType: string): number {
  let matched = 0;
  let declared = 0;
  let counted = 0;
  for (let i = 0; i < slotTypeFields.length; i++) {
    const slotType = b[slotTypeFields[i]!];
    const area = b[slotAreaFields[i]!];
    if (typeof slotType !== 'string' || typeof area !== 'number') continue;
    counted++;
    declared += area;
    if (slotType === useType) matched += area;
  }
  if (counted === 0) return NaN;
  return matched / Math.max(numberOf(b, 'propertyGfaTotal'), declared);
}

// Share of the declared use-type area (slots with a type and an area > 0) held by one use type. It does not read the
// total floor area, so a larger building with the same mix keeps the same value: the estimate can follow the area
// monotonically (ARCHITECTURE.md, `use-mix`).
function useMix(b: Record_, useType: string): number {
  let matched = 0;
  let declared = 0;
  for (let i = 0; i < slotTypeFields.length; i++) {
    const slotType = b[slotTypeFields[i]!];
    const area = b[slotAreaFields[i]!];
    if (typeof slotType !== 'string' || typeof area !== 'number' || !(area > 0)) continue;
    declared += area;
    if (slotType === useType) matched += area;
  }
  return declared > 0 ? matched / declared : NaN;
}

function compileExpression(feature: BundleFeature & { encoding: { kind: 'expression' } }): FeatureFn {
  const { expression, inputs } = feature.encoding;
  let evaluate: ReturnType<typeof compileArithmetic>;
  try {
    evaluate = compileArithmetic(expression, inputs);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new BundleError(
      'BUNDLE_ENCODING_INVALID',
      `feature ${feature.name}: expression "${expression}" is refused: ${reason}`,
      { cause },
    );
  }
  return (b) => {
    const scope: Record<string, number> = {};
    for (const input of inputs) scope[input] = numberOf(b, input);
    return evaluate(scope);
  };
}

function compileFeature(feature: BundleFeature): FeatureFn {
  const e = feature.encoding;
  switch (e.kind) {
    case 'numeric':
      return (b) => numberOf(b, e.input);
    case 'log1p':
      return (b) => Math.log1p(numberOf(b, e.input));
    case 'ratio':
      return (b) => numberOf(b, e.numerator) / numberOf(b, e.denominator);
    case 'boolean':
      return (b) => {
        const value = b[e.input];
        return typeof value === 'boolean' ? (value ? 1 : 0) : NaN;
      };
    case 'one-hot':
      return (b) => {
        const value = b[e.input];
        return typeof value === 'string' ? (value === e.category ? 1 : 0) : NaN;
      };
    case 'use-share':
      return (b) => useShare(b, e.useType);
    case 'use-mix':
      return (b) => useMix(b, e.useType);
    case 'expression':
      return compileExpression({ ...feature, encoding: e });
  }
}

/**
 * Compiles a bundle's feature list into an encoder (expressions are parsed and compiled once, here). The vector
 * follows the list's order exactly; a missing optional input gives NaN, which the model treats as missing.
 *
 * @example
 * const encode = compileEncoder(manifest.features);
 * const vector = encode(validated.building); // Float64Array, manifest.features.length long
 */
export function compileEncoder(features: readonly BundleFeature[]): BuildingEncoder {
  const fns = features.map(compileFeature);
  return (building) => {
    const out = new Float64Array(fns.length);
    const record = building as Record_;
    for (let j = 0; j < fns.length; j++) out[j] = fns[j]!(record);
    return out;
  };
}
