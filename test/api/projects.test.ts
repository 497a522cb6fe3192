import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/api/common/global-id.ts';
import { queryRows } from '../../src/db/client.ts';
import { startTestApi, walkConnection, type TestApi } from '../support/api-server.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const projectsPage = `
  query Projects($filter: ProjectsFilter, $first: Int, $after: String, $orderBy: ProjectOrder) {
    projects(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
      totalCount
      edges { cursor node { id registryProjectId name proponent countryCode status program { code } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

interface ProjectNode {
  id: string;
  registryProjectId: string;
  name: string | null;
  proponent: string | null;
  countryCode: string | null;
  status: string | null;
  program: { code: string };
}

async function allProjects(filter: Record<string, unknown> | null, orderBy?: string, first = 15) {
  let totalCount = -1;
  const { nodes } = await walkConnection<ProjectNode>(async (after) => {
    const data = await api.data(projectsPage, { filter, first, after, orderBy });
    totalCount = data.projects.totalCount;
    return data.projects;
  });
  return { nodes, totalCount };
}

const registryIds = (nodes: ProjectNode[]) => nodes.map((node) => `${node.program.code}/${node.registryProjectId}`);

async function expectedRegistryIds(where: ReturnType<typeof sql>, orderBy = sql`id`): Promise<string[]> {
  const rows = await queryRows<{ key: string }>(
    api.database.db,
    sql`select program_id || '/' || registry_project_id as key from projects where ${where} order by ${orderBy}`,
  );
  return rows.map((row) => row.key);
}

describe('projects', () => {
  it('walks every project exactly once, by id and by name', async () => {
    const byId = await allProjects(null, undefined, 13);
    const expected = await expectedRegistryIds(sql`true`);
    expect(registryIds(byId.nodes)).toEqual(expected);
    expect(byId.totalCount).toBe(expected.length);

    // Same collation as the database, so compare with its own ORDER BY: this checks that no
    // row is lost or repeated at page boundaries, unnamed projects included.
    const byName = await allProjects(null, 'NAME_ASC', 13);
    expect(registryIds(byName.nodes)).toEqual(await expectedRegistryIds(sql`true`, sql`name is null, name, id`));
  });

  it('filters by program, country and status: exactly the matching rows', async () => {
    const cases: Array<[Record<string, unknown>, ReturnType<typeof sql>]> = [
      [{ program: ['gold-standard'] }, sql`program_id = 'gold-standard'`],
      [{ program: ['verra'], country: ['IN', 'CN'] }, sql`program_id = 'verra' and country_code in ('IN', 'CN')`],
      [{ status: ['Under validation'] }, sql`status = 'Under validation'`],
      [{ program: ['unknown-program'] }, sql`false`],
    ];
    for (const [filter, where] of cases) {
      const { nodes, totalCount } = await allProjects(filter);
      const expected = await expectedRegistryIds(where);
      expect(registryIds(nodes), JSON.stringify(filter)).toEqual(expected);
      expect(totalCount, JSON.stringify(filter)).toBe(expected.length);
    }
  });

  it('finds projects by words of their name or proponent, best match first, tolerating typos', async () => {
    const exact = await allProjects({ search: 'Bale Mountains' });
    expect(exact.nodes[0]?.name).toBe('Bale Mountains Eco-region REDD+ project');

    const typo = await allProjects({ search: 'Bale Montains' });
    expect(typo.nodes.map((node) => node.name)).toContain('Bale Mountains Eco-region REDD+ project');

    const proponent = await allProjects({ search: 'knowledge integration' });
    expect(proponent.nodes.length).toBeGreaterThan(0);
    expect(proponent.nodes[0]?.proponent).toBe('KNOWLEDGE INTEGRATION SERVICES SINGAPORE PTE. LTD.');

    // Every project whose name contains the word is found (substring match), and the count agrees.
    const word = await allProjects({ search: 'cookstove' }, undefined, 2);
    const containing = await expectedRegistryIds(sql`name ilike '%cookstove%' or proponent ilike '%cookstove%'`);
    expect(containing.length).toBeGreaterThan(0);
    expect(registryIds(word.nodes)).toEqual(expect.arrayContaining(containing));
    expect(new Set(registryIds(word.nodes)).size).toBe(word.nodes.length);

    // LIKE wildcards are taken literally.
    const wildcard = await allProjects({ search: '%' });
    expect(wildcard.totalCount).toBe(0);
  });

  it("totals equal the sum of each project's credits by kind", async () => {
    const rows = await queryRows<{ registry_project_id: string; program_id: string; issued: number; retired: number; cancelled: number }>(
      api.database.db,
      sql`select p.program_id, p.registry_project_id,
            coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
            coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired,
            coalesce(sum(c.quantity) filter (where c.kind = 'cancellation'), 0)::float8 as cancelled
          from projects p left join credits c on c.project_id = p.id and c.vanished_at is null group by p.id order by p.id`,
    );
    const seen: Record<string, unknown> = {};
    await walkConnection<{ registryProjectId: string; program: { code: string }; totals: unknown }>(async (after) => {
      const data = await api.data(
        `query ($after: String) { projects(first: 100, after: $after) {
          edges { cursor node { registryProjectId program { code } totals { issued retired cancelled } } } pageInfo { hasNextPage endCursor }
        } }`,
        { after },
      );
      for (const { node } of data.projects.edges) seen[`${node.program.code}/${node.registryProjectId}`] = node.totals;
      return data.projects;
    });
    expect(Object.keys(seen)).toHaveLength(rows.length);
    for (const row of rows) {
      expect(seen[`${row.program_id}/${row.registry_project_id}`]).toEqual({ issued: row.issued, retired: row.retired, cancelled: row.cancelled });
    }
    expect(rows.some((row) => row.cancelled > 0)).toBe(true);
  });

  it("pages through one project's credits, filtered", async () => {
    const [project] = await queryRows<{ id: number }>(api.database.db, sql`select id::float8 as id from projects where registry_project_id = '513'`);
    const id = Buffer.from(`Project:${project!.id}`).toString('base64url');
    const expected = await queryRows<{ natural_key: string }>(
      api.database.db,
      sql`select natural_key from credits where project_id = ${project!.id} and vintage_year >= 2018 order by id`,
    );
    expect(expected.length).toBeGreaterThan(10);
    let totalCount = -1;
    const { nodes, pages } = await walkConnection<{ naturalKey: string }>(async (after) => {
      const data = await api.data(
        `query ($id: ID!, $after: String) { project(id: $id) {
          credits(first: 4, after: $after, filter: { vintageFrom: 2018 }) { totalCount edges { cursor node { naturalKey } } pageInfo { hasNextPage endCursor } }
        } }`,
        { id, after },
      );
      totalCount = data.project.credits.totalCount;
      return data.project.credits;
    });
    expect(nodes.map((node) => node.naturalKey)).toEqual(expected.map((row) => row.natural_key));
    expect(totalCount).toBe(expected.length);
    expect(pages).toBe(Math.ceil(expected.length / 4));
  });

  it('serves a page of projects with their credits and program in the same number of SQL statements for 10 or 50 projects', async () => {
    // Start the pages right before the first run of 50 projects (in id order, the default
    // order) that all have credits, so every project on a page really loads some: the
    // projects export's rows come first and have none.
    const flags = await queryRows<{ has_credits: boolean }>(
      api.database.db,
      sql`select exists (select 1 from credits c where c.project_id = p.id and c.vanished_at is null) as has_credits
          from projects p where p.vanished_at is null order by p.id`,
    );
    const start = flags.findIndex((_, i) => flags.length - i >= 50 && flags.slice(i, i + 50).every((flag) => flag.has_credits));
    expect(start).toBeGreaterThanOrEqual(0);
    let after: string | null = null;
    if (start > 0) {
      const before = await api.data(`query ($first: Int!) { projects(first: $first) { pageInfo { endCursor } } }`, { first: start });
      after = before.projects.pageInfo.endCursor;
    }

    const query = `query ($first: Int!, $after: String) {
      projects(first: $first, after: $after) {
        totalCount
        edges { node {
          id name program { code name }
          totals { issued retired cancelled }
          credits(first: 5) { totalCount edges { node { id quantity kind program { code } project { id } } } }
        } }
      }
    }`;
    let ten: any;
    let fifty: any;
    const tenStatements = await api.countStatements(async () => {
      ten = await api.data(query, { first: 10, after });
    });
    const fiftyStatements = await api.countStatements(async () => {
      fifty = await api.data(query, { first: 50, after });
    });
    expect(ten.projects.edges).toHaveLength(10);
    expect(fifty.projects.edges).toHaveLength(50);
    expect(fifty.projects.edges.every((edge: any) => edge.node.credits.edges.length > 0)).toBe(true);
    expect(fiftyStatements).toBe(tenStatements);
    // projects, totalCount, programs, totals, credit pages, credit counts.
    expect(tenStatements).toBeLessThanOrEqual(6);
  });

  describe("several projects' credits in one request", () => {
    const creditsOf = `query ($ids: [ID!]!, $first: Int, $after: String, $orderBy: CreditOrder) {
      nodes(ids: $ids) { ... on Project { id credits(first: $first, after: $after, orderBy: $orderBy) {
        totalCount edges { cursor node { naturalKey } } pageInfo { hasNextPage hasPreviousPage endCursor }
      } } }
    }`;
    interface CreditsPage {
      totalCount: number;
      edges: { cursor: string; node: { naturalKey: string } }[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    }
    const pagesOf = async (ids: number[], variables: Record<string, unknown>): Promise<CreditsPage[]> => {
      const data = await api.data(creditsOf, { ids: ids.map((id) => toGlobalId('Project', id)), ...variables });
      return data.nodes.map((node: { credits: CreditsPage }) => node.credits);
    };
    const keysOf = (page: CreditsPage) => page.edges.map((edge) => edge.node.naturalKey);
    /** Natural keys of a project's credits in SQL, in `order` (by id unless given), after `where`. */
    const creditKeys = async (projectId: number, where = sql`true`, order = sql`id`) =>
      (
        await queryRows<{ natural_key: string }>(
          api.database.db,
          sql`select natural_key from credits where project_id = ${projectId} and vanished_at is null and ${where} order by ${order}`,
        )
      ).map((row) => row.natural_key);

    /** A project with many credits, one with exactly `small` (a few), and one with none. */
    async function chooseProjects() {
      const counts = await queryRows<{ id: number; credits: number }>(
        api.database.db,
        sql`select p.id::int as id, count(c.id)::int as credits from projects p left join credits c on c.project_id = p.id and c.vanished_at is null
            where p.vanished_at is null group by p.id order by p.id`,
      );
      const none = counts.find((row) => row.credits === 0);
      const small = counts.find((row) => row.credits >= 3 && row.credits <= 8);
      const big = counts.find((row) => small !== undefined && row.credits > 3 * small.credits);
      expect(none && small && big).toBeTruthy();
      return { none: none!, small: small!, big: big! };
    }

    it('gives each its own page, an empty one to a project without credits, with hasNextPage exact at the boundary, in one statement', async () => {
      const { none, small, big } = await chooseProjects();
      const ids = [big.id, small.id, none.id];
      const n = small.credits;

      const [bigPage, smallPage, nonePage] = await pagesOf(ids, { first: n });
      expect(keysOf(bigPage!)).toEqual((await creditKeys(big.id)).slice(0, n));
      expect(bigPage!.pageInfo.hasNextPage).toBe(true);
      expect(bigPage!.totalCount).toBe(big.credits);
      // Exactly `first` credits: the whole list, and nothing follows.
      expect(keysOf(smallPage!)).toEqual(await creditKeys(small.id));
      expect(smallPage!.pageInfo.hasNextPage).toBe(false);
      expect(smallPage!.totalCount).toBe(n);
      expect(nonePage).toEqual({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null } });

      // One credit fewer than it has: the last one is on a next page.
      const [, shorter] = await pagesOf(ids, { first: n - 1 });
      expect(keysOf(shorter!)).toEqual((await creditKeys(small.id)).slice(0, n - 1));
      expect(shorter!.pageInfo.hasNextPage).toBe(true);

      // The credits of three projects cost the statements of one: the page and the count each run once for all.
      const one = await api.countStatements(() => pagesOf([big.id], { first: n }));
      const three = await api.countStatements(() => pagesOf(ids, { first: n }));
      expect(three).toBe(one);
    });

    it('continues every project after the cursor, and walks each page by page in every order', async () => {
      const { none, small, big } = await chooseProjects();
      const ids = [big.id, small.id, none.id];
      const [first] = await pagesOf(ids, { first: 3 });
      // A cursor is a position in the order, so it applies to each project's credits: those after it.
      const [bigNext, smallNext, noneNext] = await pagesOf(ids, { first: 3, after: first!.pageInfo.endCursor });
      const [lastId] = await queryRows<{ id: number }>(
        api.database.db,
        sql`select id::float8 as id from credits where natural_key = ${first!.edges.at(-1)!.node.naturalKey} and project_id = ${big.id}`,
      );
      expect(keysOf(bigNext!)).toEqual((await creditKeys(big.id)).slice(3, 6));
      expect(keysOf(smallNext!)).toEqual((await creditKeys(small.id, sql`id > ${lastId!.id}`)).slice(0, 3));
      expect(keysOf(noneNext!)).toEqual([]);
      expect(bigNext!.pageInfo.hasPreviousPage).toBe(true);

      const orders: Array<[string, ReturnType<typeof sql>]> = [
        ['ID_ASC', sql`id`],
        ['TRANSACTION_DATE_DESC', sql`transaction_date is not null desc, transaction_date desc, id desc`],
        ['VINTAGE_ASC', sql`vintage_year is null, vintage_year, id`],
      ];
      for (const [orderBy, order] of orders) {
        for (const project of [big, small]) {
          const { nodes } = await walkConnection<{ naturalKey: string }>(async (after) => {
            const [page] = await pagesOf([project.id, none.id], { first: 7, after, orderBy });
            return page!;
          });
          expect(
            nodes.map((node) => node.naturalKey),
            `${orderBy}, project ${project.id}`,
          ).toEqual(await creditKeys(project.id, sql`true`, order));
        }
      }
    });
  });

  it('refuses an over-long search as BAD_USER_INPUT', async () => {
    const { body } = await api.query(projectsPage, { filter: { search: 'x'.repeat(201) } });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
