/**
 * Over-retirement within one registry (double-counting.md §4.6): more retired and cancelled
 * than issued.
 *
 * - Per issued block, where issuances carry serials: the retirements and cancellations of the
 *   same namespace whose first unit lies in the block's range (counting only the units inside;
 *   a range scan on the serial index — a retirement straddling two blocks is counted in the one
 *   it starts in), or —
 *   for registries whose issuance serial names the block that retirements cite as their
 *   namespace (Cercarbono) — every retirement of that block.
 * - Per project and vintage, where the registry publishes no issuance serials (ARB, ACR, CAR,
 *   ART, Isometric): retired + cancelled > issued, counted only when the data holds at least
 *   one issuance for that project-vintage (a registry sample without the issuance rows is not
 *   evidence of over-retirement).
 *
 * Severity by the excess, never below `medium`. Identity: the issued block; or the project with
 * the vintage in its role (retirement rows keep arriving, so they are evidence, not identity).
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client.ts';
import type { DetectedFlag } from '../flag.ts';
import { detectorVersion, matchWeights, maxSeverity, severityForTonnes } from '../features/weights.ts';
import { projectLabel, round4, tonnes, type Detector } from './detector.ts';

const CODE_REVISION = 1;

/** Half a tonne: quantities are whole units, numeric(20,4) in the database. */
const TOLERANCE = 0.5;

interface BlockRow {
  issuanceId: number;
  projectId: number;
  programId: string;
  registryProjectId: string;
  serialNumber: string | null;
  namespace: string;
  first: number | null;
  last: number | null;
  issued: number;
  vintageYear: number | null;
  used: number;
  uses: { id: number; kind: string; quantity: number; unitsInBlock: number; date: string | null }[];
}

interface ProjectVintageRow {
  projectId: number;
  programId: string;
  registryProjectId: string;
  vintageYear: number;
  issued: number;
  retired: number;
  cancelled: number;
  issuances: number[];
  uses: { id: number; kind: string; quantity: number; date: string | null; useCase: string | null }[];
}

function severity(excess: number) {
  return maxSeverity(severityForTonnes(excess), matchWeights.withinRegistrySeverityFloor);
}

export const overRetirement: Detector = {
  name: 'over-retirement',
  version: detectorVersion(CODE_REVISION, matchWeights.version),
  description: 'More retired and cancelled than issued, per serial block or per project-vintage',
  async detect(db) {
    const blocks = await queryRows<BlockRow>(
      db,
      sql`
        with issued as (
          select i.id, i.project_id, i.program_id, i.serial_number, i.quantity, i.vintage_year,
                 coalesce(i.serial_namespace, i.serial_number) as namespace,
                 case when i.serial_namespace is not null then i.serial_first end as first,
                 case when i.serial_namespace is not null then i.serial_last end as last
            from credits i
           where i.kind = 'issuance' and i.vanished_at is null
             and (i.serial_first is not null or i.serial_number is not null)
        ),
        -- Two branches rather than one join on an OR, which no index serves: blocks known by
        -- their serial number alone, and blocks with a unit range, whose uses are looked up by
        -- range (LATERAL, kept apart by OFFSET 0: both bounds on credits_serial, whatever the
        -- namespace's size).
        use_rows as (
          select i.id as issuance_id, u.id, u.kind::text as kind, u.quantity, u.transaction_date, u.quantity as units
            from issued i
            join credits u on u.program_id = i.program_id and u.serial_namespace = i.serial_number
                          and u.kind in ('retirement', 'cancellation') and u.vanished_at is null
           where i.first is null
          union all
          select i.id, u.id, u.kind::text, u.quantity, u.transaction_date,
                 greatest(0, least(i.last, u.serial_last) - greatest(i.first, u.serial_first) + 1)
            from issued i
            cross join lateral (
              select * from credits u
               where u.program_id = i.program_id and u.serial_namespace = i.namespace
                 and u.serial_first between i.first and i.last
                 and u.kind in ('retirement', 'cancellation') and u.vanished_at is null
              offset 0
            ) u
           where i.first is not null
        ),
        -- Sums first: the uses are listed (jsonb) only for the few blocks used beyond their size.
        overused as (
          select i.id, sum(u.units) as used
            from issued i
            join use_rows u on u.issuance_id = i.id
           group by i.id, i.quantity
          having sum(u.units) > i.quantity + ${TOLERANCE}
        )
        select i.id::int as "issuanceId", i.project_id::int as "projectId", i.program_id as "programId",
               p.registry_project_id as "registryProjectId", i.serial_number as "serialNumber", i.namespace,
               i.first::float8 as first, i.last::float8 as last, i.quantity::float8 as issued, i.vintage_year as "vintageYear",
               o.used::float8 as used,
               (select jsonb_agg(jsonb_build_object('id', u.id, 'kind', u.kind, 'quantity', u.quantity::float8, 'unitsInBlock', u.units::float8,
                                                    'date', u.transaction_date::text) order by u.id)
                  from use_rows u where u.issuance_id = i.id) as uses
          from overused o
          join issued i on i.id = o.id
          join projects p on p.id = i.project_id
         order by i.id`,
    );
    const projectVintages = await queryRows<ProjectVintageRow>(
      db,
      sql`
        select c.project_id::int as "projectId", c.program_id as "programId", p.registry_project_id as "registryProjectId",
               c.vintage_year as "vintageYear",
               coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
               coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired,
               coalesce(sum(c.quantity) filter (where c.kind = 'cancellation'), 0)::float8 as cancelled,
               coalesce(jsonb_agg(c.id order by c.id) filter (where c.kind = 'issuance'), '[]') as issuances,
               coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'kind', c.kind::text, 'quantity', c.quantity::float8,
                                                     'date', c.transaction_date::text, 'useCase', c.use_case) order by c.id)
                          filter (where c.kind <> 'issuance'), '[]') as uses
          from credits c
          join projects p on p.id = c.project_id
         where c.vanished_at is null and c.vintage_year is not null
           and not exists (select 1 from credits s where s.project_id = c.project_id and s.kind = 'issuance' and s.vanished_at is null
                              and (s.serial_first is not null or s.serial_number is not null))
         group by c.project_id, c.program_id, p.registry_project_id, c.vintage_year
        having sum(c.quantity) filter (where c.kind = 'issuance') > 0
           and coalesce(sum(c.quantity) filter (where c.kind <> 'issuance'), 0) > sum(c.quantity) filter (where c.kind = 'issuance') + ${TOLERANCE}
         order by 1, 4`,
    );

    const flags: DetectedFlag[] = [];
    for (const block of blocks) {
      const excess = block.used - block.issued;
      const label = projectLabel(block);
      flags.push({
        kind: 'over_retirement',
        detector: overRetirement.name,
        detectorVersion: overRetirement.version,
        severity: severity(excess),
        score: round4(block.used / block.issued),
        title: `${label}: ${tonnes(block.used)} retired or cancelled from issued block ${block.serialNumber ?? block.issuanceId} of ${tonnes(block.issued)} (${tonnes(excess)} too many)`,
        quantityAtRisk: round4(excess),
        projects: [{ projectId: block.projectId, role: 'issuer' }],
        credits: [{ creditId: block.issuanceId, role: 'issued block' }],
        evidence: {
          features: [
            { feature: 'issued', left: block.issued, right: null, level: 'issuance quantity', weight: 0 },
            { feature: 'retired and cancelled in the block', left: block.used, right: block.uses.length, level: `exceeds issuance by ${round4(excess)}`, weight: 0 },
          ],
          scope: 'serial block',
          block: { serialNumber: block.serialNumber, namespace: block.namespace, range: block.first === null ? null : [block.first, block.last], vintageYear: block.vintageYear },
          uses: block.uses,
          rule: 'units retired or cancelled inside an issued block cannot exceed the block. Score: used ÷ issued.',
        },
      });
    }
    for (const row of projectVintages) {
      const used = row.retired + row.cancelled;
      const excess = used - row.issued;
      const label = projectLabel(row);
      flags.push({
        kind: 'over_retirement',
        detector: overRetirement.name,
        detectorVersion: overRetirement.version,
        severity: severity(excess),
        score: round4(used / row.issued),
        title: `${label} vintage ${row.vintageYear}: ${tonnes(used)} retired or cancelled of ${tonnes(row.issued)} issued (${tonnes(excess)} too many)`,
        quantityAtRisk: round4(excess),
        projects: [{ projectId: row.projectId, role: `issuer (vintage ${row.vintageYear})` }],
        credits: [],
        evidence: {
          features: [
            { feature: 'issued', left: row.issued, right: null, level: `${row.issuances.length} issuance rows`, weight: 0 },
            { feature: 'retired', left: row.retired, right: null, level: 'sum of retirements', weight: 0 },
            { feature: 'cancelled', left: row.cancelled, right: null, level: 'sum of cancellations', weight: 0 },
          ],
          scope: 'project-vintage',
          vintageYear: row.vintageYear,
          issuances: row.issuances,
          uses: row.uses,
          rule: 'retired + cancelled ≤ issued for each project-vintage, where the registry publishes no issuance serials. Score: used ÷ issued.',
        },
      });
    }
    return flags;
  },
};
