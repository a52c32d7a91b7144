import { closestNames } from './closest-name.js';
import vocabularyJson from './vocabulary.json' with { type: 'json' };

/** A field whose value is a category name, matched through `vocabulary.json`. */
export type CategoryField = 'primaryPropertyType' | 'neighborhood' | 'useType' | 'buildingType';

/** One canonical category and the other names accepted for it. */
export interface Category {
  readonly name: string;
  readonly aliases: readonly string[];
}

/**
 * A name that means one of two categories depending on the building's size, as the city decides it (the city files an
 * "Office" of 100,000 sq ft or more as "Large Office").
 */
export interface SizeRule {
  readonly input: 'propertyGfaTotal';
  readonly threshold: number;
  readonly below: string;
  readonly atOrAbove: string;
}

/**
 * The outcome of matching a raw value against one field's categories: a category (possibly through an alias), the
 * nearest category of a type the models never saw, a size rule, or a refusal (ambiguous, out of scope, unknown with
 * the closest known names).
 */
export type CategoryMatch =
  | { readonly kind: 'match'; readonly name: string; readonly viaAlias: boolean }
  | { readonly kind: 'nearest'; readonly name: string }
  | { readonly kind: 'by-size'; readonly rule: SizeRule }
  | { readonly kind: 'ambiguous'; readonly choices: readonly string[] }
  | { readonly kind: 'out-of-scope' }
  | { readonly kind: 'unknown'; readonly accepted: readonly string[]; readonly suggestions: readonly string[] };

interface FieldVocabulary {
  readonly categories: readonly Category[];
  readonly ambiguous: Readonly<Record<string, readonly string[]>>;
  /** Known names (Portfolio Manager types the 2016 data never had) and the category each is read as. */
  readonly nearest?: Readonly<Record<string, string>>;
  readonly bySize?: Readonly<Record<string, SizeRule>>;
}

interface Vocabulary {
  /** Every ENERGY STAR Portfolio Manager property type, as Portfolio Manager spells it. */
  readonly portfolioManagerTypes: readonly string[];
  readonly fields: Readonly<Record<CategoryField, FieldVocabulary>>;
  readonly outOfScope: Readonly<Partial<Record<CategoryField, readonly string[]>>>;
}

/** The shared vocabulary (`src/vocabulary.json`), also read by the training script. */
export const vocabulary: Vocabulary = vocabularyJson as Vocabulary;

/**
 * Reduces a category name to what matching compares: lowercase letters and digits only, so case, spacing and
 * punctuation never decide a match.
 *
 * @example
 * normalizeCategoryName('Supermarket / Grocery Store') // 'supermarketgrocerystore'
 */
export function normalizeCategoryName(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

type Resolution = Exclude<CategoryMatch, { kind: 'unknown' }>;

// Built once: normalised name -> what it resolves to, per field, and every name spelled in the vocabulary (for
// suggestions when a value is unknown).
const lookup = new Map<CategoryField, Map<string, Resolution>>();
const spelledNames = new Map<CategoryField, string[]>();
for (const field of Object.keys(vocabulary.fields) as CategoryField[]) {
  const spec = vocabulary.fields[field];
  const table = new Map<string, Resolution>();
  for (const category of spec.categories) {
    for (const alias of category.aliases) {
      // An alias that differs from the name only by case or punctuation is not worth reporting as an alias.
      const viaAlias = normalizeCategoryName(alias) !== normalizeCategoryName(category.name);
      table.set(normalizeCategoryName(alias), { kind: 'match', name: category.name, viaAlias });
    }
    table.set(normalizeCategoryName(category.name), { kind: 'match', name: category.name, viaAlias: false });
  }
  for (const [name, category] of Object.entries(spec.nearest ?? {}))
    table.set(normalizeCategoryName(name), { kind: 'nearest', name: category });
  for (const [name, rule] of Object.entries(spec.bySize ?? {}))
    table.set(normalizeCategoryName(name), { kind: 'by-size', rule });
  for (const [name, choices] of Object.entries(spec.ambiguous))
    table.set(normalizeCategoryName(name), { kind: 'ambiguous', choices });
  for (const name of vocabulary.outOfScope[field] ?? [])
    table.set(normalizeCategoryName(name), { kind: 'out-of-scope' });
  lookup.set(field, table);
  spelledNames.set(field, [
    ...spec.categories.flatMap((c) => [c.name, ...c.aliases]),
    ...Object.keys(spec.nearest ?? {}),
    ...Object.keys(spec.bySize ?? {}),
    ...Object.keys(spec.ambiguous),
  ]);
}

/**
 * The canonical names of one field's categories, in vocabulary order.
 *
 * @example
 * categoryNames('buildingType') // ['Campus', 'NonResidential', 'Nonresidential COS', ...]
 */
export function categoryNames(field: CategoryField): readonly string[] {
  return vocabulary.fields[field].categories.map((c) => c.name);
}

/**
 * Matches a raw value against a field's categories and aliases, ignoring case, spacing and punctuation.
 *
 * @example
 * matchCategory('neighborhood', 'DELRIDGE NEIGHBORHOODS') // { kind: 'match', name: 'Delridge', viaAlias: true }
 * matchCategory('primaryPropertyType', 'Bowling Alley') // { kind: 'nearest', name: 'Other' }
 * matchCategory('primaryPropertyType', 'Hotle') // { kind: 'unknown', accepted: [...], suggestions: ['Hotel'] }
 */
export function matchCategory(field: CategoryField, value: string): CategoryMatch {
  const key = normalizeCategoryName(value);
  const found = lookup.get(field)?.get(key);
  if (found === undefined || key === '') {
    const suggestions = closestNames(value, spelledNames.get(field) ?? [], { key: normalizeCategoryName });
    return { kind: 'unknown', accepted: categoryNames(field), suggestions };
  }
  return found;
}

/**
 * The category a size rule gives a building of this floor area.
 *
 * @example
 * resolveBySize({ input: 'propertyGfaTotal', threshold: 100000, below: 'Small- and Mid-Sized Office',
 *   atOrAbove: 'Large Office' }, 250000) // 'Large Office'
 */
export function resolveBySize(rule: SizeRule, size: number): string {
  return size >= rule.threshold ? rule.atOrAbove : rule.below;
}

/**
 * True when a value names a building type the service does not cover (multifamily), including spellings of
 * future multifamily classes that the vocabulary does not list.
 */
export function isMultifamilyName(value: string): boolean {
  return normalizeCategoryName(value).startsWith('multifamily');
}
