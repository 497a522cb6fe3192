import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationCost } from '../../../src/api/plugins/query-complexity.ts';
import { buildHubSchema } from '../../../src/api/schema.ts';
import { startTestApi, type TestApi } from '../../support/api-server.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ config: { GRAPHQL_MAX_COMPLEXITY: 20_000 } });
});
afterAll(async () => {
  await api?.close();
});

describe('query complexity limit', () => {
  it('costs a connection as its page size times its selection', async () => {
    const schema = await buildHubSchema();
    const cost = (query: string, variables?: Record<string, unknown>) => operationCost({ schema, document: parse(query), variables, maxPageSize: 100 });
    expect(cost('{ credits(first: 100) { edges { node { id quantity } } } }')).toBe(401);
    expect(cost('{ credits { edges { node { id quantity } } } }')).toBe(81); // default first: 20
    expect(cost('query ($n: Int) { credits(first: $n) { edges { node { id } } } }', { n: 10 })).toBe(31);
    expect(cost('{ nodes(ids: ["a", "b", "c"]) { id } }')).toBe(4);
    // Beyond the page size the resolver answers BAD_USER_INPUT; the cost counts the maximum.
    expect(cost('{ credits(first: 100000) { edges { node { id } } } }')).toBe(301);
  });

  it('refuses an operation over GRAPHQL_MAX_COMPLEXITY with QUERY_TOO_COMPLEX before touching the database', async () => {
    let response!: Awaited<ReturnType<TestApi['query']>>;
    const statements = await api.countStatements(async () => {
      response = await api.query(`{ projects(first: 100) { edges { node { credits(first: 100) { edges { node { id quantity } } } } } } }`);
    });
    expect(statements).toBe(0);
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX', cost: 40_301, maximumCost: 20_000 } });
    expect(response.body.errors?.[0]?.message).toContain('page size');
  });

  it('runs the same shape with smaller pages', async () => {
    const { status, body } = await api.query(`{ projects(first: 20) { edges { node { credits(first: 20) { edges { node { id quantity } } } } } } }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});
