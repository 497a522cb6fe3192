/**
 * Raw records: every record a registry sent, verbatim, one row per distinct version.
 * Staging marks each version with the run that saw it; the apply phase then reads the
 * run's records back in id order, so memory stays flat whatever the registry's size.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { RawRecord, Rejection } from '../../connectors/contract.ts';
import type { Executor } from '../db/client.ts';
import { rawRecords } from '../db/schema.ts';
import { contentHash } from './content-hash.ts';

export interface StagedRecord {
  id: number;
  sourceKind: string;
  naturalKey: string;
  payload: Record<string, unknown>;
}

/** Stores a batch of raw records for `runId`; returns how many distinct versions were new. */
export async function stageRawRecords(db: Executor, programId: string, runId: number, batch: readonly RawRecord[]): Promise<number> {
  if (batch.length === 0) return 0;
  // One statement may not touch a row twice: a record repeated verbatim in the export is kept once.
  const unique = new Map<string, typeof rawRecords.$inferInsert>();
  for (const record of batch) {
    const hash = contentHash(record.payload);
    unique.set(`${record.sourceKind}\u0000${record.naturalKey}\u0000${hash}`, {
      programId,
      sourceKind: record.sourceKind,
      naturalKey: record.naturalKey,
      contentHash: hash,
      payload: record.payload,
      firstSeenRunId: runId,
      lastSeenRunId: runId,
    });
  }
  const rows = await db
    .insert(rawRecords)
    .values([...unique.values()])
    .onConflictDoUpdate({
      target: [rawRecords.programId, rawRecords.sourceKind, rawRecords.naturalKey, rawRecords.contentHash],
      set: { lastSeenRunId: sql`excluded.last_seen_run_id` },
    })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  return rows.filter((row) => row.inserted).length;
}

/** The run's staged records, `batchSize` at a time, in id order. */
export async function* readStagedRecords(db: Executor, runId: number, batchSize: number): AsyncIterable<StagedRecord[]> {
  let afterId = 0;
  for (;;) {
    const batch = await db
      .select({
        id: rawRecords.id,
        sourceKind: rawRecords.sourceKind,
        naturalKey: rawRecords.naturalKey,
        payload: rawRecords.payload,
      })
      .from(rawRecords)
      .where(and(eq(rawRecords.lastSeenRunId, runId), gt(rawRecords.id, afterId)))
      .orderBy(asc(rawRecords.id))
      .limit(batchSize);
    if (batch.length === 0) return;
    yield batch;
    afterId = batch[batch.length - 1]!.id;
  }
}

export interface NormalizeOutcome {
  id: number;
  rejection: Rejection | null;
}

/** Records the outcome of normalizing each raw record; rows whose outcome did not change are not written. */
export async function recordNormalizeOutcomes(db: Executor, normalizerVersion: number, outcomes: readonly NormalizeOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const values = sql.join(
    outcomes.map(
      (o) =>
        sql`(${o.id}::bigint, ${o.rejection ? 'rejected' : 'accepted'}::raw_record_status, ${o.rejection?.reason ?? null}::text, ${o.rejection?.detail ?? null}::text)`,
    ),
    sql`, `,
  );
  await db.execute(sql`
    update ${rawRecords} as r
       set status = v.status, rejection_reason = v.reason, rejection_detail = v.detail, normalizer_version = ${normalizerVersion}
      from (values ${values}) as v(id, status, reason, detail)
     where r.id = v.id
       and (r.status, r.rejection_reason, r.rejection_detail, r.normalizer_version)
           is distinct from (v.status, v.reason, v.detail, ${normalizerVersion}::int)`);
}
