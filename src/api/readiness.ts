/**
 * Readiness: the API can serve when the database answers and every migration this build
 * ships (drizzle/meta/_journal.json) is applied. Used by `/readyz`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrationsFolder, queryRows, type Executor } from '../db/client.ts';

export type Readiness = { ready: true; migrations: number } | { ready: false; reason: string };

/** Number of migrations this build ships. */
export function shippedMigrationCount(folder: string = migrationsFolder): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries?: unknown[] };
  return journal.entries?.length ?? 0;
}

/**
 * Checks the database within `timeoutMs`. A database with MORE migrations than this build
 * ships counts as ready: during a rolling deploy the older replicas keep serving while the
 * newer ones have already migrated (migrations are additive until a release says otherwise).
 */
export async function checkReadiness(db: Executor, shippedMigrations: number, timeoutMs = 3_000): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `database did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([probe(db, shippedMigrations), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function probe(db: Executor, shippedMigrations: number): Promise<Readiness> {
  let hasJournal: boolean;
  try {
    const [row] = await queryRows<{ has_journal: boolean }>(
      db,
      sql`select to_regclass('drizzle.__drizzle_migrations') is not null as has_journal`,
    );
    hasJournal = row?.has_journal === true;
  } catch {
    return { ready: false, reason: 'database unreachable' };
  }
  if (!hasJournal) return { ready: false, reason: `migrations not applied (0 of ${shippedMigrations})` };
  const [row] = await queryRows<{ applied: number }>(db, sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
  const applied = row?.applied ?? 0;
  if (applied < shippedMigrations) return { ready: false, reason: `migrations pending (${applied} of ${shippedMigrations} applied)` };
  return { ready: true, migrations: applied };
}
