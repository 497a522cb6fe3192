import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/api/common/global-id.ts';
import { syncRuns } from '../../src/db/schema.ts';
import { startTestApi, walkConnection, type TestApi } from '../support/api-server.ts';

const DAY = 86_400_000;

let api: TestApi;
/** Start times of the runs this file inserts, as the API writes them. */
let at: { goldStandardSucceeded: string; verraFailed: string; newest: string; oldest: string };
beforeAll(async () => {
  api = await startTestApi();
  // Loading the fixtures made one succeeded run per program (trigger 'test'), started now.
  // More runs around them: midnights after the newest of those and before the oldest, so
  // the order does not depend on the clock. Some share a start time (the order needs its id
  // tie-break), two differ only in microseconds (cursors must keep PostgreSQL's full precision).
  const loaded = await api.database.db.select({ startedAt: syncRuns.startedAt }).from(syncRuns);
  expect(loaded).toHaveLength(2);
  const starts = loaded.map((run) => run.startedAt.getTime());
  const after = Math.floor(Math.max(...starts) / DAY) * DAY + DAY;
  const before = Math.floor(Math.min(...starts) / DAY) * DAY - DAY;
  const date = (time: number) => new Date(time);
  at = {
    goldStandardSucceeded: date(after + DAY).toISOString(),
    verraFailed: date(after + 2 * DAY).toISOString(),
    newest: date(after + 3 * DAY).toISOString(),
    oldest: date(before).toISOString(),
  };
  await api.database.db.insert(syncRuns).values([
    { programId: 'gold-standard', source: 'files', trigger: 'cli', status: 'succeeded', startedAt: date(after + DAY) },
    { programId: 'verra', source: 'http', trigger: 'schedule', status: 'failed', failureType: 'transient', error: 'registry unreachable', startedAt: date(after + 2 * DAY) },
    { programId: 'gold-standard', source: 'files', trigger: 'cli', status: 'running', startedAt: date(after + 3 * DAY) },
    { programId: 'verra', source: 'http', trigger: 'schedule', status: 'succeeded', startedAt: date(after + 3 * DAY) },
    { programId: 'gold-standard', source: 'files', trigger: 'backfill', status: 'running', startedAt: sql`${at.oldest}::timestamptz + interval '2 microseconds'` },
    { programId: 'gold-standard', source: 'files', trigger: 'backfill', status: 'running', startedAt: sql`${at.oldest}::timestamptz + interval '1 microsecond'` },
  ]);
});
afterAll(async () => {
  await api?.close();
});

const runsPage = `query ($filter: SyncRunsFilter, $first: Int, $after: String) {
  syncRuns(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { id status trigger startedAt program { code } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Run = { id: string; status: string; trigger: string; startedAt: string; program: { code: string } };

async function allRuns(filter: Record<string, unknown> | null, first = 1) {
  let totalCount = -1;
  const { nodes } = await walkConnection<Run>(async (after) => {
    const data = await api.data(runsPage, { filter, first, after });
    totalCount = data.syncRuns.totalCount;
    return data.syncRuns;
  });
  return { nodes, totalCount };
}

describe('sync runs', () => {
  it('lists runs newest first, one page at a time, each exactly once', async () => {
    // Newest first, ties broken by id (newest id first), straight from SQL.
    const expected = await api.database.db
      .select({ id: syncRuns.id })
      .from(syncRuns)
      .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id));
    expect(expected).toHaveLength(8); // the 2 runs of the load and the 6 above
    const { nodes, totalCount } = await allRuns(null);
    expect(totalCount).toBe(expected.length);
    expect(nodes.map((run) => run.id)).toEqual(expected.map((run) => toGlobalId('SyncRun', run.id)));
    expect(new Set(nodes.map((run) => run.id)).size).toBe(expected.length);
    const starts = nodes.map((run) => run.startedAt);
    expect(starts).toEqual([...starts].sort().reverse());
    expect(starts.slice(0, 2)).toEqual([at.newest, at.newest]);
    expect(starts.slice(-2)).toEqual([at.oldest, at.oldest]);
    expect(nodes.slice(-2).map((run) => run.trigger)).toEqual(['backfill', 'backfill']);
  });

  it('filters by program and status', async () => {
    const verraRuns = await api.database.db.select({ id: syncRuns.id }).from(syncRuns).where(eq(syncRuns.programId, 'verra'));
    expect(verraRuns).toHaveLength(3); // the load's, the failed and the scheduled one
    const verra = await allRuns({ program: ['verra'] }, 2);
    expect(verra.nodes.map((run) => run.program.code)).toEqual(['verra', 'verra', 'verra']);
    expect(verra.totalCount).toBe(verraRuns.length);
    const failed = await allRuns({ status: ['FAILED'] });
    expect(failed.nodes.map((run) => [run.program.code, run.status, run.trigger, run.startedAt])).toEqual([['verra', 'FAILED', 'schedule', at.verraFailed]]);
    const succeededGoldStandard = await allRuns({ program: ['gold-standard'], status: ['SUCCEEDED'] });
    const [loadRun, ...more] = await api.database.db
      .select({ startedAt: syncRuns.startedAt })
      .from(syncRuns)
      .where(and(eq(syncRuns.programId, 'gold-standard'), eq(syncRuns.trigger, 'test')));
    expect(more).toEqual([]);
    expect(succeededGoldStandard.nodes.map((run) => run.startedAt)).toEqual([at.goldStandardSucceeded, loadRun!.startedAt.toISOString()]);
    const none = await allRuns({ program: ['nope'] });
    expect(none.totalCount).toBe(0);
  });

  it('keeps freshness per program in step with the runs', async () => {
    const data = await api.data(`{ programs { edges { node { code latestSync { status } lastSuccessfulSync { startedAt } } } } }`);
    const byCode = Object.fromEntries(data.programs.edges.map((edge: any) => [edge.node.code, edge.node]));
    expect(byCode['gold-standard']).toMatchObject({ latestSync: { status: 'RUNNING' }, lastSuccessfulSync: { startedAt: at.goldStandardSucceeded } });
    expect(byCode['verra']).toMatchObject({ latestSync: { status: 'SUCCEEDED' }, lastSuccessfulSync: { startedAt: at.newest } });
  });
});
