import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { acr } from '../../../connectors/acr/index.ts';
import type { Connector } from '../../../connectors/contract.ts';
import { queryRows } from '../../../src/db/client.ts';
import { credits, projects } from '../../../src/db/schema.ts';
import type { SyncResult, SyncSource } from '../../../src/ingest/sync-runner.ts';
import { acrFixture } from '../../support/connectors/acr.ts';
import { artTreesFixture } from '../../support/connectors/art-trees.ts';
import { carFixture } from '../../support/connectors/car.ts';
import type { ConnectorFixture, ProjectTotals } from '../../support/connectors/types.ts';
import { useSyncHarness } from '../../support/sync-harness.ts';

const harness = useSyncHarness({ maxRetries: 1 });

function sync(connector: Connector, source: SyncSource): Promise<SyncResult> {
  return harness.sync(source, connector);
}

/** Per-project totals of the credits a program currently has (vanished rows left out). */
function totals(programId: string): Promise<Map<string, ProjectTotals>> {
  return harness.projectTotals(programId, { excludeVanished: true });
}

/** Credits of a kind, vanished ones included. */
async function creditCount(programId: string, kind: 'issuance' | 'retirement' | 'cancellation'): Promise<number> {
  const rows = await harness.database.db.select({ id: credits.id }).from(credits).where(and(eq(credits.programId, programId), eq(credits.kind, kind)));
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
    const [acr206] = await harness.database.db.select().from(projects).where(and(eq(projects.programId, 'acr'), eq(projects.registryProjectId, 'ACR206')));
    expect(acr206).toMatchObject({ completeness: 'full', crossReferences: [{ programId: 'arb', registryProjectId: 'CAOD5052', relation: 'compliance-program-id' }] });
    const [car2278] = await harness.database.db.select().from(projects).where(and(eq(projects.programId, 'car'), eq(projects.registryProjectId, 'CAR2278')));
    expect(car2278!.crossReferences).toEqual([{ programId: 'ecology-wa', registryProjectId: 'ECYOD2278', relation: 'wa-eco-id' }]);
    const [car1641] = await harness.database.db.select().from(projects).where(and(eq(projects.programId, 'car'), eq(projects.registryProjectId, 'CAR1641')));
    expect(car1641!.parentRegistryProjectId).toBe('CARC1791');
  });

  it('stores serial blocks, labels and conversions of the ledgers', async () => {
    const [block] = await harness.database.db.select().from(credits).where(and(eq(credits.programId, 'art-trees'), eq(credits.naturalKey, 'retirement:FCPF-CI-130-2023-20-1 to 46404')));
    expect(block).toMatchObject({ kind: 'retirement', quantity: 46404, serialNamespace: 'FCPF-CI-130-2023-20', serialFirst: 1, serialLast: 46404, countryCode: 'CI' });
    const conversions = await queryRows<{ program: string; count: number }>(
      harness.database.db,
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
    await harness.serve(acrFixture.routes());
    const result = await sync(acr, harness.overHttp());
    expect(result.error).toBeNull();
    expect(result.counts.rejected).toBe(0);
    // Retirement and cancellation blocks have the same `<kind>:<serial>` keys on both platforms.
    expect({ retirement: await creditCount('acr', 'retirement'), cancellation: await creditCount('acr', 'cancellation') }).toEqual(before);
    // APX issuance rows have no serials, GreenTrace issuance blocks do: the APX rows are no longer
    // seen and are marked vanished, the blocks take their place with the same totals.
    const vanished = await queryRows<{ count: number }>(
      harness.database.db,
      sql`select count(*)::int as count from credits where program_id = 'acr' and kind = 'issuance' and vanished_at is not null`,
    );
    expect(vanished[0]!.count).toBe(apxIssuances);
    expect(Object.fromEntries(await totals('acr'))).toEqual(Object.fromEntries(acrFixture.totalsFromRawFiles()));
  });
});
