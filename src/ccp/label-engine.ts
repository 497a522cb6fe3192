/**
 * The CCP label engine: labels every credit (or every credit of some programs) against the
 * active ICVCM reference version at an evaluation date, in one transaction:
 *
 *  1. per distinct program, and per distinct methodology a project lists (program, id,
 *     version, country), the verdict and its sentences are computed in TypeScript
 *     (verdicts.ts); there are a few hundred of these, whatever the number of credits;
 *  2. they go into two temporary tables;
 *  3. ONE `INSERT … SELECT … ON CONFLICT DO UPDATE` labels every credit: project methodologies
 *     are combined (the most blocking wins), credit-level rules apply (ex-ante units, the
 *     issuing program of CERs, the registry's own flag), and only labels that changed are
 *     written, so a second run writes nothing and says so.
 *
 * Runs are serialized by a transaction-scoped advisory lock, so a scheduled sync's relabel and
 * `hub label` on another replica never interleave.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Database, type Executor } from '../db/client.ts';
import { ccpLabelRuns } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { activeReferenceVersion } from '../reference/ccp/load.ts';
import { loadReferenceIndex, type ReferenceIndex } from './reference-index.ts';
import {
  authorizationSql,
  exAnteReasonSql,
  exAnteSql,
  issuingProgramSql,
  issuingProgramTargets,
  registryFlagFieldSql,
  registryFlagSql,
  registryFlagValueSql,
  sdgCertificationPattern,
} from './registry-rules.ts';
import { methodologyRank } from './statuses.ts';
import { methodologyVerdict, programVerdict } from './verdicts.ts';
import { refreshStatistics } from '../db/statistics.ts';

export interface LabelOptions {
  /** Only credits of these programs (hub ids); all credits when absent. */
  programIds?: readonly string[] | null;
  /** The date the rules are evaluated at (YYYY-MM-DD); today (UTC) by default. */
  evaluationDate?: string;
  /** Who asked: `cli`, `sync`, `snapshot`, `reference`, `test`… */
  trigger: string;
  logger?: Logger;
}

export interface LabelResult {
  runId: number;
  referenceVersion: string;
  evaluationDate: string;
  programIds: readonly string[] | null;
  /** Credits labelled for the first time. */
  inserted: number;
  /** Credits whose label changed. */
  updated: number;
  /** Credits whose label was already current (nothing written). */
  unchanged: number;
}

export class NoReferenceDataError extends Error {
  constructor() {
    super('no CCP reference data is loaded: run `hub label` (or start the hub) to load the shipped file');
    this.name = 'NoReferenceDataError';
  }
}

export const labelLockKey = 'hub:ccp-label';

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

const programFilter = (column: SQL, programIds: readonly string[] | null): SQL =>
  programIds === null ? sql`true` : programIds.length === 0 ? sql`false` : sql`${column} in (${sql.join(programIds.map((id) => sql`${id}`), sql`, `)})`;

/** Labels credits against the active reference version; see the module comment. */
export async function labelCredits(database: Database, options: LabelOptions): Promise<LabelResult> {
  const evaluationDate = options.evaluationDate ?? today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(evaluationDate)) throw new Error(`evaluation date must be YYYY-MM-DD (got "${evaluationDate}")`);
  const programIds = options.programIds ? [...new Set(options.programIds)] : null;
  const started = Date.now();
  const result = await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${labelLockKey}))`);
    const version = await activeReferenceVersion(tx);
    if (version === null) throw new NoReferenceDataError();
    const index = await loadReferenceIndex(tx, version);
    const [run] = await tx
      .insert(ccpLabelRuns)
      .values({ referenceVersion: version, evaluationDate, programIds, trigger: options.trigger })
      .returning({ id: ccpLabelRuns.id });
    const counts = await labelInTransaction(tx, index, run!.id, evaluationDate, programIds);
    await tx.update(ccpLabelRuns).set({ ...counts, finishedAt: sql`clock_timestamp()` }).where(eq(ccpLabelRuns.id, run!.id));
    return { runId: run!.id, referenceVersion: version, evaluationDate, programIds, ...counts };
  });
  options.logger?.info({ ...result, ms: Date.now() - started }, result.inserted + result.updated === 0 ? 'CCP labels already current' : 'CCP labels written');
  await refreshStatistics(database, ['credit_labels'], result.inserted + result.updated, options.logger);
  return result;
}

async function labelInTransaction(
  tx: Executor,
  index: ReferenceIndex,
  runId: number,
  evaluationDate: string,
  programIds: readonly string[] | null,
): Promise<{ inserted: number; updated: number; unchanged: number }> {
  // 1. The verdicts, once per distinct program and per distinct methodology.
  const programs = await queryRows<{ program_id: string }>(
    tx,
    sql`select distinct program_id from credits c where ${programFilter(sql`c.program_id`, programIds)}`,
  );
  const programVerdicts = [...new Set([...programs.map((row) => row.program_id), ...issuingProgramTargets])].map((id) => programVerdict(index, id, evaluationDate));

  const refs = await queryRows<{ program_id: string; raw_id: string; raw_version: string; country: string }>(
    tx,
    sql`select distinct p.program_id, m.elem->>'id' as raw_id, coalesce(m.elem->>'version', '') as raw_version, coalesce(p.country_code, '') as country
          from projects p cross join lateral jsonb_array_elements(p.methodologies) as m(elem)
         where ${programFilter(sql`p.program_id`, programIds)} and m.elem->>'id' is not null`,
  );
  const methodologyVerdicts = refs.map((ref) => {
    const verdict = methodologyVerdict(
      index,
      { programId: ref.program_id, id: ref.raw_id, version: ref.raw_version === '' ? null : ref.raw_version, countryCode: ref.country === '' ? null : ref.country },
      evaluationDate,
    );
    return { ...ref, status: verdict.status, rank: verdict.rank, reasons: verdict.reasons, decision_id: verdict.decisionId };
  });

  // 2. Into temporary tables (gone at commit).
  await tx.execute(sql`create temporary table ccp_program_verdicts (
      program_id text primary key, reference_program_id text not null, eligibility text not null, effective_from date, reason text not null) on commit drop`);
  await tx.execute(sql`create temporary table ccp_methodology_verdicts (
      program_id text not null, raw_id text not null, raw_version text not null, country text not null,
      status text not null, rank int not null, reasons jsonb not null, decision_id text,
      primary key (program_id, raw_id, raw_version, country)) on commit drop`);
  await insertJson(
    tx,
    sql`ccp_program_verdicts`,
    sql`program_id text, reference_program_id text, eligibility text, effective_from date, reason text`,
    programVerdicts.map((v) => ({
      program_id: v.programId,
      reference_program_id: v.referenceProgramId,
      eligibility: v.eligibility,
      effective_from: v.effectiveFrom,
      reason: v.reason,
    })),
  );
  await insertJson(
    tx,
    sql`ccp_methodology_verdicts`,
    sql`program_id text, raw_id text, raw_version text, country text, status text, rank int, reasons jsonb, decision_id text`,
    methodologyVerdicts,
  );

  // 3. Every credit in one statement.
  const [total] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from credits c where ${programFilter(sql`c.program_id`, programIds)}`);
  const [written] = await queryRows<{ inserted: number; updated: number }>(tx, labelStatement(index.version, runId, evaluationDate, programIds));
  const inserted = written?.inserted ?? 0;
  const updated = written?.updated ?? 0;
  return { inserted, updated, unchanged: (total?.n ?? 0) - inserted - updated };
}

/** `insert into <table> select * from jsonb_to_recordset($rows)`, 1,000 rows a statement. */
async function insertJson(tx: Executor, table: SQL, columns: SQL, rows: readonly object[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = JSON.stringify(rows.slice(start, start + 1000));
    await tx.execute(sql`insert into ${table} select * from jsonb_to_recordset(${chunk}::jsonb) as x(${columns})`);
  }
}

const unknownRank = methodologyRank.UNKNOWN_METHODOLOGY;

function labelStatement(version: string, runId: number, evaluationDate: string, programIds: readonly string[] | null): SQL {
  return sql`
with project_methodologies as (
  select p.id as project_id, m.ord, m.elem->>'id' as raw_id, m.elem->>'version' as raw_version,
         coalesce(v.status, 'UNKNOWN_METHODOLOGY') as status, coalesce(v.rank, ${unknownRank}) as rank, v.decision_id,
         coalesce(v.reasons, jsonb_build_array(format('Methodology %s has not been matched against the reference data yet; the next labelling run will.', m.elem->>'id'))) as reasons
    from projects p
   cross join lateral jsonb_array_elements(p.methodologies) with ordinality as m(elem, ord)
    left join ccp_methodology_verdicts v
      on v.program_id = p.program_id and v.raw_id = m.elem->>'id'
     and v.raw_version = coalesce(m.elem->>'version', '') and v.country = coalesce(p.country_code, '')
   where ${programFilter(sql`p.program_id`, programIds)}
),
methodology_groups as (
  -- One methodology listed under several versions (CAR674: Landfill v5.0 and v6.0, merged from
  -- its transactions) is a project that changed versions, not a combination: which version the
  -- units used is unknown, so the most favourable decision counts, and an approval among them
  -- is only conditional.
  select project_id, raw_id, max(ord) as ord, count(*) as listed, min(rank) as best_rank,
         (array_agg(status order by rank, ord))[1] as best_status,
         (array_agg(decision_id order by rank, ord))[1] as decision_id,
         string_agg(coalesce(raw_version, 'unpublished'), ', ' order by ord) as versions
    from project_methodologies
   group by project_id, raw_id
),
methodology_group_verdicts as (
  select project_id, ord, decision_id,
         case when listed > 1 and best_rank = 0 then 'APPROVED_CONDITIONAL' else best_status end as status,
         case when listed > 1 and best_rank = 0 then 1 else best_rank end as rank,
         case when listed > 1 then format('The project lists %s under versions %s; registry data does not say which version these units were issued under, so the most favourable of those decisions is kept, as conditional when it is an approval.', raw_id, versions) end as note
    from methodology_groups
),
project_reasons as (
  select project_id, array_agg(reason order by ord, i) as reasons
    from (select pm.project_id, pm.ord, r.i, r.reason
            from project_methodologies pm
           cross join lateral jsonb_array_elements_text(pm.reasons) with ordinality as r(reason, i)
          union all
          select project_id, ord, 1000000, note from methodology_group_verdicts where note is not null) as all_reasons
   group by project_id
),
project_verdicts as (
  -- A project qualifies only if every methodology it uses does: the most blocking one decides.
  select g.project_id,
         (array_agg(g.status order by g.rank desc, g.ord))[1] as status,
         (array_agg(g.decision_id order by g.rank desc, g.ord))[1] as decision_id,
         min(r.reasons) as reasons
    from methodology_group_verdicts g
    join project_reasons r on r.project_id = g.project_id
   group by g.project_id
),
base as (
  select c.id as credit_id, c.kind, c.transaction_date,
         ${issuingProgramSql()} as issuing_program,
         ${exAnteSql()} as ex_ante,
         ${exAnteReasonSql()} as ex_ante_reason,
         ${registryFlagSql()} as registry_flag,
         ${registryFlagFieldSql()} as registry_flag_field,
         ${registryFlagValueSql()} as registry_flag_value,
         coalesce(hp.name, c.program_id) as registry_name,
         p.registry_project_id,
         pv.status as methodology_status,
         pv.decision_id,
         pv.reasons as methodology_reasons,
         jsonb_build_object(
           'authorization', ${authorizationSql()},
           'adaptation', jsonb_build_object('shareOfProceeds', null, 'published', null),
           'sdgImpacts', jsonb_build_object(
             'goals', case when jsonb_typeof(c.attributes->'sdgs') = 'array' and jsonb_array_length(c.attributes->'sdgs') > 0
                           then c.attributes->'sdgs' else to_jsonb(p.sdgs) end,
             'certifications', to_jsonb(array(select distinct l from unnest(c.labels || p.additional_certifications) as l
                                               where l ~* ${sdgCertificationPattern} order by l)),
             'quantified', null)
         ) as attributes
    from credits c
    join projects p on p.id = c.project_id
    left join project_verdicts pv on pv.project_id = c.project_id
    left join programs hp on hp.id = c.program_id
   where ${programFilter(sql`c.program_id`, programIds)}
),
judged as (
  select b.*, pr.eligibility, pr.reason as program_reason, pr.reference_program_id,
         greatest(pr.effective_from, d.effective_from) as label_effective_from,
         case
           when pr.eligibility is distinct from 'eligible' and pr.eligibility is distinct from 'scope' then 'PROGRAM_NOT_ELIGIBLE'
           when b.ex_ante then 'NOT_APPROVED'
           when b.methodology_status is null then 'UNKNOWN_METHODOLOGY'
           when b.methodology_status = 'APPROVED' and pr.eligibility = 'scope' then 'APPROVED_CONDITIONAL'
           else b.methodology_status
         end as provisional
    from base b
    left join ccp_program_verdicts pr on pr.program_id = b.issuing_program
    left join ccp_decisions d on d.reference_version = ${version} and d.id = b.decision_id
),
labelled as (
  select j.*,
         -- Conditions registry data cannot show are confirmed by the registry's own label (ccp.md §3).
         case when j.provisional = 'APPROVED_CONDITIONAL' and j.registry_flag then 'APPROVED' else j.provisional end as status
    from judged j
),
upserted as (
  insert into credit_labels as cl (credit_id, status, reasons, reference_version, decision_id, issuing_program_id,
                                   registry_flag, registry_flag_source, agrees_with_registry, attributes, evaluation_date, label_run_id)
  select l.credit_id,
         l.status::ccp_status,
         array[coalesce(l.program_reason, format('%s has no eligibility verdict.', l.issuing_program))]
           || case
                when l.provisional = 'PROGRAM_NOT_ELIGIBLE' then '{}'::text[]
                when l.ex_ante then array[l.ex_ante_reason]
                when l.methodology_status is null
                  then array[format('The hub has no methodology for project %s (%s''s records of it name none), so the ICVCM decision that would apply cannot be found.', l.registry_project_id, l.registry_name)]
                else l.methodology_reasons
              end
           || case
                when l.status = 'APPROVED' and l.provisional = 'APPROVED_CONDITIONAL'
                  then array[format('%s marks these units %L in its %L field: the hub takes the registry''s own label as confirming what registry data cannot show.', l.registry_name, l.registry_flag_value, l.registry_flag_field)]
                when l.registry_flag and l.status <> 'APPROVED'
                  then array[format('%s marks these units %L in its %L field, but the rules above do not let the hub confirm the label.', l.registry_name, l.registry_flag_value, l.registry_flag_field)]
                else '{}'::text[]
              end
           || case
                -- Labels apply to existing units retroactively (ccp.md §3), retired ones included,
                -- but a use made before the label existed was not a CCP-labelled claim then.
                when l.status in ('APPROVED', 'APPROVED_CONDITIONAL') and l.kind <> 'issuance' and l.transaction_date < l.label_effective_from
                  then array[format('These units left circulation (%s) on %s, before the label could apply (%s): the label attaches to them retroactively, but that %s was not a CCP-labelled claim when it was made.', l.kind, l.transaction_date, l.label_effective_from, l.kind)]
                else '{}'::text[]
              end,
         ${version},
         case when l.provisional = 'PROGRAM_NOT_ELIGIBLE' or l.ex_ante then null else l.decision_id end,
         coalesce(l.reference_program_id, l.issuing_program),
         l.registry_flag,
         l.registry_flag_field,
         case when l.registry_flag is null then null else (l.status = 'APPROVED') = l.registry_flag end,
         l.attributes,
         ${evaluationDate}::date,
         ${runId}
    from labelled l
  on conflict (credit_id) do update set
         status = excluded.status, reasons = excluded.reasons, reference_version = excluded.reference_version,
         decision_id = excluded.decision_id, issuing_program_id = excluded.issuing_program_id,
         registry_flag = excluded.registry_flag, registry_flag_source = excluded.registry_flag_source,
         agrees_with_registry = excluded.agrees_with_registry, attributes = excluded.attributes,
         evaluation_date = excluded.evaluation_date, label_run_id = excluded.label_run_id, updated_at = now()
   where (cl.status, cl.reasons, cl.reference_version, cl.decision_id, cl.issuing_program_id, cl.registry_flag,
          cl.registry_flag_source, cl.agrees_with_registry, cl.attributes)
         is distinct from
         (excluded.status, excluded.reasons, excluded.reference_version, excluded.decision_id, excluded.issuing_program_id,
          excluded.registry_flag, excluded.registry_flag_source, excluded.agrees_with_registry, excluded.attributes)
  returning (xmax = 0) as inserted
)
select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from upserted`;
}
