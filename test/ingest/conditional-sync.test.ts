import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arb } from '../../connectors/arb/index.ts';
import { HttpClient } from '../../connectors/http.ts';
import { syncRuns } from '../../src/db/schema.ts';
import { runSync } from '../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../src/logger.ts';
import { arbFixture } from '../support/connectors/arb.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startRegistryServer, type RegistryServer, type Route } from '../support/registry-server.ts';
import { normalizedState } from '../support/stored-data.ts';

let testDb: TestDatabase;
let http: HttpClient;
let server: RegistryServer;

beforeAll(async () => {
  testDb = await createTestDatabase();
  http = new HttpClient({ baseDelayMs: 5, maxRetries: 1, timeoutMs: 5_000, requestsPerSecondPerHost: 0 });
  // ARB's workbook, answering 304 to a conditional GET that names its current ETag.
  const routes = arbFixture.routes();
  const conditional: Route = (request) => {
    const reply = routes(request);
    const etag = reply?.headers?.etag;
    return etag && request.headers['if-none-match'] === etag ? { status: 304, headers: { etag }, body: '' } : reply;
  };
  server = await startRegistryServer(conditional);
});
afterAll(async () => {
  await server.close();
  await http.close();
  await testDb.drop();
});

const syncArb = () => runSync({ database: testDb.database, connector: arb, source: { kind: 'http', http, baseUrl: server.baseUrl }, trigger: 'test', logger: silentLogger });

const state = () => normalizedState(testDb.database);

describe('conditional polling (watermark)', () => {
  it('keeps the ETag of a successful poll and sends it next time; a 304 changes nothing and vanishes nothing', async () => {
    const first = await syncArb();
    expect(first.status).toBe('succeeded');
    const [firstRun] = await testDb.database.db.select().from(syncRuns).where(eq(syncRuns.id, first.runId));
    expect(firstRun!.watermark).toBeTruthy();
    const before = await state();

    const second = await syncArb();
    expect(second.status).toBe('succeeded');
    expect(second.counts).toMatchObject({ fetched: 0, inserted: 0, updated: 0, vanished: 0 });
    const workbookRequests = server.requests.filter((r) => r.headers['if-none-match'] !== undefined);
    expect(workbookRequests.map((r) => r.headers['if-none-match'])).toEqual([firstRun!.watermark]);
    const [secondRun] = await testDb.database.db.select().from(syncRuns).where(eq(syncRuns.id, second.runId));
    expect(secondRun!.watermark).toBe(firstRun!.watermark);
    expect(await state()).toEqual(before);
  });
});
