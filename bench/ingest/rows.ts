/**
 * The rows a sync writes for a set of normalize results, computed without a database: what
 * the COPY baseline loads. Projects and credits become rows through the sync's own
 * `projectRow` and `creditRow` (src/ingest/normalized-rows.ts); raw records as staging stores
 * a new version (raw-records.ts).
 */
import type { NormalizedCredit, NormalizedProject, RawRecord } from '../../connectors/contract.ts';
import { contentHash } from '../../src/ingest/content-hash.ts';
import { creditRow, projectRow } from '../../src/ingest/normalized-rows.ts';
import type { credits, projects, rawRecords } from '../../src/db/schema.ts';
import type { RowOf } from './copy.ts';

export class NormalizedRows {
  /** By program + registry project id; a full project wins over a partial one, as in upsertProjects. */
  readonly projects = new Map<string, NormalizedProject>();
  /** By program + natural key; the last one wins, as in upsertCredits. */
  readonly credits = new Map<string, { credit: NormalizedCredit; rawRecordId: number }>();

  add(projects: readonly NormalizedProject[], credits: readonly NormalizedCredit[], rawRecordId: number): void {
    for (const project of projects) {
      const key = `${project.programId}\u0000${project.registryProjectId}`;
      const known = this.projects.get(key);
      if (!known || (project.completeness === 'full' && known.completeness === 'partial')) this.projects.set(key, project);
    }
    for (const credit of credits) this.credits.set(`${credit.programId}\u0000${credit.naturalKey}`, { credit, rawRecordId });
  }

  get size(): number {
    return this.projects.size + this.credits.size;
  }

  projectRows(): RowOf<typeof projects>[] {
    return [...this.projects.values()].map(projectRow);
  }

  creditRows(): RowOf<typeof credits>[] {
    const projectIds = new Map([...this.projects.keys()].map((key, index) => [key, index + 1]));
    return [...this.credits.values()].map(({ credit, rawRecordId }) =>
      creditRow(credit, projectIds.get(`${credit.programId}\u0000${credit.registryProjectId}`) ?? 0, rawRecordId),
    );
  }
}

export function rawRecordRows(programId: string, records: readonly RawRecord[]): RowOf<typeof rawRecords>[] {
  // As staging stores a new version: with its normalize outcome (accepted here: the bench data has no bad rows).
  return records.map((record) => ({
    programId,
    sourceKind: record.sourceKind,
    naturalKey: record.naturalKey,
    contentHash: contentHash(record.payload),
    payload: record.payload,
    firstSeenRunId: 1,
    status: 'accepted',
    normalizerVersion: 1,
  }));
}
