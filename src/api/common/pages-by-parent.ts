/**
 * "A page of children per parent, in one statement": the same page of a nested connection
 * (one filter, ordering, cursor and size) for each of several parents, as a DataLoader batches
 * them, and the matching counts. No GraphQL here. A top-level connection's page is page.ts.
 *
 * Each parent gets its own LATERAL page:
 *
 *   select parents.ordinal, page.*
 *     from unnest($1::text::bigint[]) with ordinality as parents(id, ordinal)
 *     cross join lateral (
 *       select …, <sort keys>
 *         from <table>
 *        where <child of parents.id> and <filter> and <after the cursor>
 *        order by <sort keys> limit first + 1
 *     ) as page
 *    order by parents.ordinal, <sort keys>
 *
 * so a parent's page costs one LIMITed scan of an index on (parent, sort keys), whatever the
 * size of the table. Numbering every parent's rows with `row_number() over (partition by …)`
 * and joining back to the table, as before, led the planner to hash-join a sequential scan of
 * the whole table (docs/benchmarks.md, Findings 3). The parent ids travel as one parameter, so
 * the statement's text does not depend on how many parents a request has.
 */
import { and, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { SelectResultFields } from 'drizzle-orm/query-builders/select.types';
import type { Executor } from '../../db/client.ts';
import { afterSql, keyValuesSql, orderBySql, parseKeyValues, toPages, type Ordering, type Page, type PageRequest } from './keyset.ts';
import type { TableRows } from './page.ts';
import { arrayLiteral } from './sql-filters.ts';

/** Parent ids: row ids (bigint) or codes (text). */
export type ParentId = number | string;

/** Which rows of which table are a parent's children (`where`: the connection's filter). */
export interface ChildRows extends TableRows {
  /**
   * "This row is a child of `parentId`", where `parentId` is the parent's id in the
   * statement: `eq(credits.projectId, parentId)`, or a semi-join through a link table.
   */
  ofParent: (parentId: SQL) => SQL;
}

/** `unnest(…) with ordinality as parents(id, ordinal)` over `parentIds`, as one parameter (`arrayLiteral`). */
function parentsSql(parentIds: readonly ParentId[]): SQL {
  const type = typeof parentIds[0] === 'number' ? sql.raw('bigint') : sql.raw('text');
  return sql`unnest(${arrayLiteral(parentIds)}::text::${type}[]) with ordinality as parents(id, ordinal)`;
}

/** Each parent once (a parent listed twice would otherwise get its rows twice). */
const distinct = <T>(values: readonly T[]): readonly T[] => [...new Set(values)];

const parentId = sql`parents.id`;
const parentOrdinal = sql<number>`parents.ordinal::int`;

/**
 * The same page of `children` for each of `parentIds`, in one statement: `columns` of the
 * rows, in `ordering`, after `request.after`, at most `request.first` per parent, with
 * `hasNextPage` from one extra row. Every parent gets a page, an empty one if it has no
 * matching children.
 */
export async function findPagesByParent<TParent extends ParentId, TColumns extends Record<string, PgColumn>>(
  db: Executor,
  parentIds: readonly TParent[],
  children: ChildRows,
  columns: TColumns,
  ordering: Ordering,
  request: PageRequest,
): Promise<Map<TParent, Page<SelectResultFields<TColumns>>>> {
  parentIds = distinct(parentIds);
  if (parentIds.length === 0) return new Map();
  // The sort keys are selected too, so the statement can put each parent's rows back in order
  // (`order by parents.ordinal, <the keys>`): no window function between each page's LIMIT and
  // its scan or sort, which would keep a sort from stopping at `first + 1` rows.
  const sortKeys = ordering.keys.map((key, index) => sql`${key.expression}`.as(`page_sort_${index}`));
  const page = db
    .select({ row: columns, key: keyValuesSql(ordering).as('page_key'), ...Object.fromEntries(sortKeys.map((key) => [key.fieldAlias, key])) })
    .from(children.table)
    .where(and(children.ofParent(parentId), children.where, request.after ? afterSql(ordering, request.after) : undefined))
    .orderBy(orderBySql(ordering))
    .limit(request.first + 1)
    .as('page');
  const direction = ordering.direction === 'asc' ? sql`asc` : sql`desc`;
  // (The row's fields keep their own types through the subquery; drizzle's generic types
  // cannot show that for a generic `TColumns`, hence the casts.)
  const rows = await db
    .select({ ordinal: parentOrdinal, row: page.row as Record<string, PgColumn>, key: page.key })
    .from(parentsSql(parentIds))
    .crossJoinLateral(page)
    .orderBy(parentOrdinal, ...sortKeys.map((key) => sql`${sql.identifier(key.fieldAlias)} ${direction}`));
  return toPages(
    parentIds,
    rows.map(({ ordinal, row, key }) => ({ parent: parentIds[ordinal - 1] as TParent, row: row as SelectResultFields<TColumns>, key: parseKeyValues(key) })),
    request,
  );
}

/** How many of `children` each of `parentIds` has, in one statement (a LATERAL count per parent). */
export async function countByParent<TParent extends ParentId>(
  db: Executor,
  parentIds: readonly TParent[],
  children: ChildRows,
): Promise<Map<TParent, number>> {
  parentIds = distinct(parentIds);
  if (parentIds.length === 0) return new Map();
  const counted = db
    .select({ count: sql<number>`count(*)::int`.as('child_count') })
    .from(children.table)
    .where(and(children.ofParent(parentId), children.where))
    .as('counted');
  const rows = await db.select({ ordinal: parentOrdinal, count: counted.count }).from(parentsSql(parentIds)).crossJoinLateral(counted);
  const counts = new Map<TParent, number>(parentIds.map((id) => [id, 0]));
  for (const { ordinal, count } of rows) counts.set(parentIds[ordinal - 1] as TParent, count);
  return counts;
}
