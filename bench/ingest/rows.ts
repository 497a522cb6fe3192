/**
 * The rows a sync writes for a set of normalize results, computed without a database: what
 * the COPY baseline loads. The mapping mirrors src/ingest/normalized-rows.ts (`projectRow`
 * and the row built in `upsertCredits`, which are not exported) and raw-records.ts.
 */
import type { NormalizedCredit, NormalizedProject, RawRecord } from '../../connectors/contract.ts';
import { normalizeName } from '../../connectors/common/values.ts';
import { contentHash } from '../../src/ingest/content-hash.ts';
import { categorize } from '../../src/reference/categories.ts';

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

  projectRows(): unknown[][] {
    return [...this.projects.values()].map((project) => {
      const category = categorize(project);
      return [
        project.programId,
        project.registryProjectId,
        project.completeness,
        project.name,
        project.proponent,
        project.countryCode,
        project.countryName,
        project.subdivision,
        project.region,
        project.latitude,
        project.longitude,
        project.projectTypes,
        category,
        project.methodologies,
        project.status,
        project.registrationDate,
        project.creditingPeriodStart,
        project.creditingPeriodEnd,
        project.sdgs,
        project.additionalCertifications,
        project.estimatedAnnualCredits,
        project.parentRegistryProjectId,
        project.crossReferences,
        project.attributes,
        contentHash({ project, category }),
      ];
    });
  }

  creditRows(): unknown[][] {
    const projectIds = new Map([...this.projects.keys()].map((key, index) => [key, index + 1]));
    return [...this.credits.values()].map(({ credit, rawRecordId }) => {
      const projectId = projectIds.get(`${credit.programId}\u0000${credit.registryProjectId}`) ?? 0;
      const block = credit.serialBlock;
      return [
        credit.programId,
        credit.naturalKey,
        projectId,
        credit.kind,
        credit.kindAmbiguous,
        credit.quantity,
        credit.vintageYear,
        credit.vintageStart,
        credit.vintageEnd,
        credit.transactionDate,
        credit.issuanceDate,
        credit.serialNumber,
        block?.namespace ?? null,
        block?.firstUnit ?? null,
        block?.lastUnit ?? null,
        block?.parts ?? null,
        credit.countryCode,
        credit.beneficiary,
        credit.beneficiary === null ? null : normalizeName(credit.beneficiary),
        credit.retirementReason,
        credit.retirementNote,
        credit.useCase,
        credit.article6Authorization,
        credit.labels,
        credit.attributes,
        contentHash({ credit, projectId }),
        rawRecordId,
      ];
    });
  }
}

export function rawRecordRows(programId: string, records: readonly RawRecord[]): unknown[][] {
  // As staging stores a new version: with its normalize outcome (accepted here: the bench data has no bad rows).
  return records.map((record) => [programId, record.sourceKind, record.naturalKey, contentHash(record.payload), record.payload, 1, 'accepted', 1]);
}
