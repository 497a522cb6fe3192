/**
 * Streaming writers for the generated exports: every row goes to disk as it is made, with
 * backpressure, so the generator's memory does not grow with the scale.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
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

/** Writes CSV rows in a fixed column order, taken from the real export's header. */
export class CsvWriter {
  readonly #lines: LineWriter;
  readonly columns: readonly string[];

  private constructor(lines: LineWriter, columns: readonly string[]) {
    this.#lines = lines;
    this.columns = columns;
  }

  static async open(path: string, columns: readonly string[]): Promise<CsvWriter> {
    const writer = new CsvWriter(new LineWriter(path), columns);
    await writer.#lines.line(columns.map(csvCell).join(','));
    return writer;
  }

  /** Rows written so far (header excluded). */
  get rows(): number {
    return this.#lines.lines - 1;
  }

  async row(record: Readonly<Record<string, string>>): Promise<void> {
    await this.#lines.line(this.columns.map((column) => csvCell(record[column] ?? '')).join(','));
  }

  close(): Promise<void> {
    return this.#lines.close();
  }
}

/**
 * Writes an APX report export (registries.md §4.1) row by row, as the exporter does: every cell
 * quoted as is (quotes inside are not doubled), a trailing empty column, CRLF, Windows-1252.
 * The line format is the test emulation's own (`apxCsvLine`), so the two cannot drift apart.
 */
export class ApxCsvWriter {
  readonly #lines: LineWriter;
  readonly columns: readonly string[];

  private constructor(lines: LineWriter, columns: readonly string[]) {
    this.#lines = lines;
    this.columns = columns;
  }

  /** `header` as the fixture reads it: pandas' `Unnamed: N` (the trailing empty column) is dropped here and written as APX writes it. */
  static async open(path: string, header: readonly string[]): Promise<ApxCsvWriter> {
    const columns = apxColumns(header);
    const writer = new ApxCsvWriter(new LineWriter(path, { newline: '\r\n', encode: windows1252 }), columns);
    await writer.#lines.line(apxCsvLine(columns));
    return writer;
  }

  async row(record: Readonly<Record<string, string>>): Promise<void> {
    await this.#lines.line(apxCsvLine(this.columns.map((column) => record[column] ?? '')));
  }

  close(): Promise<void> {
    return this.#lines.close();
  }
}

/** `28571` → `28,571`, as Verra's export writes quantities. */
export function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
