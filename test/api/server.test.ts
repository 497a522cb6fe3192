import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

/** A response a client can read: JSON, GraphQL-shaped errors, nothing of the server's internals. */
async function expectCleanError(response: Response, status: number, code: string): Promise<{ message: string }> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/json/);
  const text = await response.text();
  expect(text).not.toMatch(/stacktrace|\n\s+at |<html|<!DOCTYPE/i);
  const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
  expect(body.errors[0]?.extensions.code).toBe(code);
  return body.errors[0]!;
}

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(api.url, { method: 'POST', headers, body });

describe('HTTP server', () => {
  it('answers /healthz while the process is alive', async () => {
    const response = await fetch(new URL('/healthz', api.base));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when the database is migrated, 503 with a reason otherwise', async () => {
    const ready = await fetch(new URL('/readyz', api.base));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });

    const db = api.database.db;
    const [last] = await queryRows<{ id: number; hash: string; created_at: string }>(
      db,
      sql`select id, hash, created_at::text as created_at from drizzle.__drizzle_migrations order by id desc limit 1`,
    );
    await db.execute(sql`delete from drizzle.__drizzle_migrations where id = ${last!.id}`);
    try {
      const pending = await fetch(new URL('/readyz', api.base));
      expect(pending.status).toBe(503);
      expect(await pending.json()).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('migrations pending') });
    } finally {
      await db.execute(
        sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${last!.id}, ${last!.hash}, ${last!.created_at}::bigint)`,
      );
    }
    expect((await fetch(new URL('/readyz', api.base))).status).toBe(200);
  });

  it('answers a malformed JSON body with 400 and a GraphQL error, no stack trace', async () => {
    const error = await expectCleanError(await post('{"query": "{ programs { totalCount } }"'), 400, 'BAD_REQUEST');
    expect(error.message).toContain('not valid JSON');
  });

  it('answers requests without a usable body or content type with 400 and a GraphQL error', async () => {
    await expectCleanError(await post('{ programs { totalCount } }', { 'content-type': 'text/plain' }), 400, 'BAD_REQUEST');
    await expectCleanError(await post('{}'), 400, 'BAD_REQUEST');
    await expectCleanError(await post('[]'), 400, 'BAD_REQUEST');
    await expectCleanError(await post(JSON.stringify({ query: 'x'.repeat(2_000_000) })), 413, 'BAD_REQUEST');
  });

  it('answers invalid queries with the parse or validation error', async () => {
    const syntax = await expectCleanError(await post(JSON.stringify({ query: '{ programs { ' })), 400, 'GRAPHQL_PARSE_FAILED');
    expect(syntax.message).toContain('Syntax Error');
    const unknownField = await expectCleanError(await post(JSON.stringify({ query: '{ programs { nope } }' })), 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(unknownField.message).toContain('nope');
    const badLiteral = await expectCleanError(
      await post(JSON.stringify({ query: '{ credits(filter: { country: ["Narnia"] }) { totalCount } }' })),
      400,
      'GRAPHQL_VALIDATION_FAILED',
    );
    expect(badLiteral.message).toMatch(/country/i);
  });

  it('serves queries over GET too', async () => {
    const url = new URL(api.url);
    url.searchParams.set('query', '{ program(id: "verra") { name } }');
    const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    const [verra] = await queryRows<{ name: string }>(api.database.db, sql`select name from programs where id = 'verra'`);
    expect(await response.json()).toEqual({ data: { program: { name: verra!.name } } });
  });

  it('tells caches not to store GraphQL answers, errors included', async () => {
    const url = new URL(api.url);
    url.searchParams.set('query', '{ program(id: "verra") { name } }');
    const answer = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const invalid = await post(JSON.stringify({ query: '{ programs { nope } }' }));
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('cache-control')).toBe('no-store');
  });

  it('answers unknown routes with a JSON 404', async () => {
    await expectCleanError(await fetch(new URL('/nope', api.base)), 404, 'NOT_FOUND');
  });

  it("echoes the caller's request id, or makes one", async () => {
    const given = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-123' },
      body: JSON.stringify({ query: '{ programs { totalCount } }' }),
    });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await post(JSON.stringify({ query: '{ programs { totalCount } }' }));
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
