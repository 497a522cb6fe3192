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

/** When the table was last analyzed by hand (autovacuum's own analyses are counted apart), and how many columns have statistics. */
async function statistics(table: string): Promise<{ analyzed: boolean; columns: number }> {
  const [row] = await queryRows<{ analyzed: boolean; columns: number }>(
    testDb.database.db,
    sql`select (select last_analyze is not null from pg_stat_user_tables where relname = ${table}) as analyzed,
               (select count(*)::int from pg_stats where schemaname = 'public' and tablename = ${table}) as columns`,
  );
  return row!;
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
      expect(after.columns, table).toBeGreaterThan(10);
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
