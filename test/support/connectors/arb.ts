/**
 * The ARB issuance table for tests: the real rows of the snapshot CSV written back into an
 * XLSX workbook shaped like ARB's (sheets `Introduction`, `Summary by Type`, `Column
 * Descriptions`, then the data sheet `ARB Offset Credit Issuance`), with real date and number
 * cells, served the way ARB serves it (a page linking the workbook, then the workbook).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { arb } from '../../../connectors/arb/index.ts';
import type { Reply, Route } from '../registry-server.ts';
import type { ConnectorFixture, ProjectTotals } from './types.ts';

export const arbFixtureDir = 'test/fixtures/registries/arb';
export const arbCsvPath = `${arbFixtureDir}/nc-arboc_issuance_sheet3.csv`;
/** ARB's page that links the workbook (registries.md §10.1). */
export const ARB_PAGE_PATH = '/resources/documents/arb-offset-credit-issuance-table';
/** Where the test server keeps the workbook (ARB's real file path is unconfirmed, §10.1). */
export const ARB_WORKBOOK_PATH = '/sites/default/files/classic/cc/capandtrade/offsets/issuance/arboc_issuance.xlsx';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The data sheet as text cells: the header and the rows in file order. */
export interface ArbSheet {
  header: string[];
  rows: string[][];
}

export function readArbCsv(path: string = arbCsvPath): ArbSheet {
  const [header, ...rows] = parse(readFileSync(path, 'utf8'), { skip_empty_lines: true }) as string[][];
  return { header: header!, rows };
}

/** The rows as column → text records. */
export function sheetRecords(sheet: ArbSheet): Record<string, string>[] {
  return sheet.rows.map((row) => Object.fromEntries(sheet.header.map((column, i) => [column, row[i] ?? ''])));
}

/** A copy with the named columns removed (an older edition of the table). */
export function withoutColumns(sheet: ArbSheet, columns: readonly string[]): ArbSheet {
  const keep = sheet.header.map((column, i) => (columns.includes(column) ? -1 : i)).filter((i) => i >= 0);
  return { header: keep.map((i) => sheet.header[i]!), rows: sheet.rows.map((row) => keep.map((i) => row[i] ?? '')) };
}

/** A copy with one cell of the row whose `CARB Issuance ID` is `issuanceId` replaced. */
export function withCell(sheet: ArbSheet, issuanceId: string, column: string, value: string): ArbSheet {
  const idColumn = sheet.header.indexOf('CARB Issuance ID');
  const target = sheet.header.indexOf(column);
  if (target < 0) throw new Error(`no column "${column}"`);
  let found = false;
  const rows = sheet.rows.map((row) => {
    if (row[idColumn] !== issuanceId) return row;
    found = true;
    return row.map((cell, i) => (i === target ? value : cell));
  });
  if (!found) throw new Error(`no row ${issuanceId}`);
  return { header: sheet.header, rows };
}

/**
 * The cell the workbook held before pandas turned it into CSV text (registries.md §0.2):
 * `YYYY-MM-DD` was a date cell, `107542.0` a number cell, blank an empty cell, the rest text.
 */
function cellValue(text: string): string | number | Date | null {
  if (text === '') return null;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) return new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
  if (/^-?\d+(?:\.\d+)?$/.test(text)) return Number(text);
  return text;
}

export interface WorkbookOptions {
  /** Name of the data sheet; ARB's by default. */
  dataSheetName?: string;
  /** 0-based position of the data sheet among the four sheets; 3 by default, as in ARB's workbook. */
  dataSheetPosition?: number;
  /**
   * Write dates as plain numbers (Excel serials) without a date format, as a workbook whose
   * styles the streaming reader meets too late would read.
   */
  datesAsSerials?: boolean;
}

const MS_PER_DAY = 86_400_000;
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** The workbook ARB publishes, built with exceljs from `sheet`. */
export async function buildArbWorkbook(sheet: ArbSheet, options: WorkbookOptions = {}): Promise<Buffer> {
  const { dataSheetName = 'ARB Offset Credit Issuance', dataSheetPosition = 3, datesAsSerials = false } = options;
  const workbook = new ExcelJS.Workbook();
  const records = sheetRecords(sheet);
  const others: [string, (worksheet: ExcelJS.Worksheet) => void][] = [
    [
      'Introduction',
      (worksheet) => {
        worksheet.addRow(['ARB Offset Credit Issuance Table']);
        worksheet.addRow(['Updated at 12:00 pm (noon) Pacific Time on the second and fourth business Wednesday of every month.']);
      },
    ],
    [
      'Summary by Type',
      (worksheet) => {
        worksheet.addRow(['Project Type', 'Early Action/ Compliance', 'ARB Offset Credits Issued']);
        const sums = new Map<string, number>();
        for (const record of records) {
          const key = `${record['Project Type']}\u0000${record['Early Action/ Compliance']}`;
          sums.set(key, (sums.get(key) ?? 0) + (Number(record['ARB Offset Credits Issued']) || 0));
        }
        for (const [key, sum] of sums) worksheet.addRow([...key.split('\u0000'), sum]);
      },
    ],
    [
      'Column Descriptions',
      (worksheet) => {
        worksheet.addRow(['Column', 'Description']);
        for (const column of sheet.header) worksheet.addRow([column, `Description of ${column}`]);
      },
    ],
  ];
  const order = others.map(([name]) => name);
  order.splice(dataSheetPosition, 0, dataSheetName);
  for (const name of order) {
    const worksheet = workbook.addWorksheet(name);
    const fill = others.find(([other]) => other === name)?.[1];
    if (fill) {
      fill(worksheet);
      continue;
    }
    worksheet.addRow(sheet.header);
    for (const row of sheet.rows) {
      worksheet.addRow(
        sheet.header.map((_, i) => {
          const value = cellValue(row[i] ?? '');
          return datesAsSerials && value instanceof Date ? (value.getTime() - EXCEL_EPOCH) / MS_PER_DAY : value;
        }),
      );
    }
    if (!datesAsSerials) {
      // exceljs gives Date cells a date format already; ARB's table shows US dates.
      worksheet.eachRow((row) => row.eachCell((cell) => (cell.value instanceof Date ? (cell.numFmt = 'm/d/yyyy') : undefined)));
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** ARB's page with its link to the workbook. */
export function arbPage(workbookPath: string = ARB_WORKBOOK_PATH): string {
  return `<!DOCTYPE html><html lang="en"><head><title>ARB Offset Credit Issuance Table | California Air Resources Board</title></head>
<body><main><h1>ARB Offset Credit Issuance Table</h1>
<p>The ARB offset credit issuance table is updated at 12:00 pm (noon) Pacific Time on the second and fourth business Wednesday of every month.</p>
<a href="/our-work/programs/compliance-offset-program">Compliance Offset Program</a>
<a href="${workbookPath}" type="${XLSX_CONTENT_TYPE}">ARB Offset Credit Issuance Table (xlsx)</a>
</main></body></html>`;
}

/**
 * A workbook as a route reply. `renameColumn` rebuilds the workbook with a header renamed,
 * for the `rename-column` fault, which cannot edit a zip as text.
 */
export function workbookReply(workbook: Buffer, headers: Record<string, string> = {}, sheet?: ArbSheet): Reply {
  const reply = {
    headers: { 'content-type': XLSX_CONTENT_TYPE, ...headers },
    body: '',
    bytes: workbook,
    ...(sheet === undefined ? {} : { renameColumn: (from: string, to: string) => buildArbWorkbook(withRenamedColumn(sheet, from, to)) }),
  };
  return reply;
}

/** A copy with one header renamed. */
export function withRenamedColumn(sheet: ArbSheet, from: string, to: string): ArbSheet {
  return { header: sheet.header.map((column) => (column === from ? to : column)), rows: sheet.rows };
}

/**
 * ARB's page at ARB_PAGE_PATH and the workbook it links at ARB_WORKBOOK_PATH (GET only).
 * `sheet`, the rows the workbook was built from, lets the server rename a column.
 */
export function arbRoutes(workbook: Buffer, sheet?: ArbSheet): Route {
  return ({ method, path }) => {
    if (method !== 'GET') return null;
    if (path === ARB_PAGE_PATH) return { headers: { 'content-type': 'text/html; charset=utf-8' }, body: arbPage() };
    if (path === ARB_WORKBOOK_PATH) return workbookReply(workbook, { etag: '"arboc-issuance-2026-04"' }, sheet);
    return null;
  };
}

/** The CARB project of a row: `CARB Project ID`, or the first 8 characters of `CARB Issuance ID`. */
function carbProject(record: Record<string, string>): string {
  return (record['CARB Project ID'] || (record['CARB Issuance ID'] ?? '').slice(0, 8)).trim();
}

/** Every column of cumulative retirements, cancellations excepted (registries.md §10.2). */
const RETIRED_COLUMN = /^(?:Retired |Buffer Pool Retired$)/;

function amount(text: string | undefined): number {
  const value = Number(text);
  return text === undefined || text.trim() === '' || Number.isNaN(value) ? 0 : value;
}

/**
 * Per CARB project: issued = sum of `ARB Offset Credits Issued`; retired = sum of every
 * retirement column; cancelled = sum of `Invalidated or Canceled`. Projects with all three
 * zero have no credit row to compare and are left out.
 */
export function arbTotalsFromCsv(path: string = arbCsvPath): Map<string, ProjectTotals> {
  const records = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const totals = new Map<string, ProjectTotals>();
  for (const record of records) {
    const project = carbProject(record);
    const entry = totals.get(project) ?? { issued: 0, retired: 0, cancelled: 0 };
    entry.issued += amount(record['ARB Offset Credits Issued']);
    for (const [column, text] of Object.entries(record)) if (RETIRED_COLUMN.test(column)) entry.retired += amount(text);
    entry.cancelled += amount(record['Invalidated or Canceled']);
    totals.set(project, entry);
  }
  return new Map([...totals].filter(([, t]) => t.issued + t.retired + t.cancelled > 0));
}

const sheet = readArbCsv();
// Built once: routes are synchronous, exceljs writes asynchronously.
const workbook = await buildArbWorkbook(sheet);
/** The row the malformed-record case breaks, and how. */
const MALFORMED_ISSUANCE = 'CAFR5003-A';
const malformedSheet = withCell(sheet, MALFORMED_ISSUANCE, 'ARB Offset Credits Issued', '2,163,95l');
const malformedWorkbook = await buildArbWorkbook(malformedSheet);

export const arbFixture: ConnectorFixture = {
  connector: arb,
  fixtureDir: arbFixtureDir,
  routes: () => arbRoutes(workbook, sheet),
  faultPath: ARB_WORKBOOK_PATH,
  requiredField: { from: 'ARB Offset Credits Issued', to: 'ARBOCs Issued' },
  totalsFromRawFiles: () => arbTotalsFromCsv(),
  malformedRecord: () => ({ routes: arbRoutes(malformedWorkbook, malformedSheet), naturalKey: MALFORMED_ISSUANCE, reason: 'invalid_number' }),
};
