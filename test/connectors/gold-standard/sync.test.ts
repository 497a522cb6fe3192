import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { goldStandard } from '../../../connectors/gold-standard/index.ts';
import { credits, projects } from '../../../src/db/schema.ts';
import { goldStandardFixture, goldStandardLedgerTotals, readGoldStandardCsv } from '../../support/connectors/gold-standard.ts';
import { useSyncHarness } from '../../support/sync-harness.ts';

const fixtureDir = 'test/fixtures/registries/gold-standard';

// The CSV exports and the API describe issuances at different grains (batches vs blocks), so
// each source gets a database of its own, as in production (normalize.ts).
const exportsHarness = useSyncHarness({ connector: goldStandard });
const apiHarness = useSyncHarness({ connector: goldStandard });

describe('Gold Standard sync from exports downloaded by hand', () => {
  it('lands every row; per-project issued, retired and cancelled equal the CSV ledgers', async () => {
    const result = await exportsHarness.sync({ kind: 'files', dir: fixtureDir });
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    const files = readGoldStandardCsv(fixtureDir);
    expect(result.counts).toMatchObject({ fetched: files.projects.length + files.issuances.length + files.retirements.length, rejected: 0 });

    const expected = goldStandardLedgerTotals(fixtureDir);
    expect(Object.fromEntries(await exportsHarness.projectTotals('gold-standard'))).toEqual(Object.fromEntries(expected));
    expect([...expected.values()].some((totals) => totals.cancelled > 0)).toBe(true);
  });

  it('stores the CDM project of the CER rows as a cross reference, and the VPA’s programme as its parent', async () => {
    const db = exportsHarness.database.db;
    const [rdis] = await db.select().from(projects).where(and(eq(projects.programId, 'gold-standard'), eq(projects.registryProjectId, '4823')));
    expect(rdis).toMatchObject({ completeness: 'partial', countryCode: 'RW', crossReferences: [{ programId: 'cdm', registryProjectId: '7014', relation: 'cdm-serial' }] });
    const [vpa] = await db.select().from(projects).where(and(eq(projects.programId, 'gold-standard'), eq(projects.registryProjectId, '23574')));
    expect(vpa).toMatchObject({ completeness: 'full', parentRegistryProjectId: '12856', countryCode: 'HT', sdgs: [3, 4, 5, 6, 8, 13] });
    const [cancellation] = await db.select().from(credits).where(eq(credits.naturalKey, 'cancellation:GS1-1-ZW-GS12875-16-2024-29978-1-41158'));
    expect(cancellation).toMatchObject({ kind: 'cancellation', quantity: 41158, transactionDate: null, serialNamespace: 'GS1-1-ZW-GS12875-16-2024-29978', serialFirst: 1, serialLast: 41158 });
  });

  it('a second sync of the same exports inserts and updates nothing', async () => {
    const before = await exportsHarness.normalizedState();
    const result = await exportsHarness.sync({ kind: 'files', dir: fixtureDir });
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
    expect(await exportsHarness.normalizedState()).toEqual(before);
  });
});

describe('Gold Standard sync over the API', () => {
  it('lands every block; per-project totals equal the registry state computed from the raw files', async () => {
    await apiHarness.serve(goldStandardFixture.routes());
    const result = await apiHarness.sync(apiHarness.overHttp());
    expect(result.error).toBeNull();
    expect(result.counts.rejected).toBe(0);
    const expected = goldStandardFixture.totalsFromRawFiles();
    expect(Object.fromEntries(await apiHarness.projectTotals('gold-standard'))).toEqual(Object.fromEntries(expected));
    // Blocks of a batch that is in the issuance sample add up to the batch, not more.
    expect(expected.get('11603')).toEqual(goldStandardLedgerTotals(fixtureDir).get('11603'));

    const again = await apiHarness.sync(apiHarness.overHttp());
    expect(again.counts).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
  });

  it('keeps the malformed block as a rejected raw record with its reason and lands the rest', async () => {
    const { broken, result, rejected } = await apiHarness.syncMalformedRecord(goldStandardFixture);
    expect(result.status).toBe('succeeded');
    expect(result.counts.rejected).toBe(1);
    expect(rejected).toEqual([{ naturalKey: broken.naturalKey, reason: broken.reason, detail: expect.stringContaining('999999999') }]);
  });
});
