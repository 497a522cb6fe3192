/**
 * Flag aggregates for analysts: how many flags and how many tCO2e at risk, in total and
 * grouped by kind, status, severity or program, over the flags a filter selects. One
 * statement per grouping.
 *
 * Quantities are sums of the flags' `quantity_at_risk`: credits involved in several flags
 * count once per flag. A flag involving two programs counts in both program groups.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';
import { flags } from '../../db/schema.ts';
import { flagFilterSql, type FlagFilter } from './flag.queries.ts';

export interface FlagTotalsRow {
  count: number;
  quantityAtRisk: number;
}

const totalsColumns = {
  count: sql<number>`count(*)::int`,
  quantityAtRisk: sql<number>`coalesce(sum(${flags.quantityAtRisk}), 0)::float8`.mapWith(Number),
};

export async function flagTotals(db: Executor, filter: FlagFilter): Promise<FlagTotalsRow> {
  const [row] = await db.select(totalsColumns).from(flags).where(flagFilterSql(filter));
  return row ?? { count: 0, quantityAtRisk: 0 };
}

export type FlagGroupDimension = 'kind' | 'status' | 'severity';

const dimensionColumn = {
  kind: sql<string>`${flags.kind}`,
  status: sql<string>`${flags.status}::text`,
  severity: sql<string>`${flags.severity}`,
} as const;

/** Totals per value of `dimension` (values without flags are absent). */
export async function flagTotalsBy(db: Executor, filter: FlagFilter, dimension: FlagGroupDimension): Promise<Map<string, FlagTotalsRow>> {
  const column = dimensionColumn[dimension];
  const rows = await db
    .select({ value: column, ...totalsColumns })
    .from(flags)
    .where(flagFilterSql(filter))
    .groupBy(column);
  return new Map(rows.map(({ value, ...totals }) => [value, totals]));
}

export interface FlagProgramTotalsRow extends FlagTotalsRow {
  programId: string;
}

/** Totals per program involved (a flag counts in each of its programs), by program code. */
export async function flagTotalsByProgram(db: Executor, filter: FlagFilter): Promise<FlagProgramTotalsRow[]> {
  const where = flagFilterSql(filter) ?? sql`true`;
  return queryRows<FlagProgramTotalsRow>(
    db,
    sql`select program_id as "programId", count(*)::int as "count", coalesce(sum(quantity_at_risk), 0)::float8 as "quantityAtRisk"
          from (select unnest(${flags.programIds}) as program_id, ${flags.quantityAtRisk} as quantity_at_risk from ${flags} where ${where}) as involved
         group by program_id
         order by program_id`,
  );
}
