/**
 * Multi-row upsert with the batch as ONE jsonb parameter, unpacked by PostgreSQL's
 * `jsonb_to_recordset`, instead of drizzle's `.values(rows)` with one bind parameter per cell:
 *
 *   insert into <table> (<columns the rows carry>)
 *   select … from jsonb_to_recordset($1::jsonb) as r(<column type>, …)
 *    where not exists (<the same row, stored and unchanged>)
 *   on conflict (<target>) do update set … where <changed>
 *   returning (xmax = 0) as inserted
 *
 * Why: a batch of 750 credits is ~20,000 bind parameters as a VALUES list. drizzle builds each
 * into the statement (its `is()` checks alone were 13 % of a sync's CPU on PGlite, 9 % on
 * PostgreSQL), the driver serializes each, and PostgreSQL parses and plans a 750-row VALUES
 * list every time, even when the upsert then writes nothing. `npm run bench` measured the
 * credits upsert of 48k Verra credits at 9.4 s → 3.3 s on PostgreSQL (unchanged re-run
 * 8.0 s → 2.5 s), and 12.7 s → 7.9 s on PGlite (10.1 s → 5.0 s); docs/benchmarks.md.
 *
 * Rows the table already holds unchanged are left out before the insert (`changed`, read with
 * the stored row and the proposed one), not sent down the conflict path: `on conflict do update
 * … where` locks and so writes every conflicting row, even one it then leaves alone. An
 * unchanged re-sync therefore only reads.
 *
 * `target` and `set` mean what they mean in drizzle's `onConflictDoUpdate`. Rows are
 * drizzle insert objects (`typeof table.$inferInsert`), all built alike (the columns are those
 * the rows carry; the others take their defaults). JSON arrays become PostgreSQL arrays and
 * nested objects jsonb.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { queryRows, type Executor } from '../db/client.ts';

export interface JsonUpsert<T extends PgTable> {
  table: T;
  rows: readonly T['$inferInsert'][];
  target: readonly PgColumn[];
  set: Partial<Record<keyof T['$inferInsert'] & string, SQL>>;
  /**
   * When a stored row must be written over: a condition on the stored row (its columns, as
   * `${table.column}`) and the proposed one (`proposed(name)` is its column `name`).
   */
  changed: (proposed: (column: string) => SQL) => SQL;
}

/** Runs the upsert; one `{ inserted }` per row written (inserted, or updated when false): the rest were unchanged. */
export async function upsertFromJson<T extends PgTable>(db: Executor, upsert: JsonUpsert<T>): Promise<{ inserted: boolean }[]> {
  if (upsert.rows.length === 0) return [];
  const columns = Object.entries(getTableColumns(upsert.table) as Record<string, PgColumn>);
  const given = columns.filter(([key]) => upsert.rows.some((row) => (row as Record<string, unknown>)[key] !== undefined));
  const records = upsert.rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const [key, column] of given) record[column.name] = (row as Record<string, unknown>)[key] ?? null;
    return record;
  });
  const names = sql.join(
    given.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  const definition = sql.join(
    given.map(([, column]) => sql`${sql.identifier(column.name)} ${sql.raw(column.getSQLType())}`),
    sql`, `,
  );
  const byKey = new Map(columns);
  const set = sql.join(
    Object.entries(upsert.set as Record<string, SQL>).map(([key, value]) => {
      const column = byKey.get(key);
      if (!column) throw new Error(`upsertFromJson: "${key}" is not a column of the table`);
      return sql`${sql.identifier(column.name)} = ${value}`;
    }),
    sql`, `,
  );
  const target = sql.join(
    upsert.target.map((column) => sql.identifier(column.name)),
    sql`, `,
  );
  const stored = sql.join(
    upsert.target.map((column) => sql`${column} = r.${sql.identifier(column.name)}`),
    sql` and `,
  );
  return queryRows<{ inserted: boolean }>(
    db,
    sql`insert into ${upsert.table} (${names})
        select ${sql.join(
          given.map(([, column]) => sql`r.${sql.identifier(column.name)}`),
          sql`, `,
        )}
          from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(${definition})
         where not exists (select 1 from ${upsert.table} where ${stored} and not (${upsert.changed((name) => sql`r.${sql.identifier(name)}`)}))
        on conflict (${target}) do update set ${set}
        where ${upsert.changed((name) => sql`excluded.${sql.identifier(name)}`)}
        returning (xmax = 0) as inserted`,
  );
}
