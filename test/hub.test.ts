/**
 * The hub as `npm start` runs it: migrate, load the bundled snapshot into an empty database,
 * serve GraphQL, schedule polling that fails gracefully offline.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.ts';
import { startHub, type RunningHub } from '../src/hub.ts';
import { silentLogger } from '../src/logger.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startRegistryServer, verraRoutes } from './support/registry-server.ts';
import { verraTotalsFromCsv } from './support/verra-totals.ts';

let dataDir: string;
let testDb: TestDatabase | null = null;
let config: Config;
let offlineUrl: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hub-start-'));
  // On PostgreSQL runs the hub gets a fresh database of its own; otherwise PGlite under DATA_DIR, as on a fresh machine.
  if (process.env.DATABASE_URL) testDb = await createTestDatabase();
  const registry = await startRegistryServer(verraRoutes('test/fixtures/registries/verra'));
  offlineUrl = registry.baseUrl;
  await registry.close();
  config = loadConfig({
    ...(testDb?.url ? { DATABASE_URL: testDb.url } : {}),
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    VERRA_BASE_URL: offlineUrl,
    HTTP_MAX_RETRIES: '1',
    HTTP_TIMEOUT_MS: '2000',
  });
});
afterAll(async () => {
  await testDb?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function graphql<T>(hub: RunningHub, query: string): Promise<T> {
  const response = await fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

interface ProjectsPage {
  projects: {
    edges: { node: { registryProjectId: string; totals: { issued: number; retired: number } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

async function verraTotalsOverGraphql(hub: RunningHub): Promise<Map<string, { issued: number; retired: number }>> {
  const totals = new Map<string, { issued: number; retired: number }>();
  let after: string | null = null;
  do {
    const page: ProjectsPage = await graphql<ProjectsPage>(
      hub,
      `{ projects(filter: { program: ["verra"] }, first: 100${after ? `, after: ${JSON.stringify(after)}` : ''}) {
           edges { node { registryProjectId totals { issued retired } } }
           pageInfo { hasNextPage endCursor } } }`,
    );
    for (const { node } of page.projects.edges) totals.set(node.registryProjectId, node.totals);
    after = page.projects.pageInfo.hasNextPage ? page.projects.pageInfo.endCursor : null;
  } while (after);
  return totals;
}

describe('the hub, started as npm start starts it', () => {
  it('loads the snapshot into an empty database and serves it: Verra totals per project equal the CSV', async () => {
    const hub = await startHub(config, silentLogger);
    try {
      const health = await fetch(new URL('/healthz', hub.url));
      expect(health.status).toBe(200);
      expect((await fetch(new URL('/readyz', hub.url))).status).toBe(200);

      const runs = await graphql<{ syncRuns: { edges: { node: { trigger: string; status: string; program: { code: string } } }[] } }>(
        hub,
        '{ syncRuns(first: 50) { edges { node { trigger status program { code } } } } }',
      );
      const snapshotRuns = runs.syncRuns.edges.map((edge) => edge.node).filter((run) => run.trigger === 'snapshot');
      expect(snapshotRuns.map((run) => run.program.code)).toContain('verra');
      expect(snapshotRuns.every((run) => run.status === 'SUCCEEDED')).toBe(true);

      const expected = verraTotalsFromCsv('test/fixtures/registries/verra/transactions.csv');
      const served = await verraTotalsOverGraphql(hub);
      for (const [project, totals] of expected) expect(served.get(project), `Verra project ${project}`).toEqual(totals);
    } finally {
      await hub.stop();
    }
  });

  it('keeps serving when a scheduled poll finds the registry offline, and records the failure', async () => {
    const hub = await startHub(config, silentLogger);
    try {
      expect(hub.scheduler).not.toBeNull();
      const result = await hub.scheduler!.runNow('verra', 'schedule');
      expect(result).toMatchObject({ status: 'failed', failureType: 'transient' });
      expect(result!.error).toContain(offlineUrl);

      const data = await graphql<{ program: { latestSync: { status: string; error: string } } }>(hub, '{ program(id: "verra") { latestSync { status error } } }');
      expect(data.program.latestSync.status).toBe('FAILED');
      expect((await fetch(new URL('/healthz', hub.url))).status).toBe(200);
      const stillServed = await verraTotalsOverGraphql(hub);
      expect(stillServed.size).toBeGreaterThan(0);
    } finally {
      await hub.stop();
    }
  });

  it('does not load the snapshot again into a database that has data', async () => {
    const hub = await startHub(config, silentLogger);
    try {
      const runs = await graphql<{ syncRuns: { edges: { node: { trigger: string; program: { code: string } } }[] } }>(
        hub,
        '{ syncRuns(first: 100) { edges { node { trigger program { code } } } } }',
      );
      const loaded = runs.syncRuns.edges.filter((edge) => edge.node.trigger === 'snapshot').map((edge) => edge.node.program.code);
      // Third start on the same database: each program's exports were loaded once, at the first start.
      expect(loaded.length).toBeGreaterThan(0);
      expect(new Set(loaded).size).toBe(loaded.length);
    } finally {
      await hub.stop();
    }
  });
});
