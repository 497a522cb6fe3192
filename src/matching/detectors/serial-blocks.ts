/**
 * Shared by the within-registry detectors (double-counting.md §4.6): pairs of credits of one
 * program whose parsed serial ranges overlap in the same namespace, found set-based.
 *
 * Any two overlapping ranges have one starting inside the other, so the join looks, for each
 * row `a`, for rows `b` of the same program and namespace whose first unit lies in a's range
 * (a range scan on the `credits_serial (serial_namespace, serial_first)` index); ties on the
 * first unit are broken by id so every overlapping pair comes out once.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/client.ts';

export interface SerialPairRow {
  programId: string;
  namespace: string;
  overlapFirst: number;
  overlapLast: number;
  overlapUnits: number;
  aId: number;
  aProjectId: number;
  aRegistryProjectId: string;
  aKind: string;
  aQuantity: number;
  aFirst: number;
  aLast: number;
  aSerial: string | null;
  aDate: string | null;
  aVintage: number | null;
  aUseCase: string | null;
  aConvertedTo: string | null;
  aBeneficiary: string | null;
  bId: number;
  bProjectId: number;
  bRegistryProjectId: string;
  bKind: string;
  bQuantity: number;
  bFirst: number;
  bLast: number;
  bSerial: string | null;
  bDate: string | null;
  bVintage: number | null;
  bUseCase: string | null;
  bConvertedTo: string | null;
  bBeneficiary: string | null;
}

const side = (alias: 'a' | 'b', prefix: 'a' | 'b', project: 'pa' | 'pb') => sql.raw(`
  ${alias}.id::int as "${prefix}Id", ${alias}.project_id::int as "${prefix}ProjectId", ${project}.registry_project_id as "${prefix}RegistryProjectId",
  ${alias}.kind::text as "${prefix}Kind", ${alias}.quantity::float8 as "${prefix}Quantity",
  ${alias}.serial_first::float8 as "${prefix}First", ${alias}.serial_last::float8 as "${prefix}Last", ${alias}.serial_number as "${prefix}Serial",
  ${alias}.transaction_date::text as "${prefix}Date", ${alias}.vintage_year as "${prefix}Vintage", ${alias}.use_case as "${prefix}UseCase",
  ${alias}.attributes ->> 'convertedToProgram' as "${prefix}ConvertedTo", ${alias}.beneficiary as "${prefix}Beneficiary"`);

/** Overlapping serial ranges between credits of the kinds `kinds` (same program, same namespace). */
export async function overlappingSerialPairs(db: Executor, kinds: SQL): Promise<SerialPairRow[]> {
  return queryRows<SerialPairRow>(
    db,
    sql`
      select a.program_id as "programId", a.serial_namespace as namespace,
             b.serial_first::float8 as "overlapFirst", least(a.serial_last, b.serial_last)::float8 as "overlapLast",
             (least(a.serial_last, b.serial_last) - b.serial_first + 1)::float8 as "overlapUnits",
             ${side('a', 'a', 'pa')}, ${side('b', 'b', 'pb')}
        from credits a
        -- Each block looks up only the blocks starting inside its own range (both bounds on
        -- credits_serial). A plain join, or a LATERAL the planner may flatten into one (hence
        -- OFFSET 0), let it probe with one bound only and compare most of a namespace with
        -- itself; Verra numbers all its units in one namespace (docs/benchmarks.md).
        cross join lateral (
          select * from credits b
           where b.serial_namespace = a.serial_namespace and b.program_id = a.program_id
             and b.serial_first between a.serial_first and a.serial_last
             and (b.serial_first > a.serial_first or b.id > a.id)
             and b.vanished_at is null and b.kind in (${kinds}) and b.serial_last is not null
          offset 0
        ) b
        join projects pa on pa.id = a.project_id
        join projects pb on pb.id = b.project_id
       where a.vanished_at is null and a.kind in (${kinds})
         and a.serial_namespace is not null and a.serial_first is not null and a.serial_last is not null
       order by a.program_id, a.serial_namespace, b.serial_first, a.id, b.id`,
  );
}
