import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verra } from '../../connectors/verra/index.ts';
import { queryRows } from '../../src/db/client.ts';
import { analyzeAfterRows, refreshStatistics } from '../../src/db/statistics.ts';
import { runSyncJob } from '../../src/ingest/sync-job.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb.drop());

/** Whether the table was analyzed and vacuumed by hand (autovacuum's own runs are counted apart), and how many columns have statistics. */
async function statistics(table: string): Promise<{ analyzed: boolean; vacuumed: boolean; columns: number }> {
  const [row] = await queryRows<{ analyzed: boolean; vacuumed: boolean; columns: number }>(
    testDb.database.db,
    sql`select (select last_analyze is not null from pg_stat_user_tables where relname = ${table}) as analyzed,
               (select last_vacuum is not null from pg_stat_user_tables where relname = ${table}) as vacuumed,
               (select count(*)::int from pg_stats where schemaname = 'public' and tablename = ${table}) as columns`,
  );
  return row!;
}

/** The plan of `statement` when the planner may only read indexes one entry at a time (no sequential or bitmap scan), as EXPLAIN ANALYZE lines. */
async function indexPlan(statement: string): Promise<string> {
  return testDb.database.db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    await tx.execute(sql`set local enable_bitmapscan = off`);
    const rows = await queryRows<{ 'QUERY PLAN': string }>(tx, sql.raw(`explain (analyze, costs off, timing off, summary off) ${statement}`));
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  });
}

const syncVerraFixture = () =>
  runSyncJob({
    database: testDb.database,
    connector: verra,
    source: { kind: 'files', dir: 'test/fixtures/registries/verra' },
    trigger: 'test',
    logger: silentLogger,
  });

describe('planner statistics (PGlite has no autovacuum)', () => {
  it('are left alone by a sync that wrote little, and gathered once a run wrote many rows', async () => {
    const result = await syncVerraFixture();
    expect(result?.status).toBe('succeeded');
    expect(result!.counts.inserted).toBeLessThan(analyzeAfterRows);
    expect((await statistics('credits')).analyzed).toBe(false);
    // What decides: the raw record versions the run stored, not what it fetched.
    const [raw] = await queryRows<{ count: number }>(testDb.database.db, sql`select count(*)::int as count from raw_records`);
    expect(result!.rawVersionsStored).toBe(raw!.count);
    expect(raw!.count).toBeGreaterThan(0);

    expect(await refreshStatistics(testDb.database, ['credits', 'projects'], analyzeAfterRows)).toBe(true);
    for (const table of ['credits', 'projects']) {
      const after = await statistics(table);
      expect(after.analyzed, table).toBe(true);
      expect(after.vacuumed, table).toBe(true);
      expect(after.columns, table).toBeGreaterThan(10);
    }
  });

  it('let a count of live credits by program and vintage, or by project, be read from an index alone once the table was vacuumed', async () => {
    const [project] = await queryRows<{ id: number }>(testDb.database.db, sql`select project_id::int as id from credits group by project_id order by count(*) desc limit 1`);
    const counts = {
      'by program and vintage': `select count(*) from credits where vanished_at is null and program_id = 'verra' and vintage_year between 2015 and 2020`,
      'by project': `select count(*) from credits where vanished_at is null and project_id = ${project!.id}`,
    };
    for (const [name, statement] of Object.entries(counts)) {
      const plan = await indexPlan(statement);
      // The index carries vanished_at (migration 0009), and VACUUM set the visibility map.
      expect(plan, name).toMatch(/Index Only Scan using credits_(program_vintage|project) on credits/);
      expect(plan, name).toMatch(/Heap Fetches: 0/);
    }
  });

  it('count an unchanged re-sync as writing nothing, however much it fetched', async () => {
    const result = await syncVerraFixture();
    expect(result?.status).toBe('succeeded');
    expect(result!.counts.fetched).toBeGreaterThan(0);
    expect(result!.rawVersionsStored).toBe(0);
    expect(result!.counts.inserted + result!.counts.updated + result!.counts.vanished).toBe(0);
  });
});
