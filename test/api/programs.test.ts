import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verra as verraConnector } from '../../connectors/verra/index.ts';
import { toGlobalId } from '../../src/api/common/global-id.ts';
import { queryRows } from '../../src/db/client.ts';
import { programs, syncRuns } from '../../src/db/schema.ts';
import { startTestApi, walkConnection, type TestApi } from '../support/api-server.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe('programs', () => {
  it('lists every program by code with its kind, and counts them', async () => {
    const data = await api.data(`{
      programs { totalCount edges { node { id code name kind homepage } } pageInfo { hasNextPage hasPreviousPage } }
    }`);
    // One row per loaded connector, with the connector's name, kind and homepage.
    const rows = await api.database.db.select().from(programs).orderBy(asc(programs.id));
    expect(rows.map((row) => row.id)).toEqual(['gold-standard', 'verra']);
    expect(data.programs.totalCount).toBe(rows.length);
    expect(data.programs.edges.map((edge: any) => edge.node.code)).toEqual(['gold-standard', 'verra']);
    expect(data.programs.edges.map((edge: any) => edge.node)).toEqual(
      rows.map((row) => ({
        id: toGlobalId('Program', row.id),
        code: row.id,
        name: row.name,
        kind: row.kind.toUpperCase().replaceAll('-', '_'),
        homepage: row.homepage,
      })),
    );
    expect(data.programs.edges[1].node).toMatchObject({ name: verraConnector.displayName, kind: 'VOLUNTARY', homepage: verraConnector.homepage });
    expect(data.programs.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false });
  });

  it('finds a program by its code or its global id, and answers null for an unknown code', async () => {
    const [verra] = await api.database.db.select({ name: programs.name }).from(programs).where(eq(programs.id, 'verra'));
    const byCode = await api.data(`{ program(id: "verra") { id code name } }`);
    expect(byCode.program).toMatchObject({ code: 'verra', name: verra!.name });
    const byId = await api.data(`query ($id: String!) { program(id: $id) { code } }`, { id: byCode.program.id });
    expect(byId.program.code).toBe('verra');
    const unknown = await api.data(`{ program(id: "no-such-registry") { code } }`);
    expect(unknown.program).toBeNull();
  });

  it('shows how fresh each program is: the latest run and the last successful one', async () => {
    // Loading the fixtures made one succeeded run per program; a failed Verra run after it
    // (3 a.m. the day after, whatever the clock says) becomes Verra's latest run.
    const loadRun = async (programId: string) => {
      const rows = await api.database.db
        .select()
        .from(syncRuns)
        .where(and(eq(syncRuns.programId, programId), eq(syncRuns.trigger, 'test')));
      expect(rows).toHaveLength(1);
      return rows[0]!;
    };
    const verraLoad = await loadRun('verra');
    expect(verraLoad).toMatchObject({ status: 'succeeded', source: 'files' });
    expect(verraLoad.fetched).toBeGreaterThan(0);
    const failedAt = new Date(Math.floor(verraLoad.startedAt.getTime() / 86_400_000) * 86_400_000 + 27 * 3_600_000);
    await api.database.db.insert(syncRuns).values({
      programId: 'verra',
      source: 'http',
      trigger: 'schedule',
      status: 'failed',
      failureType: 'transient',
      error: 'registry unreachable',
      startedAt: failedAt,
      finishedAt: new Date(failedAt.getTime() + 60_000),
    });

    const data = await api.data(`{
      program(id: "verra") {
        latestSync { status source trigger failureType error startedAt finishedAt program { code } }
        lastSuccessfulSync { status source trigger startedAt finishedAt fetched inserted updated unchanged rejected }
      }
    }`);
    expect(data.program.latestSync).toMatchObject({
      status: 'FAILED',
      source: 'HTTP',
      trigger: 'schedule',
      failureType: 'transient',
      error: 'registry unreachable',
      startedAt: failedAt.toISOString(),
      program: { code: 'verra' },
    });
    // The load's run, to the millisecond.
    expect(data.program.lastSuccessfulSync).toEqual({
      status: 'SUCCEEDED',
      source: 'FILES',
      trigger: 'test',
      startedAt: verraLoad.startedAt.toISOString(),
      finishedAt: verraLoad.finishedAt!.toISOString(),
      fetched: verraLoad.fetched,
      inserted: verraLoad.inserted,
      updated: verraLoad.updated,
      unchanged: verraLoad.unchanged,
      rejected: verraLoad.rejected,
    });

    // Each program sees only its own runs: Gold Standard's only run is its load, both latest and last successful.
    const goldStandardLoad = await loadRun('gold-standard');
    const other = await api.data(`{ program(id: "gold-standard") { latestSync { id } lastSuccessfulSync { id } } }`);
    const goldStandardRun = { id: toGlobalId('SyncRun', goldStandardLoad.id) };
    expect(other.program).toEqual({ latestSync: goldStandardRun, lastSuccessfulSync: goldStandardRun });

    // A program that has never been synced answers null for both.
    await api.database.db.insert(programs).values({ id: 'never-synced', name: 'Never synced', kind: 'voluntary' });
    try {
      const never = await api.data(`{ program(id: "never-synced") { latestSync { id } lastSuccessfulSync { id } } }`);
      expect(never.program).toEqual({ latestSync: null, lastSuccessfulSync: null });
    } finally {
      await api.database.db.delete(programs).where(eq(programs.id, 'never-synced'));
    }
  });

  it("pages through a program's projects, with totalCount matching the database", async () => {
    const counts = await queryRows<{ program_id: string; count: number }>(
      api.database.db,
      sql`select program_id, count(*)::int as count from projects where country_code = 'BR' group by program_id`,
    );
    const expected = Object.fromEntries(counts.map((row) => [row.program_id, row.count]));
    const data = await api.data(`{
      programs { edges { node { code projects(first: 3, filter: { country: ["BR"] }) { totalCount edges { node { countryCode program { code } } } } } } }
    }`);
    for (const code of ['verra', 'gold-standard']) {
      expect(expected[code], code).toBeGreaterThan(0);
      const program = data.programs.edges.find((edge: any) => edge.node.code === code).node;
      expect(program.projects.totalCount, code).toBe(expected[code]);
      expect(program.projects.edges, code).toHaveLength(Math.min(3, expected[code]!));
      for (const edge of program.projects.edges) expect(edge.node).toEqual({ countryCode: 'BR', program: { code } });
    }
  });

  it("walks each program's projects page by page, by name, beside a program that has none", async () => {
    await api.database.db.insert(programs).values({ id: 'no-projects', name: 'No projects', kind: 'voluntary' });
    try {
      for (const code of ['verra', 'gold-standard']) {
        // Every program is in each request, so each page is one of several programs' pages.
        const { nodes } = await walkConnection<{ registryProjectId: string }>(async (after) => {
          const data = await api.data(
            `query ($after: String) { programs { edges { node { code
              projects(first: 9, after: $after, orderBy: NAME_ASC) { totalCount edges { cursor node { registryProjectId } } pageInfo { hasNextPage endCursor } }
            } } } }`,
            { after },
          );
          const byCode = new Map(data.programs.edges.map((edge: any) => [edge.node.code, edge.node.projects]));
          expect(byCode.get('no-projects')).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
          return byCode.get(code) as any;
        });
        const expected = await queryRows<{ registry_project_id: string }>(
          api.database.db,
          sql`select registry_project_id from projects where program_id = ${code} and vanished_at is null order by name is null, name, id`,
        );
        expect(nodes.map((node) => node.registryProjectId), code).toEqual(expected.map((row) => row.registry_project_id));
      }
    } finally {
      await api.database.db.delete(programs).where(eq(programs.id, 'no-projects'));
    }
  });
});
