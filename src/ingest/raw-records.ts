/**
 * Raw records: every record a registry sent, verbatim, one row per distinct version.
 *
 * A version is current from the run that first stored it (`first_seen_run_id`) until the first
 * complete run that no longer sees it (`superseded_run_id`). A run therefore writes raw rows
 * only for what is new: a version it sees again is noted in `raw_record_sightings`, a narrow
 * working table emptied when the run ends, instead of rewriting the stored row (with its
 * payload and index entries) on every poll. docs/ingest.md, "Raw records".
 *
 * Staging also records each new version's normalize outcome (accepted, or rejected with the
 * reason), so the apply phase only writes outcomes that changed, which after a parser fix
 * (a new `normalizerVersion`) are the only ones it writes. The apply phase reads the run's
 * records back in id order, so memory stays flat whatever the registry's size.
 */
import { sql } from 'drizzle-orm';
import type { Connector, RawRecord, Rejection } from '../../connectors/contract.ts';
import { queryRows, type Executor } from '../db/client.ts';
import { contentHash } from './content-hash.ts';

export interface StagedRecord extends RawRecord {
  id: number;
  /** The outcome stored for this version, and the normalizer version that produced it. */
  status: 'pending' | 'accepted' | 'rejected';
  normalizerVersion: number | null;
  rejectionReason: string | null;
  rejectionDetail: string | null;
}

export interface NormalizeOutcome {
  id: number;
  rejection: Rejection | null;
}

interface NewVersion {
  source_kind: string;
  natural_key: string;
  content_hash: string;
  payload: Record<string, unknown>;
  status: 'accepted' | 'rejected';
  rejection_reason: string | null;
  rejection_detail: string | null;
}

/**
 * Stores a batch of raw records for `runId`: the versions no run stored before are inserted,
 * with their normalize outcome; the others are noted as seen by the run. Returns how many
 * versions were new.
 */
export async function stageRawRecords(db: Executor, connector: Connector, runId: number, batch: readonly RawRecord[]): Promise<number> {
  if (batch.length === 0) return 0;
  // A record repeated verbatim in the export is one version.
  const versions = new Map<string, RawRecord & { hash: string }>();
  for (const record of batch) {
    const hash = contentHash(record.payload);
    versions.set(`${record.sourceKind}\u0000${record.naturalKey}\u0000${hash}`, { ...record, hash });
  }
  const candidates = [...versions.values()];
  const known = await recordSightings(db, connector.id, runId, candidates);
  const fresh: NewVersion[] = [];
  for (const [index, record] of candidates.entries()) {
    if (known.has(index)) continue;
    const outcome = connector.normalize(record);
    fresh.push({
      source_kind: record.sourceKind,
      natural_key: record.naturalKey,
      content_hash: record.hash,
      payload: record.payload,
      status: outcome.ok ? 'accepted' : 'rejected',
      rejection_reason: outcome.ok ? null : outcome.rejection.reason,
      rejection_detail: outcome.ok ? null : outcome.rejection.detail,
    });
  }
  if (fresh.length === 0) return 0;
  const [inserted] = await queryRows<{ count: number }>(
    db,
    sql`with stored as (
          insert into raw_records (program_id, source_kind, natural_key, content_hash, payload, first_seen_run_id,
                                   status, normalizer_version, rejection_reason, rejection_detail)
          select ${connector.id}, v.source_kind, v.natural_key, v.content_hash, v.payload, ${runId}::bigint,
                 v.status::raw_record_status, ${connector.normalizerVersion}::int, v.rejection_reason, v.rejection_detail
            from jsonb_to_recordset(${JSON.stringify(fresh)}::jsonb)
                 as v(source_kind text, natural_key text, content_hash text, payload jsonb, status text, rejection_reason text, rejection_detail text)
          on conflict (program_id, source_kind, natural_key, content_hash) do nothing
          returning 1)
        select count(*)::int as count from stored`,
  );
  return inserted?.count ?? 0;
}

/**
 * Notes the candidates already stored (by an earlier run, or earlier in this one) as seen by
 * the run, in one statement: only their keys and hashes are sent, not their payloads. Returns
 * the indexes of the candidates that were found.
 */
async function recordSightings(
  db: Executor,
  programId: string,
  runId: number,
  candidates: readonly (RawRecord & { hash: string })[],
): Promise<Set<number>> {
  const keys = candidates.map((record, index) => ({ i: index, source_kind: record.sourceKind, natural_key: record.naturalKey, content_hash: record.hash }));
  const found = await queryRows<{ i: number }>(
    db,
    sql`with candidate as (
          select * from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(i int, source_kind text, natural_key text, content_hash text)
        ), found as (
          select k.i, r.id, r.first_seen_run_id
            from candidate k
            join raw_records r
              on r.program_id = ${programId} and r.source_kind = k.source_kind
             and r.natural_key = k.natural_key and r.content_hash = k.content_hash
        ), sighted as (
          insert into raw_record_sightings (run_id, raw_record_id)
          select ${runId}::bigint, id from found where first_seen_run_id <> ${runId}
          on conflict do nothing)
        select i from found`,
  );
  return new Set(found.map((row) => row.i));
}

/** The run's records (those it stored and those it saw again), `batchSize` at a time, in id order. */
export async function* readStagedRecords(db: Executor, runId: number, batchSize: number): AsyncIterable<StagedRecord[]> {
  let afterId = 0;
  for (;;) {
    // The page of ids first (two index range scans), then each row by its key: a plan that
    // cannot turn into a scan of the whole table, with or without planner statistics.
    const batch = await queryRows<StagedRecord>(
      db,
      sql`select r.id::float8 as id, r.source_kind as "sourceKind", r.natural_key as "naturalKey", r.payload, r.status,
                 r.normalizer_version as "normalizerVersion", r.rejection_reason as "rejectionReason", r.rejection_detail as "rejectionDetail"
            from ((select id from raw_records
                    where first_seen_run_id = ${runId} and id > ${afterId}
                    order by id limit ${batchSize})
                  union all
                  (select raw_record_id from raw_record_sightings
                    where run_id = ${runId} and raw_record_id > ${afterId}
                    order by raw_record_id limit ${batchSize})
                  order by 1 limit ${batchSize}) staged (id)
            cross join lateral (select * from raw_records where raw_records.id = staged.id) r
           order by r.id`,
    );
    if (batch.length === 0) return;
    yield batch;
    afterId = batch[batch.length - 1]!.id;
  }
}

/** True when the stored outcome of `record` is not what normalizing it gave now. */
export function outcomeChanged(record: StagedRecord, normalizerVersion: number, outcome: NormalizeOutcome): boolean {
  return (
    record.normalizerVersion !== normalizerVersion ||
    record.status !== (outcome.rejection ? 'rejected' : 'accepted') ||
    record.rejectionReason !== (outcome.rejection?.reason ?? null) ||
    record.rejectionDetail !== (outcome.rejection?.detail ?? null)
  );
}

/** Stores normalize outcomes (give only those that changed: see `outcomeChanged`). */
export async function recordNormalizeOutcomes(db: Executor, normalizerVersion: number, outcomes: readonly NormalizeOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const rows = outcomes.map((o) => ({ id: o.id, status: o.rejection ? 'rejected' : 'accepted', reason: o.rejection?.reason ?? null, detail: o.rejection?.detail ?? null }));
  await db.execute(sql`
    update raw_records as r
       set status = v.status::raw_record_status, rejection_reason = v.reason, rejection_detail = v.detail, normalizer_version = ${normalizerVersion}::int
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id bigint, status text, reason text, detail text)
     where r.id = v.id`);
}

/**
 * After a complete run (it read the whole source): the versions it saw are current, and the
 * program's other current versions are superseded by it. Run inside the apply transaction.
 */
export async function settleVersions(db: Executor, programId: string, runId: number): Promise<void> {
  await db.execute(sql`
    update raw_records r set superseded_run_id = null
      from raw_record_sightings s
     where s.run_id = ${runId} and r.id = s.raw_record_id and r.superseded_run_id is not null`);
  await db.execute(sql`
    update raw_records r set superseded_run_id = ${runId}
     where r.program_id = ${programId} and r.superseded_run_id is null and r.first_seen_run_id <> ${runId}
       and not exists (select 1 from raw_record_sightings s where s.run_id = ${runId} and s.raw_record_id = r.id)`);
}

/** Drops the working state of finished runs (`runIds`). */
export async function releaseSightings(db: Executor, runIds: readonly number[]): Promise<void> {
  if (runIds.length === 0) return;
  await db.execute(sql`delete from raw_record_sightings where run_id in (${sql.join(
    runIds.map((id) => sql`${id}::bigint`),
    sql`, `,
  )})`);
}
