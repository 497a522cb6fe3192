/**
 * A sync killed mid-run (the process dies) and then run again leaves consistent data: the
 * dead run is reported as interrupted, and the rerun lands exactly what the registry has.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../connectors/http.ts';
import { verra } from '../../connectors/verra/index.ts';
import { openDatabase, queryRows, type Database } from '../../src/db/client.ts';
import { syncRuns } from '../../src/db/schema.ts';
import { runSyncJob } from '../../src/ingest/sync-job.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startRegistryServer, verraRoutes } from '../support/registry-server.ts';
import { verraTotalsFromCsv } from '../support/verra-totals.ts';

const fixtureDir = 'test/fixtures/registries/verra';
let testDb: TestDatabase | null = null;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hub-kill-'));
  if (process.env.DATABASE_URL) testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The hub's database settings for a child process: the test's PostgreSQL database, or PGlite under dataDir. */
function databaseEnv(): Record<string, string> {
  return testDb?.url ? { DATABASE_URL: testDb.url } : { DATABASE_URL: '', DATA_DIR: dataDir };
}

function openSameDatabase(): Promise<Database> {
  return testDb?.url ? openDatabase({ databaseUrl: testDb.url }) : openDatabase({ dataDir });
}

describe('a sync killed mid-run', () => {
  it('is reported as interrupted, and rerunning it leaves the same data a clean run gives', async () => {
    const registry = await startRegistryServer(verraRoutes(fixtureDir));
    // Slow every monthly export down, so the process is killed while it is still reading.
    registry.fail('/uiapi/asset/asset/search', ...Array.from({ length: 400 }, () => ({ kind: 'delay' as const, ms: 25 })));
    const child = spawn(process.execPath, ['bin/hub.mjs', 'sync', '--program', 'verra'], {
      env: { ...process.env, ...databaseEnv(), VERRA_BASE_URL: registry.baseUrl, HTTP_REQUESTS_PER_SECOND: '1000', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // The child first creates and migrates its database: about 20 s of a busy 2-core machine.
    await expect
      .poll(() => registry.requests.filter((r) => r.path === '/uiapi/asset/asset/search').length, { timeout: 90_000, interval: 50 })
      .toBeGreaterThan(20);
    child.kill('SIGKILL');
    await exited;
    await registry.close();

    const database = await openSameDatabase();
    const http = new HttpClient({ baseDelayMs: 5, maxRetries: 1, timeoutMs: 5_000, requestsPerSecondPerHost: 0 });
    const clean = await startRegistryServer(verraRoutes(fixtureDir));
    try {
      await database.migrate();
      const [dead] = await database.db.select().from(syncRuns).orderBy(asc(syncRuns.id));
      expect(dead).toMatchObject({ programId: 'verra', status: 'running' });

      const rerun = await runSyncJob({ database, connector: verra, source: { kind: 'http', http, baseUrl: clean.baseUrl }, trigger: 'test', logger: silentLogger });
      expect(rerun?.status).toBe('succeeded');
      expect(rerun?.counts.rejected).toBe(0);

      const runs = await database.db.select().from(syncRuns).orderBy(asc(syncRuns.id));
      expect(runs.map((run) => run.status)).toEqual(['failed', 'succeeded']);
      expect(runs[0]!.error).toMatch(/^interrupted/);

      const totals = await queryRows<{ project: string; issued: number; retired: number }>(
        database.db,
        sql`select p.registry_project_id as project,
                   coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
                   coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired
              from projects p join credits c on c.project_id = p.id where c.vanished_at is null
             group by p.registry_project_id`,
      );
      expect(new Map(totals.map(({ project, ...rest }) => [project, rest]))).toEqual(verraTotalsFromCsv(`${fixtureDir}/transactions.csv`));
      // Each raw record is stored once, whatever the dead run had staged.
      const [duplicates] = await queryRows<{ count: number }>(
        database.db,
        sql`select count(*)::int as count from (select natural_key from raw_records group by program_id, source_kind, natural_key, content_hash having count(*) > 1) d`,
      );
      expect(duplicates!.count).toBe(0);
    } finally {
      await clean.close();
      await http.close();
      await database.close();
    }
  }, 180_000);
});
