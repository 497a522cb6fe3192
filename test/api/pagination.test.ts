import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api-server.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ config: { GRAPHQL_MAX_PAGE_SIZE: 50 } });
});
afterAll(async () => {
  await api?.close();
});

const creditIds = `query ($first: Int, $after: String, $orderBy: CreditOrder) {
  credits(first: $first, after: $after, orderBy: $orderBy) { edges { node { id } } pageInfo { endCursor hasNextPage } }
}`;

describe('pagination arguments', () => {
  it('defaults to 20 rows and accepts up to the maximum page size', async () => {
    const byDefault = await api.data(`{ credits { edges { cursor } } }`);
    expect(byDefault.credits.edges).toHaveLength(20);
    const largest = await api.data(creditIds, { first: 50 });
    expect(largest.credits.edges).toHaveLength(50);
    const none = await api.data(`{ credits(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage startCursor endCursor } } }`);
    expect(none.credits).toMatchObject({ edges: [], pageInfo: { hasNextPage: true, startCursor: null, endCursor: null } });
    expect(none.credits.totalCount).toBeGreaterThan(0);
  });

  it('refuses a page larger than GRAPHQL_MAX_PAGE_SIZE with BAD_USER_INPUT, at every level', async () => {
    const top = await api.query(creditIds, { first: 51 });
    expect(top.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', maximum: 50 } });
    expect(top.body.errors?.[0]?.message).toContain('at most 50');
    const nested = await api.query(`{ projects(first: 1) { edges { node { credits(first: 1000) { totalCount } } } } }`);
    expect(nested.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const negative = await api.query(creditIds, { first: -1 });
    expect(negative.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses bad cursors with BAD_USER_INPUT', async () => {
    const page = await api.data(creditIds, { first: 2 });
    const cursor: string = page.credits.pageInfo.endCursor;
    const forged = [
      'garbage!',
      'bm90IGpzb24', // "not json"
      Buffer.from(JSON.stringify({ o: 'ID_ASC', k: ["1; drop table credits"] })).toString('base64url'),
      Buffer.from(JSON.stringify({ o: 'ID_ASC', k: ['1', '2'] })).toString('base64url'),
      Buffer.from(JSON.stringify({ o: 'ID_ASC', k: [1] })).toString('base64url'),
      Buffer.from(JSON.stringify({ o: 'NAME_ASC', k: ['false', 'x', '1'] })).toString('base64url'),
    ];
    for (const after of forged) {
      const { body } = await api.query(creditIds, { first: 2, after });
      expect(body.errors?.[0]?.extensions?.code, after).toBe('BAD_USER_INPUT');
    }
    // A cursor from one order is not valid in another.
    const { body } = await api.query(creditIds, { first: 2, after: cursor, orderBy: 'VINTAGE_ASC' });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain('ID_ASC');
    // A cursor of credits is not a cursor of sync runs.
    const runs = await api.query(`query ($after: String) { syncRuns(after: $after) { totalCount } }`, { after: cursor });
    expect(runs.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('counts only when totalCount is selected, and reads no page when only totalCount is', async () => {
    const without = await api.countStatements(() => api.data(creditIds, { first: 3 }));
    const withCount = await api.countStatements(() => api.data(`{ credits(first: 3) { totalCount edges { cursor } } }`));
    expect(withCount).toBe(without + 1);
    const onlyCount = await api.countStatements(() => api.data(`{ credits(first: 3) { totalCount } }`));
    expect(onlyCount).toBe(1);
  });
});
