import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client.ts';
import { startTestApi, type TestApi } from '../../support/api-server.ts';

let api: TestApi;
let failing = false;
const logLines: string[] = [];
const secret = 'connect ECONNREFUSED 10.1.2.3:5432 (user=hub password=hunter2)';

/** The test database, except that while `failing` every query throws like a lost connection. */
function breakable(database: Database): Database {
  const db = new Proxy(database.db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (failing && typeof value === 'function') {
        return () => {
          throw new Error(secret);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...database, db };
}

beforeAll(async () => {
  const logger = pino(
    { level: 'error' },
    new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );
  api = await startTestApi({ logger, wrapDatabase: breakable });
});
afterAll(async () => {
  failing = false;
  await api?.close();
});

describe('error masking', () => {
  it('masks an internal failure as INTERNAL_SERVER_ERROR with a request id, and logs the original', async () => {
    failing = true;
    let response: Response;
    try {
      response = await fetch(api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ programs { totalCount } }' }),
      });
    } finally {
      failing = false;
    }
    const text = await response.text();
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/stacktrace|\n\s+at /);
    const body = JSON.parse(text);
    const requestId = response.headers.get('x-request-id');
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({
      message: expect.stringContaining('Internal server error'),
      // Only the count runs (a connection loads its page only for edges or pageInfo), and fails.
      path: ['programs', 'totalCount'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    });
    expect(Object.keys(body.errors[0].extensions).sort()).toEqual(['code', 'requestId']);
    const logged = logLines.map((line) => JSON.parse(line)).find((entry) => entry.requestId === requestId);
    expect(logged?.err?.message).toBe(secret);
  });

  it('keeps errors meant for the client as they are', async () => {
    const { body } = await api.query(`{ credits(first: 100000) { totalCount } }`);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'first', maximum: 100 });
  });

  it('reports the database as not ready while it fails', async () => {
    failing = true;
    try {
      const response = await fetch(new URL('/readyz', api.base));
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', reason: 'database unreachable' });
    } finally {
      failing = false;
    }
  });
});
