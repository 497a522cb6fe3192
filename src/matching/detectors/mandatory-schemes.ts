/**
 * Double claiming with mandatory schemes (double-counting.md §4.7, coverage test): credits for
 * an activity inside the coverage of an emissions trading system or carbon tax at that vintage.
 * A project is inside when its country (and subdivision, for subnational schemes) is in the
 * scheme's jurisdiction, its activity class (src/reference/schemes/sectors.json) is a covered
 * sector, and its credited periods overlap the years the scheme covered that sector.
 *
 * Severity comes from the reference data: direct coverage of an ETS is `high`, of a tax
 * `medium`; renewable electricity displacing covered grid emissions is `medium` for an ETS and
 * `low` for a tax. No flag when every covered issuance carries mitigating evidence (a
 * corresponding-adjustment label or an ETS exclusion); programs of kind `compliance` (ARB) are
 * the schemes' own offsets and are skipped.
 *
 * Quantity at risk: the covered issuances pro-rated by days to the covered years (retirements
 * and cancellations stand in when the data holds no issuance for the project). Identity: the
 * project, with the scheme in its role.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.ts';
import { mandatorySchemes, patterns, sectors, type MandatoryScheme } from '../../reference/schemes/index.ts';
import type { DetectedFlag, FeatureEvidence, FlagSeverity } from '../flag.ts';
import { projectActivity } from '../features/activity.ts';
import { subdivisionCodes } from '../features/location.ts';
import { creditPeriods, formatPeriod, overlap, prorate, span, type Period } from '../features/periods.ts';
import { detectorVersion, maxSeverity } from '../features/weights.ts';
import { inIds, projectLabel, round4, tonnes, type Detector } from './detector.ts';

const CODE_REVISION = 1;

interface ProjectRow {
  id: number;
  programId: string;
  registryProjectId: string;
  name: string | null;
  countryCode: string;
  subdivision: string | null;
  category: string | null;
  methodologies: { id: string; version: string | null }[];
  projectTypes: string[];
}

interface CreditRow {
  id: number;
  projectId: number;
  kind: string;
  quantity: number;
  vintageYear: number | null;
  vintageStart: string | null;
  vintageEnd: string | null;
  labels: string[];
  article6Authorization: string | null;
}

interface CoveredSector {
  sector: string;
  reason: string;
  relation: 'direct' | 'grid-displacement';
  basis: 'fact' | 'judgement';
  note: string;
  years: { from: number; to: number | null };
  jurisdiction: string;
}

const mitigating = patterns(mandatorySchemes.mitigatingEvidence.patterns);
const hasMitigation = (credit: CreditRow) =>
  [...credit.labels, credit.article6Authorization ?? ''].some((text) => mitigating.some((pattern) => pattern.test(text)));

const yearsWindow = (from: number, to: number | null): Period => ({ start: `${from}-01-01`, end: `${to ?? 9999}-12-31`, precision: 'year' });

function intersectYears(...ranges: { from?: number | undefined; to?: number | null | undefined }[]): { from: number; to: number | null } | null {
  let from = -Infinity;
  let to = Infinity;
  for (const range of ranges) {
    if (range.from !== undefined) from = Math.max(from, range.from);
    if (range.to !== undefined && range.to !== null) to = Math.min(to, range.to);
  }
  if (from > to || from === -Infinity) return null;
  return { from, to: to === Infinity ? null : to };
}

function coveredSectors(scheme: MandatoryScheme, project: ProjectRow, sectorsOfProject: { sector: string; reason: string }[], subdivisions: string[]): CoveredSector[] {
  const covered: CoveredSector[] = [];
  for (const jurisdiction of scheme.jurisdictions) {
    if (!jurisdiction.countries.includes(project.countryCode)) continue;
    if (jurisdiction.subdivisions && !jurisdiction.subdivisions.some((s) => subdivisions.includes(s))) continue;
    for (const coverage of scheme.coverage) {
      const inProject = sectorsOfProject.find((s) => s.sector === coverage.sector);
      if (!inProject) continue;
      if (jurisdiction.sectors && !jurisdiction.sectors.includes(coverage.sector)) continue;
      const years = intersectYears({ from: scheme.from, to: scheme.to }, { from: jurisdiction.from, to: jurisdiction.to }, { from: coverage.from, to: coverage.to });
      if (!years) continue;
      covered.push({
        sector: coverage.sector,
        reason: inProject.reason,
        relation: coverage.relation,
        basis: coverage.basis,
        note: coverage.note,
        years,
        jurisdiction: [jurisdiction.countries.length > 3 ? `${jurisdiction.countries.length} countries` : jurisdiction.countries.join(', '), ...(jurisdiction.subdivisions ?? [])].join(' / '),
      });
    }
  }
  return covered;
}

export const mandatorySchemeCoverage: Detector = {
  name: 'mandatory-schemes',
  version: detectorVersion(CODE_REVISION, mandatorySchemes.version, sectors.version),
  description: 'Credits for activities inside the coverage of an ETS or carbon tax at that vintage',
  async detect(db) {
    const countries = [...new Set(mandatorySchemes.schemes.filter((s) => s.obligations).flatMap((s) => s.jurisdictions.flatMap((j) => j.countries)))];
    const projects = await queryRows<ProjectRow>(
      db,
      sql`select p.id::int as id, p.program_id as "programId", p.registry_project_id as "registryProjectId", p.name,
                 p.country_code as "countryCode", p.subdivision, p.category, p.methodologies, p.project_types as "projectTypes"
            from projects p join programs g on g.id = p.program_id
           where p.vanished_at is null and g.kind <> 'compliance'
             and p.country_code = any (select jsonb_array_elements_text(${JSON.stringify(countries)}::jsonb))
           order by p.id`,
    );
    const candidates = projects
      .map((project) => ({ project, activity: projectActivity(project), subdivisions: subdivisionCodes(project.countryCode, project.subdivision) }))
      .filter((c) => c.activity.sectors.length > 0);
    if (candidates.length === 0) return [];
    const credits = await queryRows<CreditRow>(
      db,
      sql`select c.id::int as id, c.project_id::int as "projectId", c.kind::text as kind, c.quantity::float8 as quantity, c.vintage_year as "vintageYear",
                 c.vintage_start::text as "vintageStart", c.vintage_end::text as "vintageEnd", c.labels, c.article6_authorization as "article6Authorization"
            from credits c
           where c.vanished_at is null and ${inIds(sql`c.project_id`, candidates.map((c) => c.project.id))}
             and (c.kind = 'issuance'
                  or not exists (select 1 from credits i where i.project_id = c.project_id and i.kind = 'issuance' and i.vanished_at is null))
           order by c.id`,
    );
    const byProject = new Map<number, CreditRow[]>();
    for (const credit of credits) byProject.set(credit.projectId, [...(byProject.get(credit.projectId) ?? []), credit]);
    const periods = creditPeriods(credits);

    const flags: DetectedFlag[] = [];
    for (const { project, activity, subdivisions } of candidates) {
      const own = byProject.get(project.id) ?? [];
      if (own.length === 0) continue;
      for (const scheme of mandatorySchemes.schemes) {
        if (!scheme.obligations) continue;
        const covered = coveredSectors(scheme, project, activity.sectors, subdivisions);
        if (covered.length === 0) continue;
        let quantity = 0;
        let mitigated = 0;
        const coveredCredits: { creditId: number; kind: string; quantity: number; period: string; coveredQuantity: number; mitigation: boolean }[] = [];
        const coveredPeriods: Period[] = [];
        for (const credit of own) {
          const period = periods.get(credit.id) ?? null;
          if (!period) continue;
          // The widest window any covered sector gives; each credit counted once.
          let share = 0;
          for (const c of covered) share = Math.max(share, prorate(credit.quantity, period, yearsWindow(c.years.from, c.years.to)));
          if (share <= 0) continue;
          const windowed = covered.map((c) => overlap(period, yearsWindow(c.years.from, c.years.to))).find((p) => p !== null);
          if (windowed) coveredPeriods.push(windowed);
          const mitigation = hasMitigation(credit);
          if (mitigation) mitigated += share;
          else quantity += share;
          coveredCredits.push({ creditId: credit.id, kind: credit.kind, quantity: credit.quantity, period: formatPeriod(period), coveredQuantity: round4(share), mitigation });
        }
        if (coveredCredits.length === 0 || quantity <= 0) continue;
        const severity = covered.reduce<FlagSeverity>((max, c) => maxSeverity(max, mandatorySchemes.severity[scheme.type][c.relation]), 'info');
        const strongest = covered.find((c) => c.relation === 'direct') ?? covered[0]!;
        const coveredSpan = span(coveredPeriods);
        const label = projectLabel(project);
        const features: FeatureEvidence[] = [
          {
            feature: 'jurisdiction',
            left: [project.countryCode, ...subdivisions],
            right: [...new Set(covered.map((c) => c.jurisdiction))],
            level: 'inside',
            weight: 0,
          },
          ...covered.map((c) => ({
            feature: `sector ${c.sector}`,
            left: c.reason,
            right: `${scheme.name}: ${c.note}`,
            level: `${c.relation} (${c.basis})`,
            weight: 0,
          })),
          {
            feature: 'period',
            left: coveredSpan ? formatPeriod(coveredSpan) : null,
            right: [...new Set(covered.map((c) => `${c.years.from}–${c.years.to ?? 'open'}`))],
            level: 'overlap',
            weight: 0,
          },
          {
            feature: 'mitigating evidence',
            left: coveredCredits.filter((c) => c.mitigation).map((c) => c.creditId),
            right: mandatorySchemes.mitigatingEvidence.patterns,
            level: mitigated > 0 ? 'on some credits' : 'none found',
            weight: 0,
          },
        ];
        flags.push({
          kind: 'mandatory_scheme_coverage',
          detector: mandatorySchemeCoverage.name,
          detectorVersion: mandatorySchemeCoverage.version,
          severity,
          score: (strongest.relation === 'direct' ? 2 : 1) + (strongest.basis === 'fact' ? 1 : 0),
          title: `${label} (${strongest.sector.replace(/-/g, ' ')}, ${project.countryCode}) is credited for ${coveredSpan ? formatPeriod(coveredSpan) : 'years'} inside the coverage of the ${scheme.name}: ${tonnes(quantity)} may also count under the ${scheme.type === 'ets' ? 'cap' : 'tax'}`,
          quantityAtRisk: round4(quantity),
          projects: [{ projectId: project.id, role: `inside ${scheme.id}` }],
          credits: [],
          evidence: {
            features,
            scheme: { id: scheme.id, name: scheme.name, type: scheme.type, tag: scheme.tag, sources: scheme.sources, offsets: scheme.offsets },
            coverage: covered,
            credits: coveredCredits,
            mitigatedQuantity: round4(mitigated),
            referenceVersion: { version: mandatorySchemes.version, asOf: mandatorySchemes.asOf },
            rule: 'project country/subdivision in the jurisdiction, activity class in a covered sector, credited period within the covered years, no mitigating evidence (§4.7). Score: 3 direct fact, 2 direct judgement or displacement fact, 1 displacement judgement.',
          },
        });
      }
    }
    return flags;
  },
};
