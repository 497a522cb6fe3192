/**
 * One sync run of one connector, in two phases:
 *  1. stage: stream raw records from the registry (or an export folder) into raw_records,
 *     batch by batch, marking each with the run;
 *  2. apply: only when the whole source was read, normalize the run's records and upsert
 *     projects and credits in batches inside ONE transaction.
 * A run that fails in either phase leaves the normalized data exactly as it was; its raw
 * records stay, so nothing a registry sent is lost. Every run is recorded in sync_runs.
 */
import { and, desc, eq } from 'drizzle-orm';
import { ConnectorError, type Checkpoint, type Connector, type FailureType, type NormalizedProject, type RawRecord } from '../../connectors/contract.ts';
import type { HttpClient } from '../../connectors/http.ts';
import type { Database, Executor } from '../db/client.ts';
import { syncRuns } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { noProgress, type Progress } from '../progress.ts';
import { addCounts, emptyCounts, projectIds, refreshPartialProjects, upsertCredits, upsertProjects, type CreditWithSource, type WriteCounts } from './normalized-rows.ts';
import { PartialProjectMerger } from './partial-projects.ts';
import { upsertPrograms } from './programs.ts';
import { markVanished } from './vanished.ts';
import { outcomeChanged, readStagedRecords, recordNormalizeOutcomes, releaseSightings, settleVersions, stageRawRecords, type NormalizeOutcome, type StagedRecord } from './raw-records.ts';

export type SyncSource = { kind: 'http'; http: HttpClient; baseUrl: string; secrets?: Readonly<Record<string, string>> } | { kind: 'files'; dir: string };

export interface SyncOptions {
  database: Database;
  connector: Connector;
  source: SyncSource;
  /** Who asked: `cli`, `schedule`, `snapshot`, `test`… */
  trigger: string;
  logger: Logger;
  progress?: Progress;
  batchSize?: number;
  signal?: AbortSignal;
}

export interface SyncCounts extends WriteCounts {
  fetched: number;
  rejected: number;
  /** Credits and projects the source no longer has, marked vanished by this run. */
  vanished: number;
}

export interface SyncResult {
  runId: number;
  programId: string;
  status: 'succeeded' | 'failed';
  counts: SyncCounts;
  /** Raw record versions this run stored that no run had stored before (kept even when the run failed). */
  rawVersionsStored: number;
  failureType: FailureType | null;
  error: string | null;
}

const defaultBatchSize = 500;

export async function runSync(options: SyncOptions): Promise<SyncResult> {
  const { database, connector, source, logger } = options;
  const db = database.db;
  const progress = options.progress ?? noProgress;
  const batchSize = options.batchSize ?? defaultBatchSize;
  const log = logger.child({ program: connector.id, source: source.kind });

  await upsertPrograms(db, [connector]);
  const [run] = await db
    .insert(syncRuns)
    .values({ programId: connector.id, source: source.kind, trigger: options.trigger })
    .returning({ id: syncRuns.id, startedAt: syncRuns.startedAt });
  const runId = run!.id;
  const counts: SyncCounts = { fetched: 0, rejected: 0, vanished: 0, ...emptyCounts() };
  let rawVersionsStored = 0;
  log.info({ runId }, 'sync started');

  try {
    progress.phase('fetch', null);
    const checkpoint: Checkpoint = {};
    const watermark = source.kind === 'http' ? await lastWatermark(db, connector.id) : null;
    await stageOverlapped(inBatches(readSource(options, run!.startedAt, watermark, checkpoint), batchSize), async (batch) => {
      rawVersionsStored += await stageRawRecords(db, connector, runId, batch);
      counts.fetched += batch.length;
      progress.advance(batch.length);
    });
    progress.phase('apply', counts.fetched);
    await db.transaction(async (tx) => {
      const partials = new PartialProjectMerger();
      const ids = new ProjectIdCache(connector.id);
      for await (const staged of readStagedRecords(tx, runId, batchSize)) {
        const applied = await applyBatch(tx, connector, staged, run!.startedAt, partials, ids);
        addCounts(counts, applied.counts);
        counts.rejected += applied.rejected;
        progress.advance(staged.length);
      }
      addCounts(counts, await refreshPartialProjects(tx, partials.merged(), run!.startedAt));
      // Connectors read their whole source each run, so a run is complete and can reconcile,
      // unless the registry said nothing changed (then the run read nothing).
      if (!checkpoint.sourceUnchanged) {
        await settleVersions(tx, connector.id, runId);
        counts.vanished = await markVanished(tx, connector.id, run!.startedAt);
      }
      await releaseSightings(tx, [runId]);
      await finishRun(tx, runId, 'succeeded', counts, null, checkpoint.watermark ?? null);
    });
    progress.finish();
    log.info({ runId, ...counts, rawVersionsStored }, 'sync succeeded');
    return { runId, programId: connector.id, status: 'succeeded', counts, rawVersionsStored, failureType: null, error: null };
  } catch (error) {
    progress.finish();
    const failureType: FailureType = error instanceof ConnectorError ? error.failureType : 'system';
    const message = describe(error);
    // The apply transaction rolled back, so only raw records were written: report counts of what was fetched.
    const reported: SyncCounts = { ...counts, ...emptyCounts(), rejected: 0, vanished: 0 };
    await releaseSightings(db, [runId]);
    await finishRun(db, runId, 'failed', reported, { failureType, message });
    log.error({ runId, failureType, err: error }, `sync failed: ${message}`);
    return { runId, programId: connector.id, status: 'failed', counts: reported, rawVersionsStored, failureType, error: message };
  }
}

function readSource(options: SyncOptions, startedAt: Date, watermark: string | null, checkpoint: Checkpoint): AsyncIterable<RawRecord> {
  const { connector, source } = options;
  if (source.kind === 'files') return connector.readExports(source.dir);
  return connector.fetch({
    http: source.http,
    baseUrl: source.baseUrl,
    secrets: source.secrets ?? {},
    logger: options.logger.child({ program: connector.id }),
    watermark,
    startedAt,
    signal: options.signal,
    checkpoint: (state) => Object.assign(checkpoint, state),
  });
}

async function applyBatch(
  tx: Executor,
  connector: Connector,
  staged: readonly StagedRecord[],
  seenAt: Date,
  partials: PartialProjectMerger,
  ids: ProjectIdCache,
): Promise<{ counts: WriteCounts; rejected: number }> {
  const projects: NormalizedProject[] = [];
  const credits: CreditWithSource[] = [];
  const changed: NormalizeOutcome[] = [];
  let rejected = 0;
  for (const record of staged) {
    const result = connector.normalize(record);
    const outcome: NormalizeOutcome = { id: record.id, rejection: result.ok ? null : result.rejection };
    if (outcomeChanged(record, connector.normalizerVersion, outcome)) changed.push(outcome);
    if (!result.ok) {
      rejected += 1;
      continue;
    }
    for (const project of result.projects) {
      // A partial view repeats on every transaction row of its project; the run's first one
      // stored it (and marked it seen), and the merged view is written once at the end.
      if (project.completeness === 'full' || !partials.has(project)) projects.push(project);
      partials.add(project);
    }
    for (const credit of result.credits) credits.push({ credit, rawRecordId: record.id });
  }
  await recordNormalizeOutcomes(tx, connector.normalizerVersion, changed);
  const counts = await upsertProjects(tx, projects, seenAt);
  addCounts(counts, await upsertCredits(tx, credits, await ids.resolve(tx, credits.map(({ credit }) => credit.registryProjectId))));
  return { counts, rejected };
}

/**
 * Database ids of the program's projects, remembered for the run: every batch of transactions
 * names mostly the same projects, and an id never changes once a project is stored. Memory
 * grows with the program's projects, not its credits.
 */
class ProjectIdCache {
  private readonly known = new Map<string, number>();

  constructor(private readonly programId: string) {}

  async resolve(tx: Executor, registryProjectIds: readonly string[]): Promise<Map<string, number>> {
    const missing = [...new Set(registryProjectIds.filter((id) => !this.known.has(id)))];
    for (const [registryProjectId, id] of await projectIds(tx, this.programId, missing)) this.known.set(registryProjectId, id);
    return this.known;
  }
}

async function finishRun(
  db: Executor,
  runId: number,
  status: 'succeeded' | 'failed',
  counts: SyncCounts,
  failure: { failureType: FailureType; message: string } | null,
  watermark: string | null = null,
): Promise<void> {
  await db
    .update(syncRuns)
    .set({ status, finishedAt: new Date(), ...counts, watermark, failureType: failure?.failureType ?? null, error: failure?.message ?? null })
    .where(eq(syncRuns.id, runId));
}

/** The watermark the program's last successful poll ended with. */
async function lastWatermark(db: Executor, programId: string): Promise<string | null> {
  const [last] = await db
    .select({ watermark: syncRuns.watermark })
    .from(syncRuns)
    .where(and(eq(syncRuns.programId, programId), eq(syncRuns.status, 'succeeded'), eq(syncRuns.source, 'http')))
    .orderBy(desc(syncRuns.id))
    .limit(1);
  return last?.watermark ?? null;
}

/**
 * Stages each batch while the next one is read: on PostgreSQL the server stores one batch
 * while this process fetches and parses the next. At most one batch is in flight, so memory
 * stays flat. When reading fails, the batch in flight is still stored before the error.
 */
async function stageOverlapped<T>(batches: AsyncIterable<T>, stage: (batch: T) => Promise<void>): Promise<void> {
  let inFlight: Promise<void> | null = null;
  try {
    for await (const batch of batches) {
      if (inFlight) await inFlight;
      inFlight = stage(batch);
      // Awaited on the next turn or below; this only keeps a failure meanwhile from counting as unhandled.
      inFlight.catch(() => undefined);
    }
  } catch (error) {
    await inFlight?.catch(() => undefined);
    throw error;
  }
  if (inFlight) await inFlight;
}

/** Groups records into batches. When the source fails, what it read before failing is still yielded (so it is stored), then the error. */
async function* inBatches<T>(source: AsyncIterable<T>, size: number): AsyncIterable<T[]> {
  let batch: T[] = [];
  try {
    for await (const item of source) {
      batch.push(item);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (batch.length > 0) yield batch;
    throw error;
  }
  if (batch.length > 0) yield batch;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message) ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
