import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { packageDir } from '../config.js';
import { matchScore, searchEntry, searchWords, type SearchEntry } from './building-search.js';

/** The index built from the 2016 benchmarking file by `scripts/build-building-index.mjs`. */
export const buildingIndexFile = join(packageDir, 'data', 'buildings-2016.json');

/** Most results a search returns. */
export const MAX_SEARCH_RESULTS = 20;

/** The public building fields of a record, in the order of the index's columns. */
const BUILDING_FIELDS = [
  'primaryPropertyType',
  'neighborhood',
  'yearBuilt',
  'numberOfFloors',
  'propertyGfaTotal',
  'buildingType',
  'numberOfBuildings',
  'propertyGfaParking',
  'largestPropertyUseType',
  'largestPropertyUseTypeGfa',
  'secondLargestPropertyUseType',
  'secondLargestPropertyUseTypeGfa',
  'thirdLargestPropertyUseType',
  'thirdLargestPropertyUseTypeGfa',
  'latitude',
  'longitude',
  'energyStarScore',
  'usesSteam',
  'usesNaturalGas',
] as const;

/** What the city reported for one building in the data year. */
export interface ReportedUse {
  readonly siteEnergyKbtu: number | null;
  readonly siteEuiKbtuPerSqFt: number | null;
  readonly ghgEmissionsTonnes: number | null;
  /** The city's `ComplianceStatus` (`Compliant`, `Error - Correct Default Data`, ...). */
  readonly complianceStatus: string;
  /** The city's `Outlier` flag (`High outlier`, `Low outlier`) or null. */
  readonly outlier: string | null;
}

/** One record of the city's file: who it is, the building as an owner would describe it, and what it reported. */
export interface BuildingRecord {
  readonly id: number;
  readonly name: string;
  readonly address: string;
  /** The city's property type, as published. */
  readonly type: string;
  /** The public building fields, in the dataset's own spellings (the validator resolves them). */
  readonly building: Readonly<Record<string, string | number | boolean>>;
  readonly reported: ReportedUse;
}

/** Where a record's reported energy use intensity stands among records of the same property type. */
export interface PeerComparison {
  readonly propertyType: string;
  /** Other records of that type the comparison is made with. */
  readonly buildings: number;
  /** Share of them (0-100) that reported a lower site EUI, ties counting half; null without an EUI. */
  readonly percentile: number | null;
  /** Their site EUIs, ascending (kBtu per sq ft). */
  readonly siteEui: readonly number[];
}

/** Columns whose cells are positions in the index's `strings` (categories repeat across records). */
const STRING_COLUMNS = new Set([
  'primaryPropertyType',
  'neighborhood',
  'buildingType',
  'largestPropertyUseType',
  'secondLargestPropertyUseType',
  'thirdLargestPropertyUseType',
  'complianceStatus',
  'outlier',
]);

interface IndexFile {
  dataYear: number;
  columns: string[];
  strings: string[];
  records: (string | number | null)[][];
}

/**
 * Peers are the records training keeps (training/data.py `load_rows`): compliant, not flagged as outliers, with
 * energy use above zero; and with a reported EUI.
 */
function isPeer(record: BuildingRecord): boolean {
  const { reported } = record;
  return (
    reported.complianceStatus === 'Compliant' &&
    reported.outlier === null &&
    (reported.siteEnergyKbtu ?? 0) > 0 &&
    (reported.siteEuiKbtuPerSqFt ?? 0) > 0
  );
}

/** The records of one data year: search by name and address, look up by id, compare with peers. */
export class BuildingRecords {
  readonly dataYear: number;
  private readonly byId = new Map<number, BuildingRecord>();
  private readonly entries: { record: BuildingRecord; search: SearchEntry }[] = [];
  private readonly peersByType = new Map<string, BuildingRecord[]>();

  constructor(index: IndexFile) {
    this.dataYear = index.dataYear;
    const column = new Map(index.columns.map((name, position) => [name, position]));
    for (const row of index.records) {
      const cell = (name: string) => row[column.get(name) ?? -1] ?? null;
      const text = (name: string) => {
        const value = cell(name);
        return typeof value === 'number' && STRING_COLUMNS.has(name) ? (index.strings[value] ?? null) : value;
      };
      const building: Record<string, string | number | boolean> = {};
      for (const field of BUILDING_FIELDS) {
        const value = text(field);
        if (value === null) continue;
        building[field] = field.startsWith('uses') ? value === 1 : value;
      }
      const record: BuildingRecord = {
        id: Number(cell('id')),
        name: String(text('name') ?? ''),
        address: String(text('address') ?? ''),
        type: String(text('primaryPropertyType') ?? ''),
        building,
        reported: {
          siteEnergyKbtu: cell('siteEnergyKbtu') as number | null,
          siteEuiKbtuPerSqFt: cell('siteEuiKbtuPerSqFt') as number | null,
          ghgEmissionsTonnes: cell('ghgEmissionsTonnes') as number | null,
          complianceStatus: String(text('complianceStatus') ?? ''),
          outlier: text('outlier') as string | null,
        },
      };
      this.byId.set(record.id, record);
      this.entries.push({ record, search: searchEntry(record.name, record.address) });
      if (isPeer(record)) {
        const peers = this.peersByType.get(record.type) ?? [];
        peers.push(record);
        this.peersByType.set(record.type, peers);
      }
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /** Up to `limit` records whose name or address holds every word of `query`, best first, then by id. */
  search(query: string, limit = MAX_SEARCH_RESULTS): BuildingRecord[] {
    const words = searchWords(query);
    if (words.length === 0) return [];
    return this.entries
      .map(({ record, search }) => ({ record, score: matchScore(words, search) }))
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score || a.record.id - b.record.id)
      .slice(0, limit)
      .map((hit) => hit.record);
  }

  get(id: number): BuildingRecord | undefined {
    return this.byId.get(id);
  }

  /** The record's EUI among the other peer records of its property type. */
  compare(record: BuildingRecord): PeerComparison {
    const peers = (this.peersByType.get(record.type) ?? []).filter((peer) => peer.id !== record.id);
    const siteEui = peers.map((peer) => peer.reported.siteEuiKbtuPerSqFt ?? 0).sort((a, b) => a - b);
    const own = record.reported.siteEuiKbtuPerSqFt;
    let percentile: number | null = null;
    if (own !== null && own > 0 && siteEui.length > 0) {
      const below = siteEui.filter((eui) => eui < own).length;
      const equal = siteEui.filter((eui) => eui === own).length;
      percentile = (100 * (below + equal / 2)) / siteEui.length;
    }
    return { propertyType: record.type, buildings: siteEui.length, percentile, siteEui };
  }
}

/**
 * Reads the index once, on first use (the server does not pay for it at start).
 *
 * @example
 * const records = lazyBuildingRecords();
 * (await records()).search('405 olive');
 */
export function lazyBuildingRecords(file: string = buildingIndexFile): () => Promise<BuildingRecords> {
  let loading: Promise<BuildingRecords> | undefined;
  return () => {
    loading ??= readFile(file, 'utf8').then((text) => new BuildingRecords(JSON.parse(text) as IndexFile));
    // A failed read is retried by the next request rather than remembered.
    loading.catch(() => (loading = undefined));
    return loading;
  };
}
