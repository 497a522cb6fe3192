import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb.drop());

describe('database sessions', () => {
  it('never JIT-compile a statement: compiling took longer than running the hub’s queries (docs/benchmarks.md)', async () => {
    const [session] = await queryRows<{ jit: string; available: boolean }>(
      testDb.database.db,
      sql`select current_setting('jit') as jit, pg_jit_available() as available`,
    );
    // PostgreSQL: turned off for the hub's connections. PGlite: built without a JIT provider.
    expect(session!.jit === 'off' || !session!.available).toBe(true);
    if (testDb.database.driver === 'postgres') expect(session!.jit).toBe('off');
  });

  it("costs pg_trgm's word-similarity operators as what they are, so a text search can go through the trigram indexes (migration 0008)", async () => {
    const functions = await queryRows<{ name: string; cost: number }>(
      testDb.database.db,
      sql`select proname as name, procost::float8 as cost from pg_proc
           where proname in ('word_similarity_op', 'word_similarity_commutator_op') order by proname`,
    );
    expect(functions).toEqual([
      { name: 'word_similarity_commutator_op', cost: 100 },
      { name: 'word_similarity_op', cost: 100 },
    ]);
  });
});
