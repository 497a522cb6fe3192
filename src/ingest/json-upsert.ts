/**
 * Multi-row upsert with the batch as ONE jsonb parameter, unpacked by PostgreSQL's
 * `jsonb_to_recordset`, instead of drizzle's `.values(rows)` with one bind parameter per cell:
 *
 *   insert into <table> (<columns the rows carry>)
 *   select … from jsonb_to_recordset($1::jsonb) as r(<column type>, …)
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
 * Rows the table already holds unchanged are found first, by sending only their keys and the
 * columns `changed` reads, and left out: `on conflict do update … where` locks, and so writes,
 * every conflicting row even when it then leaves it alone, and parsing full rows costs more
 * than the lookup. An unchanged re-sync therefore only reads, and ships no full rows.
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
  /** When a stored row must be written over. */
  changed: {
    /** The proposed row's columns the condition reads (sent alone, with the target, to find unchanged rows). */
    uses: readonly PgColumn[];
    /** A condition on the stored row (its columns, as `${table.column}`) and the proposed one (`proposed(name)` is its column `name`). */
    when: (proposed: (column: string) => SQL) => SQL;
  };
}

type Named = readonly [key: string, column: PgColumn];

/** Runs the upsert; one `{ inserted }` per row written (inserted, or updated when false): the rest were unchanged. */
export async function upsertFromJson<T extends PgTable>(db: Executor, upsert: JsonUpsert<T>): Promise<{ inserted: boolean }[]> {
  if (upsert.rows.length === 0) return [];
  const columns = Object.entries(getTableColumns(upsert.table) as Record<string, PgColumn>);
  const unchanged = await storedUnchanged(db, upsert, columns);
  const rows = upsert.rows.filter((_, index) => !unchanged.has(index));
  if (rows.length === 0) return [];
  const given = columns.filter(([key]) => rows.some((row) => (row as Record<string, unknown>)[key] !== undefined));
  const byKey = new Map(columns);
  const set = sql.join(
    Object.entries(upsert.set as Record<string, SQL>).map(([key, value]) => {
      const column = byKey.get(key);
      if (!column) throw new Error(`upsertFromJson: "${key}" is not a column of the table`);
      return sql`${sql.identifier(column.name)} = ${value}`;
    }),
    sql`, `,
  );
  return queryRows<{ inserted: boolean }>(
    db,
    sql`insert into ${upsert.table} (${sql.join(
      given.map(([, column]) => sql.identifier(column.name)),
      sql`, `,
    )})
        select ${sql.join(
          given.map(([, column]) => sql`r.${sql.identifier(column.name)}`),
          sql`, `,
        )}
          from ${recordset(
            rows.map((row) => pick(row, given)),
            given,
            'r',
          )}
        on conflict (${sql.join(
          upsert.target.map((column) => sql.identifier(column.name)),
          sql`, `,
        )}) do update set ${set}
        where ${upsert.changed.when((name) => sql`excluded.${sql.identifier(name)}`)}
        returning (xmax = 0) as inserted`,
  );
}

/**
 * The indexes of the rows the table holds unchanged, found by sending only their keys and the
 * columns `changed` reads: an unchanged re-sync then ships and parses no full rows at all.
 */
async function storedUnchanged<T extends PgTable>(db: Executor, upsert: JsonUpsert<T>, columns: readonly Named[]): Promise<Set<number>> {
  const wanted = new Set<PgColumn>([...upsert.target, ...upsert.changed.uses]);
  const keyColumns = columns.filter(([, column]) => wanted.has(column));
  const keys = upsert.rows.map((row, index) => ({ ...pick(row, keyColumns), i: index }));
  const found = await queryRows<{ i: number }>(
    db,
    sql`select k.i from ${recordset(keys, keyColumns, 'k', sql`, i int`)}
         where exists (select 1 from ${upsert.table}
                        where ${sql.join(
                          upsert.target.map((column) => sql`${column} = k.${sql.identifier(column.name)}`),
                          sql` and `,
                        )}
                          and not (${upsert.changed.when((name) => sql`k.${sql.identifier(name)}`)}))`,
  );
  return new Set(found.map((row) => row.i));
}

/** Row objects keyed by column name, with null for what a row leaves out. */
function pick(row: object, columns: readonly Named[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, column] of columns) record[column.name] = (row as Record<string, unknown>)[key] ?? null;
  return record;
}

/** `jsonb_to_recordset($1) as alias(column type, …, extra)` over records keyed by column name, as ONE jsonb parameter. */
function recordset(records: readonly Record<string, unknown>[], columns: readonly Named[], alias: string, extra: SQL = sql.empty()): SQL {
  const definition = sql.join(
    columns.map(([, column]) => sql`${sql.identifier(column.name)} ${sql.raw(column.getSQLType())}`),
    sql`, `,
  );
  return sql`jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as ${sql.raw(alias)}(${definition}${extra})`;
}
