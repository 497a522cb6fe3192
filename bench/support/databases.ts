/**
 * Fresh databases for the bench, on the driver the environment names: a PGlite data
 * directory on disk (as `npm start` runs, under a temporary folder) when DATABASE_URL is
 * unset, else a database created on that PostgreSQL server, as test/support/database.ts
 * does. Every one made is removed by `dispose()`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/db/client.ts';

export type Driver = 'pglite' | 'postgres';

export type BenchTarget = { driver: 'pglite'; dataDir: string } | { driver: 'postgres'; url: string };

export class BenchDatabases {
  readonly driver: Driver;
  readonly #serverUrl: string | null;
  readonly #made: BenchTarget[] = [];

  constructor(serverUrl: string | null) {
    this.#serverUrl = serverUrl;
    this.driver = serverUrl ? 'postgres' : 'pglite';
  }

  /** A new, empty database (not migrated). */
  async fresh(label: string): Promise<BenchTarget> {
    let target: BenchTarget;
    if (this.#serverUrl === null) {
      target = { driver: 'pglite', dataDir: await mkdtemp(join(tmpdir(), `hub-bench-${label}-`)) };
    } else {
      const name = `hub_bench_${process.pid}_${label.replace(/[^a-z0-9_]/gi, '_')}`;
      await this.#admin(async (sql) => {
        await sql.unsafe(`drop database if exists "${name}" with (force)`);
        await sql.unsafe(`create database "${name}"`);
      });
      const url = new URL(this.#serverUrl);
      url.pathname = `/${name}`;
      target = { driver: 'postgres', url: url.toString() };
    }
    this.#made.push(target);
    return target;
  }

  async dispose(): Promise<void> {
    for (const target of this.#made.splice(0)) {
      if (target.driver === 'pglite') await rm(target.dataDir, { recursive: true, force: true });
      else {
        const name = new URL(target.url).pathname.slice(1);
        await this.#admin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
      }
    }
  }

  async #admin(task: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
    const sql = postgres(this.#serverUrl!, { max: 1, onnotice: () => {} });
    try {
      await task(sql);
    } finally {
      await sql.end();
    }
  }
}

export function openTarget(target: BenchTarget, options: DatabaseOptions = {}): Promise<Database> {
  return openDatabase(target.driver === 'pglite' ? { dataDir: target.dataDir } : { databaseUrl: target.url }, options);
}
