import { and, eq } from 'drizzle-orm';
import { syncRuns } from '../db/schema.ts';
import { refreshStatistics } from '../db/statistics.ts';
import type { Executor } from '../db/client.ts';
import { recordSyncMetrics } from '../metrics.ts';
import { releaseSightings } from './raw-records.ts';
import { runSync, type SyncOptions, type SyncResult } from './sync-runner.ts';

/** Name of the advisory lock that serializes syncs of one program across hub processes. */
export const syncLockKey = (programId: string) => `hub:sync:${programId}`;

/**
 * Runs a sync unless another process (or this one) is already syncing that program;
 * returns null when it skipped. Scheduled polls and `hub sync` both go through here.
 */
export async function runSyncJob(options: SyncOptions): Promise<SyncResult | null> {
  const outcome = await options.database.withAdvisoryLock(syncLockKey(options.connector.id), async () => {
    const interrupted = await closeInterruptedRuns(options.database.db, options.connector.id);
    if (interrupted > 0) options.logger.warn({ program: options.connector.id, interrupted }, 'earlier sync runs had stopped mid-way: marked failed');
    const started = performance.now();
    const result = await runSync(options);
    recordSyncMetrics(result, (performance.now() - started) / 1000);
    if (result.status === 'succeeded') {
      const { inserted, updated, vanished } = result.counts;
      // Raw records grow with the versions stored new, the normalized tables with what was written:
      // an unchanged re-sync writes neither, so it leaves the statistics (and the poll's time) alone.
      await refreshStatistics(options.database, ['raw_records', 'projects', 'credits'], Math.max(result.rawVersionsStored, inserted + updated + vanished), options.logger);
    }
    return result;
  });
  if (outcome.acquired) return outcome.value;
  options.logger.info({ program: options.connector.id }, 'sync skipped: another hub process is syncing this program');
  return null;
}

/**
 * A run still `running` while we hold its program's lock belongs to a process that died
 * (killed, crashed, machine lost): its apply transaction rolled back with it, so only its
 * raw records remain. Say so instead of leaving it running forever.
 */
async function closeInterruptedRuns(db: Executor, programId: string): Promise<number> {
  const closed = await db
    .update(syncRuns)
    .set({
      status: 'failed',
      finishedAt: new Date(),
      failureType: 'system',
      error: 'interrupted: the process running this sync stopped before it finished; its normalized changes were rolled back',
    })
    .where(and(eq(syncRuns.programId, programId), eq(syncRuns.status, 'running')))
    .returning({ id: syncRuns.id });
  await releaseSightings(db, closed.map((run) => run.id));
  return closed.length;
}
