/**
 * The shared suite every connector runs: its real fixture exports served over local HTTP are
 * synced and reconciled per project against totals computed from the raw files, then the
 * same faults (5xx, 429 with Retry-After, timeout, truncated body, renamed column, malformed
 * record) are injected and each must end as the failure class it is, without touching data.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { credits } from '../../src/db/schema.ts';
import type { SyncResult } from '../../src/ingest/sync-runner.ts';
import { connectorFixtures } from '../support/connectors/all.ts';
import type { ConnectorFixture, ProjectTotals } from '../support/connectors/types.ts';
import type { RegistryServer, Route } from '../support/registry-server.ts';
import { useSyncHarness } from '../support/sync-harness.ts';

describe.each(connectorFixtures.map((fixture) => [fixture.connector.id, fixture] as const))('%s connector', (_id, fixture: ConnectorFixture) => {
  const harness = useSyncHarness({ connector: fixture.connector, secrets: fixture.secrets, timeoutMs: 1_000 });

  function serve(route: Route = fixture.routes()): Promise<RegistryServer> {
    return harness.serve(route);
  }

  /** Syncs the connector from the test's registry server. */
  function sync(): Promise<SyncResult> {
    return harness.sync(harness.overHttp());
  }

  const normalizedState = () => harness.normalizedState();

  it('syncs the real exports over HTTP; per-project totals equal those computed from the raw files', async () => {
    await serve();
    const result = await sync();
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    expect(result.counts.inserted).toBeGreaterThan(0);

    const actual: Map<string, ProjectTotals> = await harness.projectTotals(fixture.connector.id);
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
    await serve();
    const before = await normalizedState();
    const result = await sync();
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ inserted: 0, updated: 0 });
    expect(await normalizedState()).toEqual(before);
  });

  it('retries 5xx and 429 with Retry-After, then succeeds', async () => {
    const registry = await serve();
    registry.fail(fixture.faultPath, { kind: 'status', status: 503 }, { kind: 'status', status: 429, retryAfter: '1' });
    const result = await sync();
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
    const result = await sync();
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('transient');
    expect(await normalizedState()).toEqual(before);
  });

  it('times out on a registry that never answers: transient failure', async () => {
    const registry = await serve();
    registry.fail(fixture.faultPath, { kind: 'stall' }, { kind: 'stall' }, { kind: 'stall' });
    const result = await sync();
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('transient');
  });

  it('a truncated body fails the run and leaves the data untouched', async () => {
    const registry = await serve();
    registry.fail(fixture.faultPath, { kind: 'truncate' });
    const before = await normalizedState();
    const result = await sync();
    expect(result.status).toBe('failed');
    expect(['transient', 'format']).toContain(result.failureType);
    expect(await normalizedState()).toEqual(before);
  });

  it('a renamed required column stops the run with a format failure naming it', async () => {
    const registry = await serve();
    registry.fail(fixture.faultPath, { kind: 'rename-column', ...fixture.requiredField });
    const before = await normalizedState();
    const result = await sync();
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('format');
    expect(result.error).toContain(`"${fixture.requiredField.from}"`);
    expect(await normalizedState()).toEqual(before);
  });

  it('keeps a malformed record as rejected with its reason and lands the rest', async () => {
    const { broken, result, rejected } = await harness.syncMalformedRecord(fixture);
    expect(result.status).toBe('succeeded');
    expect(result.counts.rejected).toBe(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ naturalKey: broken.naturalKey, reason: broken.reason });
    expect(rejected[0]!.detail).toBeTruthy();
    const [{ count }] = await queryRows<{ count: number }>(harness.database.db, sql`select count(*)::int as count from ${credits} where ${eq(credits.programId, fixture.connector.id)}`) as [{ count: number }];
    expect(count).toBeGreaterThan(0);
  });
});
