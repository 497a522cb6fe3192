import type { Executor } from '../db/client.ts';
import { createCreditLoaders } from './credits/credit.loaders.ts';
import { createFlagLoaders } from './flags/flag.loaders.ts';
import { createProgramLoaders } from './programs/program.loaders.ts';
import { createProjectLoaders } from './projects/project.loaders.ts';
import { createSyncRunLoaders } from './sync-runs/sync-run.loaders.ts';

/**
 * Every DataLoader of one request. Made fresh per request (in the context), so batching
 * spans a request and caching never outlives it.
 */
export function createLoaders(db: Executor) {
  const projects = createProjectLoaders(db);
  return {
    programs: createProgramLoaders(db),
    projects,
    credits: createCreditLoaders(db),
    syncRuns: createSyncRunLoaders(db),
    flags: createFlagLoaders(db, projects),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
