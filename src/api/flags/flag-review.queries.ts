/**
 * Reads of the review audit trail (`flag_reviews`), framework-free. The trail is append-only
 * (a trigger refuses UPDATE, DELETE and TRUNCATE, drizzle/0004): there is nothing here, or
 * anywhere in the hub, that edits it.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { flagReviews } from '../../db/schema.ts';
import { afterSql, keyValuesSql, orderBySql, parseKeyValues, toPage, type Ordering, type Page, type PageRequest } from '../common/keyset.ts';
import { countByParent, findPagesByParent, type ChildRows } from '../common/pages-by-parent.ts';
import { inList } from '../common/sql-filters.ts';
import type { FlagStatusValue } from './flag.queries.ts';

export const reviewColumns = {
  id: flagReviews.id,
  flagId: flagReviews.flagId,
  reviewer: flagReviews.reviewer,
  fromStatus: flagReviews.fromStatus,
  toStatus: flagReviews.toStatus,
  note: flagReviews.note,
  createdAt: flagReviews.createdAt,
};

export type FlagReviewRow = Pick<typeof flagReviews.$inferSelect, keyof typeof reviewColumns>;

/** Each field narrows the result; null/undefined means "any". An empty list matches nothing. */
export interface FlagReviewFilter {
  flagIds?: readonly string[] | null;
  /** Key names, exactly. */
  reviewers?: readonly string[] | null;
  toStatuses?: readonly FlagStatusValue[] | null;
}

export type FlagReviewOrderName = 'ID_ASC' | 'ID_DESC';

/** Reviews in the order they were written (the identity id), oldest or newest first. */
export function flagReviewOrdering(name: FlagReviewOrderName): Ordering {
  return {
    name: `flagReviews:${name}`,
    direction: name === 'ID_ASC' ? 'asc' : 'desc',
    keys: [{ expression: sql`${flagReviews.id}`, type: 'bigint' }],
  };
}

function filterSql(filter: FlagReviewFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.flagIds) conditions.push(inList(flagReviews.flagId, filter.flagIds));
  if (filter.reviewers) conditions.push(inList(flagReviews.reviewer, filter.reviewers));
  if (filter.toStatuses) conditions.push(inList(flagReviews.toStatus, filter.toStatuses));
  return and(...conditions);
}

export async function findReviews(db: Executor, filter: FlagReviewFilter, ordering: Ordering, request: PageRequest): Promise<Page<FlagReviewRow>> {
  const rows = await db
    .select({ row: reviewColumns, key: keyValuesSql(ordering) })
    .from(flagReviews)
    .where(and(filterSql(filter), request.after ? afterSql(ordering, request.after) : undefined))
    .orderBy(orderBySql(ordering))
    .limit(request.first + 1);
  return toPage(
    rows.map(({ row, key }) => ({ row, key: parseKeyValues(key) })),
    request,
  );
}

export async function countReviews(db: Executor, filter: FlagReviewFilter): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(flagReviews)
    .where(filterSql(filter));
  return row?.count ?? 0;
}

/** The reviews of flag `flagId`, for `findPagesByParent` and `countByParent`. */
const reviewsOfFlag: ChildRows = { table: flagReviews, ofParent: (flagId) => eq(flagReviews.flagId, flagId) };

/** The same page of reviews for each of several flags, in one statement. */
export function findReviewsByFlag(
  db: Executor,
  flagIds: readonly string[],
  ordering: Ordering,
  request: PageRequest,
): Promise<Map<string, Page<FlagReviewRow>>> {
  return findPagesByParent(db, flagIds, reviewsOfFlag, reviewColumns, ordering, request);
}

/** Reviews per flag, in one statement. */
export function countReviewsByFlag(db: Executor, flagIds: readonly string[]): Promise<Map<string, number>> {
  return countByParent(db, flagIds, reviewsOfFlag);
}

export async function findReviewsByIds(db: Executor, ids: readonly number[]): Promise<FlagReviewRow[]> {
  if (ids.length === 0) return [];
  return db.select(reviewColumns).from(flagReviews).where(inList(flagReviews.id, ids));
}
