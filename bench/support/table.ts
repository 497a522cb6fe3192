/** Plain-text tables for the terminal and Markdown tables for docs/benchmarks.md. */

export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

export const integer = (value: number) => Math.round(value).toLocaleString('en-US');
export const decimal = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const megabytes = (bytes: number) => `${integer(bytes / 2 ** 20)} MiB`;
export const milliseconds = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)) + ' ms';

/**
 * A failed measurement's message for the report: one line, without a stack, and without the
 * statement text drizzle puts first ("Failed query: <SQL>"): the driver's error it wraps instead.
 */
export function errorMessage(error: unknown, limit = 300): string {
  let message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (message.startsWith('Failed query:') && cause instanceof Error) message = `failed query: ${cause.message}`;
  const line = message.split('\n')[0]!;
  return line.length > limit ? `${line.slice(0, limit)}…` : line;
}

/** `part` of `whole` as a whole percentage; `n/a` of nothing. */
export const percent = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${Math.floor((100 * part) / whole)} %`);
