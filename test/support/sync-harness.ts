/**
 * The lifecycle a sync test file shares with the others: a test database and an HTTP client for
 * the file, a local registry server per test, and `runSync` of the connector under test.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Connector } from '../../connectors/contract.ts';
import type { HttpClient } from '../../connectors/http.ts';
import type { Database } from '../../src/db/client.ts';
import { runSync, type SyncResult, type SyncSource } from '../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../src/logger.ts';
import type { ConnectorFixture, ProjectTotals } from './connectors/types.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { testHttpClient } from './http-client.ts';
import { startRegistryServer, type RegistryServer, type Route } from './registry-server.ts';
import { normalizedState, projectTotals, rejectedRecords } from './stored-data.ts';

export interface SyncHarnessOptions {
  /** The connector `sync` runs when the call names none. */
  connector?: Connector;
  /** Served by a fresh registry server before every test (`server`), closed after it. */
  routes?: () => Route;
  /** Credentials `overHttp` passes by default (the connector's `secrets`). */
  secrets?: Record<string, string>;
  /** Retries of the HTTP client: 2 by default. */
  maxRetries?: number;
  /** Timeout of the HTTP client: 5 s by default. */
  timeoutMs?: number;
}

export interface SyncHarness {
  /** The file's database (from `beforeAll` on). */
  readonly database: Database;
  /** The file's HTTP client (from `beforeAll` on). */
  readonly http: HttpClient;
  /** The registry server of the running test: the last one `serve` (or `routes`) started. */
  readonly server: RegistryServer;
  /** Serves `route` for the rest of the test, closing the test's current server first. */
  serve(route: Route): Promise<RegistryServer>;
  /** Closes the test's current server (a registry that cannot be reached). */
  closeServer(): Promise<void>;
  /** Runs a sync of `connector` (the harness's by default) from `source` into the file's database. */
  sync(source: SyncSource, connector?: Connector): Promise<SyncResult>;
  /** Reading the current server over HTTP, with `secrets` (the harness's by default). */
  overHttp(secrets?: Record<string, string>): SyncSource;
  /** `normalizedState` of the file's database. */
  normalizedState(programId?: string): ReturnType<typeof normalizedState>;
  /** `projectTotals` of the file's database. */
  projectTotals(programId: string, options?: { excludeVanished?: boolean }): Promise<Map<string, ProjectTotals>>;
  /**
   * Serves `fixture.malformedRecord()` (the real exports with one record broken) and syncs its
   * connector from it: the record that was broken, the run, and the raw records it rejected.
   */
  syncMalformedRecord(fixture: ConnectorFixture): Promise<{
    broken: ReturnType<ConnectorFixture['malformedRecord']>;
    result: SyncResult;
    rejected: Awaited<ReturnType<typeof rejectedRecords>>;
  }>;
}

function required<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`no ${what}: the harness's hooks have not run, or the server was closed`);
  return value;
}

/**
 * Registers a sync test file's hooks (call it at the top of the file, or of a `describe`):
 * a test database and an HTTP client for all its tests, a registry server serving
 * `options.routes` for each test when given, and every server a test started closed after it.
 */
export function useSyncHarness(options: SyncHarnessOptions = {}): SyncHarness {
  let testDb: TestDatabase | null = null;
  let http: HttpClient | null = null;
  let server: RegistryServer | null = null;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    http = testHttpClient({ maxRetries: options.maxRetries ?? 2, timeoutMs: options.timeoutMs });
  });
  afterAll(async () => {
    await http?.close();
    await testDb?.drop();
  });
  if (options.routes) {
    const routes = options.routes;
    beforeEach(async () => {
      await harness.serve(routes());
    });
  }
  afterEach(async () => {
    await harness.closeServer();
  });

  const harness: SyncHarness = {
    get database() {
      return required(testDb, 'test database').database;
    },
    get http() {
      return required(http, 'HTTP client');
    },
    get server() {
      return required(server, 'registry server');
    },
    async serve(route) {
      await harness.closeServer();
      server = await startRegistryServer(route);
      return server;
    },
    async closeServer() {
      const open = server;
      server = null;
      await open?.close();
    },
    sync(source, connector = options.connector) {
      if (!connector) throw new Error('sync: no connector given, and the harness has none');
      return runSync({ database: harness.database, connector, source, trigger: 'test', logger: silentLogger });
    },
    overHttp(secrets = options.secrets) {
      return { kind: 'http', http: harness.http, baseUrl: harness.server.baseUrl, secrets };
    },
    normalizedState: (programId) => normalizedState(harness.database, programId),
    projectTotals: (programId, totalsOptions) => projectTotals(harness.database, programId, totalsOptions),
    async syncMalformedRecord(fixture) {
      const broken = fixture.malformedRecord();
      await harness.serve(broken.routes);
      const result = await harness.sync(harness.overHttp(fixture.secrets ?? options.secrets), fixture.connector);
      return { broken, result, rejected: await rejectedRecords(harness.database, result.runId) };
    },
  };
  return harness;
}
