/**
 * Flag reads, framework-free (take `Executor`, return rows), shared by the GraphQL
 * resolvers, the CLI and tests: pages of flags (alone, or per project / credit in one
 * statement), counts, and the projects and credits a flag involves.
 */
import { and, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { flagCredits, flagProjects, flags, projects } from '../../db/schema.ts';
import type { Ordering, Page, PageRequest } from '../common/keyset.ts';
import { countRows, findPage, type TableRows } from '../common/page.ts';
import { countByParent, findPagesByParent, type ChildRows } from '../common/pages-by-parent.ts';
import { pickColumns } from '../common/selection.ts';
import { inList, inTextArray } from '../common/sql-filters.ts';
import { projectColumns, type ProjectColumnName, type ProjectRead } from '../projects/project.queries.ts';

/**
 * A flag as pages and lists read it: every column but the evidence. The evidence is the
 * detector's JSON (about 2 kB a flag, up to tens of kB) and a review queue rarely shows it,
 * yet reading it with every row of a page made the page's statement twice as slow (sorted
 * wider rows, then sent and parsed them: 6.7 → 3.5 ms for 50 of 1,200 flags on PostgreSQL).
 * It is read by id, only when a response asks for it (`findFlagEvidence`).
 */
export const flagListColumns = {
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
  firstDetectedAt: flags.firstDetectedAt,
  lastDetectedAt: flags.lastDetectedAt,
  resolvedAt: flags.resolvedAt,
  reviewedAt: flags.reviewedAt,
};

/** A whole flag, evidence included. */
export const flagColumns = { ...flagListColumns, evidence: flags.evidence };

export type FlagListRow = Pick<typeof flags.$inferSelect, keyof typeof flagListColumns>;
export type FlagRow = Pick<typeof flags.$inferSelect, keyof typeof flagColumns>;
export type FlagEvidenceJson = FlagRow['evidence'];
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
  // As float8, like the orderings: the expression index flags_quantity_order serves both.
  if (filter.minQuantityAtRisk != null) conditions.push(sql`(${flags.quantityAtRisk})::float8 >= ${filter.minQuantityAtRisk}::float8`);
  return and(...conditions);
}

/** The flags `filter` selects, for `findPage` and `countRows`. */
const flagRows = (filter: FlagFilter): TableRows => ({ table: flags, where: flagFilterSql(filter) });

/** One page of flags matching `filter`, in `ordering`, without their evidence. */
export function findFlags(db: Executor, filter: FlagFilter, ordering: Ordering, request: PageRequest): Promise<Page<FlagListRow>> {
  return findPage(db, flagRows(filter), flagListColumns, ordering, request);
}

export function countFlags(db: Executor, filter: FlagFilter): Promise<number> {
  return countRows(db, flagRows(filter));
}

/** Whole flags, evidence included. */
export async function findFlagsByIds(db: Executor, ids: readonly string[]): Promise<FlagRow[]> {
  if (ids.length === 0) return [];
  return db.select(flagColumns).from(flags).where(inList(flags.id, ids));
}

/** The evidence of several flags (absent: no such flag). */
export async function findFlagEvidence(db: Executor, ids: readonly string[]): Promise<Map<string, FlagEvidenceJson>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: flags.id, evidence: flags.evidence }).from(flags).where(inList(flags.id, ids));
  return new Map(rows.map((row) => [row.id, row.evidence]));
}

/** The entity a nested `flags` connection hangs off. */
export type FlagParent = 'project' | 'credit';

/**
 * The flags of project (or credit) `parentId` matching `filter`, for `findPagesByParent` and
 * `countByParent`: a semi-join on the link table, so a flag involving a project twice (two
 * roles) is listed and counted once.
 */
function flagsOf(parent: FlagParent, filter: FlagFilter): ChildRows {
  return {
    ...flagRows(filter),
    ofParent: (parentId) =>
      parent === 'project'
        ? sql`${flags.id} in (select ${flagProjects.flagId} from ${flagProjects} where ${flagProjects.projectId} = ${parentId})`
        : sql`${flags.id} in (select ${flagCredits.flagId} from ${flagCredits} where ${flagCredits.creditId} = ${parentId})`,
  };
}

/** The same page of flags (without their evidence) for each of several projects (or credits), in ONE statement (a LATERAL page per parent). */
export function findFlagsByParent(
  db: Executor,
  parent: FlagParent,
  parentIds: readonly number[],
  filter: FlagFilter,
  ordering: Ordering,
  request: PageRequest,
): Promise<Map<number, Page<FlagListRow>>> {
  return findPagesByParent(db, parentIds, flagsOf(parent, filter), flagListColumns, ordering, request);
}

/** Flags matching `filter` per project (or credit), in one statement. */
export function countFlagsByParent(db: Executor, parent: FlagParent, parentIds: readonly number[], filter: FlagFilter): Promise<Map<number, number>> {
  return countByParent(db, parentIds, flagsOf(parent, filter));
}

export interface FlagProjectRow {
  flagId: string;
  projectId: number;
  role: string;
  /**
   * The project itself: a review queue shows it beside nearly every flag, so it comes in the
   * same statement, with the columns the response needs (whole when `columns` is null).
   */
  project: ProjectRead;
}

/**
 * The projects of several flags with their roles, each with its project row, in one
 * statement (by role, then project id). Reading the projects here rather than by id
 * afterwards saves a page of flags a dependent round trip (docs/benchmarks.md).
 */
export async function findFlagProjects(
  db: Executor,
  flagIds: readonly string[],
  columns: readonly ProjectColumnName[] | null = null,
): Promise<Map<string, FlagProjectRow[]>> {
  const result = new Map<string, FlagProjectRow[]>(flagIds.map((id) => [id, []]));
  if (flagIds.length === 0) return result;
  const rows = await db
    .select({ flagId: flagProjects.flagId, role: flagProjects.role, project: pickColumns(projectColumns, columns) })
    .from(flagProjects)
    .innerJoin(projects, eq(projects.id, flagProjects.projectId))
    .where(inTextArray(flagProjects.flagId, flagIds))
    .orderBy(flagProjects.flagId, flagProjects.role, flagProjects.projectId);
  for (const row of rows) result.get(row.flagId)?.push({ flagId: row.flagId, projectId: row.project.id, role: row.role, project: row.project });
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

/** The credits of flag `flagId`, for `findPagesByParent` and `countByParent`. */
const creditsOfFlag: ChildRows = { table: flagCredits, ofParent: (flagId) => eq(flagCredits.flagId, flagId) };

const flagCreditColumns = { flagId: flagCredits.flagId, creditId: flagCredits.creditId, role: flagCredits.role };

/** The same page of credits (with their roles) for each of several flags, in one statement. */
export function findFlagCredits(db: Executor, flagIds: readonly string[], request: PageRequest): Promise<Map<string, Page<FlagCreditRow>>> {
  return findPagesByParent(db, flagIds, creditsOfFlag, flagCreditColumns, flagCreditOrdering, request);
}

/** Credits per flag, in one statement. */
export function countFlagCredits(db: Executor, flagIds: readonly string[]): Promise<Map<string, number>> {
  return countByParent(db, flagIds, creditsOfFlag);
}
