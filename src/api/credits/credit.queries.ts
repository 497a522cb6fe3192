/**
 * Credit (transaction) reads and aggregates, framework-free (take `Executor`, return rows),
 * shared by the GraphQL resolvers, the CLI and tests.
 */
import { and, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { creditLabels, credits, projects } from '../../db/schema.ts';
import type { Ordering, Page, PageRequest } from '../common/keyset.ts';
import { countRows, findPage, type TableRows } from '../common/page.ts';
import { countByParent, findPagesByParent, type ChildRows } from '../common/pages-by-parent.ts';
import { pickColumns, type ColumnMap } from '../common/selection.ts';
import { inList } from '../common/sql-filters.ts';

const creditColumns = {
  id: credits.id,
  programId: credits.programId,
  naturalKey: credits.naturalKey,
  projectId: credits.projectId,
  kind: credits.kind,
  kindAmbiguous: credits.kindAmbiguous,
  quantity: credits.quantity,
  vintageYear: credits.vintageYear,
  vintageStart: credits.vintageStart,
  vintageEnd: credits.vintageEnd,
  transactionDate: credits.transactionDate,
  issuanceDate: credits.issuanceDate,
  serialNumber: credits.serialNumber,
  serialNamespace: credits.serialNamespace,
  serialFirst: credits.serialFirst,
  serialLast: credits.serialLast,
  countryCode: credits.countryCode,
  beneficiary: credits.beneficiary,
  retirementReason: credits.retirementReason,
  retirementNote: credits.retirementNote,
  useCase: credits.useCase,
  article6Authorization: credits.article6Authorization,
  labels: credits.labels,
  vanishedAt: credits.vanishedAt,
};

export type CreditRow = Pick<typeof credits.$inferSelect, keyof typeof creditColumns>;
export type CreditColumnName = keyof typeof creditColumns;
/** A credit as a read of only the columns a response needs (`creditColumnMap`) returns it: at least its id, program and project. */
export type CreditRead = Pick<CreditRow, 'id' | 'programId' | 'projectId'> & Partial<CreditRow>;

/** How `Credit`'s fields map to `creditColumns`, for pages that read only what a response selects. */
export const creditColumnMap: ColumnMap<CreditColumnName> = {
  all: Object.keys(creditColumns) as CreditColumnName[],
  always: ['id', 'programId', 'projectId'],
  derived: { serialBlock: ['serialNamespace', 'serialFirst', 'serialLast'] },
  relations: ['program', 'project', 'ccpLabel', 'flags'],
};
export type CreditKindValue = CreditRow['kind'];

/** Each field narrows the result; null/undefined means "any". An empty list matches nothing. */
export interface CreditFilter {
  /** Program codes (`verra`); unknown codes match nothing. */
  programIds?: readonly string[] | null;
  /** ISO 3166-1 alpha-2 codes of the credit's project (where the activity takes place). */
  projectCountryCodes?: readonly string[] | null;
  projectIds?: readonly number[] | null;
  /** Vintage years, inclusive. */
  vintageFrom?: number | null;
  vintageTo?: number | null;
  kinds?: readonly CreditKindValue[] | null;
  /** Transaction dates (YYYY-MM-DD), inclusive. */
  transactionDateFrom?: string | null;
  transactionDateTo?: string | null;
  /** Also credits a complete sync found gone from their registry (left out by default). */
  includeVanished?: boolean | null;
  /** CCP statuses of the credit's label (`credit_labels.status`); unlabelled credits match none. */
  ccpStatuses?: readonly string[] | null;
}

export type CreditOrderName = 'ID_ASC' | 'TRANSACTION_DATE_DESC' | 'VINTAGE_ASC';

const idKey = { expression: sql`${credits.id}`, type: 'bigint' } as const;

export function creditOrdering(name: CreditOrderName): Ordering {
  switch (name) {
    case 'TRANSACTION_DATE_DESC':
      return {
        name,
        direction: 'desc',
        keys: [
          { expression: sql`(${credits.transactionDate} is not null)`, type: 'boolean' }, // undated rows last
          { expression: sql`coalesce(${credits.transactionDate}, date '0001-01-01')`, type: 'date' },
          idKey,
        ],
      };
    case 'VINTAGE_ASC':
      return {
        name,
        direction: 'asc',
        keys: [
          { expression: sql`(${credits.vintageYear} is null)`, type: 'boolean' }, // rows without vintage last
          { expression: sql`coalesce(${credits.vintageYear}, 0)`, type: 'integer' },
          idKey,
        ],
      };
    case 'ID_ASC':
      return { name, direction: 'asc', keys: [idKey] };
  }
}

function filterSql(db: Executor, filter: CreditFilter): SQL | undefined {
  const conditions: (SQL | undefined)[] = [];
  if (!filter.includeVanished) conditions.push(isNull(credits.vanishedAt));
  if (filter.programIds) conditions.push(inList(credits.programId, filter.programIds));
  if (filter.projectIds) conditions.push(inList(credits.projectId, filter.projectIds));
  if (filter.projectCountryCodes) {
    const countries = filter.projectCountryCodes;
    conditions.push(
      countries.length === 0
        ? sql`false`
        : inArray(credits.projectId, db.select({ id: projects.id }).from(projects).where(inArray(projects.countryCode, [...countries]))),
    );
  }
  if (filter.vintageFrom != null) conditions.push(gte(credits.vintageYear, filter.vintageFrom));
  if (filter.vintageTo != null) conditions.push(lte(credits.vintageYear, filter.vintageTo));
  if (filter.kinds) conditions.push(inList(credits.kind, filter.kinds));
  if (filter.transactionDateFrom != null) conditions.push(gte(credits.transactionDate, filter.transactionDateFrom));
  if (filter.transactionDateTo != null) conditions.push(lte(credits.transactionDate, filter.transactionDateTo));
  if (filter.ccpStatuses) {
    const statuses = filter.ccpStatuses;
    // A semi-join on the (status, credit_id) index of credit_labels: cheap for any status mix.
    conditions.push(
      statuses.length === 0
        ? sql`false`
        : sql`exists (select 1 from ${creditLabels} where ${creditLabels.creditId} = ${credits.id} and ${creditLabels.status} in (${sql.join(
            statuses.map((status) => sql`${status}`),
            sql`, `,
          )}))`,
    );
  }
  return and(...conditions);
}

/** The WHERE condition of `filter` over `credits`, for other query modules (CCP aggregates). */
export const creditFilterSql = filterSql;

/** The credits `filter` selects, for `findPage` and `countRows`. */
const creditRows = (db: Executor, filter: CreditFilter): TableRows => ({ table: credits, where: filterSql(db, filter) });

/** One page of credits matching `filter`, in `ordering`: whole rows, or only `columns`. */
export function findCredits(
  db: Executor,
  filter: CreditFilter,
  ordering: Ordering,
  request: PageRequest,
  columns: readonly CreditColumnName[] | null = null,
): Promise<Page<CreditRead>> {
  return findPage(db, creditRows(db, filter), pickColumns(creditColumns, columns), ordering, request);
}

export function countCredits(db: Executor, filter: CreditFilter): Promise<number> {
  return countRows(db, creditRows(db, filter));
}

/** The credits of project `projectId` matching `filter`, for `findPagesByParent` and `countByParent`. */
function creditsOfProject(db: Executor, filter: CreditFilter): ChildRows {
  return { table: credits, ofParent: (projectId) => eq(credits.projectId, projectId), where: filterSql(db, filter) };
}

/**
 * The same page of credits for each of several projects, in ONE statement (a LATERAL page
 * per project; in id order, a LIMITed scan of the (project_id, id) index): this keeps "a page
 * of projects with their credits" at a fixed number of statements whatever the page size.
 */
export function findCreditsByProject(
  db: Executor,
  projectIds: readonly number[],
  filter: CreditFilter,
  ordering: Ordering,
  request: PageRequest,
  columns: readonly CreditColumnName[] | null = null,
): Promise<Map<number, Page<CreditRead>>> {
  return findPagesByParent(db, projectIds, creditsOfProject(db, filter), pickColumns(creditColumns, columns), ordering, request);
}

/** Credits matching `filter` per project, in one statement. */
export function countCreditsByProject(db: Executor, projectIds: readonly number[], filter: CreditFilter): Promise<Map<number, number>> {
  return countByParent(db, projectIds, creditsOfProject(db, filter));
}

export async function findCreditsByIds(db: Executor, ids: readonly number[]): Promise<CreditRow[]> {
  if (ids.length === 0) return [];
  return db.select(creditColumns).from(credits).where(inList(credits.id, ids));
}

/** Quantities per transaction kind, as reported by the registry. */
export interface CreditTotals {
  issued: number;
  retired: number;
  cancelled: number;
}

const totalField: Record<CreditKindValue, keyof CreditTotals> = {
  issuance: 'issued',
  retirement: 'retired',
  cancellation: 'cancelled',
};

/** Totals per project for many projects, in one GROUP BY (projects without credits get zeros). */
export async function creditTotalsByProject(db: Executor, projectIds: readonly number[]): Promise<Map<number, CreditTotals>> {
  const totals = new Map<number, CreditTotals>(projectIds.map((id) => [id, { issued: 0, retired: 0, cancelled: 0 }]));
  if (projectIds.length === 0) return totals;
  const rows = await db
    .select({
      projectId: credits.projectId,
      kind: credits.kind,
      quantity: sql<number>`sum(${credits.quantity})::float8`.mapWith(Number),
    })
    .from(credits)
    // Transactions the registry no longer lists are out of totals, as they are out of `credits` by default.
    .where(and(inList(credits.projectId, projectIds), isNull(credits.vanishedAt)))
    .groupBy(credits.projectId, credits.kind);
  for (const row of rows) {
    const projectTotals = totals.get(row.projectId);
    if (projectTotals) projectTotals[totalField[row.kind]] = row.quantity;
  }
  return totals;
}
