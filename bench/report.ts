/**
 * The bench's output: every figure next to its baseline, the ratio, the goal and PASS/FAIL,
 * printed as text, stored as JSON (bench/results/<driver>.json) and, with --write-docs,
 * written into docs/benchmarks.md between the markers of its driver (and scale, when not 1).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AcrCounts, ArbCounts, ArtTreesCounts, CarCounts, CercarbonoCounts, IsometricCounts } from './generate/manifest.ts';
import { ran, type MatchingRun, type NotRun, type RecallOf } from './hooks/matching.ts';
import type { BenchResult, ScaleRun } from './run.ts';
import { resultsDir } from './run.ts';
import { decimal, integer, markdownTable, megabytes, milliseconds, percent, textTable } from './support/table.ts';

/** Goals of issue 6, and how "flat" is read. */
export const goals = {
  /** Full sync rows/s ÷ COPY rows/s of the same rows into a bare table. */
  syncVsCopy: 0.5,
  /** "Peak RSS at 1× and 10× input: flat": read as the 10× peak within 25 % of the 1× peak. */
  flatRss: 1.25,
  /** GraphQL p50 ÷ raw SQL p50 of the same data. */
  apiP50: 1.5,
  /**
   * Matching time at 5N ÷ at N: "≤ 5 × (linear)". Linear growth measures about 5 (quadratic 25);
   * a run passes up to 7.5, 50 % over linear, which a busy 2-core machine and fixed per-run
   * costs can add, while anything quadratic is far above it.
   */
  matchingGrowth: 5,
  matchingGrowthPass: 7.5,
  /** The cross-program matcher's time ÷ the naive all-pairs comparison's, at a small N: below 1. */
  matcherVsNaive: 1,
  /** Share of the naive baseline's matches the matcher flags too (the blocking's recall). */
  naiveRecall: 1,
  /** Share of the planted double-issued serial ranges flagged. */
  serialOverlapRecall: 1,
  /** Share of the planted cross-program re-listings flagged. */
  relistingRecall: 0.9,
} as const;

type Verdict = 'PASS' | 'FAIL' | 'info' | 'error';

export interface Check {
  area: 'ingest' | 'labelling' | 'matching' | 'api';
  name: string;
  measured: string;
  baseline: string;
  ratio: string;
  goal: string;
  verdict: Verdict;
}

const rowsOf = (run: ScaleRun) => run.sync.first.inserted;

export function checks(result: BenchResult): Check[] {
  const list: Check[] = [];
  const { runs, pipeline } = result.ingest;
  const small = runs[0]!;
  const large = runs.at(-1)!;
  const at = `scale ${large.scale}`;

  const syncRate = rowsOf(large) / large.sync.first.seconds;
  const measuredSync = `${integer(syncRate)} rows/s (${integer(rowsOf(large))} rows, ${decimal(large.sync.first.seconds, 1)} s)`;
  if ('error' in pipeline) {
    const failed = `pipeline measurement failed: ${pipeline.error}`;
    list.push({ area: 'ingest', name: `full sync ÷ COPY, rows/s (${at})`, measured: measuredSync, baseline: failed, ratio: '', goal: `≥ ${goals.syncVsCopy}`, verdict: 'error' });
  } else {
    const copyRows = pipeline.projects + pipeline.credits;
    const copyRate = copyRows / pipeline.copySeconds;
    const syncRatio = syncRate / copyRate;
    list.push({
      area: 'ingest',
      name: `full sync ÷ COPY, rows/s (${at})`,
      measured: measuredSync,
      baseline: `COPY ${integer(copyRate)} rows/s (${integer(copyRows)} rows, ${decimal(pipeline.copySeconds, 2)} s)`,
      ratio: decimal(syncRatio, 3),
      goal: `≥ ${goals.syncVsCopy}`,
      verdict: syncRatio >= goals.syncVsCopy ? 'PASS' : 'FAIL',
    });
    // The same sync against a baseline that must fetch too: no sync can be faster than reading
    // its source and writing what it stores, so this says how much of the gap is the pipeline's
    // own (docs/benchmarks.md, "why 0.5 cannot be reached as the figure is defined").
    const floorSeconds = pipeline.fetchSeconds + pipeline.copySeconds + pipeline.copyRawSeconds;
    list.push({
      area: 'ingest',
      name: `full sync ÷ (fetch + parse + COPY of everything it writes), rows/s (${at})`,
      measured: measuredSync,
      baseline: `${integer(copyRows / floorSeconds)} rows/s (${decimal(pipeline.fetchSeconds, 2)} + ${decimal(pipeline.copySeconds, 2)} + ${decimal(pipeline.copyRawSeconds, 2)} s)`,
      ratio: decimal(syncRate / (copyRows / floorSeconds), 3),
      goal: 'none (information)',
      verdict: 'info',
    });
    list.push({
      area: 'ingest',
      name: `normalize only, no database (${at})`,
      measured: `${integer(pipeline.rawRecords / pipeline.normalizeSeconds)} records/s → ${integer(copyRows / pipeline.normalizeSeconds)} rows/s`,
      baseline: `fetch + parse only ${integer(pipeline.rawRecords / pipeline.fetchSeconds)} records/s`,
      ratio: '',
      goal: '',
      verdict: 'info',
    });
  }
  if (large.sync.resync) {
    const ratio = large.sync.resync.seconds / large.sync.first.seconds;
    list.push({
      area: 'ingest',
      name: `unchanged re-sync ÷ first sync, time (${at})`,
      measured: `${decimal(large.sync.resync.seconds, 1)} s`,
      baseline: `${decimal(large.sync.first.seconds, 1)} s`,
      ratio: decimal(ratio, 2),
      goal: 'none set',
      verdict: 'info',
    });
  }
  const rssRatio = large.sync.peakRss / small.sync.peakRss;
  list.push({
    area: 'ingest',
    name: `peak RSS (maxRSS) of a sync process, scale ${large.scale} ÷ scale ${small.scale}`,
    measured: megabytes(large.sync.peakRss),
    baseline: megabytes(small.sync.peakRss),
    ratio: decimal(rssRatio, 2),
    goal: `≤ ${goals.flatRss} (flat)`,
    verdict: rssRatio <= goals.flatRss ? 'PASS' : 'FAIL',
  });
  const syncRssRatio = large.sync.syncRss / small.sync.syncRss;
  list.push({
    area: 'ingest',
    name: `RSS sampled during the sync, scale ${large.scale} ÷ scale ${small.scale}`,
    measured: megabytes(large.sync.syncRss),
    baseline: megabytes(small.sync.syncRss),
    ratio: decimal(syncRssRatio, 2),
    goal: `≤ ${goals.flatRss} (flat)`,
    verdict: syncRssRatio <= goals.flatRss ? 'PASS' : 'FAIL',
  });

  const liveRatio = large.sync.liveHeap.bytes / small.sync.liveHeap.bytes;
  list.push({
    area: 'ingest',
    name: `live JS heap of a sync process (largest after a full collection), scale ${large.scale} ÷ scale ${small.scale}`,
    measured: `${megabytes(large.sync.liveHeap.bytes)} (${large.sync.liveHeap.fullCollections} full collections)`,
    baseline: `${megabytes(small.sync.liveHeap.bytes)} (${small.sync.liveHeap.fullCollections} full collections)`,
    ratio: decimal(liveRatio, 2),
    goal: `≤ ${goals.flatRss} (flat)`,
    verdict: liveRatio <= goals.flatRss ? 'PASS' : 'FAIL',
  });

  list.push(...labellingChecks(result), ...matchingChecks(result));

  for (const query of result.api?.queries ?? []) {
    if (query.error) {
      list.push({ area: 'api', name: query.title, measured: `error: ${query.error}`, baseline: '', ratio: '', goal: '', verdict: 'error' });
      continue;
    }
    list.push({
      area: 'api',
      name: `${query.title}: p50 ÷ raw SQL`,
      measured: `GraphQL p50 ${milliseconds(query.graphql.p50)}, p99 ${milliseconds(query.graphql.p99)}`,
      baseline: `SQL p50 ${milliseconds(query.raw.p50)}, p99 ${milliseconds(query.raw.p99)}`,
      ratio: decimal(query.ratio, 2),
      goal: query.indicative ? `≤ ${goals.apiP50} (indicative: ${query.indicative})` : `≤ ${goals.apiP50}`,
      verdict: query.indicative ? 'info' : query.ratio <= goals.apiP50 ? 'PASS' : 'FAIL',
    });
    if (query.pages === null) continue;
    list.push({
      area: 'api',
      name: `${query.title}: statements per page (${query.pages})`,
      measured: `first: 100 → ${query.statements.first100}`,
      baseline: `first: 10 → ${query.statements.first10}`,
      ratio: '',
      goal: 'equal',
      verdict: query.statements.first10 === query.statements.first100 ? 'PASS' : 'FAIL',
    });
  }
  return list;
}

function labellingChecks(result: BenchResult): Check[] {
  const labelling = result.labelling;
  const at = `scale ${result.datasets.at(-1)!.scale}`;
  if ('error' in labelling) {
    return [{ area: 'labelling', name: `full labelling run, credits/s (${at})`, measured: `failed: ${labelling.error}`, baseline: '', ratio: '', goal: 'none (information)', verdict: 'error' }];
  }
  const { first, rerun } = labelling;
  const written = rerun.inserted + rerun.updated;
  return [
    {
      area: 'labelling',
      name: `full labelling run, credits/s (${at})`,
      measured: `${integer(first.credits / first.seconds)} credits/s (${integer(first.credits)} credits, ${decimal(first.seconds, 1)} s)`,
      baseline: '',
      ratio: '',
      goal: 'none (information)',
      verdict: 'info',
    },
    {
      area: 'labelling',
      name: `unchanged re-run: labels written (${at})`,
      measured: `${integer(written)} written (${decimal(rerun.seconds, 1)} s, ${integer(rerun.credits / rerun.seconds)} credits/s checked)`,
      baseline: `first run wrote ${integer(first.inserted + first.updated)} (${decimal(first.seconds, 1)} s)`,
      ratio: decimal(rerun.seconds / first.seconds, 2),
      goal: '0 written',
      verdict: written === 0 ? 'PASS' : 'FAIL',
    },
  ];
}

const notRun = (part: NotRun): string => ('error' in part ? `failed: ${part.error}` : `skipped: ${part.skipped}`);
const runTime = (run: MatchingRun) => `${decimal(run.seconds, 1)} s (${integer(run.projects)} projects)`;
const recallOf = (recall: RecallOf) => `${integer(recall.found)} of ${integer(recall.planted)} (${percent(recall.found, recall.planted)})`;

function matchingChecks(result: BenchResult): Check[] {
  const { atN, at5N, atBench, naive } = result.matching;
  const list: Check[] = [];
  const growthName = `full matching run, time at 5N ÷ N projects (scale ${at5N.scale} ÷ scale ${atN.scale})`;
  const growthGoal = `≤ ${goals.matchingGrowth} (linear; quadratic 25): PASS ≤ ${goals.matchingGrowthPass}`;
  if (!ran(atN) || !ran(at5N)) {
    const failed = !ran(atN) ? atN : (at5N as NotRun);
    const skipped = ran(atN) && 'skipped' in failed;
    list.push({ area: 'matching', name: growthName, measured: notRun(failed), baseline: ran(atN) ? runTime(atN) : '', ratio: '', goal: growthGoal, verdict: skipped ? 'info' : 'error' });
  } else {
    const ratio = at5N.seconds / atN.seconds;
    list.push({
      area: 'matching',
      name: growthName,
      measured: runTime(at5N),
      baseline: runTime(atN),
      ratio: decimal(ratio, 2),
      goal: growthGoal,
      verdict: ratio <= goals.matchingGrowthPass ? 'PASS' : 'FAIL',
    });
  }
  if (ran(atN) && ran(atBench)) {
    const factor = atBench.scale / atN.scale;
    list.push({
      area: 'matching',
      name: `full matching run, time at ${factor}N ÷ N projects (bench database, scale ${atBench.scale} ÷ scale ${atN.scale})`,
      measured: runTime(atBench),
      baseline: runTime(atN),
      ratio: decimal(atBench.seconds / atN.seconds, 2),
      goal: `none (information): linear ${factor}, quadratic ${factor * factor}`,
      verdict: 'info',
    });
  } else if (!ran(atBench)) {
    list.push({ area: 'matching', name: `full matching run (bench database, scale ${atBench.scale})`, measured: notRun(atBench), baseline: '', ratio: '', goal: '', verdict: 'error' });
  }

  const naiveName = `cross-program matcher ÷ naive all-pairs, time (scale ${naive.scale})`;
  if (!ran(naive)) {
    list.push({ area: 'matching', name: naiveName, measured: notRun(naive), baseline: '', ratio: '', goal: `< ${goals.matcherVsNaive}`, verdict: 'skipped' in naive ? 'info' : 'error' });
  } else {
    const ratio = naive.matcherSeconds / naive.naiveSeconds;
    list.push({
      area: 'matching',
      name: naiveName,
      measured: `matcher ${decimal(naive.matcherSeconds, 2)} s (median of ${naive.repeats})`,
      baseline: `naive ${decimal(naive.naiveSeconds, 2)} s (${integer(naive.pairs)} pairs)`,
      ratio: decimal(ratio, 2),
      goal: `< ${goals.matcherVsNaive}`,
      verdict: ratio < goals.matcherVsNaive ? 'PASS' : 'FAIL',
    });
    list.push({
      area: 'matching',
      name: `naive all-pairs matches the matcher flags too (scale ${naive.scale})`,
      measured: `${integer(naive.alsoFound)} of ${integer(naive.naiveMatches)} (${percent(naive.alsoFound, naive.naiveMatches)})`,
      baseline: `naive pairs scoring ≥ the possible threshold`,
      ratio: naive.naiveMatches === 0 ? '' : decimal(naive.alsoFound / naive.naiveMatches, 2),
      goal: `${goals.naiveRecall * 100} %`,
      verdict: naive.naiveMatches === 0 ? 'info' : naive.alsoFound / naive.naiveMatches >= goals.naiveRecall ? 'PASS' : 'FAIL',
    });
  }

  const recallChecks: [string, (run: MatchingRun) => RecallOf, number, string][] = [
    ['double issuances (serial overlaps)', (run) => run.recall.serialOverlaps, goals.serialOverlapRecall, `${goals.serialOverlapRecall * 100} %`],
    ['cross-program re-listings', (run) => run.recall.relistings, goals.relistingRecall, `≥ ${goals.relistingRecall * 100} %`],
  ];
  for (const [what, pick, goal, goalText] of recallChecks) {
    const name = `recall on planted ${what} (scale ${atBench.scale})`;
    if (!ran(atBench)) {
      list.push({ area: 'matching', name, measured: notRun(atBench), baseline: '', ratio: '', goal: goalText, verdict: 'error' });
      continue;
    }
    const recall = pick(atBench);
    list.push({
      area: 'matching',
      name,
      measured: recallOf(recall),
      baseline: `planted in manifest.json`,
      ratio: recall.planted === 0 ? '' : decimal(recall.found / recall.planted, 2),
      goal: goalText,
      verdict: recall.planted === 0 ? 'info' : recall.found / recall.planted >= goal ? 'PASS' : 'FAIL',
    });
  }
  return list;
}

function labellingLines(result: BenchResult): string[] {
  const labelling = result.labelling;
  if ('error' in labelling) return [`labelling failed: ${labelling.error}`];
  const run = (name: string, r: typeof labelling.first) =>
    `${name}: ${decimal(r.seconds, 2)} s for ${integer(r.credits)} credits (${integer(r.credits / r.seconds)} credits/s): ${integer(r.inserted)} new, ${integer(r.updated)} changed, ${integer(r.unchanged)} unchanged`;
  return [
    `reference data ${labelling.referenceVersion} ${labelling.referenceInserted ? 'loaded' : 'already loaded'} as \`hub label\` loads it (ensureShippedReference): ${decimal(labelling.referenceSeconds, 2)} s; evaluated at ${labelling.evaluationDate}`,
    run('full labelling run', labelling.first),
    run('unchanged re-run', labelling.rerun),
  ];
}

function matchingDetail(result: BenchResult): { header: string[]; rows: string[][] } | null {
  const runs = [result.matching.atN, result.matching.at5N, result.matching.atBench].filter((part): part is MatchingRun => ran(part));
  if (runs.length === 0) return null;
  const header = ['', ...runs.map((run) => `scale ${run.scale}`)];
  const names = [...new Set(runs.flatMap((run) => run.detectors.map((d) => d.detector)))];
  const rows = [
    ['projects / credits', ...runs.map((run) => `${integer(run.projects)} / ${integer(run.credits)}`)],
    ['full matching run', ...runs.map((run) => `${decimal(run.seconds, 1)} s`)],
    ...names.map((name) => [
      `  ${name}`,
      ...runs.map((run) => {
        const d = run.detectors.find((x) => x.detector === name);
        return !d ? '' : d.error ? `failed: ${d.error}` : `${decimal(d.seconds, 1)} s (${integer(d.detected)} finding${d.detected === 1 ? '' : 's'})`;
      }),
    ]),
    ['planted serial overlaps flagged', ...runs.map((run) => recallOf(run.recall.serialOverlaps))],
    ['planted re-listings flagged', ...runs.map((run) => recallOf(run.recall.relistings))],
    ['  of which as double issuance', ...runs.map((run) => integer(run.recall.relistings.asDoubleIssuance))],
  ];
  return { header, rows };
}

function matchingLines(result: BenchResult): string[] {
  const { atN, at5N, atBench, naive } = result.matching;
  const lines: string[] = [];
  for (const part of [atN, at5N, atBench]) {
    if (!ran(part)) {
      lines.push(`scale ${part.scale}: ${notRun(part)}`);
      continue;
    }
    const missed = [...part.recall.serialOverlaps.missed, ...part.recall.relistings.missed];
    if (missed.length > 0) lines.push(`scale ${part.scale}: planted duplicates not flagged: ${missed.join(', ')}`);
    if (part.syncSeconds !== undefined) lines.push(`scale ${part.scale}: synced for this run in ${decimal(part.syncSeconds, 1)} s (not part of the figure)`);
  }
  if (ran(naive)) {
    lines.push(
      `naive all-pairs at scale ${naive.scale}: ${integer(naive.projects)} projects, ${integer(naive.pairs)} cross-program pairs scored, ${integer(naive.naiveMatches)} at or above the possible threshold; ` +
        `the matcher flagged ${integer(naive.matcherPairs)} pairs, ${integer(naive.alsoFound)} of the naive ones`,
    );
    for (const miss of naive.missed) lines.push(`  naive match not flagged: ${miss.left} – ${miss.right} (score ${miss.score})`);
  }
  return lines;
}

function notYetMeasured(result: BenchResult): string[] {
  const lines = result.notYetMeasured.map((item) => `${item.what}: ${item.reason} (hook: ${item.hook})`);
  for (const pending of result.api?.pending ?? []) lines.push(`API ${pending.title}: ${pending.reason}`);
  for (const query of result.api?.queries ?? []) for (const part of query.omitted) lines.push(`API ${query.title}, ${part}`);
  if (!result.api) lines.push('API: skipped (--no-api)');
  return lines;
}

function ingestDetail(result: BenchResult): { header: string[]; rows: string[][] } {
  const header = ['scale', 'program', 'records', 'rows', 'first sync', 'stage', 'apply', 'statements', 'rows/s', 're-sync'];
  const rows: string[][] = [];
  for (const run of result.ingest.runs) {
    for (const program of run.sync.first.programs) {
      const again = run.sync.resync?.programs.find((p) => p.programId === program.programId);
      rows.push([
        String(run.scale),
        program.programId,
        integer(program.fetched),
        integer(program.inserted),
        `${decimal(program.seconds, 1)} s`,
        `${decimal(program.fetchSeconds, 1)} s`,
        `${decimal(program.applySeconds, 1)} s`,
        integer(program.statements),
        integer(program.inserted / program.seconds),
        again ? `${decimal(again.seconds, 1)} s (${integer(again.unchanged)} unchanged)` : '',
      ]);
    }
  }
  return { header, rows };
}

function pipelineLines(result: BenchResult): string[] {
  const p = result.ingest.pipeline;
  if ('error' in p) return [`pipeline at scale ${p.scale}: failed: ${p.error}`];
  return [
    `pipeline at scale ${p.scale}: ${integer(p.rawRecords)} raw records → ${integer(p.projects)} projects + ${integer(p.credits)} credits (${p.rejected} rejected)`,
    `  fetch + parse over HTTP ${decimal(p.fetchSeconds, 2)} s; normalize ${decimal(p.normalizeSeconds, 2)} s; ` +
      `COPY normalized ${decimal(p.copySeconds, 2)} s (${megabytes(p.copyBytes)}); COPY raw records ${decimal(p.copyRawSeconds, 2)} s (${megabytes(p.copyRawBytes)}); ` +
      `COPY of everything a sync writes ${integer((p.projects + p.credits) / (p.copySeconds + p.copyRawSeconds))} normalized rows/s`,
  ];
}

function peakLines(result: BenchResult): string[] {
  return result.ingest.runs.map(
    (run) =>
      `scale ${run.scale}: maxRSS ${megabytes(run.sync.peakRss)} (${megabytes(run.sync.rssBeforeSync)} already after migrating, before the sync); ` +
      `highest RSS sampled during the sync ${megabytes(run.sync.syncRss)}; ` +
      `JS heap after the sync ${megabytes(run.sync.heapAfterSync)}`,
  );
}

function apiDetail(result: BenchResult): { header: string[]; rows: string[][] } | null {
  if (!result.api) return null;
  const header = ['query', 'rows', 'GraphQL p50', 'p99', 'SQL p50', 'p99', 'p50 ratio', 'statements first 10 / 100'];
  const rows = result.api.queries.map((q) => [
    q.title,
    String(q.rows),
    milliseconds(q.graphql.p50),
    milliseconds(q.graphql.p99),
    milliseconds(q.raw.p50),
    milliseconds(q.raw.p99),
    decimal(q.ratio, 2),
    q.pages === null ? `${q.statements.first10} (not paged)` : `${q.statements.first10} / ${q.statements.first100}`,
  ]);
  return { header, rows };
}

function profileLines(result: BenchResult): string[] {
  const lines: string[] = [];
  for (const run of result.ingest.runs) {
    if (!run.profile) continue;
    const share = (s: number) => `${(s * 100).toFixed(1)} %`;
    lines.push(`sync at scale ${run.scale} (${decimal(run.profile.totalSeconds, 1)} s sampled), by component:`);
    for (const group of run.profile.groups) lines.push(`  ${share(group.share).padStart(7)}  ${group.name}`);
    lines.push('  top functions (self time):');
    for (const fn of run.profile.functions) lines.push(`  ${share(fn.share).padStart(7)}  ${fn.name}`);
  }
  return lines;
}

function header(result: BenchResult): string[] {
  const m = result.machine;
  const large = result.datasets.at(-1)!;
  const v = large.counts.verra;
  const g = large.counts.goldStandard;
  // Results written before the generator had CAR (bench/results/*.json) have no CAR counts.
  const c: CarCounts | undefined = large.counts.car;
  // Nor ACR's, ART TREES', ARB's, Cercarbono's and Isometric's, before generator version 4.
  const acr: AcrCounts | undefined = large.counts.acr;
  const art: ArtTreesCounts | undefined = large.counts.artTrees;
  const a: ArbCounts | undefined = large.counts.arb;
  const cc: CercarbonoCounts | undefined = large.counts.cercarbono;
  const iso: IsometricCounts | undefined = large.counts.isometric;
  return [
    `machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}`,
    `database: ${m.database}`,
    `code: ${m.commit}; run ${result.startedAt}, ${decimal(result.seconds, 0)} s in all`,
    `load average (1 min): ${m.load.start} at the start, ${m.load.end} at the end` +
      (Math.max(m.load.start, m.load.end) > m.cores ? ` — ABOVE ${m.cores} cores: other work competed for the CPUs, timings are inflated and noisy` : ''),
    `data: scale 1 = 1 % of the market (registries.md §12); runs at scales ${result.datasets.map((d) => d.scale).join(' and ')} (seed ${result.options.seed})`,
    `  scale ${large.scale}: Verra ${integer(v.projects)} projects, ${integer(v.blockRows)} VCU blocks; ` +
      `Gold Standard ${integer(g.projects)} projects, ${integer(g.apiBlocks)} API blocks; ` +
      (c ? `CAR ${integer(c.projects)} projects, ${integer(c.issuanceRows + c.retirementRows + c.cancellationRows)} APX report rows; ` : '') +
      (acr ? `ACR ${integer(acr.projects)} projects, ${integer(acr.issuanceRows + acr.retirementRows + acr.cancellationRows)} APX report rows; ` : '') +
      (art ? `ART TREES ${integer(art.projects)} programs, ${integer(art.issuanceRows + art.retirementRows + art.cancellationRows)} APX report rows; ` : '') +
      (a ? `ARB ${integer(a.issuanceRows)} issuance table rows; ` : '') +
      (cc ? `Cercarbono ${integer(cc.projects)} projects, ${integer(cc.serials + cc.retirementRows)} serials and retirements; ` : '') +
      (iso ? `Isometric ${integer(iso.projects)} projects, ${integer(iso.issuanceRows + iso.retirementRows)} issuances and retirements; ` : '') +
      `${large.duplicates} cross-program re-listings and ${large.serialOverlaps} double issuances planted`,
  ];
}

export function formatText(result: BenchResult): string {
  const list = checks(result);
  const parts = [
    `Carbon Registry Hub benchmarks — ${result.machine.driver}`,
    ...header(result),
    '',
    'GOALS',
    textTable(
      ['area', 'measure', 'measured', 'baseline', 'ratio', 'goal', ''],
      list.map((c) => [c.area, c.name, c.measured, c.baseline, c.ratio, c.goal, c.verdict]),
    ),
    '',
    'NOT YET MEASURED',
    ...notYetMeasured(result).map((line) => `- not yet measured: ${line}`),
    '',
    'INGEST DETAIL (stage = fetch over HTTP + store raw records; apply = normalize + upsert, one transaction)',
    textTable(ingestDetail(result).header, ingestDetail(result).rows),
    ...pipelineLines(result),
    ...peakLines(result),
    '',
    `LABELLING DETAIL (scale ${result.datasets.at(-1)!.scale} data, labelCredits as \`hub label\` runs it)`,
    ...labellingLines(result),
  ];
  const matching = matchingDetail(result);
  parts.push('', 'MATCHING DETAIL (runMatching, every detector, on a database with no flags yet)');
  if (matching) parts.push(textTable(matching.header, matching.rows));
  parts.push(...matchingLines(result));
  const api = apiDetail(result);
  if (api && result.api) {
    parts.push('', `API DETAIL (scale ${result.datasets.at(-1)!.scale} data, first: ${result.api.first}, ${result.api.iterations} timed requests after ${result.api.warmup} warm-up, over HTTP on 127.0.0.1)`);
    parts.push(textTable(api.header, api.rows));
  }
  const profile = profileLines(result);
  if (profile.length > 0) parts.push('', 'CPU PROFILE OF THE SYNC PROCESS', ...profile);
  return parts.join('\n');
}

export function formatMarkdown(result: BenchResult): string {
  const list = checks(result);
  const api = apiDetail(result);
  const ingest = ingestDetail(result);
  const parts = [
    ...header(result).map((line) => `- ${line.trim()}`),
    '',
    markdownTable(
      ['area', 'measure', 'measured', 'baseline', 'ratio', 'goal', 'verdict'],
      list.map((c) => [c.area, c.name, c.measured, c.baseline, c.ratio, c.goal, `**${c.verdict}**`]),
    ),
    '',
    'Not yet measured:',
    '',
    ...notYetMeasured(result).map((line) => `- ${line}`),
    '',
    'Ingest detail (stage = fetch over HTTP and store raw records; apply = normalize and upsert in one transaction):',
    '',
    markdownTable(ingest.header, ingest.rows),
    '',
    ...[...pipelineLines(result), ...peakLines(result)].map((line) => `- ${line.trim()}`),
    '',
    'Labelling detail:',
    '',
    ...labellingLines(result).map((line) => `- ${line}`),
    '',
    'Matching detail (every detector, on a database with no flags yet):',
    '',
  ];
  const matching = matchingDetail(result);
  if (matching) parts.push(markdownTable(matching.header, matching.rows), '');
  parts.push(...matchingLines(result).map((line) => (line.startsWith('  ') ? `  - ${line.trim()}` : `- ${line}`)));
  if (api && result.api) {
    parts.push('', `API detail (first: ${result.api.first}, ${result.api.iterations} timed requests after ${result.api.warmup} warm-up):`, '', markdownTable(api.header, api.rows));
  }
  const profile = profileLines(result);
  if (profile.length > 0) parts.push('', 'CPU profile of the sync process:', '', '```', ...profile, '```');
  return parts.join('\n');
}

/** `pglite`, `postgres`; runs at another scale than the default are kept apart: `postgres-scale-10`. */
function resultName(result: BenchResult): string {
  return result.options.scale === 1 ? result.machine.driver : `${result.machine.driver}-scale-${result.options.scale}`;
}

export async function writeJson(result: BenchResult): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const path = join(resultsDir, `${resultName(result)}.json`);
  await writeFile(path, JSON.stringify({ ...result, checks: checks(result) }, null, 2) + '\n');
  return path;
}

export const docsPath = resolve(import.meta.dirname, '..', 'docs', 'benchmarks.md');

/** Replaces this driver's section of docs/benchmarks.md (between its markers) with the result. */
export async function writeDocs(result: BenchResult): Promise<string> {
  const driver = resultName(result);
  const start = `<!-- bench:${driver}:start -->`;
  const end = `<!-- bench:${driver}:end -->`;
  let text = await readFile(docsPath, 'utf8').catch(() => '# Benchmarks\n');
  const section = `${start}\n${formatMarkdown(result)}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text = from >= 0 && to > from ? text.slice(0, from) + section + text.slice(to + end.length) : `${text.trimEnd()}\n\n### ${driver}\n\n${section}\n`;
  await writeFile(docsPath, text);
  return docsPath;
}
