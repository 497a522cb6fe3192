/**
 * Program reads, framework-free: every function takes the database (or a transaction) and
 * plain arguments, so the CLI and tests can call them without GraphQL.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { programs } from '../../db/schema.ts';
import type { Ordering, Page, PageRequest } from '../common/keyset.ts';
import { countRows, findPage, type TableRows } from '../common/page.ts';
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

/** Every program (the connection has no filter), for `findPage` and `countRows`. */
const programRows: TableRows = { table: programs };

export function findPrograms(db: Executor, request: PageRequest): Promise<Page<ProgramRow>> {
  return findPage(db, programRows, programColumns, programOrdering, request);
}

export function countPrograms(db: Executor): Promise<number> {
  return countRows(db, programRows);
}

export async function findProgramsByIds(db: Executor, ids: readonly string[]): Promise<ProgramRow[]> {
  if (ids.length === 0) return [];
  return db.select(programColumns).from(programs).where(inList(programs.id, ids));
}
