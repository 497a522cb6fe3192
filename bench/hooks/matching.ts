/**
 * The double-counting matching job's benchmark (issue 6):
 *
 * - **Growth**: the time of a full matching run (`runMatching`, every detector, as `hub match`
 *   runs it, on a database with no flags yet) at N and 5N projects. N is the run's smallest data
 *   set (scale S, already synced by the ingest bench); 5N is the scale 5·S data set, synced the
 *   same way (bench/run.ts). Linear growth makes 5N ÷ N about 5, quadratic about 25. The bench
 *   database (scale 10·S) is matched too, as a third point (10 linear, 100 quadratic), and
 *   because the API bench reads its flags.
 * - **÷ naive all-pairs** at a small N: the cross-program detector (blocking in SQL, `scorePair`
 *   on the candidates, then the credits of the pairs) against scoring EVERY pair of projects of
 *   different programs with the same `scorePair`. It runs on the largest of the run's databases
 *   where all-pairs stays affordable (`naivePairLimit`): the bench database by default, since the
 *   scale 1 data set has only two or three pairs above the threshold to compare recall on. Both
 *   are timed without writing flags, interleaved, and the median is kept. The naive side reads no credits, so it scores without
 *   the equal-quantity feature, which only adds weight: every pair it puts at or above the
 *   `possible` threshold, the matcher scores at least as high once its blocking lets the pair
 *   through. Its recall (the naive pairs the matcher flagged too) is the recall of the
 *   blocking, which should be 100 %.
 * - **Recall on the planted duplicates** of each data set (`manifest.json`): after the run, which
 *   cross-program re-listings have a cross-program flag linking both projects, and which
 *   double-issued serial ranges have a `serial_overlap` flag holding an issuance of each block.
 *
 * Everything runs before the API bench, so the flags page is measured over real flags.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Executor } from '../../src/db/client.ts';
import { credits, flagCredits, flagProjects, flags, projects } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { crossProgramIssuance, explicitReferences, loadProjects, scoredProject, type ProjectRow } from '../../src/matching/detectors/cross-program-issuance.ts';
import { scorePair } from '../../src/matching/features/pair-score.ts';
import type { DetectedFlag } from '../../src/matching/flag.ts';
import { runMatching } from '../../src/matching/run.ts';
import type { Manifest } from '../generate/manifest.ts';
import { openTarget, type BenchTarget } from '../support/databases.ts';
import { collectGarbage, seconds } from '../support/stats.ts';
import { errorMessage } from '../support/table.ts';

/** A database holding a data set, synced over HTTP like the ingest bench's (bench/run.ts). */
export interface SyncedDataset {
  target: BenchTarget;
  manifest: Manifest;
  /** Seconds of the sync (information: not part of the matching figure). */
  syncSeconds: number;
}

export interface MatchingContext {
  /** The bench database (scale 10·S), synced, analyzed and labelled: the API bench reads its flags. */
  database: Database;
  scale: number;
  manifest: Manifest;
  /** The run's smallest data set (scale S), already synced: N for the growth and naive figures. */
  small: { scale: number; target: BenchTarget; manifest: Manifest };
  /** A fresh database holding the data set of `scale`, synced. */
  syncDataset: (scale: number) => Promise<SyncedDataset>;
  log: (message: string) => void;
}

/** How many times the matcher and the naive baseline each run (the median is kept). */
export const naiveRepeats = 3;

/**
 * The most cross-program pairs the naive baseline scores: about 20 s a run here. The scale 10
 * data set has 337,542 with CAR's projects (217,350 Verra × Gold Standard); scale 100 has
 * about 34 million, hours of all-pairs.
 */
export const naivePairLimit = 400_000;

/** 5N: the growth figure's second data set is this many times the first. */
export const growthFactor = 5;

/**
 * The 5N run is skipped when even linear growth from N would make it take longer than this:
 * the bench would not finish (a `--scale 10` run has N = scale 10).
 */
export const growthBudgetSeconds = 30 * 60;

export interface DetectorTime {
  detector: string;
  seconds: number;
  detected: number;
  error?: string;
}

export interface RecallOf {
  planted: number;
  found: number;
  /** Ids of the planted duplicates not flagged (manifest ids). */
  missed: string[];
}

export interface PlantedRecall {
  /** Cross-program re-listings with a cross-program flag linking both projects. */
  relistings: RecallOf & {
    /** Of those found, flagged as double issuance (the rest as a transition or a duplicate listing). */
    asDoubleIssuance: number;
  };
  /** Double-issued serial ranges with a `serial_overlap` flag holding an issuance of each block. */
  serialOverlaps: RecallOf;
}

export interface MatchingRun {
  scale: number;
  /** Live projects and credits in the database. */
  projects: number;
  credits: number;
  /** A full `runMatching` over the database (the first: no flags before it). */
  seconds: number;
  detectors: DetectorTime[];
  recall: PlantedRecall;
  /** Seconds the sync of this database took, when the hook synced it (5N). */
  syncSeconds?: number;
}

export interface NaiveComparison {
  scale: number;
  projects: number;
  /** Pairs of projects of different programs: what the naive baseline scores. */
  pairs: number;
  repeats: number;
  /** Median seconds of the cross-program detector's `detect` (no flags written). */
  matcherSeconds: number;
  /** Median seconds of loading every project and scoring every pair. */
  naiveSeconds: number;
  /** Pairs the naive baseline puts at or above the `possible` threshold. */
  naiveMatches: number;
  /** Pairs of projects the matcher flagged. */
  matcherPairs: number;
  /** Naive matches the matcher flagged too. */
  alsoFound: number;
  /** Naive matches the matcher did not flag (the 10 best scored). */
  missed: { left: string; right: string; score: number }[];
}

/** A part that failed (`error`) or was not run (`skipped`, with the reason). */
export type NotRun = { scale: number; error: string } | { scale: number; skipped: string };

export interface MatchingMeasurement {
  /** N: the smallest data set. */
  atN: MatchingRun | NotRun;
  /** 5N. */
  at5N: MatchingRun | NotRun;
  /** The bench database (10·S): the third point, and the flags the API bench reads. */
  atBench: MatchingRun | NotRun;
  /** At the largest scale within `naivePairLimit`. */
  naive: NaiveComparison | NotRun;
}

export const ran = <T extends object>(part: T | NotRun): part is T => !('error' in part) && !('skipped' in part);

const outcome = (part: MatchingRun | NotRun) =>
  'error' in part ? `failed: ${part.error}` : 'skipped' in part ? `skipped: ${part.skipped}` : `${part.seconds.toFixed(1)} s, ${part.projects} projects`;

export async function benchMatching(context: MatchingContext): Promise<MatchingMeasurement> {
  const { log, small } = context;
  // The naive baseline runs on the bench database when all-pairs is affordable there, else at N.
  const naiveOnBench = await crossProgramPairs(context.database.db).then((pairs) => pairs <= naivePairLimit, () => false);
  let atN: MatchingRun | NotRun;
  let naive: NaiveComparison | NotRun | null = null;
  log(`matching: scale ${small.scale}: a full matching run …`);
  try {
    const database = await openTarget(small.target);
    try {
      await database.db.execute(sql`analyze`);
      atN = await attempt(small.scale, () => measureRun(database, small.scale, small.manifest));
      log(`matching: scale ${small.scale}: ${outcome(atN)}`);
      if (!naiveOnBench) naive = await naiveComparison(database, small.scale, log);
    } finally {
      await database.close();
    }
  } catch (error) {
    atN = { scale: small.scale, error: errorMessage(error) };
    if (!naiveOnBench) naive = { ...atN };
  }

  const large = small.scale * growthFactor;
  let at5N: MatchingRun | NotRun;
  if (ran(atN) && atN.seconds * growthFactor > growthBudgetSeconds) {
    at5N = { scale: large, skipped: `at linear growth from scale ${small.scale} (${atN.seconds.toFixed(0)} s) it would take over ${growthBudgetSeconds / 60} minutes` };
  } else {
    log(`matching: scale ${large}: data set, sync over HTTP, then a full matching run …`);
    at5N = await attempt(large, async () => {
      const synced = await context.syncDataset(large);
      const database = await openTarget(synced.target);
      try {
        // As the other databases get before matching: statistics for the planner.
        await database.db.execute(sql`analyze`);
        return { ...(await measureRun(database, large, synced.manifest)), syncSeconds: synced.syncSeconds };
      } finally {
        await database.close();
      }
    });
  }
  log(`matching: scale ${large}: ${outcome(at5N)}`);

  log(`matching: scale ${context.scale}: a full matching run on the bench database …`);
  const atBench = await attempt(context.scale, () => measureRun(context.database, context.scale, context.manifest));
  log(`matching: scale ${context.scale}: ${outcome(atBench)}`);
  if (naiveOnBench) naive = await naiveComparison(context.database, context.scale, log);
  return { atN, at5N, atBench, naive: naive! };
}

/** The naive comparison on `database`, unless it has too many pairs for all-pairs (a `--scale 100` run). */
async function naiveComparison(database: Database, scale: number, log: (message: string) => void): Promise<NaiveComparison | NotRun> {
  const pairs = await crossProgramPairs(database.db).catch(() => 0);
  if (pairs > naivePairLimit) return { scale, skipped: `${pairs.toLocaleString('en-US')} cross-program pairs, over the ${naivePairLimit.toLocaleString('en-US')} all-pairs is run on` };
  log(`matching: scale ${scale}: the cross-program matcher vs naive all-pairs over ${pairs.toLocaleString('en-US')} pairs, ${naiveRepeats} runs each …`);
  const naive = await attempt(scale, () => compareWithNaive(database, scale));
  log(`matching: scale ${scale}: ${ran(naive) ? `matcher ${naive.matcherSeconds.toFixed(2)} s, naive ${naive.naiveSeconds.toFixed(2)} s` : `naive comparison ${'error' in naive ? `failed: ${naive.error}` : `skipped: ${naive.skipped}`}`}`);
  return naive;
}

/** Pairs of live projects of different programs: what the naive baseline would score. */
async function crossProgramPairs(db: Executor): Promise<number> {
  const [row] = await queryRows<{ pairs: number }>(
    db,
    sql`select ((sum(n) * sum(n) - sum(n * n)) / 2)::float8 as pairs
          from (select count(*)::numeric as n from ${projects} where vanished_at is null group by program_id) as programs`,
  );
  return row?.pairs ?? 0;
}

async function attempt<T>(scale: number, measure: () => Promise<T>): Promise<T | NotRun> {
  try {
    return await measure();
  } catch (error) {
    return { scale, error: errorMessage(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// a full matching run

async function measureRun(database: Database, scale: number, manifest: Manifest): Promise<MatchingRun> {
  const [sizes] = await queryRows<{ projects: number; credits: number }>(
    database.db,
    sql`select (select count(*) from ${projects} where vanished_at is null)::int as projects,
               (select count(*) from ${credits} where vanished_at is null)::int as credits`,
  );
  collectGarbage();
  const started = performance.now();
  const result = await runMatching({ database, logger: silentLogger });
  const elapsed = seconds(started);
  if (result.skipped) throw new Error('matching was skipped: another run held its lock');
  return {
    scale,
    projects: sizes!.projects,
    credits: sizes!.credits,
    seconds: elapsed,
    detectors: result.detectors.map((run) => ({
      detector: run.detector,
      seconds: run.durationMs / 1000,
      detected: run.detected,
      ...(run.error ? { error: run.error } : {}),
    })),
    recall: await plantedRecall(database.db, manifest),
  };
}

/** Which planted duplicates of `manifest` the flags now in the database cover. */
export async function plantedRecall(db: Executor, manifest: Manifest): Promise<PlantedRecall> {
  const relistings = manifest.duplicates.map((d) => ({
    id: d.id,
    a_program: d.original.programId,
    a_project: d.original.registryProjectId,
    b_program: d.relisted.programId,
    b_project: d.relisted.registryProjectId,
  }));
  const relisted = await queryRows<{ id: string; found: boolean; doubleIssuance: boolean }>(
    db,
    sql`
      select x.id, bool_or(f.id is not null) as found, coalesce(bool_or(f.kind = 'cross_program_double_issuance'), false) as "doubleIssuance"
        from jsonb_to_recordset(${JSON.stringify(relistings)}::jsonb) as x(id text, a_program text, a_project text, b_program text, b_project text)
        left join ${projects} pa on pa.program_id = x.a_program and pa.registry_project_id = x.a_project
        left join ${projects} pb on pb.program_id = x.b_program and pb.registry_project_id = x.b_project
        left join lateral (
          select f.id, f.kind from ${flags} f
           where f.detector = ${crossProgramIssuance.name} and f.resolved_at is null
             and exists (select 1 from ${flagProjects} fp where fp.flag_id = f.id and fp.project_id = pa.id)
             and exists (select 1 from ${flagProjects} fp where fp.flag_id = f.id and fp.project_id = pb.id)
        ) f on true
       group by x.id`,
  );

  const overlaps = manifest.serialOverlaps.map((o) => ({
    id: o.id,
    program: o.programId,
    a_project: o.first.registryProjectId,
    a_first: o.first.firstUnit,
    a_last: o.first.lastUnit,
    b_project: o.second.registryProjectId,
    b_first: o.second.firstUnit,
    b_last: o.second.lastUnit,
  }));
  // The flag holds an issuance of block `side`: a credit of that block's project whose unit range meets the block's.
  const holds = (side: 'a' | 'b') => sql`
    exists (select 1 from ${flagCredits} fc
              join ${credits} c on c.id = fc.credit_id
              join ${projects} p on p.id = c.project_id
             where fc.flag_id = f.id and c.kind = 'issuance' and p.program_id = x.program
               and p.registry_project_id = ${sql.raw(`x.${side}_project`)}
               and c.serial_first <= ${sql.raw(`x.${side}_last`)} and c.serial_last >= ${sql.raw(`x.${side}_first`)})`;
  const doubled = await queryRows<{ id: string; found: boolean }>(
    db,
    sql`
      select x.id, exists (
               select 1 from ${flags} f
                where f.kind = 'serial_overlap' and f.resolved_at is null
                  and ${holds('a')}
                  and ${holds('b')}) as found
        from jsonb_to_recordset(${JSON.stringify(overlaps)}::jsonb)
          as x(id text, program text, a_project text, a_first numeric, a_last numeric, b_project text, b_first numeric, b_last numeric)`,
  );

  const recall = (rows: readonly { id: string; found: boolean }[]): RecallOf => ({
    planted: rows.length,
    found: rows.filter((row) => row.found).length,
    missed: rows.filter((row) => !row.found).map((row) => row.id).sort(byManifestOrder),
  });
  return {
    relistings: { ...recall(relisted), asDoubleIssuance: relisted.filter((row) => row.found && row.doubleIssuance).length },
    serialOverlaps: recall(doubled),
  };
}

/** `relisting-2` before `relisting-10`. */
const byManifestOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

// ---------------------------------------------------------------------------------------------
// the cross-program matcher ÷ naive all-pairs

interface NaiveResult {
  projects: number;
  pairs: number;
  /** Pair key → the naive score and the two projects' labels. */
  matches: Map<string, { left: string; right: string; score: number }>;
}

const pairKey = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** The pairs of projects the matcher's detections link (cross-program flags name two projects). */
function matcherPairs(detections: readonly DetectedFlag[]): Set<string> {
  const pairs = new Set<string>();
  for (const detection of detections) {
    if (detection.projects.length === 2) pairs.add(pairKey(detection.projects[0]!.projectId, detection.projects[1]!.projectId));
  }
  return pairs;
}

/** The detector's orientation of a pair (by program, then registry id) as a sort order. */
const pairOrder = (a: ProjectRow, b: ProjectRow) => {
  const key = (p: ProjectRow) => `${p.programId}\u0000${p.registryProjectId}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
};

/**
 * The naive baseline: every live project loaded, and every pair of projects of different programs
 * scored with the matcher's own `scorePair`. The inputs are the detector's own: its project rows
 * (`loadProjects`), their scoring view (`scoredProject`), the cross-references either side states
 * (`explicitReferences`) and its orientation of a pair.
 */
async function naiveAllPairs(db: Executor): Promise<NaiveResult> {
  const rows = [...(await loadProjects(db)).values()].sort(pairOrder);
  const list = rows.map((row) => ({ row, scored: scoredProject(row) }));
  const matches: NaiveResult['matches'] = new Map();
  let pairs = 0;
  // Sorted as the detector orients a pair, so `left` comes first.
  for (let i = 0; i < list.length; i++) {
    const left = list[i]!;
    for (let j = i + 1; j < list.length; j++) {
      const right = list[j]!;
      if (right.row.programId === left.row.programId) continue;
      pairs += 1;
      const score = scorePair(left.scored, right.scored, { explicit: explicitReferences(left.row, right.row), trigramSimilarity: null, equalQuantity: null });
      if (score.matchClass === 'none') continue;
      matches.set(pairKey(left.row.id, right.row.id), {
        left: `${left.row.programId}:${left.row.registryProjectId}`,
        right: `${right.row.programId}:${right.row.registryProjectId}`,
        score: score.total,
      });
    }
  }
  return { projects: list.length, pairs, matches };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function compareWithNaive(database: Database, scale: number): Promise<NaiveComparison> {
  const matcherTimes: number[] = [];
  const naiveTimes: number[] = [];
  let detections: DetectedFlag[] = [];
  let naive: NaiveResult | null = null;
  // Interleaved, so both sides see the same machine load.
  for (let round = 0; round < naiveRepeats; round++) {
    collectGarbage();
    let started = performance.now();
    detections = await crossProgramIssuance.detect(database.db);
    matcherTimes.push(seconds(started));
    collectGarbage();
    started = performance.now();
    naive = await naiveAllPairs(database.db);
    naiveTimes.push(seconds(started));
  }
  const found = matcherPairs(detections);
  const missed = [...naive!.matches].filter(([key]) => !found.has(key)).map(([, match]) => match);
  return {
    scale,
    projects: naive!.projects,
    pairs: naive!.pairs,
    repeats: naiveRepeats,
    matcherSeconds: median(matcherTimes),
    naiveSeconds: median(naiveTimes),
    naiveMatches: naive!.matches.size,
    matcherPairs: found.size,
    alsoFound: naive!.matches.size - missed.length,
    missed: missed.sort((a, b) => b.score - a.score).slice(0, 10),
  };
}
