/**
 * The GraphQL API over real HTTP for the test/api suites: a test database of its own
 * (PGlite or PostgreSQL, see database.ts) loaded through the real ingest with the Verra and
 * Gold Standard fixture exports, the Express app
 * listening on 127.0.0.1 at a free port, and a count of the SQL statements it sends.
 */
import type { Logger } from 'pino';
import { createApiServer, type ApiServer } from '../../src/api/server.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { goldStandard } from '../../connectors/gold-standard/index.ts';
import { verra } from '../../connectors/verra/index.ts';
import { loadExportFolder } from '../../src/ingest/snapshot.ts';

export interface GraphQLResponse<TData = any> {
  data?: TData | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> & { code?: string } }>;
}

export interface TestApi {
  /** The GraphQL endpoint. */
  url: string;
  /** Base URL for other routes (`new URL('/healthz', api.base)`). */
  base: string;
  database: Database;
  server: ApiServer;
  /** Statements the database has run so far (all of them, seeding included). */
  statements(): number;
  /** Runs `task` and returns how many SQL statements it caused. */
  countStatements(task: () => Promise<unknown>): Promise<number>;
  /** Runs `task` and returns the text of the SQL statements it caused, in the order they were sent. */
  captureStatements(task: () => Promise<unknown>): Promise<string[]>;
  /** POSTs an operation as JSON; returns the HTTP status and the parsed body. */
  query<TData = any>(
    query: string,
    variables?: Record<string, unknown>,
    operationName?: string,
  ): Promise<{ status: number; body: GraphQLResponse<TData> }>;
  /** Like `query`, but fails the test when the response has errors; returns `data`. */
  data<TData = any>(query: string, variables?: Record<string, unknown>): Promise<TData>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  config?: Partial<Config>;
  logger?: Logger;
  /** Load the Verra and Gold Standard fixture exports (default true). */
  seed?: boolean;
  /** Replace the database the server sees (e.g. one that fails), keeping the test database for seeding. */
  wrapDatabase?: (database: Database) => Database;
}

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  let statements = 0;
  let captured: string[] | null = null;
  let testDatabase: TestDatabase | undefined;
  try {
    testDatabase = await createTestDatabase({
      onQuery: (query) => {
        statements++;
        captured?.push(query);
      },
    });
    const { database } = testDatabase;
    if (options.seed !== false) {
      const results = await loadExportFolder({ database, connectors: [verra, goldStandard], dir: 'test/fixtures/registries', trigger: 'test', logger: silentLogger });
      const failed = results.find((result) => result?.status !== 'succeeded');
      if (failed !== undefined) throw new Error(`loading the fixtures failed: ${failed?.error ?? 'skipped'}`);
    }
    const config = { ...loadConfig({}), ...options.config };
    const server = await createApiServer({
      database: options.wrapDatabase ? options.wrapDatabase(database) : database,
      config,
      logger: options.logger ?? silentLogger,
    });
    const listening = await server.listen(0, '127.0.0.1');
    const base = new URL('/', listening.url).toString();
    const owned = testDatabase;

    const api: TestApi = {
      url: listening.url,
      base,
      database,
      server,
      statements: () => statements,
      async countStatements(task) {
        return (await api.captureStatements(task)).length;
      },
      async captureStatements(task) {
        const sent: string[] = [];
        captured = sent;
        try {
          await task();
        } finally {
          captured = null;
        }
        return sent;
      },
      async query(query, variables, operationName) {
        const response = await fetch(listening.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables, operationName }),
        });
        return { status: response.status, body: (await response.json()) as GraphQLResponse };
      },
      async data(query, variables) {
        const { status, body } = await api.query(query, variables);
        if (body.errors?.length || status !== 200) {
          throw new Error(`GraphQL request failed (HTTP ${status}): ${JSON.stringify(body.errors)}`);
        }
        return body.data as never;
      },
      async close() {
        await server.stop();
        await owned.drop();
      },
    };
    return api;
  } catch (error) {
    await testDatabase?.drop();
    throw error;
  }
}

/** Every node of a connection, page by page (`first` rows at a time), checking cursors as it goes. */
export async function walkConnection<TNode>(
  fetchPage: (after: string | null) => Promise<{
    edges: { cursor: string; node: TNode }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  }>,
  maxPages = 1_000,
): Promise<{ nodes: TNode[]; pages: number }> {
  const nodes: TNode[] = [];
  let after: string | null = null;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = await fetchPage(after);
    nodes.push(...page.edges.map((edge) => edge.node));
    if (page.edges.length > 0 && page.pageInfo.endCursor !== page.edges.at(-1)!.cursor) {
      throw new Error('pageInfo.endCursor is not the cursor of the last edge');
    }
    if (!page.pageInfo.hasNextPage) return { nodes, pages };
    after = page.pageInfo.endCursor;
  }
  throw new Error(`connection did not end within ${maxPages} pages`);
}
