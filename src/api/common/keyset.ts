/**
 * Keyset ("seek") pagination in SQL, shared by the query modules. No GraphQL here: the CLI
 * and tests page through the same functions.
 *
 * An ordering is a list of sort keys that ends with the row id, so it is total and a page
 * boundary is one row. Every key expression is non-null (nullable columns are sorted as
 * `(col is null), coalesce(col, …)`), which lets the next page be a single row comparison
 * `(k1, k2, id) > ($1, $2, $3)` against the last row's values, in the same collation and
 * types as the ORDER BY. Unlike OFFSET, the cost of a page does not grow with its depth and
 * rows inserted meanwhile never shift a page.
 */
import { sql, type SQL } from 'drizzle-orm';

/** PostgreSQL type of a sort key, used to cast the cursor's text values back. */
export type KeyType = 'bigint' | 'integer' | 'float8' | 'text' | 'date' | 'timestamptz' | 'boolean';

export interface SortKey {
  expression: SQL;
  type: KeyType;
}

export interface Ordering {
  /** Stable name written into cursors, so a cursor from another ordering is refused. */
  name: string;
  /** Every key sorts in this direction. */
  direction: 'asc' | 'desc';
  /** The last key must be unique (the row id). */
  keys: readonly SortKey[];
}

/** The sort-key values of one row, as text: what a cursor carries. */
export type KeyValues = readonly string[];

export interface PageRequest {
  /** Rows to return (0 is allowed: the page then only says whether rows exist). */
  first: number;
  /** Key values of the row the page starts after, or null for the first page. */
  after: KeyValues | null;
}

export interface PageItem<T> {
  row: T;
  key: KeyValues;
}

export interface Page<T> {
  items: PageItem<T>[];
  hasNextPage: boolean;
  /** True when the page starts after a cursor (forward pagination cannot cheaply tell more). */
  hasPreviousPage: boolean;
}

export const emptyPage: Page<never> = { items: [], hasNextPage: false, hasPreviousPage: false };

/** `ORDER BY` list of an ordering. */
export function orderBySql(ordering: Ordering): SQL {
  const direction = ordering.direction === 'asc' ? sql`asc` : sql`desc`;
  return sql.join(
    ordering.keys.map((key) => sql`${key.expression} ${direction}`),
    sql`, `,
  );
}

/** The condition "comes after the row with these key values" in the ordering. */
export function afterSql(ordering: Ordering, after: KeyValues): SQL {
  if (after.length !== ordering.keys.length) throw new Error(`cursor has ${after.length} keys, ordering ${ordering.name} ${ordering.keys.length}`);
  const left = sql.join(
    ordering.keys.map((key) => key.expression),
    sql`, `,
  );
  // Parameters go in as text and the server casts them: postgres.js otherwise serializes a
  // parameter by the type the server infers for it, and its boolean serializer turns the
  // string 'true' into 'f' (PGlite has no such problem; text works on both).
  const right = sql.join(
    ordering.keys.map((key, index) => sql`${after[index]}::text::${sql.raw(key.type)}`),
    sql`, `,
  );
  return ordering.direction === 'asc' ? sql`(${left}) > (${right})` : sql`(${left}) < (${right})`;
}

/** A row's key values as one JSON text column (`["false","Kenya…","42"]`): same on every driver. */
export function keyValuesSql(ordering: Ordering): SQL<string> {
  const values = sql.join(
    ordering.keys.map((key) => sql`(${key.expression})::text`),
    sql`, `,
  );
  return sql<string>`json_build_array(${values})::text`;
}

export function parseKeyValues(json: string): KeyValues {
  return JSON.parse(json) as string[];
}

/** Whether a cursor value can be cast to the key's type (so a forged cursor cannot make SQL fail). */
export function isValidKeyValue(type: KeyType, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  switch (type) {
    case 'bigint':
    case 'integer':
      return /^-?[0-9]{1,18}$/.test(value) && (type === 'bigint' || Math.abs(Number(value)) <= 2_147_483_647);
    case 'float8':
      return /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[-+]?[0-9]+)?$/i.test(value) && Number.isFinite(Number(value));
    case 'date':
      return /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
    case 'timestamptz':
      // PostgreSQL's text output (DateStyle ISO): microseconds and offset survive the round trip.
      return /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?[+-][0-9]{2}(?::[0-9]{2}){0,2}$/.test(value);
    case 'boolean':
      return value === 'true' || value === 'false';
    case 'text':
      return value.length <= 10_000 && !value.includes('\u0000');
  }
}

/** Turns rows fetched with `limit first + 1` into a page. */
export function toPage<T>(rows: readonly PageItem<T>[], request: PageRequest): Page<T> {
  return {
    items: rows.slice(0, request.first),
    hasNextPage: rows.length > request.first,
    hasPreviousPage: request.after !== null,
  };
}

/** Splits rows of a partitioned query (one page per parent, rows in page order) into pages. */
export function toPages<K, T>(
  parents: readonly K[],
  rows: readonly (PageItem<T> & { parent: K })[],
  request: PageRequest,
): Map<K, Page<T>> {
  const grouped = new Map<K, PageItem<T>[]>(parents.map((parent) => [parent, []]));
  for (const { parent, row, key } of rows) grouped.get(parent)?.push({ row, key });
  return new Map([...grouped].map(([parent, items]) => [parent, toPage(items, request)]));
}
