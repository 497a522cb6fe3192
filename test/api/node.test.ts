import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api-server.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const nodeQuery = `query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Program { code }
    ... on Project { registryProjectId }
    ... on Credit { naturalKey }
    ... on SyncRun { status }
  }
}`;

describe('global ids', () => {
  it('fetches every kind of object back through node(id:)', async () => {
    const data = await api.data(`{
      programs(first: 1) { edges { node { id code } } }
      projects(first: 1) { edges { node { id registryProjectId } } }
      credits(first: 1) { edges { node { id naturalKey } } }
      syncRuns(first: 1) { edges { node { id status } } }
    }`);
    const objects = [
      { typename: 'Program', node: data.programs.edges[0].node },
      { typename: 'Project', node: data.projects.edges[0].node },
      { typename: 'Credit', node: data.credits.edges[0].node },
      { typename: 'SyncRun', node: data.syncRuns.edges[0].node },
    ];
    for (const { typename, node } of objects) {
      const fetched = await api.data(nodeQuery, { id: node.id });
      expect(fetched.node).toEqual({ __typename: typename, ...node });
    }
    const ids = objects.map(({ node }) => node.id);
    const all = await api.data(`query ($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`, { ids: [...ids].reverse() });
    expect(all.nodes.map((node: { id: string }) => node.id)).toEqual([...ids].reverse());
  });

  it('gives ids that are opaque and distinct across types', async () => {
    const data = await api.data(`{ projects(first: 1) { edges { node { id } } } credits(first: 1) { edges { node { id } } } }`);
    const projectId: string = data.projects.edges[0].node.id;
    expect(projectId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(projectId).not.toBe(data.credits.edges[0].node.id);
  });

  it('answers null for a well-formed id whose object does not exist', async () => {
    const missing = Buffer.from('Project:987654321').toString('base64url');
    expect((await api.data(nodeQuery, { id: missing })).node).toBeNull();
    expect((await api.data(`query ($id: ID!) { project(id: $id) { id } }`, { id: missing })).project).toBeNull();
    const list = await api.data(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [missing] });
    expect(list.nodes).toEqual([null]);
  });

  it('refuses junk ids with BAD_USER_INPUT', async () => {
    const junk = [
      'not an id',
      'Zm9vYmFy', // "foobar"
      Buffer.from('Unknown:1').toString('base64url'),
      Buffer.from('Project:abc').toString('base64url'),
      Buffer.from('Project:-1').toString('base64url'),
      Buffer.from('Credit:99999999999999999999').toString('base64url'),
      '',
    ];
    for (const id of junk) {
      const { body } = await api.query(nodeQuery, { id });
      expect(body.errors?.[0]?.extensions?.code, id).toBe('BAD_USER_INPUT');
      expect(body.data?.node ?? null).toBeNull();
    }
    const credit = await api.data(`{ credits(first: 1) { edges { node { id } } } }`);
    const { body } = await api.query(`query ($id: ID!) { project(id: $id) { id } }`, { id: credit.credits.edges[0].node.id });
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.errors?.[0]?.message).toContain('is the id of a Credit, not of a Project');
  });

  it('limits nodes(ids:) to the maximum page size', async () => {
    const ids = Array.from({ length: 101 }, (_, index) => Buffer.from(`Credit:${index + 1}`).toString('base64url'));
    const { body } = await api.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
