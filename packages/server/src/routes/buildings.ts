import type { BuildingRecords } from '../buildings/building-records.js';
import { MAX_SEARCH_RESULTS } from '../buildings/building-records.js';
import { HttpProblem } from '../problem.js';
import type { ApiRouter, RouteContext } from './route-context.js';

const MIN_QUERY_LENGTH = 2;
const MAX_QUERY_LENGTH = 100;

/** The `q` parameter: given once, 2 to 100 characters once trimmed. */
function searchQuery(raw: string | string[] | undefined): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (typeof raw !== 'string' || text.length < MIN_QUERY_LENGTH || text.length > MAX_QUERY_LENGTH) {
    throw new HttpProblem(
      400,
      'invalid-query',
      `Query parameter "q" must be given once, ${MIN_QUERY_LENGTH} to ${MAX_QUERY_LENGTH} characters.`,
      [{ path: 'q', message: `must be ${MIN_QUERY_LENGTH} to ${MAX_QUERY_LENGTH} characters, given once` }],
    );
  }
  return text;
}

/**
 * Registers the city's building records: search by name or address, and one record with what it reported.
 *
 * @example
 * registerBuildingRoutes(router, context, lazyBuildingRecords());
 */
export function registerBuildingRoutes(
  router: ApiRouter,
  context: RouteContext,
  records: () => Promise<BuildingRecords>,
): void {
  /**
   * @openapi
   * /v1/buildings:
   *   get:
   *     operationId: searchBuildings
   *     tags: [Buildings]
   *     summary: Find a building in the city's 2016 benchmarking records
   *     description: >-
   *       Searches the names and addresses of the non-residential records of Seattle's 2016 benchmarking file.
   *       Case, accents, punctuation and street abbreviations ("Avenue" or "Ave") do not matter, and words may be
   *       partial: every word of `q` must be found. Whole words rank first. At most 20 results.
   *     parameters:
   *       - name: q
   *         in: query
   *         required: true
   *         description: Words of the building's name or address, 2 to 100 characters.
   *         schema: { type: string, minLength: 2, maxLength: 100, examples: ['405 olive', 'mayflower'] }
   *     responses:
   *       '200':
   *         description: The matching records, best first.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/BuildingSearch' }
   *             examples:
   *               search:
   *                 value:
   *                   query: 405 olive
   *                   count: 1
   *                   results: [{ id: 1, name: Mayflower park hotel, address: 405 Olive way, type: Hotel }]
   *       '400': { $ref: '#/components/responses/MalformedRequest' }
   * components:
   *   schemas:
   *     BuildingSearch:
   *       type: object
   *       required: [query, count, results]
   *       properties:
   *         query: { type: string }
   *         count: { type: integer, minimum: 0, maximum: 20 }
   *         results:
   *           type: array
   *           maxItems: 20
   *           items: { $ref: '#/components/schemas/BuildingSummary' }
   *     BuildingSummary:
   *       type: object
   *       required: [id, name, address, type]
   *       properties:
   *         id: { type: integer, description: "The city's OSEBuildingID." }
   *         name: { type: string }
   *         address: { type: string }
   *         type: { type: string, description: "The city's property type." }
   */
  router.get('/v1/buildings', async (ctx) => {
    const query = searchQuery(ctx.query['q']);
    const results = (await records()).search(query, MAX_SEARCH_RESULTS).map(({ id, name, address, type }) => ({
      id,
      name,
      address,
      type,
    }));
    ctx.body = { query, count: results.length, results };
  });

  /**
   * @openapi
   * /v1/buildings/{id}:
   *   get:
   *     operationId: getBuilding
   *     tags: [Buildings]
   *     summary: One record of the 2016 file, as a building, with what the city reported
   *     description: >-
   *       `building` is the record as the API reads it (the same mapping as the models' training data; categories
   *       resolved by the validator, aliases included). When the record breaks a rule of the API (for example 0
   *       floors), `valid` is false, `building` holds the fields that could be read and `errors` says what to fix.
   *       `reported` is what the city published for that year. `comparison` places the record's site energy use
   *       intensity among the other records of its property type that the models were trained on.
   *     parameters:
   *       - name: id
   *         in: path
   *         required: true
   *         description: "The city's OSEBuildingID."
   *         schema: { type: string, pattern: '^[1-9][0-9]{0,9}$', examples: ['1'] }
   *     responses:
   *       '200':
   *         description: The record.
   *         content:
   *           application/json:
   *             schema: { $ref: '#/components/schemas/BuildingRecord' }
   *       '404':
   *         description: No record with this id.
   *         content:
   *           application/problem+json:
   *             schema: { $ref: '#/components/schemas/Problem' }
   *             example:
   *               type: /problems/building-not-found
   *               title: Not found
   *               status: 404
   *               detail: There is no building 99999 in the 2016 records.
   *               instance: urn:request:b041cdb8-e0c1-4ffe-8333-a9bc365c7f13
   *               errors: [{ path: id, message: unknown building id }]
   * components:
   *   schemas:
   *     BuildingRecord:
   *       type: object
   *       required: [id, name, address, type, dataYear, building, valid, warnings, errors, reported, comparison]
   *       properties:
   *         id: { type: integer }
   *         name: { type: string }
   *         address: { type: string }
   *         type: { type: string }
   *         dataYear: { type: integer }
   *         building: { type: object, description: 'The building fields of POST /v1/predict.' }
   *         valid: { type: boolean, description: 'Whether the API accepts the building as it is.' }
   *         warnings:
   *           type: array
   *           items: { $ref: '#/components/schemas/Warning' }
   *         errors:
   *           type: array
   *           items: { $ref: '#/components/schemas/FieldError' }
   *         reported:
   *           type: object
   *           required: [siteEnergyKbtu, siteEuiKbtuPerSqFt, ghgEmissionsTonnes, complianceStatus, outlier]
   *           properties:
   *             siteEnergyKbtu: { type: [number, 'null'], description: 'SiteEnergyUse(kBtu)' }
   *             siteEuiKbtuPerSqFt: { type: [number, 'null'], description: 'SiteEUI(kBtu/sf)' }
   *             ghgEmissionsTonnes: { type: [number, 'null'], description: 'TotalGHGEmissions, metric tons CO2e' }
   *             complianceStatus: { type: string }
   *             outlier: { type: [string, 'null'] }
   *         comparison:
   *           type: object
   *           required: [propertyType, buildings, percentile, siteEui]
   *           properties:
   *             propertyType: { type: string }
   *             buildings: { type: integer, description: 'Other records of the type compared with.' }
   *             percentile:
   *               type: [number, 'null']
   *               minimum: 0
   *               maximum: 100
   *               description: 'Share (%) of them with a lower site EUI, ties counting half.'
   *             siteEui:
   *               type: array
   *               items: { type: number }
   *               description: 'Their site EUIs in kBtu per sq ft, ascending.'
   */
  router.get('/v1/buildings/:id', async (ctx) => {
    const raw = ctx.params['id'] ?? '';
    const all = await records();
    const record = /^[1-9][0-9]{0,9}$/.test(raw) ? all.get(Number(raw)) : undefined;
    if (record === undefined) {
      throw new HttpProblem(
        404,
        'building-not-found',
        `There is no building ${JSON.stringify(raw.slice(0, 20))} in the ${all.dataYear} records.`,
        [{ path: 'id', message: 'unknown building id' }],
      );
    }
    const validation = context.schema.validateBuilding(record.building);
    ctx.body = {
      id: record.id,
      name: record.name,
      address: record.address,
      type: record.type,
      dataYear: all.dataYear,
      building: validation.ok ? validation.building : record.building,
      valid: validation.ok,
      warnings: validation.ok ? validation.warnings : [],
      errors: validation.ok ? [] : validation.errors,
      reported: record.reported,
      comparison: all.compare(record),
    };
  });
}
