/**
 * The shared suite every connector runs: its real fixture exports served over local HTTP are
 * synced and reconciled per project against totals computed from the raw files, then the
 * same faults (5xx, 429 with Retry-After, timeout, truncated body, renamed column, malformed
 * record) are injected and each must end as the failure class it is, without touching data.
 */
import { asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../connectors/http.ts';
import { queryRows } from '../../src/db/client.ts';
import { credits, projects, rawRecords } from '../../src/db/schema.ts';
import { runSync, type SyncResult } from '../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../src/logger.ts';
import { connectorFixtures } from '../support/connectors/all.ts';
import type { ConnectorFixture, ProjectTotals } from '../support/connectors/types.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startRegistryServer, type RegistryServer, type Route } from '../support/registry-server.ts';

describe.each(connectorFixtures.map((fixture) => [fixture.connector.id, fixture] as const))('%s connector', (_id, fixture: ConnectorFixture) => {
  let testDb: TestDatabase;
  let http: HttpClient;
  let server: RegistryServer | null = null;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    http = new HttpClient({ baseDelayMs: 5, maxDelayMs: 50, maxRetries: 2, timeoutMs: 1_000, requestsPerSecondPerHost: 0 });
  });
  afterAll(async () => {
    await http.close();
    await testDb.drop();
  });
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  async function serve(route: Route = fixture.routes()): Promise<RegistryServer> {
    server = await startRegistryServer(route);
    return server;
  }

  function sync(baseUrl: string): Promise<SyncResult> {
    return runSync({ database: testDb.database, connector: fixture.connector, source: { kind: 'http', http, baseUrl, secrets: fixture.secrets }, trigger: 'test', logger: silentLogger });
  }

  async function normalizedState() {
    const db = testDb.database.db;
    const { lastSeenAt: _, ...projectContent } = getTableColumns(projects);
    return {
      projects: await db.select(projectContent).from(projects).orderBy(asc(projects.id)),
      credits: await db.select().from(credits).orderBy(asc(credits.id)),
    };
  }

  it('syncs the real exports over HTTP; per-project totals equal those computed from the raw files', async () => {
    const registry = await serve();
    const result = await sync(registry.baseUrl);
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    expect(result.counts.inserted).toBeGreaterThan(0);

    const rows = await queryRows<{ project: string; issued: number; retired: number; cancelled: number }>(
      testDb.database.db,
      sql`select p.registry_project_id as project,
                 coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
                 coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired,
                 coalesce(sum(c.quantity) filter (where c.kind = 'cancellation'), 0)::float8 as cancelled
            from projects p join credits c on c.project_id = p.id
           where p.program_id = ${fixture.connector.id}
           group by p.registry_project_id`,
    );
    const actual = new Map<string, ProjectTotals>(rows.map(({ project, ...totals }) => [project, totals]));
    const expected = fixture.totalsFromRawFiles();
    expect(expected.size).toBeGreaterThan(0);
    for (const [project, totals] of expected) {
      const got = actual.get(project) ?? { issued: 0, retired: 0, cancelled: 0 };
      expect(got.issued, `${project} issued`).toBeCloseTo(totals.issued, 3);
      expect(got.retired, `${project} retired`).toBeCloseTo(totals.retired, 3);
      expect(got.cancelled, `${project} cancelled`).toBeCloseTo(totals.cancelled, 3);
    }
    for (const [project, totals] of actual) {
      if (!expected.has(project)) expect(totals, `${project} is not in the raw files`).toEqual({ issued: 0, retired: 0, cancelled: 0 });
    }
  });

  it('a second sync of the same exports inserts and updates nothing', async () => {
    const registry = await serve();
    const before = await normalizedState();
    const result = await sync(registry.baseUrl);
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ inserted: 0, updated: 0 });
    expect(await normalizedState()).toEqual(before);
  });

  it('retries 5xx and 429 with Retry-After, then succeeds', async () => {
    const registry = await serve();
    registry.fail(fixture.faultPath, { kind: 'status', status: 503 }, { kind: 'status', status: 429, retryAfter: '1' });
    const result = await sync(registry.baseUrl);
    expect(result.error).toBeNull();
    const hits = registry.requests.filter((r) => r.path.startsWith(fixture.faultPath));
    const [first, second, third] = hits;
    expect(third, 'the third attempt at the faulty path').toBeDefined();
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(900);
    // All three are the same request, retried.
    expect([second!.url, third!.url, second!.body, third!.body]).toEqual([first!.url, first!.url, first!.body, first!.body]);
  });

  it('gives up on a registry that keeps failing: transient failure, data untouched', async () => {
    const registry = await serve();
    registry.fail(fixture.faultPath, ...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 502 })));
    const before = await normalizedState();
    const result = await sync(registry.baseUrl);
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('transient');
    expect(await normalizedState()).toEqual(before);
  });

  it('times out on a registry that never answers: transient failure', async () => {
    const registry = await serve();
    registry.fail(fixture.faultPath, { kind: 'stall' }, { kind: 'stall' }, { kind: 'stall' });
    const result = await sync(registry.baseUrl);
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('transient');
  });

  it('a truncated body fails the run and leaves the data untouched', async () => {
    const registry = await serve();
    registry.fail(fixture.faultPath, { kind: 'truncate' });
    const before = await normalizedState();
    const result = await sync(registry.baseUrl);
    expect(result.status).toBe('failed');
    expect(['transient', 'format']).toContain(result.failureType);
    expect(await normalizedState()).toEqual(before);
  });

  it('a renamed required column stops the run with a format failure naming it', async () => {
    const registry = await serve();
    registry.fail(fixture.faultPath, { kind: 'rename-column', ...fixture.requiredField });
    const before = await normalizedState();
    const result = await sync(registry.baseUrl);
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('format');
    expect(result.error).toContain(fixture.requiredField.from);
    expect(await normalizedState()).toEqual(before);
  });

  it('keeps a malformed record as rejected with its reason and lands the rest', async () => {
    const broken = fixture.malformedRecord();
    const registry = await serve(broken.routes);
    const result = await sync(registry.baseUrl);
    expect(result.status).toBe('succeeded');
    expect(result.counts.rejected).toBe(1);
    const rejected = await testDb.database.db
      .select({ naturalKey: rawRecords.naturalKey, reason: rawRecords.rejectionReason, detail: rawRecords.rejectionDetail })
      .from(rawRecords)
      .where(sql`${rawRecords.status} = 'rejected' and ${rawRecords.lastSeenRunId} = ${result.runId}`);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ naturalKey: broken.naturalKey, reason: broken.reason });
    expect(rejected[0]!.detail).toBeTruthy();
    const [{ count }] = await queryRows<{ count: number }>(testDb.database.db, sql`select count(*)::int as count from ${credits} where ${eq(credits.programId, fixture.connector.id)}`) as [{ count: number }];
    expect(count).toBeGreaterThan(0);
  });
});
