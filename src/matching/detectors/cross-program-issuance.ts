/**
 * Cross-program double issuance: the same activity credited in two programs for overlapping
 * periods (double-counting.md §4.3–4.5).
 *
 * 1. Candidates (the union of §4.3's blocks, pairs of different programs): explicit
 *    cross-references the registries state; same country and compatible category with a name
 *    trigram similarity ≥ 0.3 (found in TypeScript over pg_trgm's trigrams by prefix filtering,
 *    features/similar-names.ts) or the same proponent; coordinates in the same or a
 *    neighbouring 0.1° cell (set-based in SQL).
 * 2. Scoring in TypeScript (features/pair-score.ts): Fellegi–Sunter weights from
 *    match-weights.json; ≥ 12 same activity, 6–12 possible, below that nothing.
 * 3. Explanation before flagging (§4.5): a cancellation for conversion into the other program
 *    whose quantity equals the other side's issuance for the same period is a conversion
 *    (`program_transition`, info); overlapping issuances on both sides that no conversion
 *    explains are one `cross_program_double_issuance` per pair of projects, severity by tonnes
 *    at risk; disjoint periods are a transition (info); a pair where at most one side ever
 *    issued is a probable duplicate listing (low).
 * 4. CDM CERs held in another registry (Gold Standard's `CER` rows carry CDM serials): one
 *    issuance in two registries, recorded as a link (info); a VER of the same project for a
 *    period its CERs cover is double issuance.
 *
 * Flag identity (what a rerun must find again): the two projects and the finding for double
 * issuance (one flag per pair of projects, each overlapping issuance pair in its evidence), the
 * receiving issuance and its cancellations for a conversion, the two projects for project-level
 * findings. Credits that only support a finding are listed in its evidence.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { sectors } from '../../reference/schemes/index.ts';
import type { DetectedFlag, FeatureEvidence, FlagSeverity } from '../flag.ts';
import { projectActivity } from '../features/activity.ts';
import { scorePair, type ExplicitReference, type PairScore, type ScoredProject } from '../features/pair-score.ts';
import { similarNamePairs, sortTrigrams, trigramSimilarity, type NamedProject } from '../features/similar-names.ts';
import { creditPeriods, formatPeriod, overlap, prorate, span, type Period } from '../features/periods.ts';
import { detectorVersion, matchWeights, minSeverity, severityForTonnes } from '../features/weights.ts';
import { inIds, programLabel, projectLabel, round4, tonnes, type Detector } from './detector.ts';

/**
 * 2: names equal but for word order, "Proj." for "Project" or initials without dots score as exact;
 * 3: one double-issuance flag per pair of projects, not per pair of issuances (docs/matching.md);
 * 4: ARB and its offset project registry compared vintage for vintage when one side publishes only
 *    vintage years (`comparedByVintage`);
 * 5: tonnes a conversion explains are spent from both issuances, like tonnes at risk
 *    (`overlapFindings`).
 */
const CODE_REVISION = 5;

/** A project as the detector compares it (`loadProjects`). */
export interface ProjectRow {
  id: number;
  programId: string;
  programKind: string;
  registryProjectId: string;
  name: string | null;
  proponent: string | null;
  countryCode: string | null;
  subdivision: string | null;
  latitude: number | null;
  longitude: number | null;
  category: string | null;
  methodologies: { id: string; version: string | null }[];
  projectTypes: string[];
  crossReferences: { programId: string; registryProjectId: string; relation: string }[];
}

interface CreditRow {
  id: number;
  projectId: number;
  programId: string;
  kind: 'issuance' | 'retirement' | 'cancellation';
  quantity: number;
  vintageYear: number | null;
  vintageStart: string | null;
  vintageEnd: string | null;
  serialNamespace: string | null;
  serialFirst: number | null;
  serialLast: number | null;
  useCase: string | null;
  convertedTo: string | null;
  productType: string | null;
  cdmRef: string | null;
  oprProjectId: string | null;
  /** The credited period (features/periods.ts `creditPeriods`), set when loaded. */
  period: Period | null;
}

interface CandidateRow {
  leftId: number;
  rightId: number;
  sources: string[];
  trigram: number | null;
}

interface ConversionMatch {
  /** The issuance in the receiving program. */
  received: CreditRow;
  /** The cancellations for conversion in the source program it matches. */
  cancellations: CreditRow[];
  period: Period;
  how: 'one cancellation of equal quantity' | 'cancellations of one period summing to the issuance';
}

interface OverlapFinding {
  left: CreditRow;
  right: CreditRow;
  leftPeriod: Period;
  rightPeriod: Period;
  window: Period;
  overlapQuantity: number;
  explainedByConversion: number;
  atRisk: number;
  conversionCredits: number[];
}

const tolerance = matchWeights.levels.equalQuantityTolerance;
const equalQuantities = (a: number, b: number) => Math.abs(a - b) <= Math.max(0.5, tolerance * Math.max(a, b));

/**
 * Candidate pairs (§4.3): name blocking in TypeScript over pg_trgm's trigrams
 * (features/similar-names.ts), the other blocks set-based in SQL, each pair with its blocks and
 * the similarity of its names (pg_trgm's, null when either has no name).
 */
async function candidatePairs(db: Executor): Promise<CandidateRow[]> {
  const named = await loadNamedProjects(db);
  const trigrams = new Map(named.map((p) => [p.id, p.trigrams]));
  const pairs = new Map<string, { leftId: number; rightId: number; sources: Set<string> }>();
  const add = (leftId: number, rightId: number, source: string) => {
    const key = `${leftId}:${rightId}`;
    const pair = pairs.get(key);
    if (pair) pair.sources.add(source);
    else pairs.set(key, { leftId, rightId, sources: new Set([source]) });
  };
  for (const pair of similarNamePairs(named, matchWeights.blocking.nameTrigramSimilarity)) add(pair.leftId, pair.rightId, 'name trigram');
  for (const row of await otherBlocks(db)) add(row.leftId, row.rightId, row.source);
  return [...pairs.values()]
    .sort((a, b) => a.leftId - b.leftId || a.rightId - b.rightId)
    .map(({ leftId, rightId, sources }) => {
      const left = trigrams.get(leftId);
      const right = trigrams.get(rightId);
      return { leftId, rightId, sources: [...sources].sort(), trigram: left && right ? trigramSimilarity(left, right) : null };
    });
}

/** Every live project with pg_trgm's trigrams of its name, for name blocking. */
export async function loadNamedProjects(db: Executor): Promise<NamedProject[]> {
  const rows = await queryRows<Omit<NamedProject, 'trigrams'> & { trigrams: string[] | null }>(
    db,
    sql`select id::int as id, program_id as "programId", country_code as "countryCode", category,
               case when name is null then null else show_trgm(name) end as trigrams
          from projects where vanished_at is null`,
  );
  return rows.map((row) => ({ ...row, trigrams: row.trigrams === null ? null : sortTrigrams(row.trigrams) }));
}

/** The blocks other than names: explicit cross-references, the same proponent, neighbouring coordinates. */
function otherBlocks(db: Executor): Promise<{ leftId: number; rightId: number; source: string }[]> {
  const cell = matchWeights.blocking.coordinateCellDegrees;
  return queryRows(
    db,
    sql`
      with explicit as (
        select p.id as a, q.id as b, 'explicit cross-reference' as source
          from projects p
          cross join lateral jsonb_array_elements(p.cross_references) x
          join projects q on q.program_id = x ->> 'programId' and q.registry_project_id = x ->> 'registryProjectId'
         where p.vanished_at is null and q.vanished_at is null and q.program_id <> p.program_id
      ),
      by_proponent as (
        select p.id as a, q.id as b, 'proponent' as source
          from projects p
          join projects q on q.country_code = p.country_code and q.program_id <> p.program_id and q.id > p.id
                         and lower(regexp_replace(q.proponent, '[^[:alnum:]]+', '', 'g')) = lower(regexp_replace(p.proponent, '[^[:alnum:]]+', '', 'g'))
         where p.vanished_at is null and q.vanished_at is null and regexp_replace(p.proponent, '[^[:alnum:]]+', '', 'g') <> ''
           and (p.category is null or q.category is null or p.category = q.category)
      ),
      cells as (
        select id, program_id, floor(latitude / ${cell})::int as cx, floor(longitude / ${cell})::int as cy
          from projects
         where vanished_at is null and latitude is not null and longitude is not null
      ),
      by_cell as (
        select p.id as a, q.id as b, 'coordinates' as source
          from cells p
          cross join generate_series(-1, 1) dx
          cross join generate_series(-1, 1) dy
          join cells q on q.cx = p.cx + dx and q.cy = p.cy + dy and q.program_id <> p.program_id and q.id > p.id
      )
      select distinct least(a, b)::int as "leftId", greatest(a, b)::int as "rightId", source
        from (select * from explicit union all select * from by_proponent union all select * from by_cell) c`,
  );
}

/** The projects of `ids`, or every live project when `ids` is left out (the bench's naive all-pairs baseline). */
export async function loadProjects(db: Executor, ids?: readonly number[]): Promise<Map<number, ProjectRow>> {
  if (ids?.length === 0) return new Map();
  const rows = await queryRows<ProjectRow>(
    db,
    sql`
      select p.id::int as id, p.program_id as "programId", g.kind::text as "programKind", p.registry_project_id as "registryProjectId",
             p.name, p.proponent, p.country_code as "countryCode", p.subdivision,
             p.latitude::float8 as latitude, p.longitude::float8 as longitude, p.category,
             p.methodologies, p.project_types as "projectTypes", p.cross_references as "crossReferences"
        from projects p join programs g on g.id = p.program_id
       where ${ids === undefined ? sql`p.vanished_at is null` : inIds(sql`p.id`, ids)}`,
  );
  return new Map(rows.map((row) => [row.id, row]));
}

const creditColumns = sql`
  c.id::int as id, c.project_id::int as "projectId", c.program_id as "programId", c.kind::text as kind, c.quantity::float8 as quantity,
  c.vintage_year as "vintageYear", c.vintage_start::text as "vintageStart", c.vintage_end::text as "vintageEnd",
  c.serial_namespace as "serialNamespace", c.serial_first::float8 as "serialFirst", c.serial_last::float8 as "serialLast",
  c.use_case as "useCase", c.attributes ->> 'convertedToProgram' as "convertedTo", c.attributes ->> 'productType' as "productType",
  c.serial_parts ->> 'cdmProjectRef' as "cdmRef", c.attributes ->> 'oprProjectId' as "oprProjectId"`;

/**
 * What each project was credited: its issuances, its cancellations for conversion, and, for a
 * project the data shows no issuance of (a registry sample, or an export of retirements only),
 * its retirements and cancellations as evidence that units were issued for their vintages.
 */
async function loadCredits(db: Executor, projectIds: readonly number[]): Promise<{ credits: Map<number, CreditRow[]>; counts: Map<number, number> }> {
  const credits = new Map<number, CreditRow[]>();
  const counts = new Map<number, number>();
  if (projectIds.length === 0) return { credits, counts };
  const rows = await queryRows<CreditRow>(
    db,
    sql`select ${creditColumns}
          from credits c
         where c.vanished_at is null and ${inIds(sql`c.project_id`, projectIds)}
           and (c.kind = 'issuance' or c.attributes ? 'convertedToProgram'
                or not exists (select 1 from credits i where i.project_id = c.project_id and i.kind = 'issuance' and i.vanished_at is null))
         order by c.id`,
  );
  const periods = creditPeriods(rows);
  for (const row of rows) {
    row.period = periods.get(row.id) ?? null;
    const list = credits.get(row.projectId) ?? [];
    list.push(row);
    credits.set(row.projectId, list);
  }
  const countRows = await queryRows<{ projectId: number; n: number }>(
    db,
    sql`select project_id::int as "projectId", count(*)::int as n from credits c
         where c.vanished_at is null and ${inIds(sql`c.project_id`, projectIds)} group by project_id`,
  );
  for (const row of countRows) counts.set(row.projectId, row.n);
  return { credits, counts };
}

/** A project as `scorePair` takes it. */
export function scoredProject(project: ProjectRow): ScoredProject {
  return {
    id: project.id,
    programId: project.programId,
    registryProjectId: project.registryProjectId,
    name: project.name,
    proponent: project.proponent,
    countryCode: project.countryCode,
    subdivision: project.subdivision,
    latitude: project.latitude,
    longitude: project.longitude,
    activity: projectActivity(project),
  };
}

/** The cross-references either project states to the other. */
export function explicitReferences(left: ProjectRow, right: ProjectRow): ExplicitReference[] {
  const refs: ExplicitReference[] = [];
  const stated = (from: ProjectRow, to: ProjectRow, side: 'left' | 'right') => {
    for (const ref of from.crossReferences) {
      if (ref.programId === to.programId && ref.registryProjectId === to.registryProjectId) refs.push({ statedBy: side, relation: ref.relation });
    }
  };
  stated(left, right, 'left');
  stated(right, left, 'right');
  return refs;
}

/**
 * The credited rows of `project` that can be compared with `other`: its issuances (or, when the
 * data has none, its retirements and cancellations other than conversions, as proxies), but not
 * CERs it merely holds when the other side is the CDM itself, nor compliance issuances that name
 * a different offset project as their origin (an ARB issuance states its OPR project per row).
 */
function comparableIssuances(credits: readonly CreditRow[], project: ProjectRow, other: ProjectRow): CreditRow[] {
  const issued = credits.some((c) => c.kind === 'issuance');
  return credits.filter(
    (c) =>
      (issued ? c.kind === 'issuance' : c.convertedTo === null) &&
      !(other.programId === 'cdm' && c.cdmRef !== null && project.programId !== 'cdm') &&
      !(c.oprProjectId !== null && c.oprProjectId !== other.registryProjectId && project.programKind === 'compliance'),
  );
}

const conversionsInto = (credits: readonly CreditRow[], programId: string) =>
  credits.filter((c) => c.kind === 'cancellation' && c.convertedTo === programId);

/** Conversions from `source` into `receiver`: cancellations matched on quantity and period to receiving issuances. */
function matchConversions(sourceCredits: readonly CreditRow[], receiverIssuances: readonly CreditRow[], receiverProgram: string): ConversionMatch[] {
  const cancellations = conversionsInto(sourceCredits, receiverProgram);
  const used = new Set<number>();
  const matches: ConversionMatch[] = [];
  for (const received of receiverIssuances) {
    const receivedPeriod = received.period;
    if (!receivedPeriod) continue;
    const candidates = cancellations.filter((c) => {
      if (used.has(c.id)) return false;
      const period = c.period;
      return period !== null && overlap(period, receivedPeriod) !== null;
    });
    const single = candidates.find((c) => equalQuantities(c.quantity, received.quantity));
    if (single) {
      used.add(single.id);
      matches.push({ received, cancellations: [single], period: receivedPeriod, how: 'one cancellation of equal quantity' });
      continue;
    }
    // Cancellations of one period split by account (ACR200: 2,034 + 8,540) summing to the issuance.
    const byPeriod = new Map<string, CreditRow[]>();
    for (const c of candidates) {
      const key = formatPeriod(c.period!);
      byPeriod.set(key, [...(byPeriod.get(key) ?? []), c]);
    }
    for (const group of byPeriod.values()) {
      if (group.length < 2 || !equalQuantities(group.reduce((s, c) => s + c.quantity, 0), received.quantity)) continue;
      for (const c of group) used.add(c.id);
      matches.push({ received, cancellations: group, period: receivedPeriod, how: 'cancellations of one period summing to the issuance' });
      break;
    }
  }
  return matches;
}

function sameUnits(a: CreditRow, b: CreditRow): boolean {
  return (
    a.serialNamespace !== null &&
    a.serialNamespace === b.serialNamespace &&
    a.serialFirst !== null &&
    a.serialLast !== null &&
    b.serialFirst !== null &&
    b.serialLast !== null &&
    a.serialFirst <= b.serialLast &&
    b.serialFirst <= a.serialLast
  );
}

/**
 * Overlapping issuance pairs, with the part a conversion explains and the tonnes left at risk
 * (§4.4: the smaller of both sides pro-rated by days to the overlap). Each issuance's quantity is
 * a budget spent pair by pair (in credit id order), by the tonnes a conversion explains as by
 * the tonnes at risk, so no tonne of an issuance is compared twice: the flags of one project
 * pair never add up to more than either side issued, and an ARB issuance wholly explained by the
 * conversion of one registry issuance is not then compared with the registry's other issuances
 * of that vintage (CAR issues a vintage in several rows and converts only some). Each
 * cancellation for conversion is a budget too.
 */
function overlapFindings(
  leftIssuances: readonly CreditRow[],
  rightIssuances: readonly CreditRow[],
  conversions: readonly CreditRow[],
  byVintage = false,
): OverlapFinding[] {
  const findings: OverlapFinding[] = [];
  const remaining = new Map<number, number>([...leftIssuances, ...rightIssuances].map((c) => [c.id, c.quantity]));
  const remainingConversion = new Map<number, number>(conversions.map((c) => [c.id, c.quantity]));
  for (const left of leftIssuances) {
    if (!left.period) continue;
    for (const right of rightIssuances) {
      if (!right.period || sameUnits(left, right)) continue;
      const [leftPeriod, rightPeriod] = byVintage ? comparedByVintage(left, right) : [left.period, right.period];
      const window = overlap(leftPeriod, rightPeriod);
      if (!window) continue;
      const overlapQuantity = Math.min(prorate(left.quantity, leftPeriod, window), prorate(right.quantity, rightPeriod, window));
      // The tonnes of the overlap that no earlier pair has spent, on either side.
      const comparable = Math.min(overlapQuantity, remaining.get(left.id)!, remaining.get(right.id)!);
      // Cancellations for conversion in the window explain the overlap, each tonne once.
      let explainedByConversion = 0;
      const conversionCredits: number[] = [];
      for (const c of conversions) {
        if (!c.period) continue;
        const use = Math.min(prorate(c.quantity, c.period, window), remainingConversion.get(c.id)!, comparable - explainedByConversion);
        if (use <= 0) continue;
        explainedByConversion += use;
        remainingConversion.set(c.id, remainingConversion.get(c.id)! - use);
        conversionCredits.push(c.id);
      }
      const atRisk = Math.max(0, comparable - explainedByConversion);
      remaining.set(left.id, remaining.get(left.id)! - explainedByConversion - atRisk);
      remaining.set(right.id, remaining.get(right.id)! - explainedByConversion - atRisk);
      findings.push({
        left,
        right,
        leftPeriod,
        rightPeriod,
        window,
        overlapQuantity,
        explainedByConversion,
        atRisk,
        conversionCredits,
      });
    }
  }
  return findings;
}

/**
 * The periods of an issuance pair of ARB and its offset project registry (an explicit
 * compliance pair), compared vintage for vintage when one side publishes only vintage years
 * (CAR's issuance report). Registry units are converted into ARB offsets of the same vintage,
 * while ARB's reporting periods run across years (CAFR5003-B 2013-06-24–2014-06-23, vintage
 * 2014): compared by days, a registry vintage overlaps the next ARB reporting period too, whose
 * units came from the next vintage, and its tonnes, already explained by their own
 * conversion, were counted at risk a second time. Both sides are then their vintage years.
 */
function comparedByVintage(left: CreditRow, right: CreditRow): [Period, Period] {
  const leftPeriod = left.period!;
  const rightPeriod = right.period!;
  if (leftPeriod.precision === 'day' && rightPeriod.precision === 'day') return [leftPeriod, rightPeriod];
  const vintageYear = (credit: CreditRow, period: Period): Period =>
    credit.vintageYear === null ? period : { start: `${credit.vintageYear}-01-01`, end: `${credit.vintageYear}-12-31`, precision: 'year' };
  return [vintageYear(left, leftPeriod), vintageYear(right, rightPeriod)];
}

function creditEvidence(credit: CreditRow) {
  const period = credit.period;
  return {
    creditId: credit.id,
    kind: credit.kind,
    quantity: credit.quantity,
    period: period ? formatPeriod(period) : null,
    periodPrecision: period?.precision ?? null,
    vintageYear: credit.vintageYear,
    ...(credit.useCase ? { useCase: credit.useCase } : {}),
    ...(credit.convertedTo ? { convertedToProgram: credit.convertedTo } : {}),
    ...(credit.serialNamespace ? { serialNamespace: credit.serialNamespace, serialRange: [credit.serialFirst, credit.serialLast] } : {}),
  };
}

function pairSeverity(atRisk: number, score: PairScore): FlagSeverity {
  const bySize = severityForTonnes(atRisk);
  return score.matchClass === 'possible' ? minSeverity(bySize, matchWeights.possibleMatchSeverityCap) : bySize;
}

/** Orients a pair by program then registry id, so left and right do not depend on database ids. */
function orient(a: ProjectRow, b: ProjectRow): [ProjectRow, ProjectRow] {
  const key = (p: ProjectRow) => `${p.programId}\u0000${p.registryProjectId}`;
  return key(a) <= key(b) ? [a, b] : [b, a];
}

function pairFlags(
  left: ProjectRow,
  right: ProjectRow,
  candidate: CandidateRow,
  credits: Map<number, CreditRow[]>,
  counts: Map<number, number>,
  version: number,
): DetectedFlag[] {
  const leftCredits = credits.get(left.id) ?? [];
  const rightCredits = credits.get(right.id) ?? [];
  const leftIssuances = comparableIssuances(leftCredits, left, right);
  const rightIssuances = comparableIssuances(rightCredits, right, left);

  const conversions = [
    ...matchConversions(leftCredits, rightIssuances, right.programId).map((m) => ({ ...m, from: left, to: right })),
    ...matchConversions(rightCredits, leftIssuances, left.programId).map((m) => ({ ...m, from: right, to: left })),
  ];
  const conversionCancellations = [...conversionsInto(leftCredits, right.programId), ...conversionsInto(rightCredits, left.programId)];
  const explicit = explicitReferences(left, right);
  // ARB ↔ its offset project registry: that relation by design, recorded as a cross reference.
  const compliancePair = explicit.length > 0 && (left.programKind === 'compliance' || right.programKind === 'compliance');
  const overlaps = overlapFindings(leftIssuances, rightIssuances, conversionCancellations, compliancePair);

  const equalPair = overlaps.find((o) => equalQuantities(o.left.quantity, o.right.quantity));
  const equalConversion = conversions[0];
  const equalQuantity = equalPair
    ? { left: equalPair.left.quantity, right: equalPair.right.quantity }
    : equalConversion
      ? { left: equalConversion.cancellations.reduce((s, c) => s + c.quantity, 0), right: equalConversion.received.quantity }
      : null;
  const score = scorePair(scoredProject(left), scoredProject(right), { explicit, trigramSimilarity: candidate.trigram, equalQuantity });
  if (score.matchClass === 'none') return [];

  const leftLabel = projectLabel(left);
  const rightLabel = projectLabel(right);
  const match = {
    class: score.matchClass,
    score: score.total,
    thresholds: matchWeights.thresholds,
    weightsVersion: matchWeights.version,
    blocking: candidate.sources,
  };
  const projects = { left: { projectId: left.id, label: leftLabel, name: left.name }, right: { projectId: right.id, label: rightLabel, name: right.name } };
  const flags: DetectedFlag[] = [];
  const base = (features: FeatureEvidence[]) => ({ detector: crossProgramIssuance.name, detectorVersion: version, score: score.total, evidence: { features } });

  // Conversions: reported as such, never as double issuance.
  for (const conversion of conversions) {
    const cancelled = conversion.cancellations.reduce((s, c) => s + c.quantity, 0);
    flags.push({
      ...base(score.features),
      kind: 'program_transition',
      severity: 'info',
      title: `${projectLabel(conversion.from)} units cancelled for conversion became ${projectLabel(conversion.to)} issuance ${conversion.received.id} (${tonnes(conversion.received.quantity)}, ${formatPeriod(conversion.period)}): a conversion, not a double issuance`,
      quantityAtRisk: 0,
      projects: [
        { projectId: conversion.from.id, role: 'converted from' },
        { projectId: conversion.to.id, role: 'converted to' },
      ],
      credits: [
        { creditId: conversion.received.id, role: 'issuance after conversion' },
        ...conversion.cancellations.map((c) => ({ creditId: c.id, role: 'cancellation for conversion' })),
      ],
      evidence: {
        features: score.features,
        finding: 'conversion',
        match,
        projects,
        conversion: {
          how: conversion.how,
          cancelled: round4(cancelled),
          issued: conversion.received.quantity,
          issuance: creditEvidence(conversion.received),
          cancellations: conversion.cancellations.map(creditEvidence),
        },
      },
    });
  }

  // Overlapping issuances no conversion explains: double issuance, one flag per pair of projects
  // (a reviewer decides about the two projects, not about each of their issuance pairs, which
  // at registry scale run to hundreds per pair), each overlap in its evidence.
  const unexplained = overlaps.filter((o) => o.atRisk >= matchWeights.quantityAtRiskMinimum);
  if (unexplained.length > 0) {
    const atRisk = unexplained.reduce((sum, o) => sum + o.atRisk, 0);
    const windows = span(unexplained.map((o) => o.window))!;
    const issuances = (side: 'left' | 'right') => [...new Map(unexplained.map((o) => [o[side].id, o[side]])).values()].sort((a, b) => a.id - b.id);
    const pairs = unexplained.length === 1 ? 'one pair of issuances' : `${unexplained.length} pairs of issuances`;
    flags.push({
      ...base(score.features),
      kind: 'cross_program_double_issuance',
      identity: { finding: 'overlapping issuances' },
      severity: pairSeverity(atRisk, score),
      title: `${leftLabel} and ${rightLabel} ${score.matchClass === 'same-activity' ? 'credit the same activity' : 'may credit the same activity'} for ${formatPeriod(windows)}: ${tonnes(atRisk)} at risk (${pairs})`,
      quantityAtRisk: round4(atRisk),
      projects: [
        { projectId: left.id, role: 'left' },
        { projectId: right.id, role: 'right' },
      ],
      credits: [
        ...issuances('left').map((c) => ({ creditId: c.id, role: `left ${c.kind}` })),
        ...issuances('right').map((c) => ({ creditId: c.id, role: `right ${c.kind}` })),
      ],
      evidence: {
        features: score.features,
        finding: 'overlapping issuances',
        match,
        projects,
        window: formatPeriod(windows),
        quantityAtRisk: round4(atRisk),
        rule: 'per pair of issuances: min of both pro-rated by days to the overlap, less cancellations for conversion in the window, less tonnes already at risk against other issuances of this pair of projects; summed over the pairs',
        overlaps: [...unexplained]
          .sort((a, b) => a.window.start.localeCompare(b.window.start) || a.left.id - b.left.id || a.right.id - b.right.id)
          .map((o) => ({
            left: creditEvidence(o.left),
            right: creditEvidence(o.right),
            window: formatPeriod(o.window),
            precision: o.window.precision,
            overlapQuantity: round4(o.overlapQuantity),
            explainedByConversion: round4(o.explainedByConversion),
            conversionCancellations: o.conversionCredits,
            quantityAtRisk: round4(o.atRisk),
          })),
      },
    });
  }

  if (conversions.length > 0 || unexplained.length > 0 || overlaps.length > 0) return flags;

  // No overlapping issuance: a transition when both sides hold credits, a listing duplicate when
  // at most one side ever issued. An explicit compliance pair (ARB ↔ its offset project
  // registry) is that relation by design and recorded as a cross reference already.
  const leftCount = counts.get(left.id) ?? 0;
  const rightCount = counts.get(right.id) ?? 0;
  const periodsOf = (list: readonly CreditRow[]) => span(list.map((c) => c.period).filter((p): p is Period => p !== null));
  const leftSpan = periodsOf(leftCredits);
  const rightSpan = periodsOf(rightCredits);
  if (leftCount > 0 && rightCount > 0) {
    if (compliancePair) return [];
    flags.push({
      ...base(score.features),
      kind: 'program_transition',
      severity: 'info',
      title: `${leftLabel} and ${rightLabel} ${score.matchClass === 'same-activity' ? 'are the same activity' : 'may be the same activity'}, credited for disjoint periods (${leftSpan ? formatPeriod(leftSpan) : '?'} / ${rightSpan ? formatPeriod(rightSpan) : '?'}): a transition between programs`,
      quantityAtRisk: 0,
      projects: [
        { projectId: left.id, role: 'left' },
        { projectId: right.id, role: 'right' },
      ],
      credits: [],
      evidence: {
        features: score.features,
        finding: 'disjoint credited periods',
        match,
        projects,
        periods: { left: leftSpan ? formatPeriod(leftSpan) : null, right: rightSpan ? formatPeriod(rightSpan) : null },
        credits: { left: leftCredits.map(creditEvidence), right: rightCredits.map(creditEvidence) },
      },
    });
    return flags;
  }
  if (explicit.length > 0) return [];
  const issuedSide = leftCount > 0 ? leftLabel : rightCount > 0 ? rightLabel : null;
  flags.push({
    ...base(score.features),
    kind: 'cross_program_double_issuance',
    severity: 'low',
    title: `${leftLabel} and ${rightLabel} ${score.matchClass === 'same-activity' ? 'list the same activity' : 'may list the same activity'} in two programs; ${issuedSide ? `only ${issuedSide} has credits` : 'neither has credits yet'}: probable duplicate listing`,
    quantityAtRisk: 0,
    projects: [
      { projectId: left.id, role: 'left' },
      { projectId: right.id, role: 'right' },
    ],
    credits: [],
    evidence: {
      features: score.features,
      finding: 'duplicate listing',
      match,
      projects,
      credits: { left: leftCount, right: rightCount },
    },
  });
  return flags;
}

interface HeldCerRow {
  projectId: number;
  cdmRef: string;
}

/** Projects holding CDM CERs (CDM serials in another registry), with the CDM project when it is loaded. */
async function cdmHoldings(db: Executor, version: number): Promise<DetectedFlag[]> {
  const holdings = await queryRows<HeldCerRow>(
    db,
    sql`select distinct c.project_id::int as "projectId", c.serial_parts ->> 'cdmProjectRef' as "cdmRef"
          from credits c
          join projects p on p.id = c.project_id
         where c.vanished_at is null and c.kind = 'issuance' and p.program_id <> 'cdm'
           and c.serial_parts ->> 'cdmProjectRef' is not null
         order by 1, 2`,
  );
  if (holdings.length === 0) return [];
  const projectIds = [...new Set(holdings.map((h) => h.projectId))];
  const projects = await loadProjects(db, projectIds);
  const { credits } = await loadCredits(db, projectIds);
  const cdmProjects = await queryRows<{ id: number; registryProjectId: string }>(
    db,
    sql`select id::int as id, registry_project_id as "registryProjectId" from projects
         where program_id = 'cdm' and vanished_at is null
           and registry_project_id = any (select jsonb_array_elements_text(${JSON.stringify([...new Set(holdings.map((h) => h.cdmRef))])}::jsonb))`,
  );
  const cdmByRef = new Map(cdmProjects.map((p) => [p.registryProjectId, p.id]));
  const flags: DetectedFlag[] = [];
  for (const holding of holdings) {
    const holder = projects.get(holding.projectId);
    if (!holder) continue;
    const own = credits.get(holder.id) ?? [];
    const cers = own.filter((c) => c.kind === 'issuance' && c.cdmRef === holding.cdmRef);
    const vers = own.filter((c) => c.kind === 'issuance' && c.cdmRef === null && c.productType !== 'CER');
    const label = projectLabel(holder);
    const cdmProjectId = cdmByRef.get(holding.cdmRef) ?? null;
    const stated = holder.crossReferences.filter((r) => r.programId === 'cdm' && r.registryProjectId === holding.cdmRef);
    const features: FeatureEvidence[] = [
      {
        feature: 'CDM project id in serial numbers',
        left: [...new Set(cers.map((c) => c.serialNamespace))],
        right: holding.cdmRef,
        level: 'stated in the serials',
        weight: matchWeights.weights.explicitCrossReference,
      },
      {
        feature: 'explicit cross-reference',
        left: stated.map((r) => `${r.relation} → cdm:${r.registryProjectId}`),
        right: null,
        level: stated.length > 0 ? 'stated by the registry' : 'none',
        weight: 0,
      },
    ];
    const cerSpan = span(cers.map((c) => c.period).filter((p): p is Period => p !== null));
    const projectsInvolved = [
      { projectId: holder.id, role: 'holder of CDM CERs' },
      ...(cdmProjectId !== null ? [{ projectId: cdmProjectId, role: 'CDM project' }] : []),
    ];
    flags.push({
      kind: 'program_transition',
      detector: crossProgramIssuance.name,
      detectorVersion: version,
      severity: 'info',
      score: matchWeights.weights.explicitCrossReference,
      title: `${label} holds ${tonnes(cers.reduce((s, c) => s + c.quantity, 0))} of CERs issued by CDM project ${holding.cdmRef}${cerSpan ? ` for ${formatPeriod(cerSpan)}` : ''}: units issued once by the CDM and tracked in ${programLabel(holder.programId)}, recorded as a link`,
      quantityAtRisk: 0,
      projects: projectsInvolved,
      credits: [],
      evidence: {
        features,
        finding: 'CDM CERs held in another registry',
        cdmProjectRef: holding.cdmRef,
        cdmProjectLoaded: cdmProjectId !== null,
        cers: cers.map(creditEvidence),
        rule: 'Gold Standard-labelled CERs are CDM units (one issuance); a VER of the same project for a period its CERs cover would be a second issuance (Gold Standard: each vintage is claimed once, under one scheme).',
      },
    });
    // A VER of the same project for a period its CERs already cover (when the CDM project is
    // loaded, the pair of projects is compared with the CDM's own issuances instead).
    for (const o of cdmProjectId === null ? overlapFindings(vers, cers, []) : []) {
      if (o.atRisk < matchWeights.quantityAtRiskMinimum) continue;
      flags.push({
        kind: 'cross_program_double_issuance',
        detector: crossProgramIssuance.name,
        detectorVersion: version,
        severity: severityForTonnes(o.atRisk),
        score: matchWeights.weights.explicitCrossReference,
        title: `${label} issued VERs for ${formatPeriod(o.window)}, a period its CDM CERs (project ${holding.cdmRef}) already cover: ${tonnes(o.atRisk)} at risk`,
        quantityAtRisk: round4(o.atRisk),
        projects: [{ projectId: holder.id, role: 'issuer of VERs and holder of CERs' }],
        credits: [
          { creditId: o.left.id, role: 'VER issuance' },
          { creditId: o.right.id, role: 'CDM CER issuance' },
        ],
        evidence: {
          features,
          finding: 'VER and CER issued for the same period',
          cdmProjectRef: holding.cdmRef,
          overlap: {
            left: creditEvidence(o.left),
            right: creditEvidence(o.right),
            window: formatPeriod(o.window),
            precision: o.window.precision,
            overlapQuantity: round4(o.overlapQuantity),
            quantityAtRisk: round4(o.atRisk),
            rule: 'min of both issuances pro-rated by days to the overlap',
          },
        },
      });
    }
  }
  return flags;
}

export const crossProgramIssuance: Detector = {
  name: 'cross-program-issuance',
  version: detectorVersion(CODE_REVISION, matchWeights.version, sectors.version),
  description: 'The same activity credited in two programs for overlapping periods; conversions and transitions reported as such',
  async detect(db) {
    const candidates = await candidatePairs(db);
    const projectIds = [...new Set(candidates.flatMap((c) => [c.leftId, c.rightId]))];
    const projects = await loadProjects(db, projectIds);
    const { credits, counts } = await loadCredits(db, projectIds);
    const flags: DetectedFlag[] = [];
    for (const candidate of candidates) {
      const a = projects.get(candidate.leftId);
      const b = projects.get(candidate.rightId);
      if (!a || !b) continue;
      const [left, right] = orient(a, b);
      flags.push(...pairFlags(left, right, candidate, credits, counts, crossProgramIssuance.version));
    }
    flags.push(...(await cdmHoldings(db, crossProgramIssuance.version)));
    return flags;
  },
};
