/**
 * The whole hub in one process: database (migrated), the bundled snapshot when the database
 * is empty, CCP labels (when the snapshot or the shipped reference data is new, and after every
 * sync), the double-counting detectors (when the snapshot is new or no run has happened yet, and
 * after every sync), the GraphQL API, and scheduled registry polling. `hub serve` and `npm start`
 * run this.
 */
import { sql } from 'drizzle-orm';
import { connectors } from '../connectors/index.ts';
import { HttpClient } from '../connectors/http.ts';
import { createApiServer } from './api/server.ts';
import { labelAfterSync, labelOnStart } from './ccp/triggers.ts';
import type { Config } from './config.ts';
import { openConfiguredDatabase } from './db/open.ts';
import { queryRows, type Database } from './db/client.ts';
import { loadSnapshotIfEmpty } from './ingest/snapshot.ts';
import type { SyncResult } from './ingest/sync-runner.ts';
import type { Logger } from './logger.ts';
import { runMatching } from './matching/run.ts';
import { startScheduler, type Scheduler } from './scheduler.ts';

export interface RunningHub {
  url: string;
  database: Database;
  scheduler: Scheduler | null;
  stop(): Promise<void>;
}

export async function startHub(config: Config, logger: Logger): Promise<RunningHub> {
  const database = await openConfiguredDatabase(config, logger);
  await database.migrate();
  const snapshot = config.LOAD_SNAPSHOT ? await loadSnapshotIfEmpty({ database, connectors, dir: config.SNAPSHOT_DIR, logger }) : null;
  await labelOnStart(database, logger, { force: snapshot !== null, trigger: 'snapshot' });
  if (snapshot !== null || !(await hasFlags(database))) await runMatching({ database, logger });

  const api = await createApiServer({ database, config, logger });
  const listener = await api.listen(config.PORT, config.HOST);
  logger.info({ url: listener.url }, 'GraphQL API listening');

  const http = new HttpClient({
    timeoutMs: config.HTTP_TIMEOUT_MS,
    maxRetries: config.HTTP_MAX_RETRIES,
    requestsPerSecondPerHost: config.HTTP_REQUESTS_PER_SECOND,
    logger: logger.child({ module: 'http' }),
  });
  const scheduler = config.SCHEDULER_ENABLED
    ? startScheduler({ database, connectors, sources: config.sources, http, logger, afterSync: afterSync(database, logger) })
    : null;

  return {
    url: listener.url,
    database,
    scheduler,
    async stop() {
      await scheduler?.stop();
      await listener.close();
      await api.stop();
      await http.close();
      await database.close();
    },
  };
}

/** After a successful sync: relabel, then rerun the detectors over the new data. */
function afterSync(database: Database, logger: Logger): (result: SyncResult) => Promise<void> {
  const label = labelAfterSync(database, logger);
  return async (result) => {
    await label(result);
    await runMatching({ database, logger });
  };
}

/** Whether the detectors have recorded any finding here (flags are never deleted, only resolved). */
async function hasFlags(database: Database): Promise<boolean> {
  const [row] = await queryRows<{ any: boolean }>(database.db, sql`select exists (select 1 from flags) as any`);
  return Boolean(row?.any);
}
