/**
 * Planner statistics after bulk writes. PostgreSQL's autovacuum gathers them on its own, a
 * minute or so after a load; PGlite has no autovacuum, so a hub on the embedded database would
 * otherwise plan every query without them, for ever (docs/benchmarks.md, findings). After a
 * sync or labelling run that wrote many rows, the tables it wrote are analyzed on both drivers:
 * the API's plans are right at once, whichever the database.
 */
import { sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import type { Logger } from '../logger.ts';

/** Fewer written rows than this leave the statistics as they are: ANALYZE samples whole tables. */
export const analyzeAfterRows = 1_000;

export async function refreshStatistics(database: Database, tables: readonly string[], writtenRows: number, logger?: Logger): Promise<boolean> {
  if (writtenRows < analyzeAfterRows || tables.length === 0) return false;
  const started = performance.now();
  await database.db.execute(sql`analyze ${sql.join(
    tables.map((table) => sql.identifier(table)),
    sql`, `,
  )}`);
  logger?.debug({ tables, writtenRows, ms: Math.round(performance.now() - started) }, 'planner statistics refreshed');
  return true;
}
