/**
 * Streaming writers for the generated exports: every row goes to disk as it is made, with
 * backpressure, so the generator's memory does not grow with the scale.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { apxColumns, apxCsvLine, windows1252 } from '../../test/support/connectors/car.ts';

export interface LineFormat {
  /** Line terminator (default `\n`; APX writes CRLF). */
  newline?: string;
  /** Bytes of the text (default UTF-8; APX writes Windows-1252). */
  encode?: (text: string) => Uint8Array;
}

export class LineWriter {
  readonly #stream: WriteStream;
  readonly #newline: string;
  readonly #encode: ((text: string) => Uint8Array) | null;
  #pending = '';
  lines = 0;

  constructor(path: string, format: LineFormat = {}) {
    this.#stream = createWriteStream(path, { encoding: 'utf8' });
    this.#newline = format.newline ?? '\n';
    this.#encode = format.encode ?? null;
  }

  /** Queues one line; flushes in 64 KiB chunks and waits when the disk is behind. */
  async line(text: string): Promise<void> {
    this.#pending += text + this.#newline;
    this.lines += 1;
    if (this.#pending.length >= 65_536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pending === '') return;
    const chunk = this.#pending;
    this.#pending = '';
    if (!this.#stream.write(this.#encode ? this.#encode(chunk) : chunk)) await once(this.#stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.#stream.end();
    await once(this.#stream, 'finish');
  }
}

/** A CSV cell as the registries' exporters (and pandas) write it: quoted only when needed. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** How an exporter writes a line of cells, and its line terminator and encoding. */
export interface CsvDialect extends LineFormat {
  line(cells: readonly string[]): string;
}

/** Verra's, Gold Standard's (and pandas') CSV: cells quoted only when needed, `\n`, UTF-8. */
const plainCsv: CsvDialect = { line: (cells) => cells.map(csvCell).join(',') };

/**
 * An APX report export (registries.md §4.1), as the exporter writes it: every cell quoted as
 * is (quotes inside are not doubled), a trailing empty column, CRLF, Windows-1252. The line
 * format is the test emulation's own (`apxCsvLine`), so the two cannot drift apart.
 */
const apxCsv: CsvDialect = { line: apxCsvLine, newline: '\r\n', encode: windows1252 };

/** Writes CSV rows in a fixed column order, taken from the real export's header. */
export class CsvWriter {
  readonly #lines: LineWriter;
  readonly #dialect: CsvDialect;
  readonly columns: readonly string[];

  private constructor(lines: LineWriter, columns: readonly string[], dialect: CsvDialect) {
    this.#lines = lines;
    this.columns = columns;
    this.#dialect = dialect;
  }

  static async open(path: string, columns: readonly string[], dialect: CsvDialect = plainCsv): Promise<CsvWriter> {
    const writer = new CsvWriter(new LineWriter(path, dialect), columns, dialect);
    await writer.#lines.line(dialect.line(columns));
    return writer;
  }

  /** An APX report; `header` as the fixture reads it: pandas' `Unnamed: N` (the trailing empty column) is dropped here and written as APX writes it. */
  static openApx(path: string, header: readonly string[]): Promise<CsvWriter> {
    return CsvWriter.open(path, apxColumns(header), apxCsv);
  }

  /** Rows written so far (header excluded). */
  get rows(): number {
    return this.#lines.lines - 1;
  }

  async row(record: Readonly<Record<string, string>>): Promise<void> {
    await this.#lines.line(this.#dialect.line(this.columns.map((column) => record[column] ?? '')));
  }

  close(): Promise<void> {
    return this.#lines.close();
  }
}

/** The four APX report exports of a registry (registries.md §4.1), opened with the fixture folder's headers. */
export class ApxReports {
  private constructor(
    readonly projects: CsvWriter,
    readonly issuances: CsvWriter,
    readonly retirements: CsvWriter,
    readonly cancellations: CsvWriter,
  ) {}

  static async open(dir: string, headers: Readonly<Record<'projects' | 'issuances' | 'retirements' | 'cancellations', { columns: readonly string[] }>>): Promise<ApxReports> {
    const open = (report: keyof typeof headers) => CsvWriter.openApx(join(dir, `${report}.csv`), headers[report].columns);
    return new ApxReports(await open('projects'), await open('issuances'), await open('retirements'), await open('cancellations'));
  }

  async close(): Promise<void> {
    await Promise.all([this.projects.close(), this.issuances.close(), this.retirements.close(), this.cancellations.close()]);
  }
}

/** `28571` → `28,571`, as Verra's export writes quantities. */
export function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
