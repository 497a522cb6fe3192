/**
 * The ingest baseline: PostgreSQL COPY of the same normalized rows into bare tables (the
 * columns a sync writes, no keys, no indexes, no constraints). One small function per driver:
 * postgres.js streams `COPY … FROM STDIN`; PGlite reads the rows from `/dev/blob`.
 *
 * Rows are written in COPY's text format: tab-separated, `\N` for null, arrays as array
 * literals, jsonb as JSON.
 */
import type { PGlite } from '@electric-sql/pglite';
import { getTableColumns, type Column } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Sql } from 'postgres';
import { credits, projects, rawRecords } from '../../src/db/schema.ts';

export type CopyKind = 'text' | 'number' | 'boolean' | 'json' | 'array';

export interface CopyColumn {
  /** The drizzle property the row objects use. */
  key: string;
  name: string;
  type: string;
  kind: CopyKind;
}

export interface CopyTable {
  name: string;
  columns: readonly CopyColumn[];
}

/** A row as a sync writes it: the drizzle insert shape of the hub's table. */
export type RowOf<T extends PgTable> = T['$inferInsert'];

function kindOf(column: Column): CopyKind {
  switch (column.dataType) {
    case 'json':
      return 'json';
    case 'array':
      return 'array';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    default:
      return 'text';
  }
}

/**
 * The bare twin of one of the hub's tables: the `written` columns, named and typed as in the
 * drizzle schema (so the baseline cannot drift from what a sync writes), without keys, indexes,
 * defaults or constraints. Enums become text: the bare tables live outside the hub's schema.
 */
function bareTable<T extends PgTable>(name: string, table: T, written: readonly (keyof RowOf<T> & string)[]): CopyTable {
  const columns = getTableColumns(table) as Record<string, Column>;
  return {
    name,
    columns: written.map((key) => {
      const column = columns[key]!;
      return { key, name: column.name, type: column.columnType === 'PgEnumColumn' ? 'text' : column.getSQLType(), kind: kindOf(column) };
    }),
  };
}

/** The columns of `table` a sync writes: all but the identity and the timestamps the database fills in. */
function writtenColumns<T extends PgTable>(table: T, filledByDatabase: readonly string[]): (keyof RowOf<T> & string)[] {
  return Object.keys(getTableColumns(table)).filter((key) => !filledByDatabase.includes(key)) as (keyof RowOf<T> & string)[];
}

const timestamps = ['id', 'firstSeenAt', 'lastSeenAt', 'vanishedAt', 'createdAt', 'updatedAt'];

/** What `upsertProjects` writes (src/ingest/normalized-rows.ts). */
export const bareProjects = bareTable('bench_copy_projects', projects, writtenColumns(projects, timestamps));

/** What `upsertCredits` writes. */
export const bareCredits = bareTable('bench_copy_credits', credits, writtenColumns(credits, timestamps));

/** What `stageRawRecords` writes: a new version, with its normalize outcome (no rejection in bench data). */
export const bareRawRecords = bareTable('bench_copy_raw_records', rawRecords, writtenColumns(rawRecords, [...timestamps, 'supersededRunId', 'rejectionReason', 'rejectionDetail']));

export function createTableSql(table: CopyTable): string {
  return `create table ${table.name} (${table.columns.map((c) => `${c.name} ${c.type}`).join(', ')})`;
}

function copyStatement(table: CopyTable, source: string): string {
  return `copy ${table.name} (${table.columns.map((c) => c.name).join(', ')}) from ${source}`;
}

/** Backslash, newline, carriage return and tab are escaped in COPY's text format. */
function escapeText(text: string): string {
  return text.replace(/[\\\n\r\t]/g, (char) => (char === '\\' ? '\\\\' : char === '\n' ? '\\n' : char === '\r' ? '\\r' : '\\t'));
}

function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((value) => `"${String(value).replace(/[\\"]/g, (char) => `\\${char}`)}"`).join(',')}}`;
}

function cell(value: unknown, kind: CopyKind): string {
  if (value === null || value === undefined) return '\\N';
  switch (kind) {
    case 'json':
      return escapeText(JSON.stringify(value));
    case 'array':
      return escapeText(arrayLiteral(value as unknown[]));
    case 'boolean':
      return value ? 't' : 'f';
    default:
      return escapeText(String(value));
  }
}

/**
 * Rows (objects keyed by the drizzle properties) as COPY text, in chunks of about `chunkSize`
 * characters: at market scale one string would come close to V8's maximum string length.
 */
export function copyText(table: CopyTable, rows: Iterable<Readonly<Record<string, unknown>>>, chunkSize = 16 << 20): string[] {
  const chunks: string[] = [];
  let lines: string[] = [];
  let size = 0;
  for (const row of rows) {
    const line = table.columns.map((c) => cell(row[c.key], c.kind)).join('\t');
    lines.push(line);
    size += line.length + 1;
    if (size >= chunkSize) {
      chunks.push(lines.join('\n') + '\n');
      lines = [];
      size = 0;
    }
  }
  if (lines.length > 0) chunks.push(lines.join('\n') + '\n');
  return chunks;
}

/** PGlite: COPY from the in-memory file `/dev/blob` (PGlite's COPY support). */
export async function copyIntoPglite(client: PGlite, table: CopyTable, text: Blob): Promise<void> {
  await client.query(copyStatement(table, `'/dev/blob'`), [], { blob: text });
}

/** postgres.js: COPY … FROM STDIN, the chunks written as a stream. */
export async function copyIntoPostgres(sql: Sql, table: CopyTable, chunks: readonly string[]): Promise<void> {
  const stream = await sql.unsafe(copyStatement(table, 'stdin')).writable();
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}
