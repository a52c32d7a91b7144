import vocabularyJson from './vocabulary.json' with { type: 'json' };

/** A field whose value is a category name, matched through `vocabulary.json`. */
export type CategoryField = 'primaryPropertyType' | 'neighborhood' | 'useType' | 'buildingType';

/** One canonical category and the other names accepted for it. */
export interface Category {
  readonly name: string;
  readonly aliases: readonly string[];
}

/** The outcome of matching a raw value against one field's categories. */
export type CategoryMatch =
  | { readonly kind: 'match'; readonly name: string; readonly viaAlias: boolean }
  | { readonly kind: 'ambiguous'; readonly choices: readonly string[] }
  | { readonly kind: 'out-of-scope' }
  | { readonly kind: 'unknown'; readonly accepted: readonly string[] };

interface FieldVocabulary {
  readonly categories: readonly Category[];
  readonly ambiguous: Readonly<Record<string, readonly string[]>>;
}

interface Vocabulary {
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

type Resolution =
  | { kind: 'match'; name: string; viaAlias: boolean }
  | { kind: 'ambiguous'; choices: readonly string[] }
  | { kind: 'out-of-scope' };

// Built once: normalised name -> what it resolves to, per field.
const lookup = new Map<CategoryField, Map<string, Resolution>>();
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
  for (const [name, choices] of Object.entries(spec.ambiguous))
    table.set(normalizeCategoryName(name), { kind: 'ambiguous', choices });
  for (const name of vocabulary.outOfScope[field] ?? [])
    table.set(normalizeCategoryName(name), { kind: 'out-of-scope' });
  lookup.set(field, table);
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
 * matchCategory('primaryPropertyType', 'Office') // { kind: 'ambiguous', choices: ['Small- and Mid-Sized Office', 'Large Office'] }
 */
export function matchCategory(field: CategoryField, value: string): CategoryMatch {
  const found = lookup.get(field)?.get(normalizeCategoryName(value));
  if (found === undefined || normalizeCategoryName(value) === '')
    return { kind: 'unknown', accepted: categoryNames(field) };
  return found;
}

/**
 * True when a value names a building type the service does not cover (multifamily), including spellings of
 * future multifamily classes that the vocabulary does not list.
 */
export function isMultifamilyName(value: string): boolean {
  return normalizeCategoryName(value).startsWith('multifamily');
}
