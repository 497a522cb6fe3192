import DataLoader from 'dataloader';
import type { Executor } from '../../db/client.ts';
import { inKeyOrder } from '../common/loader-utils.ts';
import { findSyncRunsByIds, latestSyncRunsByProgram, type SyncRunRow } from './sync-run.queries.ts';

/** Per-request loaders (one set per GraphQL request, so nothing is cached across requests). */
export function createSyncRunLoaders(db: Executor) {
  return {
    byId: new DataLoader<number, SyncRunRow | null>(async (ids) => inKeyOrder(ids, await findSyncRunsByIds(db, ids), (row) => row.id)),
    /** Each program's most recent run, whatever its outcome. */
    latestByProgram: new DataLoader<string, SyncRunRow | null>(async (programIds) =>
      inKeyOrder(programIds, await latestSyncRunsByProgram(db, programIds), (row) => row.programId),
    ),
    /** Each program's most recent successful run: how fresh its data is. */
    lastSuccessfulByProgram: new DataLoader<string, SyncRunRow | null>(async (programIds) =>
      inKeyOrder(programIds, await latestSyncRunsByProgram(db, programIds, 'succeeded'), (row) => row.programId),
    ),
  };
}

export type SyncRunLoaders = ReturnType<typeof createSyncRunLoaders>;
