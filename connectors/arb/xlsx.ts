/**
 * Streaming reader for one sheet of an XLSX workbook, built on exceljs's `WorkbookReader`.
 *
 * An XLSX file is a zip of XML parts. exceljs reads the zip entries in file order and parses
 * each sheet's XML with a SAX parser, so rows come out one at a time and memory does not grow
 * with the sheet (style.md guideline 12). What it keeps in memory is the shared-string table
 * (every distinct text of the workbook), which an XLSX reader cannot avoid. Sheets that come
 * before the shared strings in the zip (Excel and exceljs both write them first) are copied to
 * temporary files by exceljs and parsed once the whole zip has been read.
 *
 * Every cell is rendered as text, the way the hub stores raw records (column → cell text):
 * date cells as `YYYY-MM-DD`, numbers as JavaScript prints them (`2024`, `2765.37`), rich text
 * and hyperlinks as their visible text, formulas as their cached result, errors as `#N/A`…
 */
import { createReadStream } from 'node:fs';
import { ConnectorError } from '../contract.ts';

/** One data row: its row number in the sheet and column name → cell text. */
export interface SheetRow {
  line: number;
  record: Record<string, string>;
}

export interface ReadSheetOptions {
  /** Name used in error messages, e.g. a file path or a URL. */
  source: string;
  /** The sheet to read, matched by name (case and surrounding spaces ignored)… */
  sheetName: string;
  /** …or, when no sheet has that name, the sheet at this 0-based position of the workbook. */
  fallbackIndex: number;
  /**
   * Called with the header before the first row, and the source naming the sheet (for
   * messages); throwing from it ends the read with that error.
   */
  onHeader?: (header: string[], source: string) => void;
  /** Called once the sheet is chosen, e.g. to log that the fallback position was used. */
  onSheet?: (sheet: { name: string; index: number; byName: boolean; sheets: string[] }) => void;
  /**
   * Columns that hold dates. exceljs only turns a number into a date when it has read the
   * cell's style, and it cannot have when a workbook stores `styles.xml` after an inline
   * sheet; a plain number in one of these columns is then read as an Excel date serial.
   */
  dateColumns?: ReadonlySet<string>;
}

/** The parts of exceljs's stream reader used here (its typings omit `name`, `model`, `properties`). */
interface StreamedSheet extends AsyncIterable<{ number: number; values: unknown }> {
  name: string;
  iterator: unknown;
}
interface StreamedWorkbook extends AsyncIterable<StreamedSheet> {
  model?: { sheets?: { name: string }[] };
  properties?: { model?: { date1904?: boolean } };
}

/** Header text as a name: runs of spaces and line breaks collapsed (a wrapped header cell reads `A\nB`). */
export function headerName(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** pandas' name for a column with a blank header, so a workbook and the snapshot CSV agree. */
export function unnamedColumn(index: number): string {
  return `Unnamed: ${index}`;
}

const MS_PER_DAY = 86_400_000;
/** Day 0 of Excel's 1900 date system is 1899-12-30 (it counts the non-existent 1900-02-29). */
const EXCEL_1900_EPOCH = Date.UTC(1899, 11, 30);
const EXCEL_1904_EPOCH = Date.UTC(1904, 0, 1);

/** An Excel date serial as `YYYY-MM-DD` (the time of day is dropped), or null when out of range. */
export function excelSerialToDate(serial: number, date1904 = false): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return null;
  const epoch = date1904 ? EXCEL_1904_EPOCH : EXCEL_1900_EPOCH;
  return new Date(epoch + Math.floor(serial) * MS_PER_DAY).toISOString().slice(0, 10);
}

function dateText(date: Date): string {
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

/** A cell value from exceljs as text. */
function cellText(value: unknown, asDate: boolean, date1904: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return (asDate ? excelSerialToDate(value, date1904) : null) ?? String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // exceljs builds dates from the serial at UTC midnight, so the UTC date is the cell's date.
  if (value instanceof Date) return dateText(value);
  if (typeof value === 'object') {
    const cell = value as { richText?: { text?: unknown }[]; result?: unknown; formula?: unknown; error?: unknown; text?: unknown };
    if (Array.isArray(cell.richText)) return cell.richText.map((run) => (typeof run.text === 'string' ? run.text : '')).join('');
    if ('formula' in cell || 'result' in cell) return cellText(cell.result, asDate, date1904);
    if (cell.error !== undefined) return String(cell.error);
    if (cell.text !== undefined) return cellText(cell.text, asDate, date1904);
  }
  return String(value);
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * A sheet that is not read: close the temporary copy exceljs opened for it, if any. exceljs
 * deletes that file as soon as iteration moves on, possibly before the stream's (asynchronous)
 * open has run: the ENOENT that open then reports is expected and must not become an
 * uncaught 'error' event.
 */
function skipSheet(sheet: StreamedSheet): void {
  const stream = sheet.iterator as { destroy?: () => void; on?: (event: 'error', listener: () => void) => void } | null;
  if (!stream || typeof stream.destroy !== 'function') return;
  stream.on?.('error', () => {});
  stream.destroy();
}

function isFileSystemError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { syscall?: unknown }).syscall === 'string';
}

/**
 * Reads one sheet of the workbook at `path`. The first row with any text is the header (blank
 * header cells are named `Unnamed: <0-based index>`, as pandas names them); it goes to
 * `onHeader` and is not yielded. Rows whose cells are all blank are skipped. A cell right of
 * the header is kept under `Unnamed: <index>`.
 *
 * Throws `ConnectorError('format')` when the file is not a readable XLSX workbook (not a zip,
 * truncated, broken XML), when no sheet has `sheetName` and there is no sheet at
 * `fallbackIndex`, when the sheet is empty, or when its header repeats a name.
 */
export async function* readXlsxSheet(path: string, options: ReadSheetOptions): AsyncIterable<SheetRow> {
  const { source, sheetName, fallbackIndex, onHeader, onSheet, dateColumns = new Set<string>() } = options;
  // Loaded on first use: exceljs is 7 MiB of heap, which a sync of any other program (or a hub
  // process that never reads a workbook) need not carry, and V8 sizes the garbage it lets pile up
  // by the heap that is live (docs/benchmarks.md, eighth round).
  const { default: ExcelJS } = await import('exceljs');
  const input = createReadStream(path);
  const WorkbookReader = ExcelJS.stream.xlsx.WorkbookReader as unknown as new (
    input: NodeJS.ReadableStream,
    options: Record<string, string>,
  ) => StreamedWorkbook;
  const workbook = new WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell date cells from number cells.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });

  let found: string | null = null;
  let seenSheets: string[] = [];
  try {
    // Every sheet is visited, even after the data sheet: exceljs deletes the temporary copy of
    // a deferred sheet only when iteration moves past it.
    for await (const sheet of workbook) {
      const sheets = (workbook.model?.sheets ?? []).map((entry) => entry.name);
      seenSheets = sheets;
      const byName = sheets.findIndex((name) => sameName(name, sheetName));
      const index = byName >= 0 ? byName : fallbackIndex;
      const target = sheets[index];
      if (found !== null || target === undefined || sheet.name !== target) {
        skipSheet(sheet);
        continue;
      }
      found = sheet.name;
      onSheet?.({ name: sheet.name, index, byName: byName >= 0, sheets });
      const date1904 = workbook.properties?.model?.date1904 === true;
      yield* sheetRows(sheet, { source: `${source} (sheet "${sheet.name}")`, onHeader, dateColumns, date1904 });
    }
  } catch (error) {
    if (error instanceof ConnectorError || isFileSystemError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConnectorError('format', `${source}: not a readable XLSX workbook (${reason})`, { cause: error });
  } finally {
    input.destroy();
  }
  if (found === null) {
    const listed = seenSheets.length > 0 ? seenSheets.map((name) => `"${name}"`).join(', ') : 'none';
    throw new ConnectorError(
      'format',
      `${source}: no sheet named "${sheetName}" and no sheet at position ${fallbackIndex + 1} (sheets: ${listed})`,
    );
  }
}

async function* sheetRows(
  sheet: StreamedSheet,
  options: { source: string; onHeader?: (header: string[], source: string) => void; dateColumns: ReadonlySet<string>; date1904: boolean },
): AsyncIterable<SheetRow> {
  const { source, onHeader, dateColumns, date1904 } = options;
  let header: string[] | null = null;
  for await (const row of sheet) {
    // exceljs gives the cells as a sparse array indexed by column number (1-based).
    const values = Array.isArray(row.values) ? (row.values as unknown[]) : [];
    if (header === null) {
      const texts = Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => headerName(cellText(values[i + 1], false, date1904)));
      if (texts.every((text) => text === '')) continue;
      while (texts.length > 0 && texts[texts.length - 1] === '') texts.pop();
      header = texts.map((text, i) => (text === '' ? unnamedColumn(i) : text));
      const repeated = [...new Set(header.filter((name, i) => header!.indexOf(name) !== i))];
      if (repeated.length > 0) {
        const names = repeated.map((name) => `"${name}"`).join(', ');
        throw new ConnectorError('format', `${source}: the header repeats column name(s) ${names}, so cells cannot be told apart`);
      }
      onHeader?.(header, source);
      continue;
    }
    const record: Record<string, string> = {};
    let blank = true;
    const width = Math.max(header.length, values.length - 1);
    for (let i = 0; i < width; i++) {
      const name = header[i] ?? unnamedColumn(i);
      const text = cellText(values[i + 1], dateColumns.has(name), date1904);
      if (text.trim() !== '') blank = false;
      if (i < header.length || text !== '') record[name] = text;
    }
    if (!blank) yield { line: row.number, record };
  }
  if (header === null) throw new ConnectorError('format', `${source}: the sheet is empty (no header row)`);
}
