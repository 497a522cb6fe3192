/**
 * The rows a sync writes for a set of normalize results, computed without a database: what
 * the COPY baseline loads. The mapping mirrors src/ingest/normalized-rows.ts (`projectRow`
 * and the row built in `upsertCredits`, which are not exported) and raw-records.ts.
 */
import type { NormalizedCredit, NormalizedProject, RawRecord } from '../../connectors/contract.ts';
import { normalizeName } from '../../connectors/common/values.ts';
import { contentHash } from '../../src/ingest/content-hash.ts';
import type { credits, projects, rawRecords } from '../../src/db/schema.ts';
import { categorize } from '../../src/reference/categories.ts';
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
    return [...this.projects.values()].map((project) => {
      const category = categorize(project);
      return {
        programId: project.programId,
        registryProjectId: project.registryProjectId,
        completeness: project.completeness,
        name: project.name,
        proponent: project.proponent,
        countryCode: project.countryCode,
        countryName: project.countryName,
        subdivision: project.subdivision,
        region: project.region,
        latitude: project.latitude,
        longitude: project.longitude,
        projectTypes: project.projectTypes,
        category,
        methodologies: project.methodologies,
        status: project.status,
        registrationDate: project.registrationDate,
        creditingPeriodStart: project.creditingPeriodStart,
        creditingPeriodEnd: project.creditingPeriodEnd,
        sdgs: project.sdgs,
        additionalCertifications: project.additionalCertifications,
        estimatedAnnualCredits: project.estimatedAnnualCredits,
        parentRegistryProjectId: project.parentRegistryProjectId,
        crossReferences: project.crossReferences,
        attributes: project.attributes,
        contentHash: contentHash({ project, category }),
      };
    });
  }

  creditRows(): RowOf<typeof credits>[] {
    const projectIds = new Map([...this.projects.keys()].map((key, index) => [key, index + 1]));
    return [...this.credits.values()].map(({ credit, rawRecordId }) => {
      const projectId = projectIds.get(`${credit.programId}\u0000${credit.registryProjectId}`) ?? 0;
      const block = credit.serialBlock;
      return {
        programId: credit.programId,
        naturalKey: credit.naturalKey,
        projectId,
        kind: credit.kind,
        kindAmbiguous: credit.kindAmbiguous,
        quantity: credit.quantity,
        vintageYear: credit.vintageYear,
        vintageStart: credit.vintageStart,
        vintageEnd: credit.vintageEnd,
        transactionDate: credit.transactionDate,
        issuanceDate: credit.issuanceDate,
        serialNumber: credit.serialNumber,
        serialNamespace: block?.namespace ?? null,
        serialFirst: block?.firstUnit ?? null,
        serialLast: block?.lastUnit ?? null,
        serialParts: block?.parts ?? null,
        countryCode: credit.countryCode,
        beneficiary: credit.beneficiary,
        beneficiaryNormalized: credit.beneficiary === null ? null : normalizeName(credit.beneficiary),
        retirementReason: credit.retirementReason,
        retirementNote: credit.retirementNote,
        useCase: credit.useCase,
        article6Authorization: credit.article6Authorization,
        labels: credit.labels,
        attributes: credit.attributes,
        contentHash: contentHash({ credit, projectId }),
        rawRecordId,
      };
    });
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
