/**
 * What a sync left in the database, read back the way the sync tests compare it: the
 * normalized content a user could read, and per-project totals by credit kind.
 */
import { and, asc, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import { queryRows, type Database } from '../../src/db/client.ts';
import { credits, projects, rawRecords, syncRuns } from '../../src/db/schema.ts';
import type { ProjectTotals } from './connectors/types.ts';

/**
 * Everything a user could read of the normalized data (of one program, or of all), to compare
 * before and after a run. `lastSeenAt` is bookkeeping (when the registry last listed the
 * project), not content, and is left out.
 */
export async function normalizedState(database: Database, programId?: string) {
  const db = database.db;
  const { lastSeenAt: _, ...projectContent } = getTableColumns(projects);
  return {
    projects: await db
      .select(projectContent)
      .from(projects)
      .where(programId === undefined ? undefined : eq(projects.programId, programId))
      .orderBy(asc(projects.id)),
    credits: await db
      .select()
      .from(credits)
      .where(programId === undefined ? undefined : eq(credits.programId, programId))
      .orderBy(asc(credits.id)),
  };
}

/**
 * Per registry project id of `programId`, the quantities of its issuance, retirement and
 * cancellation credits, as stored (vanished credits included unless `excludeVanished`).
 * Projects without credits are not listed.
 */
export async function projectTotals(
  database: Database,
  programId: string,
  { excludeVanished = false }: { excludeVanished?: boolean } = {},
): Promise<Map<string, ProjectTotals>> {
  const rows = await queryRows<{ project: string } & ProjectTotals>(
    database.db,
    sql`select p.registry_project_id as project,
               coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
               coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired,
               coalesce(sum(c.quantity) filter (where c.kind = 'cancellation'), 0)::float8 as cancelled
          from projects p join credits c on c.project_id = p.id
         where p.program_id = ${programId}${excludeVanished ? sql` and c.vanished_at is null` : sql.empty()}
         group by p.registry_project_id`,
  );
  return new Map(rows.map(({ project, issued, retired, cancelled }) => [project, { issued, retired, cancelled }]));
}

/** The rejected raw records current after run `runId` (of its program): natural key, rejection reason and detail. */
export function rejectedRecords(database: Database, runId: number) {
  return database.db
    .select({ naturalKey: rawRecords.naturalKey, reason: rawRecords.rejectionReason, detail: rawRecords.rejectionDetail })
    .from(rawRecords)
    .where(
      and(
        eq(rawRecords.status, 'rejected'),
        isNull(rawRecords.supersededRunId),
        eq(rawRecords.programId, database.db.select({ programId: syncRuns.programId }).from(syncRuns).where(eq(syncRuns.id, runId))),
      ),
    );
}
