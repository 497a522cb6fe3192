import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api-server.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ config: { GRAPHQL_MAX_DEPTH: 10 } });
});
afterAll(async () => {
  await api?.close();
});

// programs(1) edges(2) node(3) projects(4) edges(5) node(6) program(7) projects(8) edges(9) …
const atLimit = `{ programs { edges { node { projects(first: 1) { edges { node { program { projects(first: 1) { edges { cursor } } } } } } } } } }`;
const overLimit = `{ programs { edges { node { projects(first: 1) { edges { node { program { projects(first: 1) { edges { node { id } } } } } } } } } } }`;

describe('depth limit', () => {
  it('runs a query as deep as GRAPHQL_MAX_DEPTH', async () => {
    const { status, body } = await api.query(atLimit);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('refuses a deeper query with QUERY_TOO_COMPLEX before touching the database', async () => {
    let response!: Awaited<ReturnType<TestApi['query']>>;
    const statements = await api.countStatements(async () => {
      response = await api.query(overLimit);
    });
    expect(statements).toBe(0);
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', depth: 11, maximumDepth: 10 } });
    expect(response.body.errors?.[0]?.message).toContain('exceeds the maximum of 10');
  });

  it('counts depth through fragments', async () => {
    const { body } = await api.query(`
      query { programs { edges { node { ...ProgramProjects } } } }
      fragment ProgramProjects on Program { projects(first: 1) { edges { node { program { ...Deeper } } } } }
      fragment Deeper on Program { projects(first: 1) { edges { node { ... on Project { id } } } } }
    `);
    expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('lets introspection through, so schema tools work', async () => {
    const { status, body } = await api.query(getIntrospectionQuery());
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});
