import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verra } from '../../connectors/verra/index.ts';
import { queryRows } from '../../src/db/client.ts';
import { credits, rawRecords, syncRuns } from '../../src/db/schema.ts';
import type { SyncResult } from '../../src/ingest/sync-runner.ts';
import { readCsvExport, verraRoutes } from '../support/registry-server.ts';
import { useSyncHarness } from '../support/sync-harness.ts';
import { verraTotalsFromCsv } from '../support/verra-totals.ts';

const fixtureDir = 'test/fixtures/registries/verra';
const transactionsFile = readCsvExport(`${fixtureDir}/transactions.csv`);

const harness = useSyncHarness({ connector: verra, routes: () => verraRoutes(fixtureDir) });

function syncVerra(baseUrl = harness.server.baseUrl): Promise<SyncResult> {
  return harness.sync({ kind: 'http', http: harness.http, baseUrl });
}

/** Everything a user could read of the normalized data, to compare before and after a run. */
const normalizedState = () => harness.normalizedState();

/** Every stored raw record version with its row version (xmin): equal lists mean nothing was rewritten. */
const rawRecordRows = () =>
  queryRows<{ id: string; naturalKey: string; firstSeen: string; superseded: string | null; rowVersion: string }>(
    harness.database.db,
    sql`select id::text, natural_key as "naturalKey", first_seen_run_id::text as "firstSeen",
               superseded_run_id::text as superseded, xmin::text as "rowVersion"
          from raw_records order by id`,
  );

const sightingsLeft = async () =>
  (await queryRows<{ count: number }>(harness.database.db, sql`select count(*)::int as count from raw_record_sightings`))[0]!.count;

/** Per project, the quantities issued and retired (the old VCU export dates retirements and cancellations alike: all are retirements). */
async function totalsByProject(): Promise<Map<string, { issued: number; retired: number }>> {
  const totals = await harness.projectTotals('verra');
  return new Map([...totals].map(([project, { issued, retired }]) => [project, { issued, retired }]));
}

describe('a sync run (Verra over HTTP)', () => {
  it('lands every fixture row, with per-project issued and retired totals equal to the CSV', async () => {
    const result = await syncVerra();
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    expect(result.counts.rejected).toBe(0);
    const expectedFetched = readCsvExport(`${fixtureDir}/projects.csv`).rows.length + transactionsFile.rows.length;
    expect(result.counts.fetched).toBe(expectedFetched);

    const expected = verraTotalsFromCsv(`${fixtureDir}/transactions.csv`);
    const actual = await totalsByProject();
    expect(actual.size).toBe(expected.size);
    for (const [project, totals] of expected) expect(actual.get(project), `project ${project}`).toEqual(totals);

    const [run] = await harness.database.db.select().from(syncRuns).where(eq(syncRuns.id, result.runId));
    expect(run).toMatchObject({ status: 'succeeded', fetched: expectedFetched, rejected: 0 });
    expect(run!.inserted).toBe(result.counts.inserted);
    expect(run!.finishedAt).not.toBeNull();
  });

  it('a second sync over the same data inserts and updates nothing, and rewrites no raw record', async () => {
    const before = await normalizedState();
    const rawBefore = await rawRecordRows();
    const result = await syncVerra();
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
    expect(result.counts.unchanged).toBeGreaterThan(0);
    expect(await normalizedState()).toEqual(before);
    expect(rawBefore.length).toBe(result.counts.fetched);
    expect(rawBefore.every((row) => row.superseded === null)).toBe(true);
    expect(await rawRecordRows()).toEqual(rawBefore);
    expect(await sightingsLeft()).toBe(0);
  });

  it('a truncated CSV fails the run and leaves the earlier data untouched', async () => {
    const before = await normalizedState();
    // The registry now has new names for its projects, but the last VCU response is cut short.
    const projectsFile = readCsvExport(`${fixtureDir}/projects.csv`);
    const renamed = {
      header: projectsFile.header,
      rows: projectsFile.rows.map(({ record, raw }) => ({ record, raw: raw.replace(record.Name!, `${record.Name} (renamed)`) })),
    };
    const routes = verraRoutes(fixtureDir, { projects: renamed, transactions: transactionsFile });
    const currentMonth = new Date().toISOString().slice(0, 7);
    await harness.serve((request) => {
      const reply = routes(request);
      const window = request.body ? (JSON.parse(request.body) as { issuanceStartInclusive?: string }) : {};
      return reply && window.issuanceStartInclusive?.startsWith(currentMonth) ? { ...reply, truncate: true } : reply;
    });

    const result = await syncVerra();
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('transient');
    expect(result.error).toMatch(/uiapi\/asset\/asset\/search/);
    expect(harness.server.requests.some((r) => r.path === '/uiapi/resource/resource/search')).toBe(true);
    expect(await normalizedState()).toEqual(before);
    const [run] = await harness.database.db.select().from(syncRuns).where(eq(syncRuns.id, result.runId));
    expect(run).toMatchObject({ status: 'failed', failureType: 'transient', inserted: 0, updated: 0 });
    expect(run!.error).toBe(result.error);
    // What the failed run read is kept: the renamed project rows are stored as new versions.
    const kept = await harness.database.db.select().from(rawRecords).where(eq(rawRecords.firstSeenRunId, result.runId));
    expect(kept.length).toBe(projectsFile.rows.length);
    expect(kept.every((row) => row.sourceKind === 'projects' && String(row.payload.Name).endsWith('(renamed)'))).toBe(true);
    expect(await sightingsLeft()).toBe(0);
  });

  it('reports the web app shell (HTML with 200) as a changed format, not as data', async () => {
    harness.server.fail('/uiapi/resource/resource/search', { kind: 'html' });
    const result = await syncVerra();
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('format');
  });

  it('marks credits whose block the registry no longer lists as vanished, and brings them back', async () => {
    const gone = transactionsFile.rows[0]!.record;
    const key = gone['Serial Number']!;
    const without = verraRoutes(fixtureDir, {
      projects: readCsvExport(`${fixtureDir}/projects.csv`),
      transactions: { header: transactionsFile.header, rows: transactionsFile.rows.filter((row) => row.record !== gone) },
    });
    await harness.serve(without);
    const result = await syncVerra();
    expect(result.status).toBe('succeeded');
    const expectedGone = gone['Retirement/Cancellation Date'] ? 2 : 1;
    expect(result.counts.vanished).toBe(expectedGone);
    const marked = await harness.database.db.select().from(credits).where(sql`${credits.naturalKey} like ${'%:' + key}`);
    expect(marked).toHaveLength(expectedGone);
    expect(marked.every((credit) => credit.vanishedAt !== null)).toBe(true);
    const [run] = await harness.database.db.select().from(syncRuns).where(eq(syncRuns.id, result.runId));
    expect(run!.vanished).toBe(expectedGone);
    // The block's raw record is superseded by this run, as are the renamed project rows the failed run stored.
    const superseded = (await rawRecordRows()).filter((row) => row.superseded === String(result.runId));
    const renamed = readCsvExport(`${fixtureDir}/projects.csv`).rows.length;
    expect(superseded.map((row) => row.naturalKey).filter((naturalKey) => naturalKey.includes(key))).toHaveLength(1);
    expect(superseded).toHaveLength(1 + renamed);

    await harness.serve(verraRoutes(fixtureDir));
    const back = await syncVerra();
    expect(back.counts.vanished).toBe(0);
    expect(back.counts.updated).toBe(expectedGone);
    const restored = await harness.database.db.select().from(credits).where(sql`${credits.naturalKey} like ${'%:' + key}`);
    expect(restored.every((credit) => credit.vanishedAt === null)).toBe(true);
    // The same version is current again: no second copy of it is stored.
    const versions = (await rawRecordRows()).filter((row) => row.naturalKey.includes(key));
    expect(versions).toHaveLength(1);
    expect(versions[0]!.superseded).toBeNull();
  });

  it('fails cleanly as transient when the registry cannot be reached', async () => {
    const closed = harness.server.baseUrl;
    await harness.closeServer();
    const result = await syncVerra(closed);
    expect(result.status).toBe('failed');
    expect(result.failureType).toBe('transient');
    expect(result.error).toMatch(/ECONNREFUSED|connect/i);
  });
});
