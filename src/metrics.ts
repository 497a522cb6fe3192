/**
 * Prometheus metrics (prom-client), served at /metrics by every hub process.
 *
 * Sync counters and durations count the runs this process made. Freshness (last successful
 * sync) and the rows held per program are read from the database at scrape time, so every
 * replica reports the same, whichever of them ran the job.
 */
import { sql } from 'drizzle-orm';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { queryRows, type Database } from './db/client.ts';
import type { SyncResult } from './ingest/sync-runner.ts';

const syncRunsTotal = new Counter({
  name: 'hub_sync_runs_total',
  help: 'Sync runs this process finished, by program, status and failure type.',
  labelNames: ['program', 'status', 'failure_type'] as const,
  registers: [],
});

const syncRowsTotal = new Counter({
  name: 'hub_sync_rows_total',
  help: 'Rows handled by sync runs of this process: fetched raw records, and normalized rows inserted, updated, unchanged, rejected or marked vanished.',
  labelNames: ['program', 'outcome'] as const,
  registers: [],
});

const syncDuration = new Histogram({
  name: 'hub_sync_duration_seconds',
  help: 'Duration of sync runs of this process.',
  labelNames: ['program', 'status'] as const,
  buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200],
  registers: [],
});

export function recordSyncMetrics(result: SyncResult, seconds: number): void {
  syncRunsTotal.inc({ program: result.programId, status: result.status, failure_type: result.failureType ?? 'none' });
  syncDuration.observe({ program: result.programId, status: result.status }, seconds);
  for (const [outcome, value] of Object.entries(result.counts)) {
    if (value > 0) syncRowsTotal.inc({ program: result.programId, outcome }, value);
  }
}

interface ProgramFigures {
  program: string;
  last_success: number | null;
  projects: number;
  credits: number;
}

/** A registry for one API server: this process's sync metrics, database-backed gauges, Node's defaults. */
export function createMetricsRegistry(database: Database): Registry {
  const registry = new Registry();
  registry.registerMetric(syncRunsTotal);
  registry.registerMetric(syncRowsTotal);
  registry.registerMetric(syncDuration);
  collectDefaultMetrics({ register: registry });

  let figures: Promise<ProgramFigures[]> | null = null;
  // One query per scrape, shared by the gauges below.
  const programFigures = () =>
    (figures ??= queryRows<ProgramFigures>(
      database.db,
      sql`select p.id as program,
                 extract(epoch from (select max(r.finished_at) from sync_runs r where r.program_id = p.id and r.status = 'succeeded'))::float8 as last_success,
                 (select count(*) from projects x where x.program_id = p.id and x.vanished_at is null)::int as projects,
                 (select count(*) from credits c where c.program_id = p.id and c.vanished_at is null)::int as credits
            from programs p`,
    ).finally(() => setTimeout(() => (figures = null), 0)));

  new Gauge({
    name: 'hub_sync_last_success_timestamp_seconds',
    help: 'When the last successful sync of each program finished (Unix time).',
    labelNames: ['program'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await programFigures()) if (row.last_success !== null) this.set({ program: row.program }, row.last_success);
    },
  });
  new Gauge({
    name: 'hub_rows',
    help: 'Current (not vanished) projects and credit transactions held per program.',
    labelNames: ['program', 'table'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await programFigures()) {
        this.set({ program: row.program, table: 'projects' }, row.projects);
        this.set({ program: row.program, table: 'credits' }, row.credits);
      }
    },
  });
  return registry;
}
