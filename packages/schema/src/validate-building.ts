import { type } from 'arktype';
import { describeBuildingFields, ordinanceThreshold, type BuildingFieldDoc } from './building-fields.js';
import { buildingShape, currentYear, type Building } from './building-type.js';
import { closestName } from './closest-name.js';
import { findHiddenCharacter, showText } from './hidden-characters.js';
import { matchCategory, resolveBySize, type CategoryField } from './vocabulary.js';
import type { WarningCode } from './warning-codes.js';

/** One hard problem with the input; `path` is the field name ('' for the whole body). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** A soft issue: the building is accepted, but the answer deserves a caveat. */
export interface Warning {
  field?: string;
  code: WarningCode;
  message: string;
}

/** The result of `validateBuilding`: a value, never an exception. */
export type BuildingValidation =
  { ok: true; building: Building; warnings: Warning[] } | { ok: false; errors: ValidationIssue[] };

const useSlots = ['largest', 'secondLargest', 'thirdLargest'] as const;
const categoryFields: readonly [keyof Building, CategoryField][] = [
  ['primaryPropertyType', 'primaryPropertyType'],
  ['neighborhood', 'neighborhood'],
  ['buildingType', 'buildingType'],
  ...useSlots.map((slot): [keyof Building, CategoryField] => [`${slot}PropertyUseType`, 'useType']),
];
// The field docs by name, built once per docs list (the list itself is cached per year) instead of per request.
const rulesByDocs = new WeakMap<readonly BuildingFieldDoc[], ReadonlyMap<string, BuildingFieldDoc>>();
function fieldRules(fields: readonly BuildingFieldDoc[]): ReadonlyMap<string, BuildingFieldDoc> {
  let rules = rulesByDocs.get(fields);
  if (rules === undefined) {
    rules = new Map(fields.map((f) => [f.name, f]));
    rulesByDocs.set(fields, rules);
  }
  return rules;
}

const multifamilyMessage = 'this service predicts for non-residential buildings only, not multifamily ones';
const residentialMessage = 'this service predicts for non-residential buildings only, not homes or multifamily ones';
const quoted = (names: readonly string[]): string => names.map((c) => `"${c}"`).join(' or ');

/**
 * Checks a building as the API receives it, reporting every problem at once: shape and ranges (ArkType), then
 * categories and the rules that tie fields together. On success the building holds canonical category names.
 *
 * @example
 * const result = validateBuilding({ primaryPropertyType: 'hotel', neighborhood: 'DOWNTOWN', yearBuilt: 1927,
 *   numberOfFloors: 12, propertyGfaTotal: 88434 });
 * if (result.ok) result.building.neighborhood; // 'Downtown'
 * else result.errors; // [{ path: 'yearBuilt', message: 'yearBuilt must be ...' }]
 */
export function validateBuilding(input: unknown): BuildingValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const found = input === null ? 'null' : Array.isArray(input) ? 'an array' : `a ${typeof input}`;
    return { ok: false, errors: [{ path: '', message: `a building must be a JSON object of fields (was ${found})` }] };
  }
  const raw = input as Record<string, unknown>;
  const fields = describeBuildingFields(currentYear());
  const rules = fieldRules(fields);
  const errors: ValidationIssue[] = [];
  const broken = new Set<string>();

  const checked = buildingShape()(raw);
  if (checked instanceof type.errors) {
    for (const error of checked) {
      const name = String(error.path[0] ?? '');
      broken.add(name);
      const doc = rules.get(name);
      if (doc === undefined) {
        const guess = closestName(name, [...rules.keys()]);
        const hint = guess === undefined ? '' : ` (did you mean "${guess}"?)`;
        errors.push({
          path: name,
          message: `unknown field "${showText(name)}"${hint}; accepted fields: ${[...rules.keys()].join(', ')}`,
        });
      } else if (raw[name] === undefined) {
        errors.push({ path: name, message: `${name} is required: ${doc.rule}` });
      } else {
        const note = name === 'numberOfFloors' && raw[name] === 0 ? floorsZeroNote : '';
        errors.push({ path: name, message: `${name} must be ${doc.rule} (was ${describeValue(raw[name])}${note})` });
      }
    }
  }
  // Text that could hide what it says is refused, never cleaned: a match must be on what was sent.
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'string' || !rules.has(name) || broken.has(name)) continue;
    const hidden = findHiddenCharacter(value);
    if (hidden === undefined) continue;
    broken.add(name);
    errors.push({
      path: name,
      message: `${name} must not contain control or invisible formatting characters (zero-width, bidirectional, byte-order mark...): ${hidden.codePoint} at character ${hidden.position} of "${showText(value)}"`,
    });
  }
  const ok = (name: string): boolean => name in raw && raw[name] !== undefined && !broken.has(name);
  const num = (name: string): number | undefined => (ok(name) ? (raw[name] as number) : undefined);

  const building: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) if (ok(name) && value !== undefined) building[name] = value;
  const warnings: Warning[] = [];

  // Categories: canonical names, the nearest category of a type the models never saw, size rules, ambiguity, scope.
  const total = num('propertyGfaTotal');
  for (const [name, field] of categoryFields) {
    if (!ok(name)) continue;
    const value = raw[name] as string;
    const shown = showText(value.length > 60 ? `${value.slice(0, 60)}...` : value);
    const doc = rules.get(name);
    const multifamily = field !== 'useType' && /multifamily/i.test(value.replace(/[^a-z]/gi, ''));
    const match = matchCategory(field, value);
    if (match.kind === 'out-of-scope' || (multifamily && match.kind === 'unknown')) {
      const why = field === 'primaryPropertyType' && !multifamily ? residentialMessage : multifamilyMessage;
      errors.push({ path: name, message: `${name} "${shown}" is out of scope: ${why}` });
    } else if (match.kind === 'ambiguous') {
      errors.push({
        path: name,
        message: `${name} "${shown}" is ambiguous: it may be ${quoted(match.choices)}; send one of them`,
      });
    } else if (match.kind === 'unknown') {
      const hint = match.suggestions.length === 0 ? '' : `; did you mean ${quoted(match.suggestions)}?`;
      errors.push({
        path: name,
        message: `${name} must be ${doc?.rule ?? 'a known category'} (was "${shown}")${hint}`,
      });
    } else if (match.kind === 'by-size') {
      if (total === undefined) continue; // propertyGfaTotal has its own error
      const category = resolveBySize(match.rule, total);
      building[name] = category;
      warnings.push({
        field: name,
        code: 'CATEGORY_ALIAS',
        message: `${name} "${shown}" was read as "${category}": the city files it by size, "${match.rule.atOrAbove}" from ${match.rule.threshold.toLocaleString('en-US')} sq ft of propertyGfaTotal and "${match.rule.below}" below`,
      });
    } else if (match.kind === 'nearest') {
      building[name] = match.name;
      warnings.push({
        field: name,
        code: 'CATEGORY_NEAREST',
        message: `${name} "${shown}" is a type the models never saw; it was read as "${match.name}", its nearest category, so the estimate knows less about this building`,
      });
    } else {
      building[name] = match.name;
      if (match.viaAlias) {
        warnings.push({
          field: name,
          code: 'CATEGORY_ALIAS',
          message: `${name} "${shown}" was read as "${match.name}"`,
        });
      }
    }
  }

  // Parking is part of the total.
  const parking = num('propertyGfaParking');
  if (total !== undefined && parking !== undefined && parking > total) {
    errors.push({
      path: 'propertyGfaParking',
      message: `propertyGfaParking (${parking}) must not exceed propertyGfaTotal (${total}): parking is part of the total`,
    });
  }

  // Use-type slots: an area needs its type, slots fill in order, areas do not grow down the ranking.
  let previous: string | undefined;
  let rankedAbove: { name: string; area: number } | undefined;
  for (const slot of useSlots) {
    const typeName = `${slot}PropertyUseType`;
    const areaName = `${slot}PropertyUseTypeGfa`;
    const present = typeName in raw && raw[typeName] !== undefined;
    const area = num(areaName);
    if (area !== undefined && !present) {
      errors.push({ path: areaName, message: `${areaName} needs ${typeName}: say which use this floor area is for` });
    }
    if (present && previous !== undefined && !(`${previous}PropertyUseType` in raw)) {
      errors.push({
        path: typeName,
        message: `${typeName} needs ${previous}PropertyUseType: fill the use types from the largest down`,
      });
    }
    if (area !== undefined && rankedAbove !== undefined && area > rankedAbove.area) {
      errors.push({
        path: areaName,
        message: `${areaName} (${area}) must not exceed ${rankedAbove.name} (${rankedAbove.area}): use types are ranked by floor area`,
      });
    }
    previous = slot;
    // The city's files name second and third uses with 0 sq ft: a use named, with no area to share out.
    if (area === 0 && present) {
      delete building[areaName];
      warnings.push({
        field: areaName,
        code: 'USE_AREA_ZERO',
        message: `${areaName} is 0 sq ft: ${typeName} is kept as named, with no floor area, and does not count in the use shares`,
      });
    } else if (area !== undefined) rankedAbove = { name: areaName, area };
  }

  // Training reads the files' 0 buildings as "not given"; so does the API, saying so.
  if (num('numberOfBuildings') === 0) {
    delete building['numberOfBuildings'];
    warnings.push({
      field: 'numberOfBuildings',
      code: 'ZERO_AS_MISSING',
      message:
        'numberOfBuildings 0 was read as not given: a property has at least one building, and the models learned the same reading of 0',
    });
  }

  // Coordinates come as a pair.
  const hasLatitude = 'latitude' in raw && raw['latitude'] !== undefined;
  const hasLongitude = 'longitude' in raw && raw['longitude'] !== undefined;
  if (hasLatitude !== hasLongitude) {
    const missing = hasLatitude ? 'longitude' : 'latitude';
    errors.push({
      path: missing,
      message: `${missing} is required when ${hasLatitude ? 'latitude' : 'longitude'} is given: send both or neither`,
    });
  }

  if (errors.length > 0) {
    // Report in the documented field order (the body first, unknown fields last) whatever order the checks ran in.
    const order = (path: string): number => (path === '' ? -1 : fields.findIndex((f) => f.name === path) >>> 0);
    return { ok: false, errors: errors.sort((a, b) => order(a.path) - order(b.path)) };
  }

  if (total !== undefined && total < ordinanceThreshold) {
    warnings.push({
      field: 'propertyGfaTotal',
      code: 'BELOW_ORDINANCE_THRESHOLD',
      message: `propertyGfaTotal (${total} sq ft) is below the benchmarking ordinance's ${ordinanceThreshold.toLocaleString('en-US')} sq ft: the models learned from larger buildings`,
    });
  }
  const declared = useSlots.reduce((sum, slot) => sum + (num(`${slot}PropertyUseTypeGfa`) ?? 0), 0);
  if (total !== undefined && declared > total) {
    warnings.push({
      field: 'propertyGfaTotal',
      code: 'USE_AREAS_EXCEED_TOTAL',
      message: `the use-type floor areas add up to ${declared} sq ft, more than propertyGfaTotal (${total} sq ft): the size is read from propertyGfaTotal, the mix of uses from the use-type areas`,
    });
  }
  return { ok: true, building: building as unknown as Building, warnings };
}

const floorsZeroNote =
  "; the city's files write 0 where the count is unknown, but the models need the number of floors above ground";

// Says what a refused value was without echoing huge payloads; points out numbers sent as strings.
function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = showText(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    const numeric = value.trim() !== '' && Number.isFinite(Number(value));
    return numeric ? `the string "${shown}"; send numbers as JSON numbers, not strings` : `the string "${shown}"`;
  }
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'boolean' ? String(value) : typeof value;
}
