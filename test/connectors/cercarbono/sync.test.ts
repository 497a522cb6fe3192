import { asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../connectors/http.ts';
import { cercarbono } from '../../../connectors/cercarbono/index.ts';
import { queryRows } from '../../../src/db/client.ts';
import { credits, projects, rawRecords } from '../../../src/db/schema.ts';
import { runSync, type SyncResult, type SyncSource } from '../../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startRegistryServer, type RegistryServer } from '../../support/registry-server.ts';
import { CERCARBONO_PATHS, ECOREGISTRY_ERROR_401, cercarbonoFixture } from '../../support/connectors/cercarbono.ts';
import type { ProjectTotals } from '../../support/connectors/types.ts';

let testDb: TestDatabase;
let http: HttpClient;
let server: RegistryServer;

beforeAll(async () => {
  testDb = await createTestDatabase();
  http = new HttpClient({ baseDelayMs: 5, maxDelayMs: 50, maxRetries: 2, timeoutMs: 5_000, requestsPerSecondPerHost: 0 });
});
afterAll(async () => {
  await http.close();
  await testDb.drop();
});
beforeEach(async () => {
  server = await startRegistryServer(cercarbonoFixture.routes());
});
afterEach(async () => {
  await server.close();
});

function sync(source: SyncSource): Promise<SyncResult> {
  return runSync({ database: testDb.database, connector: cercarbono, source, trigger: 'test', logger: silentLogger });
}
const files: SyncSource = { kind: 'files', dir: cercarbonoFixture.fixtureDir };
const overHttp = (): SyncSource => ({ kind: 'http', http, baseUrl: server.baseUrl });

async function totalsByProject(): Promise<Map<string, ProjectTotals>> {
  const rows = await queryRows<{ project: string; issued: number; retired: number; cancelled: number }>(
    testDb.database.db,
    sql`select p.registry_project_id as project,
               coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
               coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired,
               coalesce(sum(c.quantity) filter (where c.kind = 'cancellation'), 0)::float8 as cancelled
          from projects p join credits c on c.project_id = p.id
         where p.program_id = 'cercarbono'
         group by p.registry_project_id`,
  );
  return new Map(rows.map(({ project, ...totals }) => [project, totals]));
}

async function normalizedState() {
  const db = testDb.database.db;
  const { lastSeenAt: _, ...projectContent } = getTableColumns(projects);
  return {
    projects: await db.select(projectContent).from(projects).where(eq(projects.programId, 'cercarbono')).orderBy(asc(projects.id)),
    credits: await db.select().from(credits).where(eq(credits.programId, 'cercarbono')).orderBy(asc(credits.id)),
  };
}

describe('Cercarbono sync', () => {
  it('from the export files lands every row, with per-project totals equal to the raw CSVs', async () => {
    const result = await sync(files);
    expect(result.error).toBeNull();
    expect(result.counts).toMatchObject({ fetched: 250, rejected: 0 });
    const expected = cercarbonoFixture.totalsFromRawFiles();
    expect(await totalsByProject()).toEqual(expected);
    const [row] = await queryRows<{ count: number }>(
      testDb.database.db,
      sql`select count(*)::int as count from projects where program_id = 'cercarbono' and completeness = 'full'`,
    );
    expect(row?.count).toBe(50);
  });

  it('over the platform’s feeds lands the same credits: none changes after the file sync', async () => {
    const before = await normalizedState();
    const result = await sync(overHttp());
    expect(result.error).toBeNull();
    // The other standard's project, serials and retirement are left out before staging.
    expect(result.counts).toMatchObject({ fetched: 250, rejected: 0, inserted: 0 });
    expect((await normalizedState()).credits).toEqual(before.credits);
    expect(await totalsByProject()).toEqual(cercarbonoFixture.totalsFromRawFiles());
  });

  it('a second sync over the API inserts and updates nothing', async () => {
    const result = await sync(overHttp());
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
  });

  it('keeps a retirement whose unit range disagrees with its quantity as a rejected raw record, and lands the rest', async () => {
    const broken = cercarbonoFixture.malformedRecord();
    await server.close();
    server = await startRegistryServer(broken.routes);
    const result = await sync(overHttp());
    expect(result.status).toBe('succeeded');
    expect(result.counts.rejected).toBe(1);
    const rejected = await testDb.database.db
      .select()
      .from(rawRecords)
      .where(sql`${rawRecords.status} = 'rejected' and ${rawRecords.lastSeenRunId} = ${result.runId}`);
    expect(rejected.map((row) => [row.naturalKey, row.rejectionReason])).toEqual([[broken.naturalKey, broken.reason]]);
    expect(rejected[0]!.rejectionDetail).toContain('field "quantity" says 999999');
  });

  it('fails as a config error when the platform answers ERROR_401 with HTTP 200, leaving the data as it was', async () => {
    const before = await normalizedState();
    server.fail(CERCARBONO_PATHS.retirements, { kind: 'replace-body', body: ECOREGISTRY_ERROR_401 });
    const result = await sync(overHttp());
    expect(result).toMatchObject({ status: 'failed', failureType: 'config' });
    expect(result.error).toContain('ERROR_401');
    expect(await normalizedState()).toEqual(before);
  });

  it('fails as transient when a feed is cut short, leaving the data as it was', async () => {
    const before = await normalizedState();
    server.fail(cercarbonoFixture.faultPath, { kind: 'truncate' }, { kind: 'truncate' }, { kind: 'truncate' });
    const result = await sync(overHttp());
    expect(result).toMatchObject({ status: 'failed', failureType: 'transient' });
    expect(await normalizedState()).toEqual(before);
  });

  it('stops with a format failure naming the field when the API renames one', async () => {
    const before = await normalizedState();
    server.fail(cercarbonoFixture.faultPath, { kind: 'rename-column', ...cercarbonoFixture.requiredField });
    const result = await sync(overHttp());
    expect(result).toMatchObject({ status: 'failed', failureType: 'format' });
    expect(result.error).toContain(`"${cercarbonoFixture.requiredField.from}"`);
    expect(await normalizedState()).toEqual(before);
  });
});
