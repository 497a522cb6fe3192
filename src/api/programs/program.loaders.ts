import DataLoader from 'dataloader';
import type { Executor } from '../../db/client.ts';
import { inKeyOrder } from '../common/loader-utils.ts';
import { findProgramsByIds, type ProgramRow } from './program.queries.ts';

/** Per-request loaders (one set per GraphQL request, so nothing is cached across requests). */
export function createProgramLoaders(db: Executor) {
  return {
    /** Program by code: every `program` relation of a page resolves in one statement. */
    byId: new DataLoader<string, ProgramRow | null>(async (ids) => inKeyOrder(ids, await findProgramsByIds(db, ids), (row) => row.id)),
  };
}

export type ProgramLoaders = ReturnType<typeof createProgramLoaders>;
