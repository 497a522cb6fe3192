/**
 * Upserts of normalized projects and credits. Each row carries the hash of its normalized
 * content, and an upsert only writes when that hash changed, so re-syncing the same data
 * writes nothing and the counts say exactly what changed.
 */
import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { NormalizedCredit, NormalizedProject } from '../../connectors/contract.ts';
import type { Executor } from '../db/client.ts';
import { credits, projects } from '../db/schema.ts';
import { normalizeName } from '../../connectors/common/values.ts';
import { categorize } from '../reference/categories.ts';
import { contentHash } from './content-hash.ts';
import { upsertFromJson } from './json-upsert.ts';

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export const emptyCounts = (): WriteCounts => ({ inserted: 0, updated: 0, unchanged: 0 });

export function addCounts(into: WriteCounts, more: WriteCounts): void {
  into.inserted += more.inserted;
  into.updated += more.updated;
  into.unchanged += more.unchanged;
}

/** `set` clause taking every listed column from the proposed row (`excluded`). */
function fromExcluded<T extends PgTable>(table: T, keys: readonly (keyof T['$inferInsert'] & string)[]): Record<string, SQL> {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const set: Record<string, SQL> = {};
  for (const key of keys) set[key] = sql.raw(`excluded."${columns[key]!.name}"`);
  return set;
}

function countReturned(attempted: number, returned: readonly { inserted: boolean }[]): WriteCounts {
  const inserted = returned.filter((row) => row.inserted).length;
  return { inserted, updated: returned.length - inserted, unchanged: attempted - returned.length };
}

type ProjectInsert = typeof projects.$inferInsert;

/** The row `upsertProjects` writes for a project (the bench's COPY baseline writes the same). */
export function projectRow(project: NormalizedProject): ProjectInsert {
  const { programId, registryProjectId, completeness, ...content } = project;
  const category = categorize(project);
  return {
    programId,
    registryProjectId,
    completeness,
    name: content.name,
    proponent: content.proponent,
    countryCode: content.countryCode,
    countryName: content.countryName,
    subdivision: content.subdivision,
    region: content.region,
    latitude: content.latitude,
    longitude: content.longitude,
    projectTypes: content.projectTypes,
    methodologies: content.methodologies,
    status: content.status,
    registrationDate: content.registrationDate,
    creditingPeriodStart: content.creditingPeriodStart,
    creditingPeriodEnd: content.creditingPeriodEnd,
    sdgs: content.sdgs,
    additionalCertifications: content.additionalCertifications,
    estimatedAnnualCredits: content.estimatedAnnualCredits,
    parentRegistryProjectId: content.parentRegistryProjectId,
    crossReferences: content.crossReferences,
    attributes: content.attributes,
    category,
    // The category is derived here, so a newer category map also counts as a change.
    contentHash: contentHash({ project, category }),
  };
}

const projectContentKeys = [
  'completeness',
  'name',
  'proponent',
  'countryCode',
  'countryName',
  'subdivision',
  'region',
  'latitude',
  'longitude',
  'projectTypes',
  'methodologies',
  'status',
  'registrationDate',
  'creditingPeriodStart',
  'creditingPeriodEnd',
  'sdgs',
  'additionalCertifications',
  'estimatedAnnualCredits',
  'parentRegistryProjectId',
  'crossReferences',
  'attributes',
  'category',
  'contentHash',
] as const satisfies readonly (keyof ProjectInsert)[];

/**
 * Writes a batch's projects. A project from the registry's project list (`full`) replaces
 * what is stored. One known only from its transactions (`partial`) is created here when
 * missing, so its credits can refer to it; its attributes are merged over the whole run and
 * written once by `refreshPartialProjects`, so rows that disagree cannot flip it back and forth.
 */
export async function upsertProjects(db: Executor, batch: readonly NormalizedProject[], seenAt: Date): Promise<WriteCounts> {
  const byKey = new Map<string, NormalizedProject>();
  for (const project of batch) {
    const key = projectKey(project);
    const known = byKey.get(key);
    if (!known || (project.completeness === 'full' && known.completeness === 'partial')) byKey.set(key, project);
  }
  const rows = [...byKey.values()].map(projectRow);
  const full = rows.filter((row) => row.completeness === 'full');
  const partial = rows.filter((row) => row.completeness === 'partial');
  const counts = emptyCounts();

  if (full.length > 0) {
    const returned = await upsertFromJson(db, {
      table: projects,
      rows: full.map((row) => ({ ...row, lastSeenAt: seenAt })),
      target: [projects.programId, projects.registryProjectId],
      set: projectSet,
      changed: {
        uses: [projects.contentHash],
        when: (proposed) => sql`${projects.contentHash} is distinct from ${proposed('content_hash')} or ${projects.vanishedAt} is not null`,
      },
    });
    addCounts(counts, countReturned(full.length, returned));
  }
  if (partial.length > 0) {
    const returned = await db
      .insert(projects)
      .values(partial.map((row) => ({ ...row, lastSeenAt: seenAt })))
      .onConflictDoNothing({ target: [projects.programId, projects.registryProjectId] })
      .returning({ id: projects.id });
    counts.inserted += returned.length;
  }
  // Bookkeeping, not a change: when the registry last listed each project.
  for (const programId of new Set(rows.map((row) => row.programId))) {
    const ids = rows.filter((row) => row.programId === programId).map((row) => row.registryProjectId);
    await db
      .update(projects)
      .set({ lastSeenAt: seenAt })
      .where(and(eq(projects.programId, programId), inArray(projects.registryProjectId, ids), sql`${projects.lastSeenAt} < ${seenAt.toISOString()}::timestamptz`));
  }
  return counts;
}

/**
 * Writes the run's merged partial projects, only where no full record exists and the merged
 * content differs from what is stored; counts those as updates (they were inserted, when new,
 * by `upsertProjects`).
 */
export async function refreshPartialProjects(db: Executor, merged: readonly NormalizedProject[], seenAt: Date): Promise<WriteCounts> {
  const counts = emptyCounts();
  for (let start = 0; start < merged.length; start += 500) {
    const rows = merged.slice(start, start + 500).map(projectRow);
    const returned = await db
      .insert(projects)
      .values(rows.map((row) => ({ ...row, lastSeenAt: seenAt })))
      .onConflictDoUpdate({
        target: [projects.programId, projects.registryProjectId],
        set: projectSet,
        setWhere: sql`${projects.completeness} = 'partial' and ${projects.contentHash} is distinct from excluded.content_hash`,
      })
      .returning({ id: projects.id });
    counts.updated += returned.length;
    counts.updated += await fillGapsOfListedProjects(db, rows);
  }
  return counts;
}

/**
 * Some project lists leave out what the transactions publish (CAR's has no protocol column):
 * a listed (`full`) project keeps its own values, and only its empty fields are filled from
 * what its transactions say. Idempotent: a field once filled is no longer empty.
 */
async function fillGapsOfListedProjects(db: Executor, partials: readonly ProjectInsert[]): Promise<number> {
  const empty = {
    methodologies: sql`${projects.methodologies} = '[]'::jsonb and excluded.methodologies <> '[]'::jsonb`,
    projectTypes: sql`cardinality(${projects.projectTypes}) = 0 and cardinality(excluded.project_types) > 0`,
    countryCode: sql`${projects.countryCode} is null and excluded.country_code is not null`,
    category: sql`${projects.category} is null and excluded.category is not null`,
  };
  const fill = (condition: SQL, column: string) => sql.raw(`case when `).append(condition).append(sql.raw(` then excluded.${column} else "projects"."${column}" end`));
  const returned = await db
    .insert(projects)
    .values([...partials])
    .onConflictDoUpdate({
      target: [projects.programId, projects.registryProjectId],
      set: {
        methodologies: fill(empty.methodologies, 'methodologies'),
        projectTypes: fill(empty.projectTypes, 'project_types'),
        countryCode: fill(empty.countryCode, 'country_code'),
        countryName: fill(empty.countryCode, 'country_name'),
        category: fill(empty.category, 'category'),
        updatedAt: sql`now()`,
      },
      setWhere: sql`${projects.completeness} = 'full' and (${empty.methodologies} or ${empty.projectTypes} or ${empty.countryCode} or ${empty.category})`,
    })
    .returning({ id: projects.id });
  return returned.length;
}

const projectSet = { ...fromExcluded(projects, projectContentKeys), updatedAt: sql`now()`, lastSeenAt: sql`excluded.last_seen_at`, vanishedAt: sql`null` };

export function projectKey(project: Pick<NormalizedProject, 'programId' | 'registryProjectId'>): string {
  return `${project.programId}\u0000${project.registryProjectId}`;
}

/** Database ids of the given registry projects, keyed by registry project id. */
export async function projectIds(db: Executor, programId: string, registryProjectIds: readonly string[]): Promise<Map<string, number>> {
  if (registryProjectIds.length === 0) return new Map();
  const rows = await db
    .select({ id: projects.id, registryProjectId: projects.registryProjectId })
    .from(projects)
    .where(and(eq(projects.programId, programId), inArray(projects.registryProjectId, [...new Set(registryProjectIds)])));
  return new Map(rows.map((row) => [row.registryProjectId, row.id]));
}

type CreditInsert = typeof credits.$inferInsert;

const creditContentKeys = [
  'projectId',
  'kind',
  'kindAmbiguous',
  'quantity',
  'vintageYear',
  'vintageStart',
  'vintageEnd',
  'transactionDate',
  'issuanceDate',
  'serialNumber',
  'serialNamespace',
  'serialFirst',
  'serialLast',
  'serialParts',
  'countryCode',
  'beneficiary',
  'beneficiaryNormalized',
  'retirementReason',
  'retirementNote',
  'useCase',
  'article6Authorization',
  'labels',
  'attributes',
  'contentHash',
  'rawRecordId',
] as const satisfies readonly (keyof CreditInsert)[];

export interface CreditWithSource {
  credit: NormalizedCredit;
  rawRecordId: number;
}

/** The row `upsertCredits` writes for a credit of project `projectId` (the bench's COPY baseline writes the same). */
export function creditRow(credit: NormalizedCredit, projectId: number, rawRecordId: number | null): CreditInsert {
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
}

/** Writes credits; every credit's project must already exist (see upsertProjects). */
export async function upsertCredits(db: Executor, batch: readonly CreditWithSource[], ids: Map<string, number>): Promise<WriteCounts> {
  const byKey = new Map<string, CreditInsert>();
  for (const { credit, rawRecordId } of batch) {
    const projectId = ids.get(credit.registryProjectId);
    // Connectors emit each credit's project (full or partial) beside it, so this is a connector bug.
    if (projectId === undefined) throw new Error(`normalize emitted credit ${credit.naturalKey} without its project ${credit.registryProjectId}`);
    byKey.set(`${credit.programId}\u0000${credit.naturalKey}`, creditRow(credit, projectId, rawRecordId));
  }
  const rows = [...byKey.values()];
  if (rows.length === 0) return emptyCounts();
  // The batch as one jsonb parameter, not one parameter per cell (see json-upsert.ts).
  const returned = await upsertFromJson(db, {
    table: credits,
    rows,
    target: [credits.programId, credits.naturalKey],
    set: { ...fromExcluded(credits, creditContentKeys), updatedAt: sql`now()`, vanishedAt: sql`null` },
    // A credit that comes back after vanishing is brought back even when its content is the same.
    changed: {
      uses: [credits.contentHash],
      when: (proposed) => sql`${credits.contentHash} is distinct from ${proposed('content_hash')} or ${credits.vanishedAt} is not null`,
    },
  });
  return countReturned(rows.length, returned);
}
