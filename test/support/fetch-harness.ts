/**
 * What the fetch tests of every connector share: a fresh HTTP client and the registry servers
 * of each test, and the `FetchContext` a sync run would give `fetch`.
 */
import { afterEach, beforeEach } from 'vitest';
import type { FetchContext } from '../../connectors/contract.ts';
import type { HttpClient } from '../../connectors/http.ts';
import { silentLogger } from '../../src/logger.ts';
import { testHttpClient } from './http-client.ts';
import { startRegistryServer, type RegistryServer, type Route } from './registry-server.ts';

export interface FetchHarness {
  /** The running test's HTTP client (one retry, 5 s timeout). */
  readonly http: HttpClient;
  /** Starts a registry server serving `route` (the harness's default route when omitted), closed after the test. */
  serve(route?: Route): Promise<RegistryServer>;
  /** Closes `server` after the test, with the registry servers (for a server a test built itself). */
  closeAfterTest(server: { close(): Promise<void> }): void;
  /** The context a sync run gives `fetch`: this test's client, `baseUrl`, no secrets, no watermark, and `overrides`. */
  context(baseUrl: string, overrides?: Partial<FetchContext>): FetchContext;
}

/** The run start fetch tests give by default: no record is dated after it. */
export const FETCH_STARTED_AT = new Date('2026-04-14T06:00:00Z');

/**
 * Registers a fetch test file's hooks (call it at the top of the file): a new HTTP client for
 * every test, and every registry server the test started closed after it, then the client.
 */
export function useFetchHarness(defaultRoute?: () => Route): FetchHarness {
  let http: HttpClient | null = null;
  let servers: { close(): Promise<void> }[] = [];

  beforeEach(() => {
    http = testHttpClient({ maxRetries: 1 });
  });
  afterEach(async () => {
    await Promise.all(servers.map((server) => server.close()));
    servers = [];
    await http?.close();
  });

  const harness: FetchHarness = {
    get http() {
      if (http === null) throw new Error('no HTTP client outside a test');
      return http;
    },
    async serve(route = defaultRoute?.()) {
      if (route === undefined) throw new Error('serve: no route given, and the harness has no default');
      const server = await startRegistryServer(route);
      servers.push(server);
      return server;
    },
    closeAfterTest(server) {
      servers.push(server);
    },
    context(baseUrl, overrides = {}) {
      return { http: harness.http, baseUrl, logger: silentLogger, secrets: {}, watermark: null, startedAt: FETCH_STARTED_AT, ...overrides };
    },
  };
  return harness;
}
