/**
 * Flag reads, framework-free (take `Executor`, return rows), shared by the GraphQL
 * resolvers, the CLI and tests: pages of flags (alone, or per project / credit in one windowed
 * statement), counts, and the projects and credits a flag involves.
 */
import { and, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { flagCredits, flagProjects, flags } from '../../db/schema.ts';
import {
  afterSql,
  keyValuesSql,
  orderBySql,
  parseKeyValues,
  toPage,
  toPages,
  type Ordering,
  type Page,
  type PageRequest,
} from '../common/keyset.ts';
import { inList } from '../common/sql-filters.ts';

export const flagColumns = {
  id: flags.id,
  kind: flags.kind,
  detector: flags.detector,
  detectorVersion: flags.detectorVersion,
  severity: flags.severity,
  score: flags.score,
  status: flags.status,
  title: flags.title,
  quantityAtRisk: flags.quantityAtRisk,
  programIds: flags.programIds,
  evidence: flags.evidence,
  firstDetectedAt: flags.firstDetectedAt,
  lastDetectedAt: flags.lastDetectedAt,
  resolvedAt: flags.resolvedAt,
  reviewedAt: flags.reviewedAt,
};

export type FlagRow = Pick<typeof flags.$inferSelect, keyof typeof flagColumns>;
export type FlagStatusValue = FlagRow['status'];
export type FlagSeverityValue = FlagRow['severity'];

/** Each field narrows the result; null/undefined means "any". An empty list matches nothing. */
export interface FlagFilter {
  kinds?: readonly string[] | null;
  statuses?: readonly FlagStatusValue[] | null;
  severities?: readonly FlagSeverityValue[] | null;
  /** Flags involving a project of any of these programs; unknown codes match nothing. */
  programIds?: readonly string[] | null;
  /** Flags involving any of these projects. */
  projectIds?: readonly number[] | null;
  /** At least this many tCO2e at risk. */
  minQuantityAtRisk?: number | null;
}

export type FlagOrderName = 'SEVERITY_DESC' | 'QUANTITY_AT_RISK_DESC' | 'SCORE_DESC' | 'LAST_DETECTED_DESC' | 'FIRST_DETECTED_DESC';

/** Severity as a number, most severe highest. */
export const severityRankSql = sql`(case ${flags.severity} when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 else 1 end)`;

const idKey = { expression: sql`${flags.id}`, type: 'text' } as const;
// numeric(20,4) sorts and compares as float8 in both ORDER BY and cursor (one expression, one type).
const quantityKey = { expression: sql`(${flags.quantityAtRisk})::float8`, type: 'float8' } as const;

/** Every flag ordering sorts descending and ends with the id, so it is total. Names are cursor-scoped to flags. */
export function flagOrdering(name: FlagOrderName): Ordering {
  const keys = {
    SEVERITY_DESC: [{ expression: severityRankSql, type: 'integer' }, quantityKey, idKey],
    QUANTITY_AT_RISK_DESC: [quantityKey, idKey],
    SCORE_DESC: [{ expression: sql`${flags.score}`, type: 'float8' }, idKey],
    LAST_DETECTED_DESC: [{ expression: sql`${flags.lastDetectedAt}`, type: 'timestamptz' }, idKey],
    FIRST_DETECTED_DESC: [{ expression: sql`${flags.firstDetectedAt}`, type: 'timestamptz' }, idKey],
  } as const satisfies Record<FlagOrderName, Ordering['keys']>;
  return { name: `flags:${name}`, direction: 'desc', keys: keys[name] };
}

const textArray = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )}]::text[]`;

/** The WHERE condition of `filter` over `flags`. */
export function flagFilterSql(filter: FlagFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.kinds) conditions.push(inList(flags.kind, filter.kinds));
  if (filter.statuses) conditions.push(inList(flags.status, filter.statuses));
  if (filter.severities) conditions.push(inList(flags.severity, filter.severities));
  if (filter.programIds) {
    // `&&` (overlap) on the GIN index of program_ids.
    conditions.push(filter.programIds.length === 0 ? sql`false` : sql`${flags.programIds} && ${textArray(filter.programIds)}`);
  }
  if (filter.projectIds) {
    conditions.push(
      sql`exists (select 1 from ${flagProjects} where ${flagProjects.flagId} = ${flags.id} and ${inList(flagProjects.projectId, filter.projectIds)})`,
    );
  }
  if (filter.minQuantityAtRisk != null) conditions.push(gte(flags.quantityAtRisk, filter.minQuantityAtRisk));
  return and(...conditions);
}

/** One page of flags matching `filter`, in `ordering`. */
export async function findFlags(db: Executor, filter: FlagFilter, ordering: Ordering, request: PageRequest): Promise<Page<FlagRow>> {
  const rows = await db
    .select({ row: flagColumns, key: keyValuesSql(ordering) })
    .from(flags)
    .where(and(flagFilterSql(filter), request.after ? afterSql(ordering, request.after) : undefined))
    .orderBy(orderBySql(ordering))
    .limit(request.first + 1);
  return toPage(
    rows.map(({ row, key }) => ({ row, key: parseKeyValues(key) })),
    request,
  );
}

export async function countFlags(db: Executor, filter: FlagFilter): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(flags)
    .where(flagFilterSql(filter));
  return row?.count ?? 0;
}

export async function findFlagsByIds(db: Executor, ids: readonly string[]): Promise<FlagRow[]> {
  if (ids.length === 0) return [];
  return db.select(flagColumns).from(flags).where(inList(flags.id, ids));
}

/** The entity a nested `flags` connection hangs off. */
export type FlagParent = 'project' | 'credit';

/** Distinct (flag, parent) pairs of the parents: a flag involving a project twice (two roles) is listed once. */
function parentLinks(db: Executor, parent: FlagParent, parentIds: readonly number[]) {
  return parent === 'project'
    ? db.selectDistinct({ flagId: flagProjects.flagId, parentId: flagProjects.projectId }).from(flagProjects).where(inList(flagProjects.projectId, parentIds)).as('links')
    : db.selectDistinct({ flagId: flagCredits.flagId, parentId: flagCredits.creditId }).from(flagCredits).where(inList(flagCredits.creditId, parentIds)).as('links');
}

/**
 * The same page of flags for each of several projects (or credits), in ONE statement: rows
 * are numbered per parent with `row_number() over (partition by parent order by …)` and the
 * first `first + 1` of each are kept.
 */
export async function findFlagsByParent(
  db: Executor,
  parent: FlagParent,
  parentIds: readonly number[],
  filter: FlagFilter,
  ordering: Ordering,
  request: PageRequest,
): Promise<Map<number, Page<FlagRow>>> {
  if (parentIds.length === 0) return new Map();
  const links = parentLinks(db, parent, parentIds);
  const ranked = db
    .select({
      id: flags.id,
      parent: links.parentId,
      position: sql<number>`row_number() over (partition by ${links.parentId} order by ${orderBySql(ordering)})`.as('page_position'),
      key: keyValuesSql(ordering).as('cursor_key'),
    })
    .from(flags)
    .innerJoin(links, eq(links.flagId, flags.id))
    .where(and(flagFilterSql(filter), request.after ? afterSql(ordering, request.after) : undefined))
    .as('ranked');
  const rows = await db
    .select({ row: flagColumns, parent: ranked.parent, key: ranked.key })
    .from(ranked)
    .innerJoin(flags, eq(flags.id, ranked.id))
    .where(lte(ranked.position, request.first + 1))
    .orderBy(ranked.parent, ranked.position);
  return toPages(
    parentIds,
    rows.map(({ row, parent: parentId, key }) => ({ parent: parentId, row, key: parseKeyValues(key) })),
    request,
  );
}

/** Flags matching `filter` per project (or credit), in one GROUP BY. */
export async function countFlagsByParent(db: Executor, parent: FlagParent, parentIds: readonly number[], filter: FlagFilter): Promise<Map<number, number>> {
  if (parentIds.length === 0) return new Map();
  const links = parentLinks(db, parent, parentIds);
  const rows = await db
    .select({ parentId: links.parentId, count: sql<number>`count(*)::int` })
    .from(flags)
    .innerJoin(links, eq(links.flagId, flags.id))
    .where(flagFilterSql(filter))
    .groupBy(links.parentId);
  const counts = new Map(rows.map((row) => [row.parentId, row.count]));
  return new Map(parentIds.map((id) => [id, counts.get(id) ?? 0]));
}

export interface FlagProjectRow {
  flagId: string;
  projectId: number;
  role: string;
}

/** The projects of several flags with their roles, in one statement (by role, then project id). */
export async function findFlagProjects(db: Executor, flagIds: readonly string[]): Promise<Map<string, FlagProjectRow[]>> {
  const result = new Map<string, FlagProjectRow[]>(flagIds.map((id) => [id, []]));
  if (flagIds.length === 0) return result;
  const rows = await db
    .select({ flagId: flagProjects.flagId, projectId: flagProjects.projectId, role: flagProjects.role })
    .from(flagProjects)
    .where(inList(flagProjects.flagId, flagIds))
    .orderBy(flagProjects.flagId, flagProjects.role, flagProjects.projectId);
  for (const row of rows) result.get(row.flagId)?.push(row);
  return result;
}

export interface FlagCreditRow {
  flagId: string;
  creditId: number;
  role: string;
}

/** A flag's credits by role, then credit id. */
export const flagCreditOrdering: Ordering = {
  name: 'flagCredits:ROLE_ASC',
  direction: 'asc',
  keys: [
    { expression: sql`${flagCredits.role}`, type: 'text' },
    { expression: sql`${flagCredits.creditId}`, type: 'bigint' },
  ],
};

/** The same page of credits (with their roles) for each of several flags, in one windowed statement. */
export async function findFlagCredits(db: Executor, flagIds: readonly string[], request: PageRequest): Promise<Map<string, Page<FlagCreditRow>>> {
  if (flagIds.length === 0) return new Map();
  const ranked = db
    .select({
      flagId: flagCredits.flagId,
      creditId: flagCredits.creditId,
      role: flagCredits.role,
      position: sql<number>`row_number() over (partition by ${flagCredits.flagId} order by ${orderBySql(flagCreditOrdering)})`.as('page_position'),
      key: keyValuesSql(flagCreditOrdering).as('cursor_key'),
    })
    .from(flagCredits)
    .where(and(inList(flagCredits.flagId, flagIds), request.after ? afterSql(flagCreditOrdering, request.after) : undefined))
    .as('ranked');
  const rows = await db
    .select({ flagId: ranked.flagId, creditId: ranked.creditId, role: ranked.role, key: ranked.key })
    .from(ranked)
    .where(lte(ranked.position, request.first + 1))
    .orderBy(ranked.flagId, ranked.position);
  return toPages(
    flagIds,
    rows.map(({ key, ...row }) => ({ parent: row.flagId, row, key: parseKeyValues(key) })),
    request,
  );
}

/** Credits per flag, in one GROUP BY. */
export async function countFlagCredits(db: Executor, flagIds: readonly string[]): Promise<Map<string, number>> {
  if (flagIds.length === 0) return new Map();
  const rows = await db
    .select({ flagId: flagCredits.flagId, count: sql<number>`count(*)::int` })
    .from(flagCredits)
    .where(inList(flagCredits.flagId, flagIds))
    .groupBy(flagCredits.flagId);
  const counts = new Map(rows.map((row) => [row.flagId, row.count]));
  return new Map(flagIds.map((id) => [id, counts.get(id) ?? 0]));
}
