import { asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../connectors/http.ts';
import { verra } from '../../connectors/verra/index.ts';
import { queryRows } from '../../src/db/client.ts';
import { credits, projects, rawRecords, syncRuns } from '../../src/db/schema.ts';
import { runSync, type SyncResult } from '../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csvBody, readCsvExport, startRegistryServer, verraRoutes, type RegistryServer } from '../support/registry-server.ts';
import { verraTotalsFromCsv } from '../support/verra-totals.ts';

const fixtureDir = 'test/fixtures/registries/verra';
const transactionsFile = readCsvExport(`${fixtureDir}/transactions.csv`);

let testDb: TestDatabase;
let server: RegistryServer;
let http: HttpClient;

beforeAll(async () => {
  testDb = await createTestDatabase();
  http = new HttpClient({ baseDelayMs: 5, maxDelayMs: 50, maxRetries: 2, timeoutMs: 5_000, requestsPerSecondPerHost: 0 });
});
afterAll(async () => {
  await http.close();
  await testDb.drop();
});
beforeEach(async () => {
  server = await startRegistryServer(verraRoutes(fixtureDir));
});
afterEach(async () => {
  await server.close();
});

function syncVerra(baseUrl = server.baseUrl): Promise<SyncResult> {
  return runSync({ database: testDb.database, connector: verra, source: { kind: 'http', http, baseUrl }, trigger: 'test', logger: silentLogger });
}

/** Everything a user could read of the normalized data, to compare before and after a run. */
async function normalizedState() {
  const db = testDb.database.db;
  // lastSeenAt is bookkeeping (when the registry last listed the project), not content.
  const { lastSeenAt: _, ...projectContent } = getTableColumns(projects);
  return {
    projects: await db.select(projectContent).from(projects).orderBy(asc(projects.id)),
    credits: await db.select().from(credits).orderBy(asc(credits.id)),
  };
}

async function totalsByProject(): Promise<Map<string, { issued: number; retired: number }>> {
  const rows = await queryRows<{ project: string; issued: number; retired: number }>(
    testDb.database.db,
    sql`select p.registry_project_id as project,
               coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
               coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired
          from projects p join credits c on c.project_id = p.id
         where p.program_id = 'verra'
         group by p.registry_project_id`,
  );
  return new Map(rows.map((row) => [row.project, { issued: row.issued, retired: row.retired }]));
}

describe('a sync run (Verra over HTTP)', () => {
  it('lands every fixture row, with per-project issued and retired totals equal to the CSV', async () => {
    const result = await syncVerra();
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    expect(result.counts.rejected).toBe(0);
    const expectedFetched = readCsvExport(`${fixtureDir}/projects.csv`).rows.length + transactionsFile.rows.length;
    expect(result.counts.fetched).toBe(expectedFetched);

    const expected = verraTotalsFromCsv(`${fixtureDir}/transactions.csv`);
    const actual = await totalsByProject();
    expect(actual.size).toBe(expected.size);
    for (const [project, totals] of expected) expect(actual.get(project), `project ${project}`).toEqual(totals);

    const [run] = await testDb.database.db.select().from(syncRuns).where(eq(syncRuns.id, result.runId));
    expect(run).toMatchObject({ status: 'succeeded', fetched: expectedFetched, rejected: 0 });
    expect(run!.inserted).toBe(result.counts.inserted);
    expect(run!.finishedAt).not.toBeNull();
  });

  it('a second sync over the same data inserts and updates nothing', async () => {
    const before = await normalizedState();
    const result = await syncVerra();
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
    expect(result.counts.unchanged).toBeGreaterThan(0);
    expect(await normalizedState()).toEqual(before);
  });

  it('a truncated CSV fails the run and leaves the earlier data untouched', async () => {
    const before = await normalizedState();
    // The registry now has new names for its projects, but the last VCU response is cut short.
    const projectsFile = readCsvExport(`${fixtureDir}/projects.csv`);
    const renamed = {
      header: projectsFile.header,
      rows: projectsFile.rows.map(({ record, raw }) => ({ record, raw: raw.replace(record.Name!, `${record.Name} (renamed)`) })),
    };
    const routes = verraRoutes(fixtureDir, { projects: renamed, transactions: transactionsFile });
    const currentMonth = new Date().toISOString().slice(0, 7);
    await server.close();
    server = await startRegistryServer((request) => {
      const reply = routes(request);
      const window = request.body ? (JSON.parse(request.body) as { issuanceStartInclusive?: string }) : {};
      return reply && window.issuanceStartInclusive?.startsWith(currentMonth) ? { ...reply, truncate: true } : reply;
    });

    const result = await syncVerra();
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('transient');
    expect(result.error).toMatch(/uiapi\/asset\/asset\/search/);
    expect(server.requests.some((r) => r.path === '/uiapi/resource/resource/search')).toBe(true);
    expect(await normalizedState()).toEqual(before);
    const [run] = await testDb.database.db.select().from(syncRuns).where(eq(syncRuns.id, result.runId));
    expect(run).toMatchObject({ status: 'failed', failureType: 'transient', inserted: 0, updated: 0 });
    expect(run!.error).toBe(result.error);
  });

  it('reports the web app shell (HTML with 200) as a changed format, not as data', async () => {
    server.fail('/uiapi/resource/resource/search', { kind: 'html' });
    const result = await syncVerra();
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('format');
  });

  it('marks credits whose block the registry no longer lists as vanished, and brings them back', async () => {
    const gone = transactionsFile.rows[0]!.record;
    const key = gone['Serial Number']!;
    const without = verraRoutes(fixtureDir, {
      projects: readCsvExport(`${fixtureDir}/projects.csv`),
      transactions: { header: transactionsFile.header, rows: transactionsFile.rows.filter((row) => row.record !== gone) },
    });
    await server.close();
    server = await startRegistryServer(without);
    const result = await syncVerra();
    expect(result.status).toBe('succeeded');
    const expectedGone = gone['Retirement/Cancellation Date'] ? 2 : 1;
    expect(result.counts.vanished).toBe(expectedGone);
    const marked = await testDb.database.db.select().from(credits).where(sql`${credits.naturalKey} like ${'%:' + key}`);
    expect(marked).toHaveLength(expectedGone);
    expect(marked.every((credit) => credit.vanishedAt !== null)).toBe(true);
    const [run] = await testDb.database.db.select().from(syncRuns).where(eq(syncRuns.id, result.runId));
    expect(run!.vanished).toBe(expectedGone);

    await server.close();
    server = await startRegistryServer(verraRoutes(fixtureDir));
    const back = await syncVerra();
    expect(back.counts.vanished).toBe(0);
    expect(back.counts.updated).toBe(expectedGone);
    const restored = await testDb.database.db.select().from(credits).where(sql`${credits.naturalKey} like ${'%:' + key}`);
    expect(restored.every((credit) => credit.vanishedAt === null)).toBe(true);
  });

  it('fails cleanly as transient when the registry cannot be reached', async () => {
    const closed = server.baseUrl;
    await server.close();
    const result = await syncVerra(closed);
    server = await startRegistryServer(verraRoutes(fixtureDir));
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('transient');
    expect(result.error).toMatch(/ECONNREFUSED|connect/i);
  });
});
