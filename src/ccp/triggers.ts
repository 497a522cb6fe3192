/**
 * When labels are recomputed (design.md: the label stage runs on its own and after others):
 *  - at start, when the shipped reference data is new to the database (or a snapshot was just loaded);
 *  - after every successful sync, for the synced program;
 *  - on `hub label` (src/cli.ts), with a newer reference file when one is given.
 * A labelling failure is logged and never stops the hub or fails the sync it follows.
 */
import type { Database } from '../db/client.ts';
import type { SyncResult } from '../ingest/sync-runner.ts';
import type { Logger } from '../logger.ts';
import { ensureShippedReference } from '../reference/ccp/load.ts';
import { labelCredits, type LabelResult } from './label-engine.ts';

/** Loads the shipped reference data when it is new, and relabels everything if it became active or `force`. */
export async function labelOnStart(database: Database, logger: Logger, options: { force: boolean; trigger: string }): Promise<LabelResult | null> {
  const log = logger.child({ module: 'ccp' });
  try {
    const reference = await ensureShippedReference(database.db, log);
    if (!reference.activated && !options.force) return null;
    return await labelCredits(database, { trigger: reference.activated ? 'reference' : options.trigger, logger: log });
  } catch (error) {
    log.error({ err: error }, 'CCP labelling failed');
    return null;
  }
}

/** An `afterSync` hook: relabels the credits of the program that was just synced. */
export function labelAfterSync(database: Database, logger: Logger): (result: SyncResult) => Promise<void> {
  const log = logger.child({ module: 'ccp' });
  return async (result) => {
    try {
      await ensureShippedReference(database.db, log);
      await labelCredits(database, { programIds: [result.programId], trigger: 'sync', logger: log });
    } catch (error) {
      log.error({ err: error, program: result.programId }, 'CCP labelling after sync failed');
    }
  };
}

/** After `hub sync`: relabels the programs whose sync succeeded, in one run. */
export async function labelSyncedPrograms(database: Database, logger: Logger, results: readonly (SyncResult | null)[]): Promise<LabelResult | null> {
  const programIds = results.filter((result) => result?.status === 'succeeded').map((result) => result!.programId);
  if (programIds.length === 0) return null;
  const log = logger.child({ module: 'ccp' });
  try {
    await ensureShippedReference(database.db, log);
    return await labelCredits(database, { programIds, trigger: 'sync', logger: log });
  } catch (error) {
    log.error({ err: error, programs: programIds }, 'CCP labelling after sync failed');
    return null;
  }
}
