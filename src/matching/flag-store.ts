/**
 * The flag store: a detector's run is recorded as upserts of its detections.
 * - A new finding is inserted as `open`.
 * - A finding found again gets its evidence, score, severity and last detection updated; a
 *   reviewer's status (confirmed, dismissed) is never touched, and a `resolved` flag that is
 *   found again is open again.
 * - A finding of that detector no longer found is marked resolved (`resolved_at`; status
 *   `resolved` unless a reviewer decided), never deleted.
 * Only rows whose content changed are written, so an unchanged rerun writes nothing.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { flagCredits, flagProjects, flags } from '../db/schema.ts';
import { contentHash } from '../ingest/content-hash.ts';
import { flagId, type DetectedFlag } from './flag.ts';

export interface FlagRunCounts {
  detected: number;
  inserted: number;
  updated: number;
  unchanged: number;
  resolved: number;
}

const batchSize = 500;

/** Records one complete run of `detector`: its detections replace what it found last time. */
export async function recordDetections(db: Executor, detector: string, detections: readonly DetectedFlag[]): Promise<FlagRunCounts> {
  const byId = new Map<string, DetectedFlag>();
  for (const detection of detections) {
    if (detection.detector !== detector) throw new Error(`detection of ${detection.detector} recorded as ${detector}`);
    byId.set(flagId(detection.kind, detection), detection);
  }
  const counts: FlagRunCounts = { detected: byId.size, inserted: 0, updated: 0, unchanged: 0, resolved: 0 };
  const entries = [...byId];
  for (let start = 0; start < entries.length; start += batchSize) {
    const batch = entries.slice(start, start + batchSize);
    const rows = batch.map(([id, d]) => ({
      id,
      kind: d.kind,
      detector: d.detector,
      detectorVersion: d.detectorVersion,
      severity: d.severity,
      score: d.score,
      title: d.title,
      quantityAtRisk: d.quantityAtRisk,
      programIds: [] as string[],
      evidence: d.evidence,
      contentHash: contentHash({ d }),
    }));
    const returned = await db
      .insert(flags)
      .values(rows)
      .onConflictDoUpdate({
        target: flags.id,
        set: {
          detectorVersion: sql`excluded.detector_version`,
          severity: sql`excluded.severity`,
          score: sql`excluded.score`,
          title: sql`excluded.title`,
          quantityAtRisk: sql`excluded.quantity_at_risk`,
          evidence: sql`excluded.evidence`,
          contentHash: sql`excluded.content_hash`,
          lastDetectedAt: sql`now()`,
          resolvedAt: sql`null`,
          // Found again: a flag the detector had resolved is open again; a reviewer's decision stays.
          status: sql`case when ${flags.status} = 'resolved' then 'open'::flag_status else ${flags.status} end`,
          updatedAt: sql`now()`,
        },
        setWhere: sql`${flags.contentHash} is distinct from excluded.content_hash or ${flags.resolvedAt} is not null`,
      })
      .returning({ id: flags.id, inserted: sql<boolean>`(xmax = 0)` });
    const inserted = returned.filter((row) => row.inserted).length;
    counts.inserted += inserted;
    counts.updated += returned.length - inserted;
    counts.unchanged += batch.length - returned.length;
    const written = new Set(returned.map((row) => row.id));
    await writeEntities(db, batch.filter(([id]) => written.has(id)));
  }
  counts.resolved = await resolveMissing(db, detector, [...byId.keys()]);
  return counts;
}

/** Replaces the projects and credits of flags just written, and derives their program ids. */
async function writeEntities(db: Executor, written: [string, DetectedFlag][]): Promise<void> {
  if (written.length === 0) return;
  const ids = written.map(([id]) => id);
  await db.delete(flagProjects).where(inArray(flagProjects.flagId, ids));
  await db.delete(flagCredits).where(inArray(flagCredits.flagId, ids));
  // One jsonb parameter per table: a batch of flags may list tens of thousands of credits (a pair
  // of projects' double issuance lists every issuance of both), past the 65,535 bind parameters
  // a multi-row VALUES list would need.
  const projectRows = written.flatMap(([id, d]) => d.projects.map((p) => ({ flag_id: id, project_id: p.projectId, role: p.role })));
  const creditRows = written.flatMap(([id, d]) => d.credits.map((c) => ({ flag_id: id, credit_id: c.creditId, role: c.role })));
  if (projectRows.length > 0) {
    await db.execute(sql`
      insert into ${flagProjects} (flag_id, project_id, role)
      select r.flag_id, r.project_id, r.role from jsonb_to_recordset(${JSON.stringify(projectRows)}::jsonb) as r(flag_id text, project_id bigint, role text)
      on conflict do nothing`);
  }
  if (creditRows.length > 0) {
    await db.execute(sql`
      insert into ${flagCredits} (flag_id, credit_id, role)
      select r.flag_id, r.credit_id, r.role from jsonb_to_recordset(${JSON.stringify(creditRows)}::jsonb) as r(flag_id text, credit_id bigint, role text)
      on conflict do nothing`);
  }
  await db.execute(sql`
    update ${flags} f
       set program_ids = coalesce((
             select array_agg(distinct p.program_id order by p.program_id)
               from ${flagProjects} fp join projects p on p.id = fp.project_id
              where fp.flag_id = f.id), '{}')
     where f.id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`);
}

/** Flags of `detector` not found by this run: resolved, never deleted. */
async function resolveMissing(db: Executor, detector: string, foundIds: readonly string[]): Promise<number> {
  // One jsonb parameter, however many flags were found (an IN list would hit the parameter limit).
  const notFound = sql`not (${flags.id} = any (select jsonb_array_elements_text(${JSON.stringify(foundIds)}::jsonb)))`;
  const resolved = await db
    .update(flags)
    .set({
      resolvedAt: sql`now()`,
      status: sql`case when ${flags.status} = 'open' then 'resolved'::flag_status else ${flags.status} end`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(flags.detector, detector), isNull(flags.resolvedAt), notFound))
    .returning({ id: flags.id });
  return resolved.length;
}
