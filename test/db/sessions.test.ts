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
});
