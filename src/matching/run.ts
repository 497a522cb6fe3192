/**
 * The matching job: runs every detector (or the ones asked for) over the whole database and
 * records each one's complete set of findings through the flag store, which upserts them by
 * deterministic id (a rerun updates evidence and last detection, never duplicates, never touches
 * a reviewer's decision, and marks findings that disappeared as resolved). Running it twice on
 * the same data writes nothing the second time.
 *
 * Runs are serialized across processes by the advisory lock `hub:match`: a run that finds it
 * held returns at once with `skipped: true` (the run holding it covers the same data).
 *
 * A run that wrote many rows refreshes the flag tables' planner statistics, as a sync does for
 * the tables it writes (src/db/statistics.ts): without them the review queue's statement for a
 * page's projects was planned from default estimates, scanned every project, and took 20 ms of a
 * 24 ms flags page at market size (docs/benchmarks.md, sixth round).
 */
import type { Database } from '../db/client.ts';
import { refreshStatistics } from '../db/statistics.ts';
import type { Logger } from '../logger.ts';
import { detectors as allDetectors, type Detector } from './detectors/index.ts';
import type { DetectedFlag, FlagKind, FlagSeverity } from './flag.ts';
import { recordDetections, type FlagRunCounts } from './flag-store.ts';

export const matchLockKey = 'hub:match';

export interface DetectorRun extends FlagRunCounts {
  detector: string;
  version: number;
  durationMs: number;
  /** Findings of this run by kind and by severity. */
  byKind: Partial<Record<FlagKind, number>>;
  bySeverity: Partial<Record<FlagSeverity, number>>;
  /** Set when the detector failed; its previous flags are then left as they were. */
  error?: string;
}

export interface MatchingResult {
  /** True when another process was running the matching job: nothing was done. */
  skipped: boolean;
  detectors: DetectorRun[];
}

export interface MatchingOptions {
  database: Database;
  logger: Logger;
  /** The detectors to run (all by default). Flags of detectors not run are left alone. */
  detectors?: readonly Detector[];
}

const count = <K extends string>(values: readonly K[]) =>
  values.reduce<Partial<Record<K, number>>>((acc, value) => ({ ...acc, [value]: (acc[value] ?? 0) + 1 }), {});

/**
 * Runs the detectors one after the other. A detector that fails is logged and reported in its
 * result (`error`) and the others still run; its flags stay as the last successful run left them.
 */
export async function runMatching(options: MatchingOptions): Promise<MatchingResult> {
  const log = options.logger.child({ module: 'matching' });
  const selected = options.detectors ?? allDetectors;
  let writtenRows = 0;
  const locked = await options.database.withAdvisoryLock(matchLockKey, async () => {
    const runs: DetectorRun[] = [];
    for (const [index, detector] of selected.entries()) {
      const started = performance.now();
      log.info({ detector: detector.name, version: detector.version, step: `${index + 1}/${selected.length}` }, 'detector started');
      try {
        const detections = await detector.detect(options.database.db);
        const counts = await options.database.db.transaction((tx) => recordDetections(tx, detector.name, detections));
        const run: DetectorRun = {
          detector: detector.name,
          version: detector.version,
          ...counts,
          durationMs: Math.round(performance.now() - started),
          byKind: count(detections.map((d) => d.kind)),
          bySeverity: count(detections.map((d) => d.severity)),
        };
        runs.push(run);
        writtenRows += writtenBy(counts, detections);
        log.info({ ...run, step: `${index + 1}/${selected.length}` }, 'detector finished');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        runs.push({
          detector: detector.name,
          version: detector.version,
          detected: 0,
          inserted: 0,
          updated: 0,
          unchanged: 0,
          resolved: 0,
          durationMs: Math.round(performance.now() - started),
          byKind: {},
          bySeverity: {},
          error: message,
        });
        log.error({ detector: detector.name, err: error }, 'detector failed: its flags are left as the last run wrote them');
      }
    }
    return runs;
  });
  if (!locked.acquired) {
    log.info('matching is already running in another process: skipped');
    return { skipped: true, detectors: [] };
  }
  const runs = locked.value;
  await refreshStatistics(options.database, ['flags', 'flag_projects', 'flag_credits'], writtenRows, log);
  const total = (key: keyof FlagRunCounts) => runs.reduce((sum, run) => sum + run[key], 0);
  log.info(
    { detectors: runs.length, failed: runs.filter((r) => r.error).length, detected: total('detected'), inserted: total('inserted'), updated: total('updated'), resolved: total('resolved') },
    'matching finished',
  );
  return { skipped: false, detectors: runs };
}

/**
 * Rows a detector's run wrote, for the statistics threshold: the flags it inserted, updated or
 * resolved, and, when it wrote any, the project and credit links of its findings (an upper
 * bound: the flag store rewrites the links of the flags it writes only).
 */
function writtenBy(counts: FlagRunCounts, detections: readonly DetectedFlag[]): number {
  const flagsWritten = counts.inserted + counts.updated + counts.resolved;
  if (flagsWritten === 0) return 0;
  return flagsWritten + detections.reduce((sum, detection) => sum + detection.projects.length + detection.credits.length, 0);
}
