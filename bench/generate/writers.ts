/**
 * Streaming writers for the generated exports: every row goes to disk as it is made, with
 * backpressure, so the generator's memory does not grow with the scale.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

export class LineWriter {
  readonly #stream: WriteStream;
  #pending = '';
  lines = 0;

  constructor(path: string) {
    this.#stream = createWriteStream(path, { encoding: 'utf8' });
  }

  /** Queues one line; flushes in 64 KiB chunks and waits when the disk is behind. */
  async line(text: string): Promise<void> {
    this.#pending += text + '\n';
    this.lines += 1;
    if (this.#pending.length >= 65_536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pending === '') return;
    const chunk = this.#pending;
    this.#pending = '';
    if (!this.#stream.write(chunk)) await once(this.#stream, 'drain');
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

/** `28571` → `28,571`, as Verra's export writes quantities. */
export function thousands(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
