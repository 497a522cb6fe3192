/**
 * Isometric registry API emulated over the real fixture exports (registries.md §5): the
 * three list endpoints answer JSON pages rebuilt from CarbonPlan's flattened CSV rows, with
 * the API's Relay-style cursor paging (`first` ≤ 50, `after`, `nodes`, `page_info`,
 * `total_count`).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { isometric } from '../../../connectors/isometric/index.ts';
import { readCsvExport, type CsvExport, type Route } from '../registry-server.ts';
import { jsonFromRow, type CellType } from './flattened-json.ts';
import type { ConnectorFixture, ProjectTotals } from './types.ts';

const fixtureDir = 'test/fixtures/registries/isometric';

/** The client secret the fixture's syncs run with (`secrets`); the API wants it in `x-client-secret`. */
export const ISOMETRIC_TEST_SECRET = 'test-client-secret';

export const ISOMETRIC_LISTS = ['projects', 'issuances', 'retirements'] as const;
export type IsometricList = (typeof ISOMETRIC_LISTS)[number];

export type IsometricFiles = Record<IsometricList, CsvExport>;

export function readIsometricFiles(dir = fixtureDir): IsometricFiles {
  return {
    projects: readCsvExport(`${dir}/projects.csv`),
    issuances: readCsvExport(`${dir}/issuances.csv`),
    retirements: readCsvExport(`${dir}/retirements.csv`),
  };
}

/** JSON types of the flattened columns: amounts and coordinates are numbers, `purposes` a list. */
function isometricCellType(column: string): CellType {
  if (column === 'purposes') return 'list';
  if (/\.(credits|credit_kgs|latitude|longitude)$/.test(column)) return 'number';
  return 'string';
}

/** The API's JSON record for one export row. */
export function isometricNode(row: Record<string, string>): Record<string, unknown> {
  return jsonFromRow(row, isometricCellType);
}

const encodeCursor = (list: string, offset: number): string => Buffer.from(`${list}:${offset}`).toString('base64url');
const decodeCursor = (list: string, cursor: string): number | null => {
  const match = /^([a-z]+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match && match[1] === list ? Number(match[2]) : null;
};

function validationError(message: string) {
  // FastAPI's HTTPValidationError shape, which the Isometric API answers with.
  return {
    status: 422,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ detail: [{ loc: ['query'], msg: message, type: 'value_error' }] }),
  };
}

/**
 * `GET /projects|/issuances|/retirements?first=N&after=CURSOR` over the fixture rows, in file
 * order. `first` defaults to 10 and may not exceed 50; an unknown cursor is a 422, as a
 * validation error would be.
 */
export function isometricRoutes(files: IsometricFiles = readIsometricFiles()): Route {
  const nodes = Object.fromEntries(ISOMETRIC_LISTS.map((list) => [list, files[list].rows.map((row) => isometricNode(row.record))])) as Record<
    IsometricList,
    Record<string, unknown>[]
  >;
  return ({ method, path, query }) => {
    const list = ISOMETRIC_LISTS.find((name) => path === `/${name}`);
    if (method !== 'GET' || list === undefined) return null;
    const first = Number(query.get('first') ?? '10');
    if (!Number.isInteger(first) || first < 1 || first > 50) return validationError('first must be between 1 and 50');
    const after = query.get('after');
    const offset = after === null ? 0 : decodeCursor(list, after);
    if (offset === null) return validationError('invalid cursor');
    const all = nodes[list];
    const page = all.slice(offset, offset + first);
    const end = offset + page.length;
    return {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        nodes: page,
        page_info: {
          start_cursor: page.length > 0 ? encodeCursor(list, offset) : null,
          end_cursor: page.length > 0 ? encodeCursor(list, end) : null,
          has_next_page: end < all.length,
          has_previous_page: offset > 0,
        },
        total_count: all.length,
      }),
    };
  };
}

function rows(file: string): Record<string, string>[] {
  return parse(readFileSync(`${fixtureDir}/${file}`, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/**
 * Issued and retired tonnes per `prj_…` id, straight from the CSV files: the sum of each
 * issuance's / retirement's `credit_batch_size_total.credit_kgs`, divided by 1000 once (so the
 * figure is the exact decimal total, as the database's numeric sum is). No cancellation ledger.
 */
export function isometricTotalsFromCsv(): Map<string, ProjectTotals> {
  const kgs = new Map<string, { issued: number; retired: number }>();
  const add = (project: string, key: 'issued' | 'retired', value: string) => {
    const entry = kgs.get(project) ?? { issued: 0, retired: 0 };
    entry[key] += Number(value);
    kgs.set(project, entry);
  };
  for (const row of rows('issuances.csv')) add(row.project_id!, 'issued', row['credit_batch_size_total.credit_kgs']!);
  for (const row of rows('retirements.csv')) add(row.project_id!, 'retired', row['credit_batch_size_total.credit_kgs']!);
  return new Map([...kgs].map(([project, { issued, retired }]) => [project, { issued: issued / 1000, retired: retired / 1000, cancelled: 0 }]));
}

export const isometricFixture: ConnectorFixture = {
  connector: isometric,
  fixtureDir,
  routes: () => isometricRoutes(),
  faultPath: '/issuances',
  requiredField: { from: 'issued_at', to: 'issuedAt' },
  secrets: { ISOMETRIC_CLIENT_SECRET: ISOMETRIC_TEST_SECRET },
  totalsFromRawFiles: isometricTotalsFromCsv,
  malformedRecord() {
    const files = readIsometricFiles();
    const target = files.issuances.rows[7]!;
    // The kilogram twin no longer agrees with the tonnes.
    const record = { ...target.record, 'credit_batch_size_total.credit_kgs': '999' };
    const issuances = { ...files.issuances, rows: files.issuances.rows.map((row) => (row === target ? { record, raw: row.raw } : row)) };
    return { routes: isometricRoutes({ ...files, issuances }), naturalKey: target.record.id!, reason: 'quantity_mismatch' };
  },
};
