import { spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../connectors/http.ts';
import { verra } from '../connectors/verra/index.ts';
import { syncRuns } from '../src/db/schema.ts';
import { silentLogger } from '../src/logger.ts';
import { startScheduler } from '../src/scheduler.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { startRegistryServer, verraRoutes } from './support/registry-server.ts';

const fixtureDir = 'test/fixtures/registries/verra';

let testDb: TestDatabase;
let http: HttpClient;

beforeAll(async () => {
  testDb = await createTestDatabase();
  http = new HttpClient({ baseDelayMs: 5, maxDelayMs: 20, maxRetries: 1, timeoutMs: 2_000, requestsPerSecondPerHost: 0 });
});
afterAll(async () => {
  await http.close();
  await testDb.drop();
});

function verraSource(baseUrl: string) {
  return { verra: { baseUrl, schedule: '0 3 * * *', enabled: true, secrets: {}, missingSecrets: [] } };
}

/** Runs `hub sync --program verra` as a separate process against the test database. */
function hubSyncProcess(databaseUrl: string, baseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/hub.mjs', 'sync', '--program', 'verra'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, VERRA_BASE_URL: baseUrl, HTTP_REQUESTS_PER_SECOND: '1000', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('scheduled registry polling', () => {
  it('records a clear, transient failure when the registry cannot be reached, and does not throw', async () => {
    const registry = await startRegistryServer(verraRoutes(fixtureDir));
    const offline = registry.baseUrl;
    await registry.close();
    const scheduler = startScheduler({ database: testDb.database, connectors: [verra], sources: verraSource(offline), http, logger: silentLogger });
    try {
      const result = await scheduler.runNow('verra', 'schedule');
      expect(result).not.toBeNull();
      expect(result!.status).toBe('failed');
      expect(result!.failureType).toBe('transient');
      expect(result!.error).toContain(offline);
      const [run] = await testDb.database.db.select().from(syncRuns).where(eq(syncRuns.id, result!.runId));
      expect(run).toMatchObject({ status: 'failed', trigger: 'schedule', failureType: 'transient' });
      expect(scheduler.nextRuns().verra).toBeInstanceOf(Date);
    } finally {
      await scheduler.stop();
    }
  });

  it('with two hub processes on one database, a job runs exactly once', async () => {
    const registry = await startRegistryServer(verraRoutes(fixtureDir));
    // Hold the first sync inside its lock long enough for the second one to try.
    registry.fail('/uiapi/resource/resource/search', { kind: 'delay', ms: 1_500 });
    const runsBefore = (await testDb.database.db.select().from(syncRuns)).length;
    try {
      if (testDb.url) {
        // Real separate processes sharing the PostgreSQL database.
        const [a, b] = await Promise.all([hubSyncProcess(testDb.url, registry.baseUrl), hubSyncProcess(testDb.url, registry.baseUrl)]);
        expect([a.code, b.code]).toEqual([0, 0]);
        const skipped = [a, b].filter((p) => p.output.includes('another hub process is syncing'));
        expect(skipped).toHaveLength(1);
      } else {
        // PGlite belongs to one process: two schedulers in it stand in for two replicas.
        const one = startScheduler({ database: testDb.database, connectors: [verra], sources: verraSource(registry.baseUrl), http, logger: silentLogger });
        const two = startScheduler({ database: testDb.database, connectors: [verra], sources: verraSource(registry.baseUrl), http, logger: silentLogger });
        const results = await Promise.all([one.runNow('verra'), two.runNow('verra')]);
        await Promise.all([one.stop(), two.stop()]);
        expect(results.filter((r) => r === null)).toHaveLength(1);
        expect(results.find((r) => r !== null)!.status).toBe('succeeded');
      }
      const runs = await testDb.database.db.select().from(syncRuns);
      expect(runs.length - runsBefore).toBe(1);
      expect(runs.at(-1)!.status).toBe('succeeded');
    } finally {
      await registry.close();
    }
  });
});
