/**
 * Streaming CSV reading for registry exports: rows come out one at a time, so memory does not
 * grow with the size of the export (Singer's "never buffer a registry", style.md guideline 12).
 *
 * Two kinds of damage are told apart:
 * - a row whose cell count differs from the header is yielded as an error item with what
 *   could be read, and later rows still come (the runner stores it as a rejected raw record);
 * - structural damage the parser cannot recover from (a quote still open at the end of the
 *   input, i.e. a truncated file; a character after a closing quote) throws a
 *   `ConnectorError('format')`, because every later row would be misread.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ConnectorError, type RawRecord } from '../contract.ts';

/** One data row: column name (exactly as in the header) → cell text. */
export interface CsvRecord {
  /** 1-based line of the input on which the row starts. */
  line: number;
  record: Record<string, string>;
}

/** A row whose cell count differs from the header's. */
export interface CsvRowError {
  /** 1-based line of the input on which the row starts. */
  line: number;
  /** Human-readable reason, e.g. `line 7: 18 cells where the header has 17 columns`. */
  error: string;
  /**
   * What could be read: the cells under their header names, and cells beyond the header under
   * `__column_<n>` (1-based position). The string form is reserved for a row that could not be
   * split into cells at all; this parser throws on such damage instead, so it is not produced
   * today.
   */
  raw: Record<string, string> | string;
}

export type CsvItem = CsvRecord | CsvRowError;

/**
 * Payload key set on a row whose cell count did not match the header: the row is stored as a
 * raw record all the same, and `normalize` rejects it (`malformed_row`).
 */
export const MALFORMED = '__malformed';

/** The payload of a row whose cell count did not match the header: what was read, plus `MALFORMED` with the reason. */
export function malformedRowPayload(item: CsvRowError): Record<string, unknown> {
  return { ...(typeof item.raw === 'string' ? { __raw: item.raw } : item.raw), [MALFORMED]: item.error };
}

/**
 * For `readExports`: throws `ConnectorError('config', missing)` unless `path` is a file, so an
 * export the user did not download is named instead of read as empty.
 */
export async function requireExportFile(path: string, missing: string): Promise<void> {
  const found = await stat(path).catch(() => null);
  if (!found?.isFile()) throw new ConnectorError('config', missing);
}

export interface ParseCsvOptions {
  /** Name used in error messages, e.g. `verra/transactions.csv` or a URL. */
  source?: string;
  /**
   * Called with the header (BOM removed, names otherwise untouched) before the first row is
   * yielded. Throwing from it (e.g. `requireColumns`) ends the iteration with that error, so
   * a renamed column stops the run before any row is stored.
   */
  onHeader?: (header: string[]) => void;
  /**
   * Input with no header row at all (zero bytes or blank lines only) throws a `format` error
   * by default; with `allowEmpty` it yields nothing (e.g. an export of an empty month).
   */
  allowEmpty?: boolean;
  /** Field delimiter, `,` by default. */
  delimiter?: string;
  /** Text encoding of the input bytes, `utf8` by default (CAR's APX export is Windows-1252 → `latin1`). */
  encoding?: BufferEncoding;
}

/** Line breaks inside the cells of one record (`\r\n` counts once, as an editor shows it). */
function lineBreaks(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) count += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
  return count;
}

function describe(source: string | undefined): string {
  return source ? `${source}: ` : '';
}

/**
 * Reads CSV text from a stream or an async iterable of chunks.
 *
 * The first non-blank line is the header; it is passed to `onHeader` and not yielded. Blank
 * lines are skipped. Every later row is yielded as `{ line, record }` when its cell count
 * matches the header, else as `{ line, error, raw }` (see `CsvRowError`). Parse errors that
 * leave the rest of the input unreadable throw `ConnectorError('format')` with the line;
 * errors of the input stream itself (network, file system) pass through unchanged. Leaving
 * the loop early destroys the input stream.
 */
export async function* parseCsv(
  input: Readable | AsyncIterable<Uint8Array | string>,
  options: ParseCsvOptions = {},
): AsyncIterable<CsvItem> {
  const { source, onHeader, allowEmpty = false, delimiter = ',', encoding = 'utf8' } = options;
  const parser = parse({
    bom: true,
    delimiter,
    encoding,
    info: true,
    // Cell counts are checked below, so a short or long row is reported instead of aborting.
    relax_column_count: true,
    // Keep a stray quote inside an unquoted cell (`12" pipe`) as text, as spreadsheet tools do.
    relax_quotes: true,
    skip_empty_lines: true,
  });
  const stream = input instanceof Readable ? input : Readable.from(input, { objectMode: true });
  // Errors of either side reach the loop below through `parser`; the callback only stops
  // pipeline() from reporting them a second time.
  pipeline(stream, parser, () => {});

  let header: string[] | undefined;
  // Lines taken by the records read so far. csv-parse's own `info.lines` counts a CRLF inside
  // a quoted cell as two lines, so the line a record starts on is counted here instead.
  let recordLines = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { empty_lines: number } }>) {
      const cells = item.record;
      const line = 1 + recordLines + item.info.empty_lines;
      recordLines += 1 + lineBreaks(cells);
      if (header === undefined) {
        header = cells;
        const repeated = [...new Set(cells.filter((name, i) => cells.indexOf(name) !== i))];
        if (repeated.length > 0) {
          const names = repeated.map((name) => `"${name}"`).join(', ');
          throw new ConnectorError('format', `${describe(source)}the header repeats column name(s) ${names}, so cells cannot be told apart`);
        }
        onHeader?.(header);
        continue;
      }
      const names = header;
      if (cells.length === names.length) {
        yield { line, record: Object.fromEntries(names.map((name, i) => [name, cells[i] ?? ''])) };
        continue;
      }
      yield {
        line,
        error: `line ${line}: ${cells.length} cell${cells.length === 1 ? '' : 's'} where the header has ${names.length} columns`,
        raw: Object.fromEntries(cells.map((cell, i) => [names[i] ?? `__column_${i + 1}`, cell])),
      };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const truncated = error.code === 'CSV_QUOTE_NOT_CLOSED' ? ' (the file looks truncated)' : '';
      throw new ConnectorError('format', `${describe(source)}unreadable CSV: ${error.message}${truncated}`, { cause: error });
    }
    throw error;
  } finally {
    // Reached on normal end, on error and when the consumer stops early.
    parser.destroy();
    if (!stream.destroyed) stream.destroy();
  }
  if (header === undefined && !allowEmpty) {
    throw new ConnectorError('format', `${describe(source)}empty CSV: no header row`);
  }
}

/**
 * The payloads of a CSV export's rows (see `parseCsv` for `options`): each record as
 * `toPayload` makes it (the record itself by default), and each row whose cell count did not
 * match the header as `malformedRowPayload`, so it is still stored, and rejected.
 */
export async function* csvPayloads(
  input: Readable | AsyncIterable<Uint8Array | string>,
  options: ParseCsvOptions,
  toPayload: (record: Record<string, string>) => Record<string, unknown> = (record) => record,
): AsyncIterable<Record<string, unknown>> {
  for await (const item of parseCsv(input, options)) yield 'record' in item ? toPayload(item.record) : malformedRowPayload(item);
}

/** One CSV export `readExports` reads from a folder: its source kind, its file name, the columns it must have. */
export interface CsvExportFile<Kind extends string> {
  sourceKind: Kind;
  file: string;
  columns: readonly string[];
}

export interface ReadCsvExportsOptions<Kind extends string> {
  /** The `config` error's message when the export at `path` is not there. */
  missing(path: string): string;
  /** The natural key of a record of `sourceKind`. */
  naturalKey(sourceKind: Kind, payload: Record<string, unknown>): string;
  /** The payload of a well-formed row (the row itself by default). */
  toPayload?(sourceKind: Kind, record: Record<string, string>): Record<string, unknown>;
}

/**
 * For `readExports`: the raw records of `files` in `dir`, file after file in that order. A file
 * that is not there stops the read with a `config` error, a header without one of the file's
 * `columns` with a `format` error (`requireColumns`), and a row with the wrong cell count is kept
 * as a `MALFORMED` payload.
 */
export async function* readCsvExports<Kind extends string>(
  dir: string,
  files: readonly CsvExportFile<Kind>[],
  options: ReadCsvExportsOptions<NoInfer<Kind>>,
): AsyncIterable<RawRecord> {
  for (const { sourceKind, file, columns } of files) {
    const path = join(dir, file);
    await requireExportFile(path, options.missing(path));
    const toPayload = options.toPayload;
    const payloads = csvPayloads(
      createReadStream(path),
      { source: path, onHeader: (header) => requireColumns(header, columns, path) },
      toPayload === undefined ? undefined : (record) => toPayload(sourceKind, record),
    );
    for await (const payload of payloads) yield { sourceKind, naturalKey: options.naturalKey(sourceKind, payload), payload };
  }
}

/**
 * Checks that a header has every column a connector reads. Throws
 * `ConnectorError('format')` naming every missing column, so a registry renaming or dropping
 * a column stops the run with a clear message instead of producing blank fields.
 */
export function requireColumns(header: readonly string[], required: readonly string[], source: string): void {
  const present = new Set(header);
  const missing = required.filter((column) => !present.has(column));
  if (missing.length === 0) return;
  const list = missing.map((column) => `"${column}"`).join(', ');
  throw new ConnectorError(
    'format',
    `${source}: missing required column${missing.length === 1 ? '' : 's'} ${list} (has the registry renamed them?). Header: ${header
      .map((column) => `"${column}"`)
      .join(', ')}`,
  );
}
