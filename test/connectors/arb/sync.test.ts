import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../../connectors/http.ts';
import { arb } from '../../../connectors/arb/index.ts';
import { queryRows } from '../../../src/db/client.ts';
import { credits, projects, rawRecords } from '../../../src/db/schema.ts';
import { runSync, type SyncResult, type SyncSource } from '../../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { arbFixture, arbFixtureDir, arbRoutes, buildArbWorkbook, readArbCsv, withRenamedColumn } from '../../support/connectors/arb.ts';
import { startRegistryServer, type RegistryServer } from '../../support/registry-server.ts';
import type { ProjectTotals } from '../../support/connectors/types.ts';

const rowCount = readArbCsv().rows.length;

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
  server = await startRegistryServer(arbFixture.routes());
});
afterEach(async () => {
  await server.close();
});

function sync(source: SyncSource): Promise<SyncResult> {
  return runSync({ database: testDb.database, connector: arb, source, trigger: 'test', logger: silentLogger });
}

const fromFiles: SyncSource = { kind: 'files', dir: arbFixtureDir };
const overHttp = (): SyncSource => ({ kind: 'http', http, baseUrl: server.baseUrl });

async function totalsByProject(): Promise<Map<string, ProjectTotals>> {
  const rows = await queryRows<{ project: string } & ProjectTotals>(
    testDb.database.db,
    sql`select p.registry_project_id as project,
               coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
               coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired,
               coalesce(sum(c.quantity) filter (where c.kind = 'cancellation'), 0)::float8 as cancelled
          from projects p join credits c on c.project_id = p.id
         where p.program_id = 'arb'
         group by p.registry_project_id`,
  );
  return new Map(rows.map(({ project, issued, retired, cancelled }) => [project, { issued, retired, cancelled }]));
}

async function normalizedState() {
  const db = testDb.database.db;
  const { lastSeenAt: _, ...projectContent } = getTableColumns(projects);
  return {
    projects: await db.select(projectContent).from(projects).orderBy(asc(projects.id)),
    credits: await db.select().from(credits).orderBy(asc(credits.id)),
  };
}

describe('ARB sync', () => {
  it('from the snapshot folder lands every row, with per-project totals equal to the raw CSV', async () => {
    const result = await sync(fromFiles);
    expect(result.error).toBeNull();
    expect(result.counts).toMatchObject({ fetched: rowCount, rejected: 0 });
    const expected = arbFixture.totalsFromRawFiles();
    const actual = await totalsByProject();
    expect(actual.size).toBe(expected.size);
    for (const [project, totals] of expected) expect(actual.get(project), `project ${project}`).toEqual(totals);
  });

  it('over HTTP from the workbook changes nothing the snapshot already loaded', async () => {
    const before = await normalizedState();
    const result = await sync(overHttp());
    expect(result.error).toBeNull();
    // Same raw records (the snapshot's pandas floats are read as the workbook's integers).
    expect(result.counts).toMatchObject({ fetched: rowCount, rejected: 0, inserted: 0, updated: 0 });
    expect(await normalizedState()).toEqual(before);
    const newVersions = await testDb.database.db
      .select({ id: rawRecords.id })
      .from(rawRecords)
      .where(and(eq(rawRecords.programId, 'arb'), eq(rawRecords.firstSeenRunId, result.runId)));
    expect(newVersions).toEqual([]);
  });

  it('stores the OPR cross references and the compliance retirements as the registry states them', async () => {
    const [camm1009] = await testDb.database.db
      .select()
      .from(projects)
      .where(and(eq(projects.programId, 'arb'), eq(projects.registryProjectId, 'CAMM1009')));
    expect(camm1009!.crossReferences).toContainEqual({ programId: 'car', registryProjectId: 'CAR2111', relation: 'opr-project-id' });
    expect(camm1009!.countryCode).toBe('US');
    const [retired] = await testDb.database.db.select().from(credits).where(eq(credits.naturalKey, 'CAFR5003-A:retired-3rd-compliance-period-ca'));
    expect(retired).toMatchObject({ kind: 'retirement', quantity: 128173, useCase: 'California cap-and-trade, compliance period 3' });
    expect(String(retired!.transactionDate)).toContain('2021-11-01');
  });

  it('keeps a broken row as a rejected raw record with its reason, and lands the rest', async () => {
    const broken = arbFixture.malformedRecord();
    await server.close();
    server = await startRegistryServer(broken.routes);
    const result = await sync(overHttp());
    expect(result.status).toBe('succeeded');
    expect(result.counts.rejected).toBe(1);
    const rejected = await testDb.database.db
      .select()
      .from(rawRecords)
      .where(sql`${rawRecords.status} = 'rejected' and ${rawRecords.lastSeenRunId} = ${result.runId}`);
    expect(rejected.map((r) => [r.naturalKey, r.rejectionReason])).toEqual([[broken.naturalKey, broken.reason]]);
    expect(rejected[0]!.rejectionDetail).toContain('ARB Offset Credits Issued');
    // The stored issuance keeps its last good version.
    const [stored] = await testDb.database.db.select().from(credits).where(eq(credits.naturalKey, broken.naturalKey));
    expect(stored!.quantity).toBe(2163951);
  });

  it('stops with a format failure naming a required column the workbook lost, leaving the data as it was', async () => {
    const before = await normalizedState();
    const { from, to } = arbFixture.requiredField;
    const renamed = await buildArbWorkbook(withRenamedColumn(readArbCsv(), from, to));
    await server.close();
    server = await startRegistryServer(arbRoutes(renamed));
    const result = await sync(overHttp());
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('format');
    expect(result.error).toContain(arbFixture.requiredField.from);
    expect(await normalizedState()).toEqual(before);
  });
});
