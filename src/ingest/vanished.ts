/**
 * Full reconciliation: after a complete sync, what the registry no longer has is marked
 * vanished (with the time), never deleted and never silently kept as current. A credit
 * vanishes when no version of the raw record it came from is current any more (the run saw
 * none: a block was split or removed; run `settleVersions` first); a project from the
 * registry's project list vanishes when the run did not list it. Both come back (vanished_at cleared) when a later run sees them again.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';

export async function markVanished(db: Executor, programId: string, runStartedAt: Date): Promise<number> {
  const [creditsGone] = await queryRows<{ count: number }>(
    db,
    sql`with gone as (
          update credits c set vanished_at = now()
            from raw_records a
           where c.raw_record_id = a.id
             and c.program_id = ${programId}
             and c.vanished_at is null
             and not exists (
                   select 1 from raw_records r
                    where r.program_id = a.program_id and r.source_kind = a.source_kind
                      and r.natural_key = a.natural_key and r.superseded_run_id is null)
          returning 1)
        select count(*)::int as count from gone`,
  );
  const [projectsGone] = await queryRows<{ count: number }>(
    db,
    sql`with gone as (
          update projects set vanished_at = now()
           where program_id = ${programId} and completeness = 'full' and vanished_at is null
             and last_seen_at < ${runStartedAt.toISOString()}::timestamptz
          returning 1)
        select count(*)::int as count from gone`,
  );
  return (creditsGone?.count ?? 0) + (projectsGone?.count ?? 0);
}
