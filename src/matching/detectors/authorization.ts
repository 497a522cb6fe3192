/**
 * Double claiming through scheme uses and Article 6 (double-counting.md §2.6–2.8, §4.7 use and
 * Article 6 tests), from src/reference/schemes/scheme-uses.json:
 *
 * - CORSIA uses (ART `CORSIA Compliance`, Gold Standard `Aeroplane Operator Name`, any use text
 *   naming CORSIA) of vintages from 2021 need the host's authorization and a corresponding
 *   adjustment; a use without both in the registry record is `missing_authorization` —
 *   `low` when the registry labels the units eligible for the first phase (the program attests
 *   it checked), `medium` otherwise.
 * - Tax uses (Colombian carbon tax, Chilean green tax, South African carbon tax, Singapore's ICC
 *   use) are checked against the scheme's rules that registry data can show: host country,
 *   earliest reduction date, age at use, the registry's eligibility marking (Cercarbono `ICC`),
 *   a corresponding adjustment where required. A use breaking one is `missing_authorization`.
 * - Units carrying an Article 6 authorization without a corresponding adjustment published for
 *   them are `missing_corresponding_adjustment`: `medium` once such units were retired or
 *   cancelled (a claim was made), `low` while they are only issued.
 *
 * Identity: the use (retirement or cancellation) for uses; the project for Article 6 units.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { mandatorySchemes, patterns, schemeUses, type TaxUse } from '../../reference/schemes/index.ts';
import type { DetectedFlag, FeatureEvidence } from '../flag.ts';
import { creditPeriod, formatPeriod } from '../features/periods.ts';
import { detectorVersion } from '../features/weights.ts';
import { projectLabel, round4, tonnes, type Detector } from './detector.ts';

const CODE_REVISION = 1;

interface UseRow {
  id: number;
  projectId: number;
  programId: string;
  registryProjectId: string;
  countryCode: string | null;
  kind: string;
  quantity: number;
  vintageYear: number | null;
  vintageStart: string | null;
  vintageEnd: string | null;
  transactionDate: string | null;
  useCase: string | null;
  retirementReason: string | null;
  retirementNote: string | null;
  beneficiary: string | null;
  labels: string[];
  article6Authorization: string | null;
  aeroplaneOperator: string | null;
  impliedUse: string | null;
  issuanceId: number | null;
  issuanceLabels: string[] | null;
  issuanceStart: string | null;
  issuanceEnd: string | null;
  issuanceVintage: number | null;
}

interface Article6Row {
  id: number;
  projectId: number;
  programId: string;
  registryProjectId: string;
  kind: string;
  quantity: number;
  vintageYear: number | null;
  labels: string[];
  article6Authorization: string | null;
  retirementReason: string | null;
  retirementNote: string | null;
}

const article6 = schemeUses.article6;
const authorizationPatterns = patterns(article6.authorizationPatterns);
const caPatterns = patterns(article6.correspondingAdjustmentPatterns);
const notAuthorized = patterns(article6.notAuthorizedPatterns);
const corsiaPatterns = patterns(schemeUses.corsia.usePatterns);
const corsiaEligibility = patterns(schemeUses.corsia.eligibilityLabelPatterns);

/** JavaScript patterns in PostgreSQL's regex dialect (`\b` is a backspace there; `\y` is a word boundary). */
const toPostgres = (list: readonly string[]) => list.map((p) => `(${p.replace(/\\b/g, '\\y')})`).join('|');

const anyMatch = (texts: readonly (string | null)[], list: readonly RegExp[]) => texts.some((t) => t !== null && list.some((p) => p.test(t)));

function authorizationEvidence(labels: readonly string[], field: string | null): { authorized: string[]; adjusted: string[] } {
  const texts = [...labels, ...(field ? field.split(/;\s*/) : [])].filter((t) => !notAuthorized.some((p) => p.test(t.trim())));
  return {
    authorized: texts.filter((t) => authorizationPatterns.some((p) => p.test(t)) || caPatterns.some((p) => p.test(t))),
    adjusted: texts.filter((t) => caPatterns.some((p) => p.test(t))),
  };
}

async function loadUses(db: Executor): Promise<UseRow[]> {
  const usePattern = toPostgres([...schemeUses.corsia.usePatterns, ...schemeUses.taxUses.flatMap((t) => t.usePatterns)]);
  return queryRows<UseRow>(
    db,
    sql`
      select u.id::int as id, u.project_id::int as "projectId", u.program_id as "programId", p.registry_project_id as "registryProjectId",
             p.country_code as "countryCode", u.kind::text as kind, u.quantity::float8 as quantity, u.vintage_year as "vintageYear",
             u.vintage_start::text as "vintageStart", u.vintage_end::text as "vintageEnd", u.transaction_date::text as "transactionDate",
             u.use_case as "useCase", u.retirement_reason as "retirementReason", u.retirement_note as "retirementNote", u.beneficiary,
             u.labels, u.article6_authorization as "article6Authorization",
             u.attributes ->> 'aeroplaneOperatorName' as "aeroplaneOperator", u.attributes ->> 'impliedUse' as "impliedUse",
             i.id::int as "issuanceId", i.labels as "issuanceLabels", i.vintage_start::text as "issuanceStart",
             i.vintage_end::text as "issuanceEnd", i.vintage_year as "issuanceVintage"
        from credits u
        join projects p on p.id = u.project_id
        left join lateral (
          -- The issued block the units came from: the issuance whose serial names the block, or
          -- whose range holds the units; failing that, an issuance of the same project and vintage.
          select i.* from credits i
           where i.project_id = u.project_id and i.kind = 'issuance' and i.vanished_at is null
           order by (i.serial_number = u.serial_namespace or i.serial_number = u.serial_number) desc nulls last,
                    (i.serial_namespace = u.serial_namespace and u.serial_first between i.serial_first and i.serial_last) desc nulls last,
                    (i.vintage_year = u.vintage_year) desc nulls last, i.id
           limit 1
        ) i on true
       where u.vanished_at is null and u.kind in ('retirement', 'cancellation')
         and (concat_ws(' ', u.use_case, u.retirement_reason, u.retirement_note) ~* ${usePattern}
              or u.use_case ~* '^compliance$'
              or u.attributes ? 'aeroplaneOperatorName')
       order by u.id`,
  );
}

function useTexts(use: UseRow): (string | null)[] {
  return [use.useCase, use.retirementReason, use.retirementNote];
}

function useEvidence(use: UseRow) {
  return {
    creditId: use.id,
    kind: use.kind,
    quantity: use.quantity,
    vintageYear: use.vintageYear,
    transactionDate: use.transactionDate,
    useCase: use.useCase,
    retirementReason: use.retirementReason,
    retirementNote: use.retirementNote,
    beneficiary: use.beneficiary,
    ...(use.aeroplaneOperator ? { aeroplaneOperator: use.aeroplaneOperator } : {}),
    labels: use.labels,
    article6Authorization: use.article6Authorization,
    issuance: use.issuanceId === null ? null : { creditId: use.issuanceId, labels: use.issuanceLabels, period: use.issuanceStart && use.issuanceEnd ? `${use.issuanceStart}–${use.issuanceEnd}` : null, vintageYear: use.issuanceVintage },
  };
}

function corsiaFlag(use: UseRow, version: number): DetectedFlag | null {
  const vintage = use.vintageYear ?? use.issuanceVintage;
  if (vintage === null || vintage < schemeUses.corsia.authorizationRequiredFromVintage) return null;
  const labels = [...use.labels, ...(use.issuanceLabels ?? [])];
  const evidence = authorizationEvidence(labels, use.article6Authorization);
  if (evidence.authorized.length > 0 && evidence.adjusted.length > 0) return null;
  const eligibility = labels.filter((l) => corsiaEligibility.some((p) => p.test(l)));
  const label = projectLabel(use);
  const features: FeatureEvidence[] = [
    { feature: 'use', left: useTexts(use).filter((t) => t !== null), right: schemeUses.corsia.usePatterns, level: 'CORSIA use', weight: 0 },
    { feature: 'vintage', left: vintage, right: `≥ ${schemeUses.corsia.authorizationRequiredFromVintage}`, level: 'authorization and corresponding adjustment required', weight: 0 },
    { feature: 'host authorization', left: evidence.authorized, right: article6.authorizationPatterns, level: evidence.authorized.length > 0 ? 'published' : 'not published', weight: 0 },
    { feature: 'corresponding adjustment', left: evidence.adjusted, right: article6.correspondingAdjustmentPatterns, level: evidence.adjusted.length > 0 ? 'published' : 'not published', weight: 0 },
    { feature: 'registry eligibility label', left: eligibility, right: schemeUses.corsia.eligibilityLabelPatterns, level: eligibility.length > 0 ? 'the program labels the units eligible' : 'none', weight: 0 },
  ];
  const missing = [evidence.authorized.length === 0 ? 'authorization' : null, evidence.adjusted.length === 0 ? 'corresponding adjustment' : null].filter(Boolean).join(' or ');
  return {
    kind: 'missing_authorization',
    detector: authorization.name,
    detectorVersion: version,
    severity: eligibility.length > 0 ? schemeUses.corsia.severity.withRegistryEligibilityLabel : schemeUses.corsia.severity.withoutEvidence,
    score: eligibility.length > 0 ? 1 : 2,
    title: `${label}: ${tonnes(use.quantity)} of vintage ${vintage} ${use.kind === 'cancellation' ? 'cancelled' : 'retired'} for CORSIA without the ${missing} the registry record would show${eligibility.length > 0 ? ' (the program labels them first-phase eligible)' : ''}`,
    quantityAtRisk: round4(use.quantity),
    projects: [{ projectId: use.projectId, role: 'project of the units used' }],
    credits: [{ creditId: use.id, role: 'CORSIA use' }],
    evidence: {
      features,
      scheme: { id: schemeUses.corsia.id, requirement: schemeUses.corsia.requirement, sources: schemeUses.corsia.sources },
      use: useEvidence(use),
      rule: 'CORSIA first-phase units (vintages from 2021) need the host Letter of Authorization and a corresponding adjustment. Score: 2 without any registry evidence, 1 with the program\'s eligibility label.',
    },
  };
}

function isTaxUse(use: UseRow, tax: TaxUse): boolean {
  if (anyMatch(useTexts(use), patterns(tax.usePatterns))) return true;
  return tax.bareComplianceUseInCountry && /^compliance$/i.test(use.useCase?.trim() ?? '') && use.countryCode !== null && (tax.hostCountries ?? []).includes(use.countryCode);
}

function taxFlag(use: UseRow, tax: TaxUse, version: number): DetectedFlag | null {
  const problems: string[] = [];
  const features: FeatureEvidence[] = [{ feature: 'use', left: useTexts(use).filter((t) => t !== null), right: tax.usePatterns, level: `${tax.scheme} use`, weight: 0 }];
  if (tax.hostCountries) {
    const inside = use.countryCode !== null && tax.hostCountries.includes(use.countryCode);
    if (!inside) problems.push(`project in ${use.countryCode ?? 'an unknown country'}, not ${tax.hostCountries.join('/')}`);
    features.push({ feature: 'host country', left: use.countryCode, right: tax.hostCountries, level: inside ? 'inside' : 'outside', weight: 0 });
  }
  const period = creditPeriod({ vintageStart: use.issuanceStart ?? use.vintageStart, vintageEnd: use.issuanceEnd ?? use.vintageEnd, vintageYear: use.vintageYear ?? use.issuanceVintage });
  if (tax.minReductionDate) {
    const vintageTooEarly = use.vintageYear !== null && use.vintageYear < Number(tax.minReductionDate.slice(0, 4));
    const periodTooEarly = period !== null && period.precision === 'day' && period.start < tax.minReductionDate;
    if (vintageTooEarly || periodTooEarly) problems.push(`reductions before ${tax.minReductionDate}`);
    features.push({
      feature: 'reduction period',
      left: { vintageYear: use.vintageYear, period: period ? formatPeriod(period) : null },
      right: `from ${tax.minReductionDate}`,
      level: vintageTooEarly || periodTooEarly ? 'starts before the scheme allows' : 'within',
      weight: 0,
    });
  }
  if (tax.maxYearsAfterVintage !== null && use.transactionDate && use.vintageYear !== null) {
    const age = Number(use.transactionDate.slice(0, 4)) - use.vintageYear;
    if (age > tax.maxYearsAfterVintage) problems.push(`used ${age} years after the vintage (at most ${tax.maxYearsAfterVintage})`);
    features.push({ feature: 'age at use', left: age, right: `≤ ${tax.maxYearsAfterVintage} years`, level: age > tax.maxYearsAfterVintage ? 'too old' : 'within', weight: 0 });
  }
  let eligible = false;
  if (tax.eligibilityLabel && tax.eligibilityLabel.programs.includes(use.programId)) {
    const pattern = new RegExp(tax.eligibilityLabel.pattern, 'i');
    eligible = [...(use.issuanceLabels ?? []), ...use.labels].some((l) => pattern.test(l));
    if (!eligible) problems.push('units not marked eligible for the tax by the registry');
    features.push({
      feature: 'registry eligibility marking',
      left: use.issuanceLabels ?? use.labels,
      right: tax.eligibilityLabel.pattern,
      level: eligible ? 'marked eligible' : use.issuanceId === null ? 'issuance not found' : 'not marked',
      weight: 0,
    });
  }
  if (tax.requiresCorrespondingAdjustment) {
    const evidence = authorizationEvidence([...use.labels, ...(use.issuanceLabels ?? [])], use.article6Authorization);
    if (evidence.adjusted.length === 0) problems.push('no corresponding adjustment published');
    features.push({ feature: 'corresponding adjustment', left: evidence.adjusted, right: article6.correspondingAdjustmentPatterns, level: evidence.adjusted.length > 0 ? 'published' : 'not published', weight: 0 });
  }
  if (problems.length === 0) return null;
  const label = projectLabel(use);
  return {
    kind: 'missing_authorization',
    detector: authorization.name,
    detectorVersion: version,
    severity: eligible ? schemeUses.taxUseSeverity.withRegistryEligibilityLabel : schemeUses.taxUseSeverity.withoutEvidence,
    score: problems.length,
    title: `${label}: ${tonnes(use.quantity)} ${use.kind === 'cancellation' ? 'cancelled' : 'retired'} for the ${mandatorySchemes.schemes.find((s) => s.id === tax.scheme)?.name ?? tax.scheme} outside its rules: ${problems.join('; ')}${eligible ? ' (the registry marks the units eligible)' : ''}`,
    quantityAtRisk: round4(use.quantity),
    projects: [{ projectId: use.projectId, role: 'project of the units used' }],
    credits: [{ creditId: use.id, role: `${tax.id} use` }],
    evidence: {
      features,
      problems,
      scheme: { id: tax.scheme, requirement: tax.requirement, sources: tax.sources },
      use: useEvidence(use),
      rule: 'a tax use must meet the scheme\'s rules the registry data can show. Score: number of rules broken.',
    },
  };
}

async function article6Flags(db: Executor, version: number): Promise<DetectedFlag[]> {
  const pattern = toPostgres([...article6.authorizationPatterns, ...article6.correspondingAdjustmentPatterns]);
  const rows = await queryRows<Article6Row>(
    db,
    sql`select c.id::int as id, c.project_id::int as "projectId", c.program_id as "programId", p.registry_project_id as "registryProjectId",
               c.kind::text as kind, c.quantity::float8 as quantity, c.vintage_year as "vintageYear", c.labels,
               c.article6_authorization as "article6Authorization", c.retirement_reason as "retirementReason", c.retirement_note as "retirementNote"
          from credits c join projects p on p.id = c.project_id
         where c.vanished_at is null
           and (c.article6_authorization ~* ${pattern} or exists (select 1 from unnest(c.labels) l where l ~* ${pattern}))
         order by c.project_id, c.id`,
  );
  const byProject = new Map<number, { row: Article6Row; authorized: string[] }[]>();
  for (const row of rows) {
    const evidence = authorizationEvidence(row.labels, row.article6Authorization);
    if (evidence.authorized.length === 0 || evidence.adjusted.length > 0) continue;
    byProject.set(row.projectId, [...(byProject.get(row.projectId) ?? []), { row, authorized: evidence.authorized }]);
  }
  const flags: DetectedFlag[] = [];
  for (const [projectId, units] of byProject) {
    const first = units[0]!.row;
    const issued = units.filter((u) => u.row.kind === 'issuance');
    const used = units.filter((u) => u.row.kind !== 'issuance');
    const issuedQuantity = issued.reduce((s, u) => s + u.row.quantity, 0);
    const usedQuantity = used.reduce((s, u) => s + u.row.quantity, 0);
    const atRisk = issued.length > 0 ? issuedQuantity : usedQuantity;
    const authorizations = [...new Set(units.flatMap((u) => u.authorized))].sort();
    const vintages = [...new Set(units.map((u) => u.row.vintageYear).filter((v): v is number => v !== null))].sort();
    const label = projectLabel(first);
    const features: FeatureEvidence[] = [
      { feature: 'host authorization', left: authorizations, right: article6.authorizationPatterns, level: 'published', weight: 0 },
      { feature: 'corresponding adjustment', left: [], right: article6.correspondingAdjustmentPatterns, level: 'not published', weight: 0 },
      { feature: 'use of the authorized units', left: round4(usedQuantity), right: round4(issuedQuantity), level: used.length > 0 ? 'retired or cancelled' : 'issued only', weight: 0 },
    ];
    flags.push({
      kind: 'missing_corresponding_adjustment',
      detector: authorization.name,
      detectorVersion: version,
      severity: used.length > 0 ? article6.severity.used : article6.severity.held,
      score: used.length > 0 ? 2 : 1,
      title: `${label}: ${tonnes(atRisk)} of Article 6 authorized units (vintage ${vintages.join(', ')}) without a corresponding adjustment published${used.length > 0 ? `, ${tonnes(usedQuantity)} of them already retired or cancelled` : ''}`,
      quantityAtRisk: round4(atRisk),
      projects: [{ projectId, role: 'host-authorized project' }],
      credits: [],
      evidence: {
        features,
        authorizations,
        vintages,
        issued: issued.map((u) => ({ creditId: u.row.id, quantity: u.row.quantity, vintageYear: u.row.vintageYear })),
        used: used.map((u) => ({ creditId: u.row.id, kind: u.row.kind, quantity: u.row.quantity, vintageYear: u.row.vintageYear, reason: u.row.retirementReason, note: u.row.retirementNote })),
        rule: 'authorized units need a corresponding adjustment by the host; until the registry shows one (Verra `Article 6 Correspondingly Adjusted`, CAR `Corresponding Adjustment` Yes), the host\'s NDC may count the same tonnes. Score: 2 once used, 1 while held.',
        sources: article6.sources,
      },
    });
  }
  return flags;
}

export const authorization: Detector = {
  name: 'authorization',
  version: detectorVersion(CODE_REVISION, schemeUses.version),
  description: 'CORSIA and tax uses without the authorization the scheme requires; Article 6 authorizations without a corresponding adjustment',
  async detect(db) {
    const flags: DetectedFlag[] = [];
    for (const use of await loadUses(db)) {
      const corsia = anyMatch(useTexts(use), corsiaPatterns) || use.aeroplaneOperator !== null || use.impliedUse === 'CORSIA';
      if (corsia) {
        const flag = corsiaFlag(use, authorization.version);
        if (flag) flags.push(flag);
        continue;
      }
      const tax = schemeUses.taxUses.find((t) => isTaxUse(use, t));
      if (!tax) continue;
      const flag = taxFlag(use, tax, authorization.version);
      if (flag) flags.push(flag);
    }
    flags.push(...(await article6Flags(db, authorization.version)));
    return flags;
  },
};
