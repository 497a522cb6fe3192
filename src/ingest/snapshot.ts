/**
 * The bundled snapshot: real registry exports shipped under test/fixtures/registries (see
 * its README and licence), loaded into an empty database so a fresh `npm start` serves real
 * data without any network.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Connector } from '../../connectors/contract.ts';
import { queryRows, type Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { createProgress } from '../progress.ts';
import { runSyncJob } from './sync-job.ts';
import type { SyncResult } from './sync-runner.ts';

/** Folder of each program inside the snapshot, as the exports are laid out there. */
export const snapshotFolders: Record<string, string> = {
  verra: 'verra',
  'gold-standard': 'gold-standard',
  acr: 'american-carbon-registry',
  car: 'climate-action-reserve',
  'art-trees': 'art-trees',
  isometric: 'isometric',
  cercarbono: 'cercarbono',
  arb: 'arb',
};

export function snapshotFolder(dir: string, connector: Connector): string | null {
  const folder = snapshotFolders[connector.id];
  if (!folder) return null;
  const path = join(dir, folder);
  return existsSync(path) ? path : null;
}

export async function isDatabaseEmpty(database: Database): Promise<boolean> {
  const [row] = await queryRows<{ any: boolean }>(database.db, sql`select exists (select 1 from credits) or exists (select 1 from projects) as any`);
  return !row?.any;
}

/** Loads every connector's exports found in `dir`; each program is one sync run of its own. */
export async function loadExportFolder(options: {
  database: Database;
  connectors: readonly Connector[];
  dir: string;
  trigger: string;
  logger: Logger;
}): Promise<(SyncResult | null)[]> {
  const results: (SyncResult | null)[] = [];
  for (const connector of options.connectors) {
    const folder = snapshotFolder(options.dir, connector);
    if (!folder) {
      options.logger.debug({ program: connector.id, dir: options.dir }, 'no exports for this program in the folder');
      continue;
    }
    results.push(
      await runSyncJob({
        database: options.database,
        connector,
        source: { kind: 'files', dir: folder },
        trigger: options.trigger,
        logger: options.logger,
        progress: createProgress(options.logger, `${connector.id}`),
      }),
    );
  }
  return results;
}

/** Loads the snapshot only when the database holds no projects and no credits yet. */
export async function loadSnapshotIfEmpty(options: {
  database: Database;
  connectors: readonly Connector[];
  dir: string;
  logger: Logger;
}): Promise<(SyncResult | null)[] | null> {
  if (!(await isDatabaseEmpty(options.database))) return null;
  options.logger.info({ dir: options.dir }, 'empty database: loading the bundled snapshot of registry exports');
  return loadExportFolder({ ...options, trigger: 'snapshot' });
}
