/**
 * Double claiming with other environmental markets (double-counting.md §4.7, RECs / I-RECs):
 * grid renewable electricity credited where a certificate market operates, so the same MWh can
 * also be sold as a REC, I-REC or guarantee of origin. The evidence lies in certificate
 * registries the hub does not read, so this is a lower-severity risk (`low`), raised unless the
 * registry record says certificates are excluded; each country row in
 * src/reference/schemes/certificate-markets.json says whether the market's presence is sourced
 * or still to confirm.
 *
 * Quantity at risk: the project's issued units (retirements and cancellations stand in when the
 * data holds no issuance). Identity: the project.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.ts';
import { certificateMarkets, patterns, sectors } from '../../reference/schemes/index.ts';
import type { DetectedFlag } from '../flag.ts';
import { projectActivity } from '../features/activity.ts';
import { creditPeriod, formatPeriod, span, type Period } from '../features/periods.ts';
import { detectorVersion } from '../features/weights.ts';
import { inIds, projectLabel, round4, tonnes, type Detector } from './detector.ts';

const CODE_REVISION = 1;

interface ProjectRow {
  id: number;
  programId: string;
  registryProjectId: string;
  name: string | null;
  countryCode: string;
  category: string | null;
  methodologies: { id: string; version: string | null }[];
  projectTypes: string[];
  additionalCertifications: string[];
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
}

const exclusions = patterns(certificateMarkets.exclusionPatterns);

const marketsByCountry = new Map<string, { market: string; shortName: string; name: string; basis: string; note?: string; sources: string[] }[]>();
for (const market of certificateMarkets.markets) {
  for (const country of market.countries) {
    const list = marketsByCountry.get(country.code) ?? [];
    list.push({ market: market.id, shortName: market.shortName, name: market.name, basis: country.basis, ...(country.note ? { note: country.note } : {}), sources: market.sources });
    marketsByCountry.set(country.code, list);
  }
}

export const certificateMarketOverlap: Detector = {
  name: 'certificate-markets',
  version: detectorVersion(CODE_REVISION, certificateMarkets.version, sectors.version),
  description: 'Grid renewable electricity credited where renewable energy certificate markets operate',
  async detect(db) {
    const projects = await queryRows<ProjectRow>(
      db,
      sql`select p.id::int as id, p.program_id as "programId", p.registry_project_id as "registryProjectId", p.name,
                 p.country_code as "countryCode", p.category, p.methodologies, p.project_types as "projectTypes",
                 p.additional_certifications as "additionalCertifications"
            from projects p
           where p.vanished_at is null
             and p.country_code = any (select jsonb_array_elements_text(${JSON.stringify([...marketsByCountry.keys()])}::jsonb))
           order by p.id`,
    );
    const candidates = projects
      .map((project) => ({ project, sector: projectActivity(project).sectors.find((s) => s.sector === certificateMarkets.sector) }))
      .filter((c): c is { project: ProjectRow; sector: { sector: string; reason: string } } => c.sector !== undefined);
    if (candidates.length === 0) return [];
    const credits = await queryRows<CreditRow>(
      db,
      sql`select c.id::int as id, c.project_id::int as "projectId", c.kind::text as kind, c.quantity::float8 as quantity, c.vintage_year as "vintageYear",
                 c.vintage_start::text as "vintageStart", c.vintage_end::text as "vintageEnd", c.labels
            from credits c
           where c.vanished_at is null and ${inIds(sql`c.project_id`, candidates.map((c) => c.project.id))}
             and (c.kind = 'issuance'
                  or not exists (select 1 from credits i where i.project_id = c.project_id and i.kind = 'issuance' and i.vanished_at is null))
           order by c.id`,
    );
    const byProject = new Map<number, CreditRow[]>();
    for (const credit of credits) byProject.set(credit.projectId, [...(byProject.get(credit.projectId) ?? []), credit]);

    const flags: DetectedFlag[] = [];
    for (const { project, sector } of candidates) {
      const own = byProject.get(project.id) ?? [];
      if (own.length === 0) continue;
      const excluded = [...project.additionalCertifications, ...own.flatMap((c) => c.labels)].filter((text) => exclusions.some((p) => p.test(text)));
      if (excluded.length > 0) continue;
      const markets = marketsByCountry.get(project.countryCode) ?? [];
      const quantity = own.reduce((s, c) => s + c.quantity, 0);
      const credited = span(own.map(creditPeriod).filter((p): p is Period => p !== null));
      const sourced = markets.some((m) => m.basis === 'source');
      const label = projectLabel(project);
      flags.push({
        kind: 'certificate_market_overlap',
        detector: certificateMarketOverlap.name,
        detectorVersion: certificateMarketOverlap.version,
        severity: certificateMarkets.severity,
        score: sourced ? 2 : 1,
        title: `${label} credits grid renewable electricity in ${project.countryCode}, where ${markets.map((m) => m.shortName).join(' and ')} certificates can be issued for the same MWh: ${tonnes(quantity)} at risk of a double claim`,
        quantityAtRisk: round4(quantity),
        projects: [{ projectId: project.id, role: `grid renewables in ${project.countryCode}` }],
        credits: [],
        evidence: {
          features: [
            { feature: 'activity', left: sector.reason, right: certificateMarkets.sector, level: 'grid renewable electricity', weight: 0 },
            { feature: 'certificate market', left: project.countryCode, right: markets.map((m) => `${m.name} (${m.basis})`), level: sourced ? 'operates (sourced)' : 'operates (to confirm)', weight: 0 },
            { feature: 'certificate exclusion', left: [], right: certificateMarkets.exclusionPatterns, level: 'none published', weight: 0 },
          ],
          markets,
          credited: credited ? formatPeriod(credited) : null,
          credits: own.map((c) => ({ creditId: c.id, kind: c.kind, quantity: c.quantity, vintageYear: c.vintageYear })),
          referenceVersion: { version: certificateMarkets.version, asOf: certificateMarkets.asOf },
          rule: 'a carbon credit and a renewable energy certificate for the same MWh double claim; the certificate side is outside the hub, so this is a risk to check, not a finding. Score: 2 when the market is sourced, 1 when to confirm.',
        },
      });
    }
    return flags;
  },
};
