/**
 * "A page of rows, in one statement": a top-level connection's page (one filter, ordering,
 * cursor and size) and its count, for every query module. No GraphQL here. The nested
 * connections' version, a page per parent, is pages-by-parent.ts.
 *
 *   select …, <the row's key values>
 *     from <table>
 *    where <filter> and <after the cursor>
 *    order by <sort keys> limit first + 1
 *
 * The extra row only tells `hasNextPage`.
 */
import { and, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { SelectResultFields } from 'drizzle-orm/query-builders/select.types';
import type { Executor } from '../../db/client.ts';
import { afterSql, keyValuesSql, orderBySql, parseKeyValues, toPage, type Ordering, type Page, type PageRequest } from './keyset.ts';

/** Which rows of which table a connection lists. */
export interface TableRows {
  table: PgTable;
  /** The connection's filter (undefined: every row). */
  where?: SQL | undefined;
}

/**
 * One page of `rows`: `columns` of the rows, in `ordering`, after `request.after`, at most
 * `request.first`, with `hasNextPage` from one extra row.
 */
export async function findPage<TColumns extends Record<string, PgColumn>>(
  db: Executor,
  rows: TableRows,
  columns: TColumns,
  ordering: Ordering,
  request: PageRequest,
): Promise<Page<SelectResultFields<TColumns>>> {
  // (drizzle's generic types cannot follow a generic `TColumns` through the select, hence the casts.)
  const found = await db
    .select({ row: columns as Record<string, PgColumn>, key: keyValuesSql(ordering) })
    .from(rows.table)
    .where(and(rows.where, request.after ? afterSql(ordering, request.after) : undefined))
    .orderBy(orderBySql(ordering))
    .limit(request.first + 1);
  return toPage(
    found.map(({ row, key }) => ({ row: row as SelectResultFields<TColumns>, key: parseKeyValues(key) })),
    request,
  );
}

/** How many `rows` there are: a connection's `totalCount`. */
export async function countRows(db: Executor, rows: TableRows): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(rows.table)
    .where(rows.where);
  return row?.count ?? 0;
}
