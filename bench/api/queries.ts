/**
 * The five typical analyst queries of issue 6, each as the GraphQL operation an analyst sends
 * and as the raw SQL a hand-written client would run for the same data (same rows, same
 * columns, same page), through the same driver.
 *
 * Parts that need code not written yet are detected on the running schema, not assumed:
 * `Credit.ccpLabel` joins the credits page when the schema has it; the flags page and the
 * aggregation by vintage and CCP status stay "not yet measured" until `benchFlagsQuery` /
 * `benchAggregationQuery` below are given their GraphQL and SQL.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../src/db/client.ts';
import { toGlobalId } from '../../src/api/common/global-id.ts';

/** What the running schema offers, read by introspection. */
export interface Capabilities {
  ccpLabel: boolean;
  flags: boolean;
  /** `Query.ccpQuantities(filter:, groupBy: [VINTAGE])` returning `status vintageYear quantity transactions`. */
  ccpQuantities: boolean;
  /** Query fields that look like aggregations (`…aggregat…`, `…quantities…`, `…summary…`). */
  aggregationFields: string[];
}

export const introspection = `{
  credit: __type(name: "Credit") { fields { name } }
  flag: __type(name: "Flag") { fields { name } }
  flagProject: __type(name: "FlagProject") { fields { name } }
  label: __type(name: "CcpLabel") { fields { name } }
  quantity: __type(name: "CcpQuantity") { fields { name } }
  group: __type(name: "CcpQuantityGroup") { enumValues { name } }
  query: __type(name: "Query") { fields { name args { name } } }
}`;

interface TypeFields {
  fields: { name: string; args?: { name: string }[] }[];
}

export function capabilitiesOf(data: {
  credit: TypeFields | null;
  flag: TypeFields | null;
  flagProject: TypeFields | null;
  label: TypeFields | null;
  quantity: TypeFields | null;
  group: { enumValues: { name: string }[] } | null;
  query: TypeFields | null;
}): Capabilities {
  const names = (type: TypeFields | null) => new Set(type?.fields.map((field) => field.name) ?? []);
  const query = names(data.query);
  const quantitiesArgs = new Set(data.query?.fields.find((field) => field.name === 'ccpQuantities')?.args?.map((arg) => arg.name) ?? []);
  const quantity = names(data.quantity);
  return {
    ccpLabel: names(data.credit).has('ccpLabel') && names(data.label).has('status'),
    flags:
      query.has('flags') &&
      ['id', 'kind', 'severity', 'status', 'score', 'title', 'quantityAtRisk', 'projects'].every((field) => names(data.flag).has(field)) &&
      ['role', 'project'].every((field) => names(data.flagProject).has(field)),
    ccpQuantities:
      quantitiesArgs.has('filter') &&
      quantitiesArgs.has('groupBy') &&
      ['status', 'vintageYear', 'quantity', 'transactions'].every((field) => quantity.has(field)) &&
      (data.group?.enumValues.some((value) => value.name === 'VINTAGE') ?? false),
    aggregationFields: [...query].filter((name) => /aggregat|quantit|summary|breakdown/i.test(name)),
  };
}

/** Values the queries are asked with, chosen from the data so every query returns full pages. */
export interface QueryParameters {
  program: string;
  vintageFrom: number;
  vintageTo: number;
  /** The project with the most credits. */
  projectId: number;
  projectCredits: number;
  /** A word frequent in project names (but not a filler word such as "project"). */
  search: string;
  /** Credits with a CCP label (0 until labelling has run). */
  labelledCredits: number;
  /** Flags stored (0 until the matching job has run). */
  flags: number;
}

/** Words too common in project names to be a search an analyst makes. */
const fillerWords = ['project', 'projects', 'programme', 'program', 'grouped', 'bundled', 'limited', 'private', 'company'];

export async function chooseParameters(db: Executor): Promise<QueryParameters> {
  const [vintages] = await queryRows<{ low: number; high: number }>(
    db,
    sql`select percentile_disc(0.25) within group (order by vintage_year)::int as low,
               percentile_disc(0.75) within group (order by vintage_year)::int as high
          from credits where program_id = 'verra' and vintage_year is not null`,
  );
  const [busiest] = await queryRows<{ id: number; credits: number }>(
    db,
    sql`select project_id::int as id, count(*)::int as credits from credits group by project_id order by count(*) desc, project_id limit 1`,
  );
  const [word] = await queryRows<{ word: string }>(
    db,
    sql`select lower(w) as word from projects, regexp_split_to_table(name, '[[:space:]]+') as w
         where length(w) >= 6 and w ~ '^[A-Za-z]+$' and lower(w) not in (${sql.join(
           fillerWords.map((filler) => sql`${filler}`),
           sql`, `,
         )})
         group by lower(w) order by count(*) desc, lower(w) limit 1`,
  );
  const labelledCredits = await rowsIn(db, 'credit_labels');
  const flags = await rowsIn(db, 'flags');
  if (!vintages || !busiest || !word) throw new Error('the API bench needs synced data: no credits or projects found');
  return {
    program: 'verra',
    vintageFrom: vintages.low,
    vintageTo: vintages.high,
    projectId: busiest.id,
    projectCredits: busiest.credits,
    search: word.word,
    labelledCredits,
    flags,
  };
}

/** Rows of a table that other work may not have created yet (0 when it does not exist). */
async function rowsIn(db: Executor, table: 'credit_labels' | 'flags'): Promise<number> {
  const [found] = await queryRows<{ present: boolean }>(db, sql`select to_regclass(${table}) is not null as present`);
  if (!found?.present) return 0;
  const [row] = await queryRows<{ count: number }>(db, sql`select count(*)::int as count from ${sql.identifier(table)}`);
  return row?.count ?? 0;
}

export interface AnalystQuery {
  id: string;
  title: string;
  graphql: string;
  variables(first: number): Record<string, unknown>;
  /** The same data in raw SQL. */
  raw(db: Executor, first: number): Promise<unknown>;
  /** What `first` pages (statements per page are compared at first: 10 and first: 100); null when not paged. */
  pages: string | null;
  /** Parts of the issue's query that are left out, and why. */
  omitted: string[];
  /** Set when the query reads (next to) no data, so its ratio is only indicative (no PASS/FAIL). */
  indicative?: string;
}

/** A query the bench cannot run yet, with the reason. */
export interface PendingQuery {
  id: string;
  title: string;
  reason: string;
}

export function analystQueries(p: QueryParameters, capabilities: Capabilities): { queries: AnalystQuery[]; pending: PendingQuery[] } {
  const queries: AnalystQuery[] = [creditsPage(p, capabilities), projectWithCredits(p), textSearch(p)];
  const pending: PendingQuery[] = [];
  const flags = benchFlagsQuery(p, capabilities);
  if ('reason' in flags) pending.push(flags);
  else queries.push(flags);
  const aggregation = benchAggregationQuery(p, capabilities);
  if ('reason' in aggregation) pending.push(aggregation);
  else queries.push(aggregation);
  return { queries, pending };
}

/** 1. A page of credits filtered by program and vintage, with each credit's project (and CCP label). */
function creditsPage(p: QueryParameters, capabilities: Capabilities): AnalystQuery {
  const label = capabilities.ccpLabel ? 'ccpLabel { status }' : '';
  return {
    id: 'credits-page',
    title: `credits page (${p.program}, vintage ${p.vintageFrom}–${p.vintageTo}) with project${capabilities.ccpLabel ? ' and ccpLabel' : ''}`,
    pages: 'credits',
    omitted: !capabilities.ccpLabel
      ? ['ccpLabel: not in the schema yet (CCP engine work)']
      : p.labelledCredits === 0
        ? ['ccpLabel measured over no labels: labelling has not run (see the labelling hook)']
        : [],
    graphql: `query CreditsPage($first: Int!, $program: [String!], $from: Int, $to: Int) {
  credits(filter: { program: $program, vintageFrom: $from, vintageTo: $to }, first: $first) {
    totalCount
    edges { cursor node { id kind quantity vintageYear transactionDate serialNumber beneficiary
      project { id registryProjectId name countryCode } ${label} } }
    pageInfo { hasNextPage endCursor }
  }
}`,
    variables: (first) => ({ first, program: [p.program], from: p.vintageFrom, to: p.vintageTo }),
    async raw(db, first) {
      const page = await queryRows(
        db,
        capabilities.ccpLabel
          ? sql`select c.id, c.kind, c.quantity, c.vintage_year, c.transaction_date, c.serial_number, c.beneficiary,
                       p.id as project_id, p.registry_project_id, p.name, p.country_code, l.status as ccp_status
                  from credits c join projects p on p.id = c.project_id left join credit_labels l on l.credit_id = c.id
                 where c.vanished_at is null and c.program_id = ${p.program} and c.vintage_year between ${p.vintageFrom} and ${p.vintageTo}
                 order by c.id limit ${first + 1}`
          : sql`select c.id, c.kind, c.quantity, c.vintage_year, c.transaction_date, c.serial_number, c.beneficiary,
                       p.id as project_id, p.registry_project_id, p.name, p.country_code
                  from credits c join projects p on p.id = c.project_id
                 where c.vanished_at is null and c.program_id = ${p.program} and c.vintage_year between ${p.vintageFrom} and ${p.vintageTo}
                 order by c.id limit ${first + 1}`,
      );
      const count = await queryRows(
        db,
        sql`select count(*)::int as count from credits c
             where c.vanished_at is null and c.program_id = ${p.program} and c.vintage_year between ${p.vintageFrom} and ${p.vintageTo}`,
      );
      return [page, count];
    },
  };
}

/** 2. One project with its totals and a page of its credits. */
function projectWithCredits(p: QueryParameters): AnalystQuery {
  return {
    id: 'project-credits',
    title: `project with its credits (${p.projectCredits.toLocaleString('en-US')} credits)`,
    pages: 'the project’s credits',
    omitted: [],
    graphql: `query ProjectWithCredits($id: ID!, $first: Int!) {
  project(id: $id) {
    id registryProjectId name proponent countryCode status category
    methodologies { id version }
    totals { issued retired cancelled }
    credits(first: $first) {
      totalCount
      edges { cursor node { id kind quantity vintageYear transactionDate serialNumber beneficiary } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`,
    variables: (first) => ({ id: toGlobalId('Project', p.projectId), first }),
    async raw(db, first) {
      const project = await queryRows(
        db,
        sql`select id, registry_project_id, name, proponent, country_code, status, category, methodologies from projects where id = ${p.projectId}`,
      );
      const totals = await queryRows(
        db,
        sql`select kind, sum(quantity)::float8 as quantity from credits where project_id = ${p.projectId} and vanished_at is null group by kind`,
      );
      const page = await queryRows(
        db,
        sql`select id, kind, quantity, vintage_year, transaction_date, serial_number, beneficiary
              from credits where project_id = ${p.projectId} and vanished_at is null order by id limit ${first + 1}`,
      );
      const count = await queryRows(db, sql`select count(*)::int as count from credits where project_id = ${p.projectId} and vanished_at is null`);
      return [project, totals, page, count];
    },
  };
}

/** 5. Text search on project names and proponents, best match first, with each project's totals. */
function textSearch(p: QueryParameters): AnalystQuery {
  const pattern = `%${p.search}%`;
  return {
    id: 'text-search',
    title: `text search "${p.search}" with totals`,
    pages: 'projects',
    omitted: [],
    graphql: `query Search($q: String!, $first: Int!) {
  projects(filter: { search: $q }, first: $first) {
    edges { cursor node { id registryProjectId name proponent countryCode program { code } totals { issued retired cancelled } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
    variables: (first) => ({ q: p.search, first }),
    async raw(db, first) {
      return queryRows(
        db,
        // The page first, then the totals of its projects only (not of every project that matches).
        sql`select p.id, p.registry_project_id, p.name, p.proponent, p.country_code, p.program_id, t.issued, t.retired, t.cancelled
              from (select p.*, -coalesce(greatest(word_similarity(${p.search}, p.name), word_similarity(${p.search}, p.proponent)), 0) as rank
                      from projects p
                     where p.vanished_at is null
                       and (${p.search} <% p.name or ${p.search} <% p.proponent or p.name ilike ${pattern} or p.proponent ilike ${pattern})
                     order by rank, p.id
                     limit ${first + 1}) p
              left join lateral (
                select sum(quantity) filter (where kind = 'issuance')::float8 as issued,
                       sum(quantity) filter (where kind = 'retirement')::float8 as retired,
                       sum(quantity) filter (where kind = 'cancellation')::float8 as cancelled
                  from credits c where c.project_id = p.id and c.vanished_at is null) t on true
             order by p.rank, p.id`,
      );
    },
  };
}

/**
 * 3. The flags page: the review queue (most severe first, the default order) with each flag's
 * projects, when the schema has the matching job's `Query.flags`.
 */
export function benchFlagsQuery(p: QueryParameters, capabilities: Capabilities): AnalystQuery | PendingQuery {
  if (!capabilities.flags) {
    return { id: 'flags-page', title: 'flags page', reason: 'no flags in the schema yet (double-counting matching job not written)' };
  }
  const severityRank = sql`(case f.severity when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 else 1 end)`;
  return {
    id: 'flags-page',
    title: `flags page with projects (${p.flags.toLocaleString('en-US')} flags)`,
    pages: 'flags',
    omitted: p.flags === 0 ? ['flags page measured over no flags: the matching job has not run (see the matching hook)'] : [],
    indicative: p.flags === 0 ? 'no flags are stored, so both sides read nothing' : undefined,
    graphql: `query FlagsPage($first: Int!) {
  flags(first: $first) {
    totalCount
    edges { cursor node { id kind severity status score title quantityAtRisk
      projects { role project { id registryProjectId name countryCode } } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
    variables: (first) => ({ first }),
    async raw(db, first) {
      const page = await queryRows(
        db,
        sql`select f.id, f.kind, f.severity, f.status, f.score, f.title, f.quantity_at_risk, fp.role,
                   p.id as project_id, p.registry_project_id, p.name, p.country_code
              from (select * from flags f order by ${severityRank} desc, f.quantity_at_risk::float8 desc, f.id desc limit ${first + 1}) f
              left join flag_projects fp on fp.flag_id = f.id
              left join projects p on p.id = fp.project_id
             order by ${severityRank} desc, f.quantity_at_risk::float8 desc, f.id desc`,
      );
      const count = await queryRows(db, sql`select count(*)::int as count from flags`);
      return [page, count];
    },
  };
}

/**
 * 4. Aggregation by vintage and CCP status: quantities and transaction counts of the whole
 * hub by CCP status and vintage, when the schema has the CCP engine's `ccpQuantities`.
 */
export function benchAggregationQuery(p: QueryParameters, capabilities: Capabilities): AnalystQuery | PendingQuery {
  if (!capabilities.ccpQuantities) {
    return {
      id: 'aggregation',
      title: 'aggregation by vintage and CCP status',
      reason:
        capabilities.aggregationFields.length > 0
          ? `the schema has ${capabilities.aggregationFields.map((name) => `Query.${name}`).join(', ')} but not in the shape this bench knows: update benchAggregationQuery (bench/api/queries.ts)`
          : 'no aggregation query in the schema yet (CCP engine work)',
    };
  }
  return {
    id: 'aggregation',
    title: `aggregation by vintage and CCP status (${p.labelledCredits.toLocaleString('en-US')} labelled credits)`,
    pages: null,
    omitted: p.labelledCredits === 0 ? ['measured over no labels: labelling has not run (see the labelling hook)'] : [],
    indicative: p.labelledCredits === 0 ? 'no credit is labelled, so both sides aggregate nothing' : undefined,
    graphql: `query Aggregation {
  ccpQuantities(groupBy: [VINTAGE]) { status vintageYear quantity transactions }
}`,
    variables: () => ({}),
    async raw(db) {
      return queryRows(
        db,
        sql`select l.status, c.vintage_year, sum(c.quantity)::float8 as quantity, count(*)::int as transactions
              from credits c join credit_labels l on l.credit_id = c.id
             where c.vanished_at is null
             group by l.status, c.vintage_year order by l.status, c.vintage_year`,
      );
    },
  };
}
