/**
 * The ingest measurements that run in a child process of their own (bench/support/child.ts):
 *
 * - `sync`: a full sync of every program over HTTP into an empty database, as the hub polls
 *   (`runSyncJob`, the connectors' `fetch`, the shared HTTP client without its politeness rate
 *   limit), then the same sync again over unchanged data. Reports times, phases, statements,
 *   and the process's peak RSS after the first sync.
 * - `pipeline`: the same records taken apart: fetch and parse only, normalize only (no
 *   database), then COPY of the rows the sync writes into bare tables: the baseline.
 */
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { acr } from '../../connectors/acr/index.ts';
import { arb } from '../../connectors/arb/index.ts';
import { artTrees } from '../../connectors/art-trees/index.ts';
import { car } from '../../connectors/car/index.ts';
import { cercarbono } from '../../connectors/cercarbono/index.ts';
import type { Connector, RawRecord } from '../../connectors/contract.ts';
import { goldStandard } from '../../connectors/gold-standard/index.ts';
import { HttpClient } from '../../connectors/http.ts';
import { isometric } from '../../connectors/isometric/index.ts';
import { verra } from '../../connectors/verra/index.ts';
import { runSyncJob } from '../../src/ingest/sync-job.ts';
import type { SyncResult } from '../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Progress } from '../../src/progress.ts';
import { openTarget, type BenchTarget } from '../support/databases.ts';
import { collectGarbage, seconds } from '../support/stats.ts';
import { bareCredits, bareProjects, bareRawRecords, copyIntoPglite, copyIntoPostgres, copyText, createTableSql, type CopyTable } from './copy.ts';
import { NormalizedRows, rawRecordRows } from './rows.ts';

/** The programs the generator writes, in the order a sync runs them. */
export const benchConnectors: readonly Connector[] = [verra, goldStandard, car, acr, artTrees, arb, cercarbono, isometric];

export type BaseUrls = Record<string, string>;
/**
 * The secrets each served registry wants, by program id (`SyncSource.secrets`). The parent,
 * which serves the registries, passes them: the child loads only what a sync needs.
 */
export type BenchSecrets = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The bench polls local servers: no rate limit (it is politeness towards real registries). */
function benchHttpClient(): HttpClient {
  return new HttpClient({ requestsPerSecondPerHost: 0, timeoutMs: 300_000 });
}

// ---------------------------------------------------------------------------------------------
// sync

export interface SyncTask {
  kind: 'sync';
  target: BenchTarget;
  baseUrls: BaseUrls;
  secrets: BenchSecrets;
  /** Also run the unchanged re-sync. */
  resync: boolean;
}

export interface ProgramRun {
  programId: string;
  status: string;
  error: string | null;
  seconds: number;
  /** Stage phase: fetch over HTTP, parse, store raw records. */
  fetchSeconds: number;
  /** Apply phase: the one transaction that normalizes and upserts. */
  applySeconds: number;
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  statements: number;
}

export interface SyncPass {
  seconds: number;
  programs: ProgramRun[];
  statements: number;
  rawRecords: number;
  inserted: number;
}

export interface SyncMeasurement {
  first: SyncPass;
  resync: SyncPass | null;
  /** Peak RSS of the process after migrating, before syncing (bytes). */
  rssBeforeSync: number;
  /** Peak RSS of the process over the first sync (bytes): `process.resourceUsage().maxRSS`. */
  peakRss: number;
  /**
   * Highest RSS sampled (every 50 ms) while the first sync ran (bytes). Unlike maxRSS it leaves
   * out what the process peaked at before the sync, e.g. PGlite's start-up (~850 MiB).
   */
  syncRss: number;
  /** JS heap in use after the first sync and a full GC (bytes). */
  heapAfterSync: number;
  /**
   * When the first sync ran, in ms of this process's `performance.now()`: the parent reads the
   * full collections `--trace-gc` reports in this window (bench/support/child.ts).
   */
  syncWindow: { startMs: number; endMs: number };
}

/** Records when each phase of a run starts (runSync reports `fetch`, then `apply`, then finishes). */
class PhaseClock implements Progress {
  readonly marks = new Map<string, number>();
  phase(name: string): void {
    this.marks.set(name, performance.now());
  }
  advance(): void {}
  finish(): void {
    if (!this.marks.has('end')) this.marks.set('end', performance.now());
  }
  span(from: string, to: string): number {
    const start = this.marks.get(from);
    const end = this.marks.get(to);
    return start === undefined || end === undefined ? 0 : (end - start) / 1000;
  }
}

async function syncAll(task: SyncTask, database: Awaited<ReturnType<typeof openTarget>>, statements: () => number): Promise<SyncPass> {
  const http = benchHttpClient();
  const started = performance.now();
  const before = statements();
  const programs: ProgramRun[] = [];
  try {
    for (const connector of benchConnectors) {
      const baseUrl = task.baseUrls[connector.id];
      if (!baseUrl) continue;
      const clock = new PhaseClock();
      const programStart = performance.now();
      const programStatements = statements();
      const result: SyncResult | null = await runSyncJob({
        database,
        connector,
        source: { kind: 'http', http, baseUrl, secrets: task.secrets[connector.id] },
        trigger: 'bench',
        logger: silentLogger,
        progress: clock,
      });
      if (!result) throw new Error(`${connector.id}: sync skipped (lock held)`);
      programs.push({
        programId: connector.id,
        status: result.status,
        error: result.error,
        seconds: seconds(programStart),
        fetchSeconds: clock.span('fetch', 'apply'),
        applySeconds: clock.span('apply', 'end'),
        fetched: result.counts.fetched,
        inserted: result.counts.inserted,
        updated: result.counts.updated,
        unchanged: result.counts.unchanged,
        rejected: result.counts.rejected,
        statements: statements() - programStatements,
      });
      if (result.status !== 'succeeded') throw new Error(`${connector.id}: sync failed: ${result.error}`);
    }
  } finally {
    await http.close();
  }
  return {
    seconds: seconds(started),
    programs,
    statements: statements() - before,
    rawRecords: programs.reduce((sum, run) => sum + run.fetched, 0),
    inserted: programs.reduce((sum, run) => sum + run.inserted, 0),
  };
}

export async function measureSync(task: SyncTask): Promise<SyncMeasurement> {
  let statements = 0;
  const database = await openTarget(task.target, { onQuery: () => void statements++ });
  try {
    await database.migrate();
    collectGarbage();
    const rssBeforeSync = process.resourceUsage().maxRSS * 1024;
    let syncRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      syncRss = Math.max(syncRss, process.memoryUsage().rss);
    }, 50);
    let first: SyncPass;
    const startMs = performance.now();
    try {
      first = await syncAll(task, database, () => statements);
    } finally {
      clearInterval(sampler);
    }
    const syncWindow = { startMs, endMs: performance.now() };
    syncRss = Math.max(syncRss, process.memoryUsage().rss);
    const peakRss = process.resourceUsage().maxRSS * 1024;
    collectGarbage();
    const heapAfterSync = process.memoryUsage().heapUsed;
    const resync = task.resync ? await syncAll(task, database, () => statements) : null;
    return { first, resync, rssBeforeSync, peakRss, syncRss, heapAfterSync, syncWindow };
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------
// pipeline

export interface PipelineTask {
  kind: 'pipeline';
  /** An empty database for the COPY baseline. */
  target: BenchTarget;
  baseUrls: BaseUrls;
  secrets: BenchSecrets;
}

export interface PipelineMeasurement {
  rawRecords: number;
  /** Fetch over HTTP and parse into raw records, nothing else. */
  fetchSeconds: number;
  /** `normalize` of every raw record, in memory. */
  normalizeSeconds: number;
  rejected: number;
  projects: number;
  credits: number;
  /** COPY of the normalized rows (projects + credits) into bare tables. */
  copySeconds: number;
  copyBytes: number;
  /** COPY of the raw records (what staging writes) into a bare table. */
  copyRawSeconds: number;
  copyRawBytes: number;
}

export async function measurePipeline(task: PipelineTask): Promise<PipelineMeasurement> {
  const http = benchHttpClient();
  const records = new Map<string, RawRecord[]>();
  let fetchSeconds = 0;
  try {
    for (const connector of benchConnectors) {
      const baseUrl = task.baseUrls[connector.id];
      if (!baseUrl) continue;
      const list: RawRecord[] = [];
      const started = performance.now();
      for await (const record of connector.fetch({
        http,
        baseUrl,
        logger: silentLogger,
        secrets: task.secrets[connector.id] ?? {},
        watermark: null,
        startedAt: new Date(),
      })) {
        list.push(record);
      }
      fetchSeconds += seconds(started);
      records.set(connector.id, list);
    }
  } finally {
    await http.close();
  }

  const rows = new NormalizedRows();
  let rejected = 0;
  let rawRecords = 0;
  let normalizeSeconds = 0;
  for (const connector of benchConnectors) {
    const list = records.get(connector.id) ?? [];
    rawRecords += list.length;
    const started = performance.now();
    let id = 0;
    for (const record of list) {
      const result = connector.normalize(record);
      id += 1;
      if (result.ok) rows.add(result.projects, result.credits, id);
      else rejected += 1;
    }
    normalizeSeconds += seconds(started);
  }

  const normalizedText = [copyText(bareProjects, rows.projectRows()), copyText(bareCredits, rows.creditRows())] as const;
  const rawText = copyText(
    bareRawRecords,
    [...records].flatMap(([programId, list]) => rawRecordRows(programId, list)),
  );
  records.clear();
  collectGarbage();

  const copy = await openCopyTarget(task.target);
  try {
    for (const table of [bareProjects, bareCredits, bareRawRecords]) await copy.exec(createTableSql(table));
    const copySeconds = await copy.timed([
      [bareProjects, normalizedText[0]],
      [bareCredits, normalizedText[1]],
    ]);
    const copyRawSeconds = await copy.timed([[bareRawRecords, rawText]]);
    return {
      rawRecords,
      fetchSeconds,
      normalizeSeconds,
      rejected,
      projects: rows.projects.size,
      credits: rows.credits.size,
      copySeconds,
      copyBytes: bytesOf(normalizedText[0]) + bytesOf(normalizedText[1]),
      copyRawSeconds,
      copyRawBytes: bytesOf(rawText),
    };
  } finally {
    await copy.close();
  }
}

const bytesOf = (chunks: readonly string[]) => chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);

interface CopyTarget {
  exec(statement: string): Promise<void>;
  /** Seconds taken by the COPYs only (the text is ready before the clock starts). */
  timed(loads: [CopyTable, string[]][]): Promise<number>;
  close(): Promise<void>;
}

async function openCopyTarget(target: BenchTarget): Promise<CopyTarget> {
  if (target.driver === 'pglite') {
    const client = new PGlite(`${target.dataDir}/pglite`);
    await client.waitReady;
    return {
      exec: async (statement) => void (await client.exec(statement)),
      async timed(loads) {
        const blobs = loads.map(([table, chunks]) => [table, new Blob(chunks)] as const);
        const started = performance.now();
        for (const [table, blob] of blobs) await copyIntoPglite(client, table, blob);
        return seconds(started);
      },
      close: () => client.close(),
    };
  }
  const sql = postgres(target.url, { max: 1, onnotice: () => {} });
  return {
    exec: async (statement) => void (await sql.unsafe(statement)),
    async timed(loads) {
      const started = performance.now();
      for (const [table, chunks] of loads) await copyIntoPostgres(sql, table, chunks);
      return seconds(started);
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
