import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { queryRows } from '../../src/db/client.ts';
import { toFlagGlobalId } from '../../src/api/flags/flag-id.ts';
import { reviewFlag } from '../../src/api/flags/review-flag.ts';
import { toGlobalId } from '../../src/api/common/global-id.ts';
import { startTestApi, walkConnection, type TestApi } from '../support/api-server.ts';
import { idOf, seedFlags, type DetectionsByDetector } from './flags-detections.ts';

let api: TestApi;
let detections: DetectionsByDetector;

beforeAll(async () => {
  api = await startTestApi();
  detections = await seedFlags(api.database.db);
  const { record } = await createApiKey(api.database.db, { name: 'seed reviewer', role: 'reviewer' });
  for (const detection of detections['test-serial-overlap'].slice(0, 30)) {
    await reviewFlag(api.database.db, { id: record.id, name: record.name, role: record.role }, { flagId: idOf(detection), status: 'confirmed' });
  }
});
afterAll(async () => {
  await api?.close();
});

const severityOrder = sql`(case severity when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 else 1 end) desc, quantity_at_risk::float8 desc, id desc`;

async function expectedFlagsOf(link: 'flag_projects' | 'flag_credits', column: 'project_id' | 'credit_id', parentId: number, extra = sql`true`) {
  const rows = await queryRows<{ id: string }>(
    api.database.db,
    sql`select id from flags where id in (select flag_id from ${sql.raw(link)} where ${sql.raw(column)} = ${parentId}) and ${extra} order by ${severityOrder}`,
  );
  return rows.map((row) => toFlagGlobalId(row.id));
}

describe('flags of projects and credits', () => {
  it("lists a project's flags once each (whatever its roles), as SQL finds them, page by page", async () => {
    const parents = await queryRows<{ id: number }>(
      api.database.db,
      sql`select project_id::int as id from flag_projects group by project_id order by count(distinct flag_id) desc, project_id limit 5`,
    );
    for (const { id } of parents) {
      let totalCount = -1;
      const { nodes } = await walkConnection<{ id: string }>(async (after) => {
        const data = await api.data(`query ($id: ID!, $after: String) { project(id: $id) { flags(first: 2, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`, {
          id: toGlobalId('Project', id),
          after,
        });
        totalCount = data.project.flags.totalCount;
        return data.project.flags;
      });
      const expected = await expectedFlagsOf('flag_projects', 'project_id', id);
      expect(nodes.map((node) => node.id)).toEqual(expected);
      expect(totalCount).toBe(expected.length);
    }
    // The busiest project has flags where it is on both sides, and more than one page of them.
    const [busiest] = parents;
    expect((await expectedFlagsOf('flag_projects', 'project_id', busiest!.id)).length).toBeGreaterThan(2);
  });

  it("filters a project's flags and gives every project of a page its own", async () => {
    const data = await api.data(`{
      projects(first: 60, filter: { program: ["verra"] }) {
        edges { node { id flags(first: 20, filter: { status: [CONFIRMED], severity: [CRITICAL, HIGH, MEDIUM] }) { totalCount edges { node { id status severity } } } } }
      }
    }`);
    let seen = 0;
    for (const { node } of data.projects.edges) {
      const projectId = Buffer.from(node.id, 'base64url').toString().split(':')[1];
      const expected = await expectedFlagsOf('flag_projects', 'project_id', Number(projectId), sql`status = 'confirmed' and severity in ('critical', 'high', 'medium')`);
      expect(node.flags.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(expected);
      expect(node.flags.totalCount).toBe(expected.length);
      seen += expected.length;
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("lists a credit's flags, for every credit of a page", async () => {
    const data = await api.data(`{
      credits(first: 100, filter: { program: ["gold-standard"] }) { edges { node { id flags(first: 5) { totalCount edges { node { id kind } } } } } }
    }`);
    let seen = 0;
    for (const { node } of data.credits.edges) {
      const creditId = Number(Buffer.from(node.id, 'base64url').toString().split(':')[1]);
      const expected = await expectedFlagsOf('flag_credits', 'credit_id', creditId);
      expect(node.flags.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(expected.slice(0, 5));
      expect(node.flags.totalCount).toBe(expected.length);
      seen += expected.length;
    }
    expect(seen).toBeGreaterThan(0);
  });
});

describe('statements per page', () => {
  const fullFlagsPage = `query ($first: Int) {
    flags(first: $first) {
      totalCount
      edges {
        node {
          id kind status severity score title quantityAtRisk detector detectorVersion firstDetectedAt lastDetectedAt resolvedAt reviewedAt
          evidence { features { feature left right level weight } raw }
          programs { code name }
          projects { role project { id name program { code } } }
          credits(first: 3) { totalCount edges { role node { id quantity project { name } } } }
          reviews(first: 3) { totalCount edges { node { reviewer fromStatus toStatus note createdAt flag { id } } } }
        }
      }
    }
  }`;

  it('is the same for a page of 10 flags and a page of 100, with every relation', async () => {
    const small = await api.countStatements(async () => {
      const data = await api.data(fullFlagsPage, { first: 10 });
      expect(data.flags.edges).toHaveLength(10);
    });
    const large = await api.countStatements(async () => {
      const data = await api.data(fullFlagsPage, { first: 100 });
      expect(data.flags.edges).toHaveLength(100);
      // The page holds reviewed flags, so the reviews relation ran.
      expect(data.flags.edges.some((edge: { node: { reviews: { totalCount: number } } }) => edge.node.reviews.totalCount > 0)).toBe(true);
    });
    expect(large).toBe(small);
    expect(small).toBeLessThanOrEqual(12);
  });

  it('reads a review queue page with its projects in three statements: the count, the flags, the projects with their roles', async () => {
    const statements = await api.countStatements(async () => {
      const data = await api.data(`{ flags(first: 50) { totalCount edges { node { title projects { role project { id name countryCode } } } } } }`);
      const entries = data.flags.edges.flatMap((edge: { node: { projects: { project: { name: string } }[] } }) => edge.node.projects);
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((entry: { project: { name: string } }) => typeof entry.project.name === 'string')).toBe(true);
    });
    expect(statements).toBe(3);
  });

  it('does not grow from 10 projects with their flags to 100', async () => {
    const query = `query ($ids: [ID!]!) {
      nodes(ids: $ids) {
        ... on Project { name flags(first: 5) { totalCount edges { node { title projects { role project { name } } credits(first: 2) { edges { role node { quantity } } } } } } }
      }
    }`;
    // Flagged projects first: relations of an empty page run no statement at all.
    const rows = await queryRows<{ id: number }>(
      api.database.db,
      sql`select id::int from projects order by exists (select 1 from flag_projects where project_id = projects.id) desc, id limit 100`,
    );
    const ids = rows.map((row) => toGlobalId('Project', row.id));
    expect(ids).toHaveLength(100);
    const small = await api.countStatements(async () => {
      const data = await api.data(query, { ids: ids.slice(0, 10) });
      expect(data.nodes.every((node: { flags: { totalCount: number } }) => node.flags.totalCount > 0)).toBe(true);
    });
    const large = await api.countStatements(() => api.data(query, { ids }));
    // Never more for the larger page (it may take one fewer: the projects a flag involves are
    // often among the hundred already loaded, and the request's loaders do not ask twice).
    expect(large).toBeLessThanOrEqual(small);
    expect(small).toBeLessThanOrEqual(7);
  });

  it("reads a page's evidence only when it is asked for, in one statement; a single flag's with the flag", async () => {
    const page = (fields: string) => `{ flags(first: 50) { edges { node { id title ${fields} } } } }`;
    const without = await api.countStatements(() => api.data(page('')));
    const withEvidence = await api.countStatements(async () => {
      const data = await api.data(page('evidence { features { feature } raw }'));
      expect(data.flags.edges.every((edge: { node: { evidence: { raw: object } } }) => typeof edge.node.evidence.raw === 'object')).toBe(true);
    });
    expect(withEvidence).toBe(without + 1);

    const [flag] = await queryRows<{ id: string }>(api.database.db, sql`select id from flags order by id limit 1`);
    const single = await api.countStatements(async () => {
      const data = await api.data(`query ($id: ID!) { flag(id: $id) { title evidence { raw } } }`, { id: toFlagGlobalId(flag!.id) });
      expect(data.flag.evidence.raw).toBeTypeOf('object');
    });
    expect(single).toBe(1);
  });

  it('is the same for the audit trail, 10 or 100 reviews with their flags', async () => {
    const query = `query ($first: Int) { flagReviews(first: $first) { totalCount edges { node { reviewer flag { title programs { code } } } } } }`;
    const small = await api.countStatements(() => api.data(query, { first: 10 }));
    const large = await api.countStatements(() => api.data(query, { first: 100 }));
    expect(large).toBe(small);
  });
});
