/**
 * The ingest baseline: PostgreSQL COPY of the same normalized rows into bare tables (the
 * columns a sync writes, no keys, no indexes, no constraints). One small function per driver:
 * postgres.js streams `COPY … FROM STDIN`; PGlite reads the rows from `/dev/blob`.
 *
 * Rows are written in COPY's text format: tab-separated, `\N` for null, arrays as array
 * literals, jsonb as JSON.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Sql } from 'postgres';

export type CopyKind = 'text' | 'number' | 'boolean' | 'json' | 'array';

export interface CopyColumn {
  name: string;
  type: string;
  kind: CopyKind;
}

export interface CopyTable {
  name: string;
  columns: readonly CopyColumn[];
}

const column = (name: string, type: string, kind: CopyKind = 'text'): CopyColumn => ({ name, type, kind });

/** What `upsertProjects` writes (src/ingest/normalized-rows.ts), minus the columns with defaults. */
export const bareProjects: CopyTable = {
  name: 'bench_copy_projects',
  columns: [
    column('program_id', 'text'),
    column('registry_project_id', 'text'),
    column('completeness', 'text'),
    column('name', 'text'),
    column('proponent', 'text'),
    column('country_code', 'text'),
    column('country_name', 'text'),
    column('subdivision', 'text'),
    column('region', 'text'),
    column('latitude', 'double precision', 'number'),
    column('longitude', 'double precision', 'number'),
    column('project_types', 'text[]', 'array'),
    column('category', 'text'),
    column('methodologies', 'jsonb', 'json'),
    column('status', 'text'),
    column('registration_date', 'date'),
    column('crediting_period_start', 'date'),
    column('crediting_period_end', 'date'),
    column('sdgs', 'smallint[]', 'array'),
    column('additional_certifications', 'text[]', 'array'),
    column('estimated_annual_credits', 'numeric', 'number'),
    column('parent_registry_project_id', 'text'),
    column('cross_references', 'jsonb', 'json'),
    column('attributes', 'jsonb', 'json'),
    column('content_hash', 'text'),
  ],
};

/** What `upsertCredits` writes. */
export const bareCredits: CopyTable = {
  name: 'bench_copy_credits',
  columns: [
    column('program_id', 'text'),
    column('natural_key', 'text'),
    column('project_id', 'bigint', 'number'),
    column('kind', 'text'),
    column('kind_ambiguous', 'boolean', 'boolean'),
    column('quantity', 'numeric(20, 4)', 'number'),
    column('vintage_year', 'integer', 'number'),
    column('vintage_start', 'date'),
    column('vintage_end', 'date'),
    column('transaction_date', 'date'),
    column('issuance_date', 'date'),
    column('serial_number', 'text'),
    column('serial_namespace', 'text'),
    column('serial_first', 'bigint', 'number'),
    column('serial_last', 'bigint', 'number'),
    column('serial_parts', 'jsonb', 'json'),
    column('country_code', 'text'),
    column('beneficiary', 'text'),
    column('beneficiary_normalized', 'text'),
    column('retirement_reason', 'text'),
    column('retirement_note', 'text'),
    column('use_case', 'text'),
    column('article6_authorization', 'text'),
    column('labels', 'text[]', 'array'),
    column('attributes', 'jsonb', 'json'),
    column('content_hash', 'text'),
    column('raw_record_id', 'bigint', 'number'),
  ],
};

/** What `stageRawRecords` writes. */
export const bareRawRecords: CopyTable = {
  name: 'bench_copy_raw_records',
  columns: [
    column('program_id', 'text'),
    column('source_kind', 'text'),
    column('natural_key', 'text'),
    column('content_hash', 'text'),
    column('payload', 'jsonb', 'json'),
    column('first_seen_run_id', 'bigint', 'number'),
    column('status', 'text'),
    column('normalizer_version', 'integer', 'number'),
  ],
};

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
 * Rows (values in the table's column order) as COPY text, in chunks of about `chunkSize`
 * characters: at market scale one string would come close to V8's maximum string length.
 */
export function copyText(table: CopyTable, rows: Iterable<readonly unknown[]>, chunkSize = 16 << 20): string[] {
  const chunks: string[] = [];
  let lines: string[] = [];
  let size = 0;
  for (const row of rows) {
    const line = table.columns.map((c, index) => cell(row[index], c.kind)).join('\t');
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
