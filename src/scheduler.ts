/**
 * Scheduled registry polling: one node-cron job per connector. Each run takes a PostgreSQL
 * advisory lock named after the connector, so with several hub processes on one database
 * exactly one of them runs a given job; the others skip it. A failed poll (offline, registry
 * down, format changed) is recorded as a failed sync run and logged; the hub keeps serving.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Connector } from '../connectors/contract.ts';
import type { HttpClient } from '../connectors/http.ts';
import type { SourceSettings } from './config.ts';
import type { Database } from './db/client.ts';
import type { Logger } from './logger.ts';
import { runSyncJob } from './ingest/sync-job.ts';
import type { SyncResult } from './ingest/sync-runner.ts';

export interface SchedulerOptions {
  database: Database;
  connectors: readonly Connector[];
  sources: Record<string, SourceSettings>;
  http: HttpClient;
  logger: Logger;
  /** Runs after every successful sync (labels and matching hook in here). */
  afterSync?: (result: SyncResult) => Promise<void>;
}

export interface Scheduler {
  /** Runs one connector's poll now, under the same lock; null when another process holds it. */
  runNow(programId: string, trigger?: string): Promise<SyncResult | null>;
  /** Next planned run per program. */
  nextRuns(): Record<string, Date | null>;
  stop(): Promise<void>;
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const log = options.logger.child({ module: 'scheduler' });
  const tasks = new Map<string, ScheduledTask>();
  const running = new Set<Promise<unknown>>();

  const runNow = async (programId: string, trigger = 'manual'): Promise<SyncResult | null> => {
    const connector = options.connectors.find((c) => c.id === programId);
    const settings = options.sources[programId];
    if (!connector || !settings) throw new Error(`unknown program "${programId}"`);
    const result = await runSyncJob({
      database: options.database,
      connector,
      source: { kind: 'http', http: options.http, baseUrl: settings.baseUrl, secrets: settings.secrets },
      trigger,
      logger: options.logger,
    });
    if (result?.status === 'succeeded') await options.afterSync?.(result);
    return result;
  };

  for (const connector of options.connectors) {
    const settings = options.sources[connector.id];
    if (!settings?.enabled) {
      if (connector.pollingNote) log.info({ program: connector.id, note: connector.pollingNote }, 'registry polling is off');
      continue;
    }
    if (settings.missingSecrets.length > 0) {
      log.warn({ program: connector.id, missing: settings.missingSecrets }, `registry polling not scheduled: set ${settings.missingSecrets.join(', ')}`);
      continue;
    }
    const task = cron.schedule(
      settings.schedule,
      async () => {
        const job = runNow(connector.id, 'schedule').catch((error: unknown) => log.error({ program: connector.id, err: error }, 'scheduled poll crashed'));
        running.add(job);
        await job;
        running.delete(job);
      },
      { name: `sync:${connector.id}`, noOverlap: true },
    );
    tasks.set(connector.id, task);
    log.info({ program: connector.id, schedule: settings.schedule, next: task.getNextRun() }, 'registry polling scheduled');
  }

  return {
    runNow,
    nextRuns: () => Object.fromEntries([...tasks].map(([id, task]) => [id, task.getNextRun()])),
    async stop() {
      for (const task of tasks.values()) await task.stop();
      await Promise.allSettled(running);
    },
  };
}
