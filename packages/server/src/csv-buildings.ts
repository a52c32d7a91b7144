import { parse } from 'csv-parse/sync';

import { HttpProblem } from './problem.js';

/** JSON type of a building field, as its JSON Schema declares it; decides how a CSV cell is read. */
export type FieldType = 'number' | 'integer' | 'boolean' | 'string';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/** Reads one cell as its field's type; a cell that does not fit stays a string so the validator names the problem. */
function cellValue(cell: string, type: FieldType | undefined): unknown {
  if (type === 'number' || type === 'integer') return NUMBER.test(cell) ? Number(cell) : cell;
  if (type === 'boolean') {
    const lower = cell.toLowerCase();
    if (TRUE.has(lower)) return true;
    if (FALSE.has(lower)) return false;
  }
  return cell;
}

/** A CSV row that could not become a building object (wrong number of cells); answered as that row's error. */
export class CsvRowError {
  constructor(readonly message: string) {}
}

/**
 * Turns a CSV (header row of building field names, one building per row) into building objects for the batch
 * endpoint. Empty cells are absent fields; numbers and booleans are read by the schema's field types; unknown
 * columns are kept so that validation refuses them by name. Rows with the wrong cell count become row errors,
 * never silently dropped. A CSV that cannot be parsed at all is a 400.
 *
 * @example
 * csvToBuildings('yearBuilt,neighborhood\n1927,DOWNTOWN\n', new Map([['yearBuilt', 'integer']]))
 * // [{ yearBuilt: 1927, neighborhood: 'DOWNTOWN' }]
 */
export function csvToBuildings(
  text: string,
  fields: ReadonlyMap<string, FieldType>,
  maxRows: number,
): (Record<string, unknown> | CsvRowError)[] {
  let rows: string[][];
  try {
    rows = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      to: maxRows + 2,
    });
  } catch (error) {
    const where = (error as { lines?: number }).lines;
    throw new HttpProblem(
      400,
      'malformed-csv',
      `The CSV body cannot be parsed${where === undefined ? '' : ` (near line ${where})`}.`,
      [{ path: '', message: 'malformed CSV' }],
    );
  }
  const header = rows[0];
  if (header === undefined) return [];
  const seen = new Set<string>();
  for (const column of header) {
    if (column === '' || seen.has(column)) {
      throw new HttpProblem(
        422,
        'invalid-body',
        `The CSV header has ${column === '' ? 'an empty' : `a repeated (${column})`} column name.`,
        [{ path: '', message: 'every header cell must be a distinct building field name' }],
      );
    }
    seen.add(column);
  }
  const buildings: (Record<string, unknown> | CsvRowError)[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r] ?? [];
    if (row.length !== header.length) {
      buildings.push(new CsvRowError(`row has ${row.length} cells, the header has ${header.length}`));
      continue;
    }
    const building: Record<string, unknown> = {};
    for (let c = 0; c < header.length; c++) {
      const cell = row[c] ?? '';
      if (cell === '') continue;
      const column = header[c] ?? '';
      // defineProperty: a "__proto__" column must be a plain key the validator refuses, not a prototype change.
      Object.defineProperty(building, column, {
        value: cellValue(cell, fields.get(column)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    buildings.push(building);
  }
  return buildings;
}

/**
 * Reads the top-level field types from the building's JSON Schema (`type`, or the types of `anyOf`/`oneOf`).
 *
 * @example
 * buildingFieldTypes({ properties: { yearBuilt: { type: 'integer' } } }).get('yearBuilt') // 'integer'
 */
export function buildingFieldTypes(jsonSchema: Record<string, unknown>): Map<string, FieldType> {
  const types = new Map<string, FieldType>();
  const properties = (jsonSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, property] of Object.entries(properties)) {
    const candidates: unknown[] = [];
    const collect = (node: Record<string, unknown>) => {
      const type = node['type'];
      if (Array.isArray(type)) candidates.push(...(type as unknown[]));
      else if (type !== undefined) candidates.push(type);
      if ('const' in node) candidates.push(typeof node['const']);
      for (const key of ['anyOf', 'oneOf', 'allOf']) {
        const list = node[key];
        if (Array.isArray(list)) for (const item of list) collect(item as Record<string, unknown>);
      }
    };
    collect(property);
    const found = candidates.find((t) => t === 'integer' || t === 'number' || t === 'boolean');
    types.set(name, (found as FieldType | undefined) ?? 'string');
  }
  return types;
}
