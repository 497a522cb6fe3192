/**
 * Records a complete sync no longer found at the registry are marked vanished, never deleted
 * (docs/ingest.md, "Vanished records"). Over the API they leave lists, counts and totals unless
 * `includeVanished` is asked for. Here the marks a sync would set are set on the loaded fixtures.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/api/common/global-id.ts';
import { queryRows } from '../../src/db/client.ts';
import { startTestApi, walkConnection, type TestApi } from '../support/api-server.ts';

let api: TestApi;
/** A Verra project with several issuances, one of which vanished. */
let project: { id: number; registryProjectId: string };
let vanishedCredit: { id: number; quantity: number };
/** A project the registry's list no longer has. */
let vanishedProject: { id: number; registryProjectId: string };

beforeAll(async () => {
  api = await startTestApi();
  const db = api.database.db;
  [project] = (await queryRows<{ id: number; registryProjectId: string }>(
    db,
    sql`select p.id::int as id, p.registry_project_id as "registryProjectId" from projects p join credits c on c.project_id = p.id
         where p.program_id = 'verra' and c.kind = 'issuance' group by p.id having count(*) >= 3 order by p.id limit 1`,
  )) as [{ id: number; registryProjectId: string }];
  [vanishedCredit] = (await queryRows<{ id: number; quantity: number }>(
    db,
    sql`update credits set vanished_at = now() where id = (select min(id) from credits where project_id = ${project.id} and kind = 'issuance')
        returning id::int as id, quantity::float8 as quantity`,
  )) as [{ id: number; quantity: number }];
  [vanishedProject] = (await queryRows<{ id: number; registryProjectId: string }>(
    db,
    sql`update projects set vanished_at = now() where id = (select max(id) from projects where program_id = 'verra' and id <> ${project.id})
        returning id::int as id, registry_project_id as "registryProjectId"`,
  )) as [{ id: number; registryProjectId: string }];
});
afterAll(async () => {
  await api?.close();
});

const projectQuery = `query ($id: ID!, $includeVanished: Boolean) {
  project(id: $id) {
    totals { issued retired cancelled }
    credits(first: 100, filter: { includeVanished: $includeVanished }) { totalCount edges { node { id } } }
  }
}`;

describe('vanished records over the API', () => {
  it("leave a project's credits and its totals, and come back in its credits with includeVanished", async () => {
    const [live] = await queryRows<{ issued: number; count: number }>(
      api.database.db,
      sql`select coalesce(sum(quantity) filter (where kind = 'issuance'), 0)::float8 as issued, count(*)::int as count
            from credits where project_id = ${project.id} and vanished_at is null`,
    );
    const id = toGlobalId('Project', project.id);
    const byDefault = (await api.data(projectQuery, { id })).project;
    expect(byDefault.totals.issued).toBe(live!.issued);
    expect(byDefault.credits.totalCount).toBe(live!.count);
    expect(byDefault.credits.edges.map((edge: { node: { id: string } }) => edge.node.id)).not.toContain(toGlobalId('Credit', vanishedCredit.id));

    const withVanished = (await api.data(projectQuery, { id, includeVanished: true })).project;
    expect(withVanished.credits.totalCount).toBe(live!.count + 1);
    expect(withVanished.credits.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(toGlobalId('Credit', vanishedCredit.id));
    // Totals never count what the registry no longer lists.
    expect(withVanished.totals.issued).toBe(live!.issued);
    expect(vanishedCredit.quantity).toBeGreaterThan(0);
  });

  it('leave the list of projects, and come back in it with includeVanished', async () => {
    const listed = async (includeVanished: boolean) => {
      const { nodes } = await walkConnection<{ registryProjectId: string }>(async (after) => {
        const data = await api.data(
          `query ($after: String, $includeVanished: Boolean) {
            projects(first: 100, after: $after, filter: { program: ["verra"], includeVanished: $includeVanished }) {
              edges { cursor node { registryProjectId } } pageInfo { hasNextPage endCursor }
            }
          }`,
          { after, includeVanished },
        );
        return data.projects;
      });
      return nodes.map((node) => node.registryProjectId);
    };
    expect(await listed(false)).not.toContain(vanishedProject.registryProjectId);
    expect(await listed(true)).toContain(vanishedProject.registryProjectId);
  });
});
