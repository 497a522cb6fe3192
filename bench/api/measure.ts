/**
 * The API benchmark: the GraphQL API served over HTTP on 127.0.0.1 (createApiServer, as
 * `npm start` serves it) against a synced database; each analyst query is timed over HTTP and
 * as raw SQL through the same driver, interleaved, after a warm-up; and the SQL statements
 * one request sends are counted at first: 10 and first: 100 (a page must cost the same number
 * of statements whatever its size).
 */
import { createApiServer } from '../../src/api/server.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import { silentLogger } from '../../src/logger.ts';
import { percentile } from '../support/stats.ts';
import { analystQueries, capabilitiesOf, chooseParameters, introspection, type Capabilities, type PendingQuery, type QueryParameters } from './queries.ts';

export interface ApiOptions {
  database: Database;
  /** Statements the database has run so far (its `onQuery` count). */
  statements: () => number;
  iterations: number;
  warmup: number;
  /** Page size of the timed requests. */
  first: number;
}

export interface QueryMeasurement {
  id: string;
  title: string;
  omitted: string[];
  indicative: string | null;
  pages: string | null;
  graphql: { p50: number; p99: number };
  raw: { p50: number; p99: number };
  /** GraphQL p50 ÷ raw SQL p50. */
  ratio: number;
  /** Statements of one request at first: 10 and first: 100 (for a query that is not paged, twice the same request). */
  statements: { first10: number; first100: number };
  /** Rows on the timed page. */
  rows: number;
  error: string | null;
}

export interface ApiMeasurement {
  parameters: QueryParameters;
  capabilities: Capabilities;
  iterations: number;
  warmup: number;
  first: number;
  queries: QueryMeasurement[];
  pending: PendingQuery[];
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string }[];
}

export async function measureApi(options: ApiOptions): Promise<ApiMeasurement> {
  const { database } = options;
  const server = await createApiServer({ database, config: loadConfig({}), logger: silentLogger });
  const listening = await server.listen(0, '127.0.0.1');
  const post = async (query: string, variables: Record<string, unknown> = {}): Promise<GraphQLBody> => {
    const response = await fetch(listening.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLBody;
  };
  try {
    const schema = await post(introspection);
    const capabilities = capabilitiesOf(schema.data as never);
    const parameters = await chooseParameters(database.db);
    const { queries, pending } = analystQueries(parameters, capabilities);
    const results: QueryMeasurement[] = [];
    for (const query of queries) {
      const graphqlTimes: number[] = [];
      const rawTimes: number[] = [];
      let error: string | null = null;
      let rows = 0;
      const once = async (record: boolean) => {
        let started = performance.now();
        const body = await post(query.graphql, query.variables(options.first));
        if (record) graphqlTimes.push(performance.now() - started);
        if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
        rows = countEdges(body.data);
        started = performance.now();
        await query.raw(database.db, options.first);
        if (record) rawTimes.push(performance.now() - started);
      };
      let statements = { first10: 0, first100: 0 };
      try {
        for (let i = 0; i < options.warmup; i++) await once(false);
        for (let i = 0; i < options.iterations; i++) await once(true);
        statements = {
          first10: await countStatements(options.statements, () => post(query.graphql, query.variables(10))),
          first100: await countStatements(options.statements, () => post(query.graphql, query.variables(100))),
        };
      } catch (caught) {
        error = caught instanceof Error ? caught.message : String(caught);
      }
      const graphql = { p50: percentile(graphqlTimes, 50), p99: percentile(graphqlTimes, 99) };
      const raw = { p50: percentile(rawTimes, 50), p99: percentile(rawTimes, 99) };
      results.push({
        id: query.id,
        title: query.title,
        omitted: query.omitted,
        indicative: query.indicative ?? null,
        pages: query.pages,
        graphql,
        raw,
        ratio: graphql.p50 / raw.p50,
        statements,
        rows,
        error,
      });
    }
    return { parameters, capabilities, iterations: options.iterations, warmup: options.warmup, first: options.first, queries: results, pending };
  } finally {
    await server.stop();
  }
}

async function countStatements(statements: () => number, request: () => Promise<GraphQLBody>): Promise<number> {
  const before = statements();
  const body = await request();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return statements() - before;
}

/** Edges of the first connection in a response (the page the query asks for). */
function countEdges(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  if (Array.isArray((value as { edges?: unknown }).edges)) return (value as { edges: unknown[] }).edges.length;
  for (const child of Object.values(value)) {
    const found = countEdges(child);
    if (found > 0) return found;
  }
  return 0;
}
