/**
 * Reads of the review audit trail (`flag_reviews`), framework-free. The trail is append-only
 * (a trigger refuses UPDATE, DELETE and TRUNCATE, drizzle/0004): there is nothing here, or
 * anywhere in the hub, that edits it.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { flagReviews } from '../../db/schema.ts';
import type { Ordering, Page, PageRequest } from '../common/keyset.ts';
import { countRows, findPage, type TableRows } from '../common/page.ts';
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

/** The reviews `filter` selects, for `findPage` and `countRows`. */
const reviewRows = (filter: FlagReviewFilter): TableRows => ({ table: flagReviews, where: filterSql(filter) });

export function findReviews(db: Executor, filter: FlagReviewFilter, ordering: Ordering, request: PageRequest): Promise<Page<FlagReviewRow>> {
  return findPage(db, reviewRows(filter), reviewColumns, ordering, request);
}

export function countReviews(db: Executor, filter: FlagReviewFilter): Promise<number> {
  return countRows(db, reviewRows(filter));
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
