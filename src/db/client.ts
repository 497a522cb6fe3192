/**
 * The one driver seam: PGlite (embedded, persisted under DATA_DIR) when DATABASE_URL is unset,
 * postgres.js against a real server when it is set. Everything else takes `Db` and never asks
 * which driver is underneath.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { schema } from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export const migrationsFolder = resolve(import.meta.dirname, '../../drizzle');

export interface Database {
  readonly driver: 'pglite' | 'postgres';
  readonly db: Db;
  /** Applies pending migrations from drizzle/ (serialized across processes on PostgreSQL). */
  migrate(): Promise<void>;
  /**
   * Runs `task` while holding the PostgreSQL advisory lock `key` on one session; returns
   * `{ acquired: false }` at once when another session holds it.
   */
  withAdvisoryLock<T>(key: string, task: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }>;
  close(): Promise<void>;
}

export type DatabaseTarget = { databaseUrl: string } | { dataDir: string } | { memory: true };

export interface DatabaseOptions {
  /**
   * Called with every statement drizzle sends, whichever the driver (drizzle's query logger):
   * for statement counts in tests and debug logging. Runs synchronously before the statement.
   */
  onQuery?: (query: string, params: unknown[]) => void;
}

export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<Database> {
  if ('databaseUrl' in target) return openPostgres(target.databaseUrl, options);
  return openPglite('dataDir' in target ? target.dataDir : undefined, options);
}

function drizzleLogger(options: DatabaseOptions) {
  const { onQuery } = options;
  return onQuery ? { logQuery: (query: string, params: unknown[]) => onQuery(query, params) } : undefined;
}

/** Rows of a raw SQL statement, whichever driver ran it. Cast bigint/numeric results in SQL (`::int`, `::float8`). */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows: T[] }).rows ?? []) as T[];
}

async function openPglite(dataDir: string | undefined, options: DatabaseOptions): Promise<Database> {
  let location: string | undefined;
  if (dataDir !== undefined) {
    location = resolve(dataDir, 'pglite');
    await mkdir(location, { recursive: true });
  }
  const client = new PGlite({ dataDir: location, extensions: { pg_trgm } });
  await client.waitReady;
  const db = drizzlePglite(client, { schema, logger: drizzleLogger(options) }) as unknown as Db;
  // PGlite is single-connection and in-process: one hub process owns it, so a lock is a
  // plain in-process mutex keyed like the PostgreSQL one.
  const held = new Set<string>();
  return {
    driver: 'pglite',
    db,
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    async withAdvisoryLock(key, task) {
      if (held.has(key)) return { acquired: false };
      held.add(key);
      try {
        return { acquired: true, value: await task() };
      } finally {
        held.delete(key);
      }
    },
    close: () => client.close(),
  };
}

async function openPostgres(databaseUrl: string, options: DatabaseOptions): Promise<Database> {
  // JIT off: the hub's statements are short. At market size their cost estimates pass
  // jit_above_cost, and compiling them (LLVM, 0.3-0.7 s each) took longer than running them: an
  // over-retirement scan ran in 165 ms and spent another 700 ms compiling (docs/benchmarks.md).
  const client = postgres(databaseUrl, { max: 10, onnotice: () => {}, connection: { application_name: 'carbon-registry-hub', jit: 'off' } });
  const db = drizzlePostgres(client, { schema, logger: drizzleLogger(options) }) as unknown as Db;
  const withAdvisoryLock: Database['withAdvisoryLock'] = async (key, task) => {
    // Session-level advisory locks belong to one connection: reserve one for the lock's lifetime.
    const session = await client.reserve();
    try {
      const [row] = await session<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtext(${key})) as locked`;
      if (!row?.locked) return { acquired: false };
      try {
        return { acquired: true, value: await task() };
      } finally {
        await session`select pg_advisory_unlock(hashtext(${key}))`;
      }
    } finally {
      session.release();
    }
  };
  return {
    driver: 'postgres',
    db,
    async migrate() {
      const session = await client.reserve();
      try {
        // Blocking lock: a second process starting at the same time waits, then finds nothing to do.
        await session`select pg_advisory_lock(hashtext('hub:migrate'))`;
        try {
          await migratePostgres(db as never, { migrationsFolder });
        } finally {
          await session`select pg_advisory_unlock(hashtext('hub:migrate'))`;
        }
      } finally {
        session.release();
      }
    },
    withAdvisoryLock,
    close: () => client.end({ timeout: 5 }),
  };
}
