/**
 * Program reads, framework-free: every function takes the database (or a transaction) and
 * plain arguments, so the CLI and tests can call them without GraphQL.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { programs } from '../../db/schema.ts';
import { afterSql, keyValuesSql, orderBySql, parseKeyValues, toPage, type Ordering, type Page, type PageRequest } from '../common/keyset.ts';
import { inList } from '../common/sql-filters.ts';

const programColumns = {
  id: programs.id,
  name: programs.name,
  kind: programs.kind,
  homepage: programs.homepage,
};

export type ProgramRow = Pick<typeof programs.$inferSelect, keyof typeof programColumns>;

/** Programs by code (`programs.id`). */
export const programOrdering: Ordering = {
  name: 'CODE_ASC',
  direction: 'asc',
  keys: [{ expression: sql`${programs.id}`, type: 'text' }],
};

export async function findPrograms(db: Executor, request: PageRequest): Promise<Page<ProgramRow>> {
  const rows = await db
    .select({ row: programColumns, key: keyValuesSql(programOrdering) })
    .from(programs)
    .where(request.after ? afterSql(programOrdering, request.after) : undefined)
    .orderBy(orderBySql(programOrdering))
    .limit(request.first + 1);
  return toPage(
    rows.map(({ row, key }) => ({ row, key: parseKeyValues(key) })),
    request,
  );
}

export async function countPrograms(db: Executor): Promise<number> {
  const [row] = await queryRows<{ count: number }>(db, sql`select count(*)::int as count from ${programs}`);
  return row?.count ?? 0;
}

export async function findProgramsByIds(db: Executor, ids: readonly string[]): Promise<ProgramRow[]> {
  if (ids.length === 0) return [];
  return db.select(programColumns).from(programs).where(inList(programs.id, ids));
}
