import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldStandard } from '../../../connectors/gold-standard/index.ts';
import { HttpClient } from '../../../connectors/http.ts';
import { queryRows } from '../../../src/db/client.ts';
import { credits, projects, rawRecords } from '../../../src/db/schema.ts';
import { runSync, type SyncResult, type SyncSource } from '../../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../../src/logger.ts';
import { goldStandardFixture, goldStandardLedgerTotals, readGoldStandardCsv } from '../../support/connectors/gold-standard.ts';
import type { ProjectTotals } from '../../support/connectors/types.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startRegistryServer } from '../../support/registry-server.ts';

const fixtureDir = 'test/fixtures/registries/gold-standard';

// The CSV exports and the API describe issuances at different grains (batches vs blocks), so
// each source gets a database of its own, as in production (normalize.ts).
let filesDb: TestDatabase;
let apiDb: TestDatabase;
let http: HttpClient;

beforeAll(async () => {
  [filesDb, apiDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  http = new HttpClient({ baseDelayMs: 5, maxDelayMs: 50, maxRetries: 2, timeoutMs: 5_000, requestsPerSecondPerHost: 0 });
});
afterAll(async () => {
  await http.close();
  await Promise.all([filesDb.drop(), apiDb.drop()]);
});

function sync(database: TestDatabase, source: SyncSource): Promise<SyncResult> {
  return runSync({ database: database.database, connector: goldStandard, source, trigger: 'test', logger: silentLogger });
}

async function totalsByProject(database: TestDatabase): Promise<Map<string, ProjectTotals>> {
  const rows = await queryRows<{ project: string } & ProjectTotals>(
    database.database.db,
    sql`select p.registry_project_id as project,
               coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
               coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired,
               coalesce(sum(c.quantity) filter (where c.kind = 'cancellation'), 0)::float8 as cancelled
          from projects p join credits c on c.project_id = p.id
         where p.program_id = 'gold-standard'
         group by p.registry_project_id`,
  );
  return new Map(rows.map(({ project, ...totals }) => [project, totals]));
}

async function normalizedState(database: TestDatabase) {
  const db = database.database.db;
  const { lastSeenAt: _, ...projectContent } = getTableColumns(projects);
  return {
    projects: await db.select(projectContent).from(projects).orderBy(asc(projects.id)),
    credits: await db.select().from(credits).orderBy(asc(credits.id)),
  };
}

describe('Gold Standard sync from exports downloaded by hand', () => {
  it('lands every row; per-project issued, retired and cancelled equal the CSV ledgers', async () => {
    const result = await sync(filesDb, { kind: 'files', dir: fixtureDir });
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    const files = readGoldStandardCsv(fixtureDir);
    expect(result.counts).toMatchObject({ fetched: files.projects.length + files.issuances.length + files.retirements.length, rejected: 0 });

    const expected = goldStandardLedgerTotals(fixtureDir);
    expect(Object.fromEntries(await totalsByProject(filesDb))).toEqual(Object.fromEntries(expected));
    expect([...expected.values()].some((totals) => totals.cancelled > 0)).toBe(true);
  });

  it('stores the CDM project of the CER rows as a cross reference, and the VPA’s programme as its parent', async () => {
    const db = filesDb.database.db;
    const [rdis] = await db.select().from(projects).where(and(eq(projects.programId, 'gold-standard'), eq(projects.registryProjectId, '4823')));
    expect(rdis).toMatchObject({ completeness: 'partial', countryCode: 'RW', crossReferences: [{ programId: 'cdm', registryProjectId: '7014', relation: 'cdm-serial' }] });
    const [vpa] = await db.select().from(projects).where(and(eq(projects.programId, 'gold-standard'), eq(projects.registryProjectId, '23574')));
    expect(vpa).toMatchObject({ completeness: 'full', parentRegistryProjectId: '12856', countryCode: 'HT', sdgs: [3, 4, 5, 6, 8, 13] });
    const [cancellation] = await db.select().from(credits).where(eq(credits.naturalKey, 'cancellation:GS1-1-ZW-GS12875-16-2024-29978-1-41158'));
    expect(cancellation).toMatchObject({ kind: 'cancellation', quantity: 41158, transactionDate: null, serialNamespace: 'GS1-1-ZW-GS12875-16-2024-29978', serialFirst: 1, serialLast: 41158 });
  });

  it('a second sync of the same exports inserts and updates nothing', async () => {
    const before = await normalizedState(filesDb);
    const result = await sync(filesDb, { kind: 'files', dir: fixtureDir });
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
    expect(await normalizedState(filesDb)).toEqual(before);
  });
});

describe('Gold Standard sync over the API', () => {
  it('lands every block; per-project totals equal the registry state computed from the raw files', async () => {
    const server = await startRegistryServer(goldStandardFixture.routes());
    try {
      const result = await sync(apiDb, { kind: 'http', http, baseUrl: server.baseUrl });
      expect(result.error).toBeNull();
      expect(result.counts.rejected).toBe(0);
      const expected = goldStandardFixture.totalsFromRawFiles();
      expect(Object.fromEntries(await totalsByProject(apiDb))).toEqual(Object.fromEntries(expected));
      // Blocks of a batch that is in the issuance sample add up to the batch, not more.
      expect(expected.get('11603')).toEqual(goldStandardLedgerTotals(fixtureDir).get('11603'));

      const again = await sync(apiDb, { kind: 'http', http, baseUrl: server.baseUrl });
      expect(again.counts).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
    } finally {
      await server.close();
    }
  });

  it('keeps the malformed block as a rejected raw record with its reason and lands the rest', async () => {
    const broken = goldStandardFixture.malformedRecord();
    const server = await startRegistryServer(broken.routes);
    try {
      const result = await sync(apiDb, { kind: 'http', http, baseUrl: server.baseUrl });
      expect(result.status).toBe('succeeded');
      expect(result.counts.rejected).toBe(1);
      const rejected = await apiDb.database.db
        .select({ naturalKey: rawRecords.naturalKey, reason: rawRecords.rejectionReason, detail: rawRecords.rejectionDetail })
        .from(rawRecords)
        .where(sql`${rawRecords.status} = 'rejected' and ${rawRecords.lastSeenRunId} = ${result.runId}`);
      expect(rejected).toEqual([{ naturalKey: broken.naturalKey, reason: broken.reason, detail: expect.stringContaining('999999999') }]);
    } finally {
      await server.close();
    }
  });
});
