import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { createProjectLoaders } from '../../src/api/projects/project.loaders.ts';
import { findProjectsByIds, type ProjectRow } from '../../src/api/projects/project.queries.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';

let api: TestApi;
let first: ProjectRow;
let second: ProjectRow;

beforeAll(async () => {
  api = await startTestApi();
  const ids = await queryRows<{ id: number }>(api.database.db, sql`select id::int as id from projects order by id limit 2`);
  [first, second] = (await findProjectsByIds(api.database.db, ids.map((row) => row.id))).sort((a, b) => a.id - b.id) as [ProjectRow, ProjectRow];
});
afterAll(async () => {
  await api?.close();
});

/**
 * Project loaders beside a read of projects under way, which the test finishes (or fails) when
 * it chooses, after `byId` asked; `statements()` counts what was sent since.
 */
function besideReadUnderWay() {
  let finish!: (rows: ProjectRow[]) => void;
  let fail!: (error: Error) => void;
  const reading = new Promise<ProjectRow[]>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const loaders = createProjectLoaders(api.database.db);
  const expected = loaders.expect(reading, (rows) => rows);
  // Observed by the tests that look at it; this keeps a failure from counting as unhandled meanwhile.
  expected.catch(() => undefined);
  const before = api.statements();
  return { loaders, expected, finish, fail, statements: () => api.statements() - before };
}

const aMoment = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('projects by id, beside a read that brings projects (a flag page with its projects)', () => {
  it('takes a project from a read still under way instead of reading it again, whichever answers first', async () => {
    const underWay = besideReadUnderWay();
    const loading = underWay.loaders.byId.load(first.id);
    await aMoment();
    underWay.finish([first]);
    expect(await underWay.expected).toEqual([first]);
    expect(await loading).toEqual(first);
    expect(underWay.statements()).toBe(0);
  });

  it('reads only the projects the read under way did not bring, in one statement', async () => {
    const underWay = besideReadUnderWay();
    const { byId } = underWay.loaders;
    const loading = Promise.all([byId.load(first.id), byId.load(second.id), byId.load(-1)]);
    await aMoment();
    underWay.finish([first]);
    expect(await loading).toEqual([first, second, null]);
    expect(underWay.statements()).toBe(1);
  });

  it('reads the project itself when the read under way fails, and the failure stays with that read', async () => {
    const underWay = besideReadUnderWay();
    const loading = underWay.loaders.byId.load(first.id);
    await aMoment();
    underWay.fail(new Error('connection lost'));
    await expect(underWay.expected).rejects.toThrow('connection lost');
    expect(await loading).toEqual(first);
    expect(underWay.statements()).toBe(1);
  });
});
