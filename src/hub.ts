/**
 * The whole hub in one process: database (migrated), the bundled snapshot when the database
 * is empty, CCP labels (when the snapshot or the shipped reference data is new, and after every
 * sync), the GraphQL API, and scheduled registry polling. `hub serve` and `npm start` run this.
 */
import { connectors } from '../connectors/index.ts';
import { HttpClient } from '../connectors/http.ts';
import { createApiServer } from './api/server.ts';
import { labelAfterSync, labelOnStart } from './ccp/triggers.ts';
import type { Config } from './config.ts';
import { openConfiguredDatabase } from './db/open.ts';
import type { Database } from './db/client.ts';
import { loadSnapshotIfEmpty } from './ingest/snapshot.ts';
import type { Logger } from './logger.ts';
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
    ? startScheduler({ database, connectors, sources: config.sources, http, logger, afterSync: labelAfterSync(database, logger) })
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
