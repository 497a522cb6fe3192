/**
 * Each test file gets a database of its own: an in-memory PGlite by default, or, when
 * DATABASE_URL is set, a fresh database created on that PostgreSQL server and dropped after.
 * The same suites therefore run unchanged against both drivers.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/db/client.ts';

export interface TestDatabase {
  database: Database;
  /** Connection URL of the test database on PostgreSQL runs (null on PGlite). */
  url: string | null;
  drop(): Promise<void>;
}

/** `options` go to openDatabase (e.g. `onQuery` to count the statements a test sends). */
export async function createTestDatabase(options: DatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({ memory: true }, options);
    await database.migrate();
    return { database, url: null, drop: () => database.close() };
  }
  const name = `hub_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() }, options);
  await database.migrate();
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
