import { runSync, type SyncOptions, type SyncResult } from './sync-runner.ts';

/** Name of the advisory lock that serializes syncs of one program across hub processes. */
export const syncLockKey = (programId: string) => `hub:sync:${programId}`;

/**
 * Runs a sync unless another process (or this one) is already syncing that program;
 * returns null when it skipped. Scheduled polls and `hub sync` both go through here.
 */
export async function runSyncJob(options: SyncOptions): Promise<SyncResult | null> {
  const outcome = await options.database.withAdvisoryLock(syncLockKey(options.connector.id), () => runSync(options));
  if (outcome.acquired) return outcome.value;
  options.logger.info({ program: options.connector.id }, 'sync skipped: another hub process is syncing this program');
  return null;
}
