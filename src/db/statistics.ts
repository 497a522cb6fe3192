/**
 * Planner statistics and visibility maps after bulk writes. PostgreSQL's autovacuum gathers
 * them on its own, a minute or so after a load; PGlite has no autovacuum, so a hub on the
 * embedded database would otherwise plan every query without statistics, for ever, and never
 * answer a count from an index alone (docs/benchmarks.md, findings). After a sync, labelling or
 * matching run that wrote many rows, the tables it wrote are vacuumed and analyzed on both
 * drivers: the API's plans are right at once, and counts of live credits are index-only scans
 * (migration 0009), whichever the database. VACUUM cannot run in a transaction: call this after
 * the run's transaction committed.
 */
import { sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import type { Logger } from '../logger.ts';

/** Fewer written rows than this leave the tables as they are: VACUUM and ANALYZE read whole tables. */
export const analyzeAfterRows = 1_000;

export async function refreshStatistics(database: Database, tables: readonly string[], writtenRows: number, logger?: Logger): Promise<boolean> {
  if (writtenRows < analyzeAfterRows || tables.length === 0) return false;
  const started = performance.now();
  await database.db.execute(sql`vacuum (analyze) ${sql.join(
    tables.map((table) => sql.identifier(table)),
    sql`, `,
  )}`);
  logger?.debug({ tables, writtenRows, ms: Math.round(performance.now() - started) }, 'tables vacuumed and analyzed');
  return true;
}
