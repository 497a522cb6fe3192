/**
 * CCP reads, framework-free (take `Executor`, return rows): labels, decisions, programs and
 * aggregates, shared by the GraphQL resolvers, the CLI and tests.
 */
import { and, asc, desc, eq, getTableColumns, ilike, isNotNull, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { ccpDecisions, ccpPrograms, ccpReferenceVersions, creditLabels, credits } from '../../db/schema.ts';
import type { Ordering, Page, PageRequest } from '../common/keyset.ts';
import { countRows, findPage, type TableRows } from '../common/page.ts';
import { containsPattern, inList } from '../common/sql-filters.ts';
import { creditFilterSql, type CreditFilter } from '../credits/credit.queries.ts';

export type CreditLabelRow = typeof creditLabels.$inferSelect;

/**
 * A label without its reasons and attributes: the sentences (a text array) and the attributes
 * (jsonb) are about 1 kB a label and most of the cost of reading a page of labels, while a page
 * of credits mostly asks for the status (docs/benchmarks.md, sixth round). They are read apart,
 * only when a response asks for them (`findLabelDetails`). The two reads are two statements: a
 * relabelling that commits between them can give a response one label's status and the next
 * label's reasons, as any two statements of a response can disagree (flag evidence alike).
 */
export type CreditLabelSummaryRow = Omit<CreditLabelRow, 'reasons' | 'attributes'>;
export type CreditLabelDetailRow = Pick<CreditLabelRow, 'creditId' | 'reasons' | 'attributes'>;

const { reasons: _reasons, attributes: _attributes, ...labelSummaryColumns } = getTableColumns(creditLabels);
export type CcpDecisionRow = typeof ccpDecisions.$inferSelect;
export type CcpProgramRow = typeof ccpPrograms.$inferSelect;
export type CcpReferenceRow = Pick<
  typeof ccpReferenceVersions.$inferSelect,
  'version' | 'asOf' | 'icvcmTableDate' | 'origin' | 'loadedAt' | 'activatedAt' | 'sources'
>;

const referenceColumns = {
  version: ccpReferenceVersions.version,
  asOf: ccpReferenceVersions.asOf,
  icvcmTableDate: ccpReferenceVersions.icvcmTableDate,
  origin: ccpReferenceVersions.origin,
  loadedAt: ccpReferenceVersions.loadedAt,
  activatedAt: ccpReferenceVersions.activatedAt,
  sources: ccpReferenceVersions.sources,
};

/** The active reference version (last activated), or the named one. */
export async function findReference(db: Executor, version?: string | null): Promise<CcpReferenceRow | null> {
  const [row] = await db
    .select(referenceColumns)
    .from(ccpReferenceVersions)
    .where(version ? eq(ccpReferenceVersions.version, version) : isNotNull(ccpReferenceVersions.activatedAt))
    .orderBy(desc(ccpReferenceVersions.activatedAt))
    .limit(1);
  return row ?? null;
}

export async function findLabelsByCreditIds(db: Executor, ids: readonly number[]): Promise<CreditLabelSummaryRow[]> {
  if (ids.length === 0) return [];
  return db.select(labelSummaryColumns).from(creditLabels).where(inList(creditLabels.creditId, ids));
}

/** The reasons and attributes of the labels of these credits. */
export async function findLabelDetails(db: Executor, ids: readonly number[]): Promise<CreditLabelDetailRow[]> {
  if (ids.length === 0) return [];
  return db
    .select({ creditId: creditLabels.creditId, reasons: creditLabels.reasons, attributes: creditLabels.attributes })
    .from(creditLabels)
    .where(inList(creditLabels.creditId, ids));
}

export interface VersionedKey {
  version: string;
  id: string;
}

const pairIn = (left: SQL, keys: readonly VersionedKey[]) =>
  sql`(${left}) in (${sql.join(
    keys.map((key) => sql`(${key.version}, ${key.id})`),
    sql`, `,
  )})`;

export async function findDecisionsByKeys(db: Executor, keys: readonly VersionedKey[]): Promise<CcpDecisionRow[]> {
  if (keys.length === 0) return [];
  return db.select().from(ccpDecisions).where(pairIn(sql`${ccpDecisions.referenceVersion}, ${ccpDecisions.id}`, keys));
}

export async function findProgramsByKeys(db: Executor, keys: readonly VersionedKey[]): Promise<CcpProgramRow[]> {
  if (keys.length === 0) return [];
  return db.select().from(ccpPrograms).where(pairIn(sql`${ccpPrograms.referenceVersion}, ${ccpPrograms.programId}`, keys));
}

export async function findCcpPrograms(db: Executor, version: string, eligibleOnly: boolean): Promise<CcpProgramRow[]> {
  return db
    .select()
    .from(ccpPrograms)
    .where(and(eq(ccpPrograms.referenceVersion, version), eligibleOnly ? eq(ccpPrograms.status, 'ccp-eligible') : undefined))
    .orderBy(asc(ccpPrograms.position));
}

/** Each field narrows the result; null/undefined means "any". */
export interface CcpDecisionFilter {
  programIds?: readonly string[] | null;
  outcomes?: readonly string[] | null;
  batches?: readonly string[] | null;
  /** Substring of the methodology name or code. */
  methodology?: string | null;
  conditional?: boolean | null;
}

/** Decisions in the order of the reference file (grouped by program). */
export const decisionOrdering: Ordering = {
  name: 'POSITION_ASC',
  direction: 'asc',
  keys: [{ expression: sql`${ccpDecisions.position}`, type: 'integer' }],
};

function decisionFilterSql(version: string, filter: CcpDecisionFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [eq(ccpDecisions.referenceVersion, version)];
  if (filter.programIds) conditions.push(inList(ccpDecisions.programId, filter.programIds));
  if (filter.outcomes) conditions.push(inList(ccpDecisions.outcome, filter.outcomes));
  if (filter.batches) conditions.push(inList(ccpDecisions.batch, filter.batches as string[]));
  if (filter.methodology?.trim()) {
    const pattern = containsPattern(filter.methodology.trim());
    conditions.push(or(ilike(ccpDecisions.methodology, pattern), ilike(ccpDecisions.methodologyId, pattern)));
  }
  if (filter.conditional != null) conditions.push(eq(ccpDecisions.conditional, filter.conditional));
  return and(...conditions);
}

/** The decisions of reference version `version` that `filter` selects, for `findPage` and `countRows`. */
const decisionRows = (version: string, filter: CcpDecisionFilter): TableRows => ({ table: ccpDecisions, where: decisionFilterSql(version, filter) });

export function findDecisions(db: Executor, version: string, filter: CcpDecisionFilter, request: PageRequest): Promise<Page<CcpDecisionRow>> {
  return findPage(db, decisionRows(version, filter), getTableColumns(ccpDecisions), decisionOrdering, request);
}

export function countDecisions(db: Executor, version: string, filter: CcpDecisionFilter): Promise<number> {
  return countRows(db, decisionRows(version, filter));
}

export interface ProjectCcpRow {
  projectId: number;
  vintageYear: number | null;
  status: string;
  kind: string;
  quantity: number;
  transactions: number;
}

/** Per project, vintage, CCP status and kind: quantities and counts, in ONE GROUP BY for a page of projects. */
export async function projectCcpRows(db: Executor, projectIds: readonly number[]): Promise<Map<number, ProjectCcpRow[]>> {
  const result = new Map<number, ProjectCcpRow[]>(projectIds.map((id) => [id, []]));
  if (projectIds.length === 0) return result;
  const rows = await db
    .select({
      projectId: credits.projectId,
      vintageYear: credits.vintageYear,
      status: creditLabels.status,
      kind: credits.kind,
      quantity: sql<number>`sum(${credits.quantity})::float8`.mapWith(Number),
      transactions: sql<number>`count(*)::int`,
    })
    .from(credits)
    .innerJoin(creditLabels, eq(creditLabels.creditId, credits.id))
    .where(and(inList(credits.projectId, projectIds), sql`${credits.vanishedAt} is null`))
    .groupBy(credits.projectId, credits.vintageYear, creditLabels.status, credits.kind);
  for (const row of rows) result.get(row.projectId)?.push(row);
  return result;
}

export type CcpGroupDimension = 'PROGRAM' | 'VINTAGE' | 'KIND';

export interface CcpQuantityRow {
  status: string;
  programId: string | null;
  vintageYear: number | null;
  kind: string | null;
  quantity: number;
  transactions: number;
}

/** Quantities by CCP status (and the asked dimensions) of the credits matching `filter`, in one GROUP BY. */
export async function ccpQuantities(db: Executor, filter: CreditFilter, groupBy: readonly CcpGroupDimension[]): Promise<CcpQuantityRow[]> {
  const byProgram = groupBy.includes('PROGRAM');
  const byVintage = groupBy.includes('VINTAGE');
  const byKind = groupBy.includes('KIND');
  const programColumn = byProgram ? sql<string | null>`${credits.programId}` : sql<string | null>`null::text`;
  const vintageColumn = byVintage ? sql<number | null>`${credits.vintageYear}` : sql<number | null>`null::int`;
  const kindColumn = byKind ? sql<string | null>`${credits.kind}::text` : sql<string | null>`null::text`;
  const groups: SQL[] = [sql`${creditLabels.status}`];
  if (byProgram) groups.push(sql`${credits.programId}`);
  if (byVintage) groups.push(sql`${credits.vintageYear}`);
  if (byKind) groups.push(sql`${credits.kind}`);
  const rows = await db
    .select({
      status: creditLabels.status,
      programId: programColumn,
      vintageYear: vintageColumn,
      kind: kindColumn,
      quantity: sql<number>`sum(${credits.quantity})::float8`.mapWith(Number),
      transactions: sql<number>`count(*)::int`,
    })
    .from(credits)
    .innerJoin(creditLabels, eq(creditLabels.creditId, credits.id))
    .where(creditFilterSql(db, filter))
    .groupBy(...groups)
    .orderBy(...groups);
  return rows;
}
