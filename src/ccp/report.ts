/**
 * How the hub's labels compare with the registries' own CCP flags, over whatever the database
 * holds (`hub label --report`; the README's table is this report over the bundled snapshot,
 * and test/ccp/agreement.test.ts checks the README against it).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client.ts';

export interface AgreementRow {
  program: string;
  /** Labelled credit transactions of the program. */
  credits: number;
  /** Of which the registry publishes a CCP flag for. */
  flagPublished: number;
  registryFlagged: number;
  hubApproved: number;
  bothApproved: number;
  /** APPROVED_CONDITIONAL where the registry publishes a flag and does not set it. */
  conditionalUnflagged: number;
  agree: number;
  disagree: number;
}

export interface DisagreementRow {
  program: string;
  status: string;
  registryFlag: boolean;
  credits: number;
  /** Registry project ids involved. */
  projects: string[];
}

export interface StatusRow {
  program: string;
  status: string;
  credits: number;
  quantity: number;
}

export interface AgreementReport {
  referenceVersions: string[];
  evaluationDates: string[];
  programs: AgreementRow[];
  total: AgreementRow;
  disagreements: DisagreementRow[];
  statuses: StatusRow[];
}

export async function agreementReport(db: Executor): Promise<AgreementReport> {
  const programs = await queryRows<AgreementRow>(
    db,
    sql`select c.program_id as program,
               count(*)::int as credits,
               count(l.registry_flag)::int as "flagPublished",
               count(*) filter (where l.registry_flag)::int as "registryFlagged",
               count(*) filter (where l.status = 'APPROVED' and l.registry_flag is not null)::int as "hubApproved",
               count(*) filter (where l.status = 'APPROVED' and l.registry_flag)::int as "bothApproved",
               count(*) filter (where l.status = 'APPROVED_CONDITIONAL' and l.registry_flag = false)::int as "conditionalUnflagged",
               count(*) filter (where l.agrees_with_registry)::int as agree,
               count(*) filter (where not l.agrees_with_registry)::int as disagree
          from credit_labels l join credits c on c.id = l.credit_id
         group by c.program_id order by c.program_id`,
  );
  const counted = ['credits', 'flagPublished', 'registryFlagged', 'hubApproved', 'bothApproved', 'conditionalUnflagged', 'agree', 'disagree'] as const;
  const total: AgreementRow = { program: 'all', credits: 0, flagPublished: 0, registryFlagged: 0, hubApproved: 0, bothApproved: 0, conditionalUnflagged: 0, agree: 0, disagree: 0 };
  for (const row of programs) for (const key of counted) total[key] += row[key];
  const disagreements = await queryRows<DisagreementRow>(
    db,
    sql`select c.program_id as program, l.status::text as status, l.registry_flag as "registryFlag", count(*)::int as credits,
               array_agg(distinct p.registry_project_id order by p.registry_project_id) as projects
          from credit_labels l join credits c on c.id = l.credit_id join projects p on p.id = c.project_id
         where not l.agrees_with_registry
         group by 1, 2, 3 order by 1, 2, 3`,
  );
  const statuses = await queryRows<StatusRow>(
    db,
    sql`select c.program_id as program, l.status::text as status, count(*)::int as credits, sum(c.quantity)::float8 as quantity
          from credit_labels l join credits c on c.id = l.credit_id
         group by 1, 2 order by 1, 2`,
  );
  const [meta] = await queryRows<{ versions: string[]; dates: string[] }>(
    db,
    sql`select coalesce(array_agg(distinct reference_version order by reference_version), '{}') as versions,
               coalesce(array_agg(distinct evaluation_date::text order by evaluation_date::text), '{}') as dates
          from credit_labels`,
  );
  return { referenceVersions: meta?.versions ?? [], evaluationDates: meta?.dates ?? [], programs, total, disagreements, statuses };
}

const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);

/** The report as Markdown tables (deterministic, so a committed copy can be checked). */
export function renderAgreementMarkdown(report: AgreementReport): string {
  const lines: string[] = [];
  lines.push(`Reference data ${report.referenceVersions.join(', ') || '(none)'}; rules evaluated at ${report.evaluationDates.join(', ') || '(never)'}.`);
  lines.push('');
  lines.push(
    '| program | credit transactions | registry publishes a CCP flag | registry flagged | hub APPROVED | both | hub conditional, registry unflagged | agree | disagree | agreement |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of [...report.programs, report.total]) {
    const name = row.program === 'all' ? '**all**' : row.program;
    lines.push(
      `| ${name} | ${row.credits} | ${row.flagPublished} | ${row.registryFlagged} | ${row.hubApproved} | ${row.bothApproved} | ${row.conditionalUnflagged} | ${row.agree} | ${row.disagree} | ${percent(row.agree, row.flagPublished)} |`,
    );
  }
  lines.push('');
  if (report.disagreements.length === 0) {
    lines.push('No disagreement.');
  } else {
    lines.push('| disagreement: program | hub status | registry flag | credit transactions | projects |');
    lines.push('| --- | --- | --- | ---: | --- |');
    for (const row of report.disagreements) {
      lines.push(`| ${row.program} | ${row.status} | ${row.registryFlag ? 'CCP' : 'no CCP'} | ${row.credits} | ${row.projects.join(', ')} |`);
    }
  }
  lines.push('');
  const statuses = [...new Set(report.statuses.map((row) => row.status))];
  const order = ['APPROVED', 'APPROVED_CONDITIONAL', 'NOT_APPROVED', 'REMEDIAL_ACTION', 'WITHDRAWN', 'PENDING_ASSESSMENT', 'PROGRAM_NOT_ELIGIBLE', 'UNKNOWN_METHODOLOGY'];
  statuses.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  lines.push(`| credit transactions by status | ${statuses.join(' | ')} |`);
  lines.push(`| --- | ${statuses.map(() => '---:').join(' | ')} |`);
  for (const program of [...new Set(report.statuses.map((row) => row.program))]) {
    const cells = statuses.map((status) => report.statuses.find((row) => row.program === program && row.status === status)?.credits ?? 0);
    lines.push(`| ${program} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
