/**
 * One benchmark run on one driver (PGlite, or PostgreSQL when DATABASE_URL is set):
 *
 * 1. data: the generated exports at scale S and 10·S (bench/generate), reused when present;
 * 2. ingest, at each scale in a child process: a full sync over local HTTP into an empty
 *    database, then an unchanged re-sync; at 10·S also the pipeline taken apart (fetch only,
 *    normalize only) and the COPY baseline into a fresh database;
 * 3. labelling, on the 10·S database: the CCP label engine, credits labelled per second, then an
 *    unchanged re-run (bench/hooks/labelling.ts);
 * 4. matching: a full run at S, at 5·S (synced here) and on the 10·S database, with recall on
 *    the planted duplicates, and the cross-program matcher ÷ naive all-pairs at 10·S (or S when
 *    all-pairs is too long there) (bench/hooks/matching.ts);
 * 5. API, on the 10·S database, now labelled and matched: the analyst queries over HTTP vs raw
 *    SQL, statements per page.
 */
import { mkdir } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { join, relative, resolve } from 'node:path';
import { measureApi, type ApiMeasurement } from './api/measure.ts';
import { ensureDataset } from './generate/generate.ts';
import type { Manifest } from './generate/manifest.ts';
import { benchLabelling, type LabellingResult } from './hooks/labelling.ts';
import { benchMatching, type MatchingMeasurement, type SyncedDataset } from './hooks/matching.ts';
import type { NotYetMeasured } from './hooks/not-measured.ts';
import type { PipelineMeasurement, PipelineTask, SyncMeasurement, SyncTask } from './ingest/tasks.ts';
import { benchSecrets, startBenchRegistries } from './serve/registries.ts';
import { runInChild, type FullCollection } from './support/child.ts';
import { BenchDatabases, openTarget, type BenchTarget } from './support/databases.ts';
import { currentLoad, describeMachine, type Machine } from './support/machine.ts';
import { summarizeProfile, type ProfileSummary } from './support/profile.ts';

export interface RunOptions {
  scale: number;
  seed: number;
  iterations: number;
  warmup: number;
  first: number;
  dataRoot: string;
  /** Write CPU profiles of the sync children and summarize them. */
  profile: boolean;
  api: boolean;
  /** DATABASE_URL: PostgreSQL server to create the bench databases on; null for PGlite. */
  serverUrl: string | null;
  log: (message: string) => void;
}

export interface DatasetSummary {
  scale: number;
  dir: string;
  counts: Manifest['counts'];
  duplicates: number;
  serialOverlaps: number;
}

export interface ScaleRun {
  scale: number;
  sync: SyncMeasurement & { liveHeap: LiveHeap };
  profile: ProfileSummary | null;
}

/**
 * What the sync keeps: the largest JS heap in use right after a full collection during the
 * first sync (`--trace-gc`), or after the forced one that follows it when none ran. Peak RSS
 * also holds the garbage V8 lets pile up between full collections (docs/benchmarks.md).
 */
export interface LiveHeap {
  bytes: number;
  fullCollections: number;
}

function liveHeap(sync: SyncMeasurement, collections: readonly FullCollection[]): LiveHeap {
  // The child's clock and V8's trace start a few ms apart: a small margin keeps the window's edges.
  const during = collections.filter((c) => c.atMs >= sync.syncWindow.startMs - 50 && c.atMs <= sync.syncWindow.endMs + 50);
  return { bytes: Math.max(sync.heapAfterSync, ...during.map((c) => c.heapAfter)), fullCollections: during.length };
}

export interface BenchResult {
  startedAt: string;
  seconds: number;
  machine: Machine;
  options: { scale: number; seed: number; iterations: number; warmup: number; first: number };
  datasets: DatasetSummary[];
  ingest: { runs: ScaleRun[]; pipeline: PipelineResult };
  labelling: LabellingResult;
  matching: MatchingMeasurement;
  api: ApiMeasurement | null;
  /** Figures whose code is not written yet (none at present; the API's pending parts are listed apart). */
  notYetMeasured: NotYetMeasured[];
}

/** The pipeline measurement, or why it failed (the rest of the run is still reported). */
export type PipelineResult = (PipelineMeasurement & { scale: number }) | { scale: number; error: string };

export const resultsDir = resolve(import.meta.dirname, 'results');

export async function runBench(options: RunOptions): Promise<BenchResult> {
  const startedAt = new Date();
  const clock = performance.now();
  const loadAtStart = currentLoad();
  const databases = new BenchDatabases(options.serverUrl);
  const scales = [options.scale, options.scale * 10];
  const profileDir = join(resultsDir, 'profiles');
  if (options.profile) await mkdir(profileDir, { recursive: true });

  // Ctrl-C: still drop the bench databases and temporary folders.
  const interrupted = () => {
    void databases.dispose().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const datasets: (DatasetSummary & { manifest: Manifest })[] = [];
    for (const scale of scales) {
      options.log(`data: scale ${scale} …`);
      const { dir, manifest, reused } = await ensureDataset({ root: options.dataRoot, scale, seed: options.seed });
      options.log(`data: scale ${scale} ${reused ? 'reused' : `written in ${manifest.seconds} s`}: ${dir}`);
      datasets.push({ scale, dir, manifest, counts: manifest.counts, duplicates: manifest.duplicates.length, serialOverlaps: manifest.serialOverlaps.length });
    }

    const runs: ScaleRun[] = [];
    let pipeline: PipelineResult | null = null;
    const targets: BenchTarget[] = [];
    for (const dataset of datasets) {
      const target = await databases.fresh(`s${dataset.scale}`);
      const registries = await startBenchRegistries(dataset.dir);
      try {
        options.log(`ingest: scale ${dataset.scale}: full sync over HTTP, then an unchanged re-sync …`);
        const profileName = `${databases.driver}-sync-scale-${dataset.scale}.cpuprofile`;
        const collections: FullCollection[] = [];
        const measured = await runInChild<SyncTask, SyncMeasurement>(
          { kind: 'sync', target, baseUrls: registries.baseUrls, secrets: benchSecrets, resync: true },
          { fullCollections: collections, ...(options.profile ? { profile: { dir: profileDir, name: profileName } } : {}) },
        );
        const sync = { ...measured, liveHeap: liveHeap(measured, collections) };
        options.log(`ingest: scale ${dataset.scale}: first sync ${sync.first.seconds.toFixed(1)} s, re-sync ${sync.resync?.seconds.toFixed(1)} s`);
        const profile = options.profile ? await summarizeProfile(join(profileDir, profileName)) : null;
        runs.push({ scale: dataset.scale, sync, profile });
        if (dataset === datasets.at(-1)) {
          options.log(`ingest: scale ${dataset.scale}: fetch only, normalize only, COPY baseline …`);
          const copyTarget = await databases.fresh('copy');
          try {
            const measured = await runInChild<PipelineTask, PipelineMeasurement>(
              { kind: 'pipeline', target: copyTarget, baseUrls: registries.baseUrls, secrets: benchSecrets },
              { largeHeap: true },
            );
            pipeline = { ...measured, scale: dataset.scale };
          } catch (error) {
            const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
            options.log(`ingest: scale ${dataset.scale}: the pipeline measurement failed: ${message}`);
            pipeline = { scale: dataset.scale, error: message };
          }
        }
      } finally {
        await registries.close();
      }
      targets.push(target);
    }

    /** Another data set in a fresh database, synced over HTTP in a child as above (the 5·S matching run). */
    const syncDataset = async (scale: number): Promise<SyncedDataset> => {
      const { dir, manifest, reused } = await ensureDataset({ root: options.dataRoot, scale, seed: options.seed });
      options.log(`data: scale ${scale} ${reused ? 'reused' : `written in ${manifest.seconds} s`}: ${dir}`);
      const target = await databases.fresh(`s${scale}`);
      const registries = await startBenchRegistries(dir);
      try {
        const sync = await runInChild<SyncTask, SyncMeasurement>({ kind: 'sync', target, baseUrls: registries.baseUrls, secrets: benchSecrets, resync: false });
        return { target, manifest, syncSeconds: sync.first.seconds };
      } finally {
        await registries.close();
      }
    };

    let statements = 0;
    const database = await openTarget(targets.at(-1)!, { onQuery: () => void statements++ });
    try {
      const [smallest, largest] = [datasets[0]!, datasets.at(-1)!];
      // Statistics for the planner, as autovacuum gathers them on PostgreSQL after a load. PGlite
      // has no autovacuum, so a hub on PGlite plans without them (docs/benchmarks.md, findings).
      await database.db.execute(sql`analyze`);
      // Labelling, then matching, before the API bench: `ccpLabel`, the CCP aggregation and the
      // flags page are measured over real labels and flags.
      options.log(`labelling: scale ${largest.scale}: a full labelling run, then an unchanged re-run …`);
      const labelling = await benchLabelling({ database });
      options.log(
        'error' in labelling
          ? `labelling: failed: ${labelling.error}`
          : `labelling: ${labelling.first.credits} credits in ${labelling.first.seconds.toFixed(1)} s; re-run ${labelling.rerun.seconds.toFixed(1)} s, ${labelling.rerun.inserted + labelling.rerun.updated} written`,
      );
      const matching = await benchMatching({
        database,
        scale: largest.scale,
        manifest: largest.manifest,
        small: { scale: smallest.scale, target: targets[0]!, manifest: smallest.manifest },
        syncDataset,
        log: options.log,
      });
      // Statistics again, now that labels and flags are written (autovacuum would gather them too).
      await database.db.execute(sql`analyze`);
      let api: ApiMeasurement | null = null;
      if (options.api) {
        options.log(`api: scale ${scales.at(-1)} data, ${options.warmup} warm-up + ${options.iterations} timed requests per query …`);
        api = await measureApi({ database, statements: () => statements, iterations: options.iterations, warmup: options.warmup, first: options.first });
      }
      const notYetMeasured: NotYetMeasured[] = [];
      const machine = await describeMachine(database, loadAtStart);
      return {
        startedAt: startedAt.toISOString(),
        seconds: (performance.now() - clock) / 1000,
        machine,
        options: { scale: options.scale, seed: options.seed, iterations: options.iterations, warmup: options.warmup, first: options.first },
        datasets: datasets.map(({ manifest: _manifest, ...summary }) => ({ ...summary, dir: relative(process.cwd(), summary.dir) })),
        ingest: { runs, pipeline: pipeline! },
        labelling,
        matching,
        api,
        notYetMeasured,
      };
    } finally {
      await database.close();
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await databases.dispose();
  }
}
