import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { isometric } from '../../../connectors/isometric/index.ts';
import { queryRows } from '../../../src/db/client.ts';
import type { SyncSource } from '../../../src/ingest/sync-runner.ts';
import { isometricFixture } from '../../support/connectors/isometric.ts';
import { useSyncHarness } from '../../support/sync-harness.ts';

const harness = useSyncHarness({ connector: isometric, routes: () => isometricFixture.routes(), secrets: isometricFixture.secrets });
const { sync, overHttp } = harness;
const files: SyncSource = { kind: 'files', dir: isometricFixture.fixtureDir };
const totalsByProject = () => harness.projectTotals('isometric');
const normalizedState = () => harness.normalizedState('isometric');

describe('Isometric sync', () => {
  it('from the export files lands every row, with per-project totals equal to the raw CSVs', async () => {
    const result = await sync(files);
    expect(result.error).toBeNull();
    expect(result.counts).toMatchObject({ fetched: 250, rejected: 0 });
    const expected = isometricFixture.totalsFromRawFiles();
    expect(await totalsByProject()).toEqual(expected);
    const [row] = await queryRows<{ count: number }>(
      harness.database.db,
      sql`select count(*)::int as count from projects where program_id = 'isometric' and completeness = 'full'`,
    );
    expect(row?.count).toBe(50);
  });

  it('over the registry API lands the same data: nothing changes after the file sync', async () => {
    const before = await normalizedState();
    const result = await sync(overHttp());
    expect(result.error).toBeNull();
    expect(result.counts).toMatchObject({ fetched: 250, rejected: 0, inserted: 0, updated: 0 });
    expect(await normalizedState()).toEqual(before);
    expect(await totalsByProject()).toEqual(isometricFixture.totalsFromRawFiles());
  });

  it('keeps a record whose kilograms disagree with its tonnes as a rejected raw record, and lands the rest', async () => {
    const { broken, result, rejected } = await harness.syncMalformedRecord(isometricFixture);
    expect(result.status).toBe('succeeded');
    expect(result.counts.rejected).toBe(1);
    expect(rejected.map((row) => [row.naturalKey, row.reason])).toEqual([[broken.naturalKey, broken.reason]]);
    expect(rejected[0]!.detail).toContain('999 kg');
  });

  it('fails as a config error, without a request, when the client secret is not set', async () => {
    const result = await sync(overHttp({}));
    expect(result).toMatchObject({ status: 'failed', failureType: 'config' });
    expect(result.error).toContain('ISOMETRIC_CLIENT_SECRET is not set');
    expect(harness.server.requests).toHaveLength(0);
  });
});
