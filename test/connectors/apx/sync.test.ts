import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acr } from '../../../connectors/acr/index.ts';
import type { Connector } from '../../../connectors/contract.ts';
import { HttpClient } from '../../../connectors/http.ts';
import { queryRows } from '../../../src/db/client.ts';
import { credits, projects } from '../../../src/db/schema.ts';
import { runSync, type SyncResult, type SyncSource } from '../../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../../src/logger.ts';
import { acrFixture } from '../../support/connectors/acr.ts';
import { artTreesFixture } from '../../support/connectors/art-trees.ts';
import { carFixture } from '../../support/connectors/car.ts';
import type { ConnectorFixture, ProjectTotals } from '../../support/connectors/types.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { startRegistryServer } from '../../support/registry-server.ts';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb.drop();
});

function sync(connector: Connector, source: SyncSource): Promise<SyncResult> {
  return runSync({ database: testDb.database, connector, source, trigger: 'test', logger: silentLogger });
}

/** Per-project totals of the credits a program currently has (vanished rows left out). */
async function totals(programId: string): Promise<Map<string, ProjectTotals>> {
  const rows = await queryRows<{ project: string } & ProjectTotals>(
    testDb.database.db,
    sql`select p.registry_project_id as project,
               coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
               coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired,
               coalesce(sum(c.quantity) filter (where c.kind = 'cancellation'), 0)::float8 as cancelled
          from projects p join credits c on c.project_id = p.id
         where p.program_id = ${programId} and c.vanished_at is null
         group by p.registry_project_id`,
  );
  return new Map(rows.map(({ project, ...entry }) => [project, entry]));
}

/** Credits of a kind, vanished ones included. */
async function creditCount(programId: string, kind: 'issuance' | 'retirement' | 'cancellation'): Promise<number> {
  const rows = await testDb.database.db.select({ id: credits.id }).from(credits).where(and(eq(credits.programId, programId), eq(credits.kind, kind)));
  return rows.length;
}

describe.each([
  ['acr', acrFixture],
  ['car', carFixture],
  ['art-trees', artTreesFixture],
] as const)('%s sync from the export files', (programId, fixture: ConnectorFixture) => {
  it('lands every row; per-project totals equal those computed from the raw files', async () => {
    const result = await sync(fixture.connector, { kind: 'files', dir: fixture.fixtureDir });
    expect(result.error).toBeNull();
    expect(result.counts.rejected).toBe(0);
    const expected = fixture.totalsFromRawFiles();
    expect(expected.size).toBeGreaterThan(0);
    expect(Object.fromEntries(await totals(programId))).toEqual(Object.fromEntries(expected));
  });

  it('a second sync of the same files changes nothing', async () => {
    const result = await sync(fixture.connector, { kind: 'files', dir: fixture.fixtureDir });
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
  });
});

describe('stored APX data', () => {
  it('keeps ARB and Washington Ecology ids of projects as cross-references, and CAR aggregates as parents', async () => {
    const [acr206] = await testDb.database.db.select().from(projects).where(and(eq(projects.programId, 'acr'), eq(projects.registryProjectId, 'ACR206')));
    expect(acr206).toMatchObject({ completeness: 'full', crossReferences: [{ programId: 'arb', registryProjectId: 'CAOD5052', relation: 'compliance-program-id' }] });
    const [car2278] = await testDb.database.db.select().from(projects).where(and(eq(projects.programId, 'car'), eq(projects.registryProjectId, 'CAR2278')));
    expect(car2278!.crossReferences).toEqual([{ programId: 'ecology-wa', registryProjectId: 'ECYOD2278', relation: 'wa-eco-id' }]);
    const [car1641] = await testDb.database.db.select().from(projects).where(and(eq(projects.programId, 'car'), eq(projects.registryProjectId, 'CAR1641')));
    expect(car1641!.parentRegistryProjectId).toBe('CARC1791');
  });

  it('stores serial blocks, labels and conversions of the ledgers', async () => {
    const [block] = await testDb.database.db.select().from(credits).where(and(eq(credits.programId, 'art-trees'), eq(credits.naturalKey, 'retirement:FCPF-CI-130-2023-20-1 to 46404')));
    expect(block).toMatchObject({ kind: 'retirement', quantity: 46404, serialNamespace: 'FCPF-CI-130-2023-20', serialFirst: 1, serialLast: 46404, countryCode: 'CI' });
    const conversions = await queryRows<{ program: string; count: number }>(
      testDb.database.db,
      sql`select attributes->>'convertedToProgram' as program, count(*)::int as count from credits
           where program_id = 'car' and kind = 'cancellation' group by 1 order by 1`,
    );
    expect(conversions).toEqual([
      { program: 'arb', count: 45 },
      { program: 'ecology-wa', count: 5 },
    ]);
  });

  it('a GreenTrace sync after the APX snapshot keeps the same retirements and cancellations, and replaces the issuance rows', async () => {
    const before = { retirement: await creditCount('acr', 'retirement'), cancellation: await creditCount('acr', 'cancellation') };
    const apxIssuances = await creditCount('acr', 'issuance');
    const server = await startRegistryServer(acrFixture.routes());
    const http = new HttpClient({ baseDelayMs: 5, maxDelayMs: 50, maxRetries: 1, timeoutMs: 5000, requestsPerSecondPerHost: 0 });
    let result: SyncResult;
    try {
      result = await sync(acr, { kind: 'http', http, baseUrl: server.baseUrl });
    } finally {
      await http.close();
      await server.close();
    }
    expect(result.error).toBeNull();
    expect(result.counts.rejected).toBe(0);
    // Retirement and cancellation blocks have the same `<kind>:<serial>` keys on both platforms.
    expect({ retirement: await creditCount('acr', 'retirement'), cancellation: await creditCount('acr', 'cancellation') }).toEqual(before);
    // APX issuance rows have no serials, GreenTrace issuance blocks do: the APX rows are no longer
    // seen and are marked vanished, the blocks take their place with the same totals.
    const vanished = await queryRows<{ count: number }>(
      testDb.database.db,
      sql`select count(*)::int as count from credits where program_id = 'acr' and kind = 'issuance' and vanished_at is not null`,
    );
    expect(vanished[0]!.count).toBe(apxIssuances);
    expect(Object.fromEntries(await totals('acr'))).toEqual(Object.fromEntries(acrFixture.totalsFromRawFiles()));
  });
});
