import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cercarbono } from '../../../connectors/cercarbono/index.ts';
import { queryRows } from '../../../src/db/client.ts';
import type { SyncSource } from '../../../src/ingest/sync-runner.ts';
import { CERCARBONO_PATHS, ECOREGISTRY_ERROR_401, cercarbonoFixture } from '../../support/connectors/cercarbono.ts';
import { useSyncHarness } from '../../support/sync-harness.ts';

const harness = useSyncHarness({ connector: cercarbono, routes: () => cercarbonoFixture.routes() });
const { sync, overHttp } = harness;
const files: SyncSource = { kind: 'files', dir: cercarbonoFixture.fixtureDir };
const totalsByProject = () => harness.projectTotals('cercarbono');
const normalizedState = () => harness.normalizedState('cercarbono');

describe('Cercarbono sync', () => {
  it('from the export files lands every row, with per-project totals equal to the raw CSVs', async () => {
    const result = await sync(files);
    expect(result.error).toBeNull();
    expect(result.counts).toMatchObject({ fetched: 250, rejected: 0 });
    const expected = cercarbonoFixture.totalsFromRawFiles();
    expect(await totalsByProject()).toEqual(expected);
    const [row] = await queryRows<{ count: number }>(
      harness.database.db,
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

  it('keeps a retirement whose unit range disagrees with its quantity as a rejected raw record, and lands the rest', async () => {
    const { broken, result, rejected } = await harness.syncMalformedRecord(cercarbonoFixture);
    expect(result.status).toBe('succeeded');
    expect(result.counts.rejected).toBe(1);
    expect(rejected.map((row) => [row.naturalKey, row.reason])).toEqual([[broken.naturalKey, broken.reason]]);
    expect(rejected[0]!.detail).toContain('field "quantity" says 999999');
  });

  it('fails as a config error when the platform answers ERROR_401 with HTTP 200, leaving the data as it was', async () => {
    const before = await normalizedState();
    harness.server.fail(CERCARBONO_PATHS.retirements, { kind: 'replace-body', body: ECOREGISTRY_ERROR_401 });
    const result = await sync(overHttp());
    expect(result).toMatchObject({ status: 'failed', failureType: 'config' });
    expect(result.error).toContain('ERROR_401');
    expect(await normalizedState()).toEqual(before);
  });

  it('fails as transient when a feed is cut short, leaving the data as it was', async () => {
    const before = await normalizedState();
    harness.server.fail(cercarbonoFixture.faultPath, { kind: 'truncate' }, { kind: 'truncate' }, { kind: 'truncate' });
    const result = await sync(overHttp());
    expect(result).toMatchObject({ status: 'failed', failureType: 'transient' });
    expect(await normalizedState()).toEqual(before);
  });
});
