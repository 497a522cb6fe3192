/**
 * Sync-run reads (freshness of each program's data), framework-free: take `Executor`,
 * return rows.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { syncRuns } from '../../db/schema.ts';
import type { Ordering, Page, PageRequest } from '../common/keyset.ts';
import { countRows, findPage, type TableRows } from '../common/page.ts';
import { inList } from '../common/sql-filters.ts';

const syncRunColumns = {
  id: syncRuns.id,
  programId: syncRuns.programId,
  source: syncRuns.source,
  trigger: syncRuns.trigger,
  status: syncRuns.status,
  startedAt: syncRuns.startedAt,
  finishedAt: syncRuns.finishedAt,
  fetched: syncRuns.fetched,
  inserted: syncRuns.inserted,
  updated: syncRuns.updated,
  unchanged: syncRuns.unchanged,
  rejected: syncRuns.rejected,
  watermark: syncRuns.watermark,
  failureType: syncRuns.failureType,
  error: syncRuns.error,
};

export type SyncRunRow = Pick<typeof syncRuns.$inferSelect, keyof typeof syncRunColumns>;
export type SyncStatusValue = SyncRunRow['status'];

export interface SyncRunFilter {
  programIds?: readonly string[] | null;
  statuses?: readonly SyncStatusValue[] | null;
}

/** Newest first. */
export const syncRunOrdering: Ordering = {
  name: 'STARTED_DESC',
  direction: 'desc',
  keys: [
    { expression: sql`${syncRuns.startedAt}`, type: 'timestamptz' },
    { expression: sql`${syncRuns.id}`, type: 'bigint' },
  ],
};

function filterSql(filter: SyncRunFilter): SQL | undefined {
  return and(
    filter.programIds ? inList(syncRuns.programId, filter.programIds) : undefined,
    filter.statuses ? inList(syncRuns.status, filter.statuses) : undefined,
  );
}

/** The sync runs `filter` selects, for `findPage` and `countRows`. */
const syncRunRows = (filter: SyncRunFilter): TableRows => ({ table: syncRuns, where: filterSql(filter) });

export function findSyncRuns(db: Executor, filter: SyncRunFilter, request: PageRequest): Promise<Page<SyncRunRow>> {
  return findPage(db, syncRunRows(filter), syncRunColumns, syncRunOrdering, request);
}

export function countSyncRuns(db: Executor, filter: SyncRunFilter): Promise<number> {
  return countRows(db, syncRunRows(filter));
}

export async function findSyncRunsByIds(db: Executor, ids: readonly number[]): Promise<SyncRunRow[]> {
  if (ids.length === 0) return [];
  return db.select(syncRunColumns).from(syncRuns).where(inList(syncRuns.id, ids));
}

/**
 * The most recent run of each program (optionally only runs with `status`), in one
 * statement (`distinct on (program_id)`).
 */
export async function latestSyncRunsByProgram(
  db: Executor,
  programIds: readonly string[],
  status?: SyncStatusValue,
): Promise<SyncRunRow[]> {
  if (programIds.length === 0) return [];
  return db
    .selectDistinctOn([syncRuns.programId], syncRunColumns)
    .from(syncRuns)
    .where(and(inList(syncRuns.programId, programIds), status ? eq(syncRuns.status, status) : undefined))
    .orderBy(syncRuns.programId, sql`${syncRuns.startedAt} desc`, sql`${syncRuns.id} desc`);
}
