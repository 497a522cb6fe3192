import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { arb } from '../../../connectors/arb/index.ts';
import { credits, projects, rawRecords } from '../../../src/db/schema.ts';
import type { SyncSource } from '../../../src/ingest/sync-runner.ts';
import { arbFixture, arbFixtureDir, readArbCsv } from '../../support/connectors/arb.ts';
import { useSyncHarness } from '../../support/sync-harness.ts';

const rowCount = readArbCsv().rows.length;

const harness = useSyncHarness({ connector: arb, routes: () => arbFixture.routes() });
const { sync, overHttp } = harness;
const fromFiles: SyncSource = { kind: 'files', dir: arbFixtureDir };

describe('ARB sync', () => {
  it('from the snapshot folder lands every row, with per-project totals equal to the raw CSV', async () => {
    const result = await sync(fromFiles);
    expect(result.error).toBeNull();
    expect(result.counts).toMatchObject({ fetched: rowCount, rejected: 0 });
    const expected = arbFixture.totalsFromRawFiles();
    const actual = await harness.projectTotals('arb');
    expect(actual.size).toBe(expected.size);
    for (const [project, totals] of expected) expect(actual.get(project), `project ${project}`).toEqual(totals);
  });

  it('over HTTP from the workbook changes nothing the snapshot already loaded', async () => {
    const before = await harness.normalizedState();
    const result = await sync(overHttp());
    expect(result.error).toBeNull();
    // Same raw records (the snapshot's pandas floats are read as the workbook's integers).
    expect(result.counts).toMatchObject({ fetched: rowCount, rejected: 0, inserted: 0, updated: 0 });
    expect(await harness.normalizedState()).toEqual(before);
    const newVersions = await harness.database.db
      .select({ id: rawRecords.id })
      .from(rawRecords)
      .where(and(eq(rawRecords.programId, 'arb'), eq(rawRecords.firstSeenRunId, result.runId)));
    expect(newVersions).toEqual([]);
  });

  it('stores the OPR cross references and the compliance retirements as the registry states them', async () => {
    const [camm1009] = await harness.database.db
      .select()
      .from(projects)
      .where(and(eq(projects.programId, 'arb'), eq(projects.registryProjectId, 'CAMM1009')));
    expect(camm1009!.crossReferences).toContainEqual({ programId: 'car', registryProjectId: 'CAR2111', relation: 'opr-project-id' });
    expect(camm1009!.countryCode).toBe('US');
    const [retired] = await harness.database.db.select().from(credits).where(eq(credits.naturalKey, 'CAFR5003-A:retired-3rd-compliance-period-ca'));
    expect(retired).toMatchObject({ kind: 'retirement', quantity: 128173, useCase: 'California cap-and-trade, compliance period 3' });
    expect(String(retired!.transactionDate)).toContain('2021-11-01');
  });

  it('keeps a broken row as a rejected raw record with its reason, and lands the rest', async () => {
    const { broken, result, rejected } = await harness.syncMalformedRecord(arbFixture);
    expect(result.status).toBe('succeeded');
    expect(result.counts.rejected).toBe(1);
    expect(rejected.map((r) => [r.naturalKey, r.reason])).toEqual([[broken.naturalKey, broken.reason]]);
    expect(rejected[0]!.detail).toContain('ARB Offset Credits Issued');
    // The stored issuance keeps its last good version.
    const [stored] = await harness.database.db.select().from(credits).where(eq(credits.naturalKey, broken.naturalKey));
    expect(stored!.quantity).toBe(2163951);
  });
});
