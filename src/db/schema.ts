/**
 * The hub's tables (drizzle-orm, PostgreSQL). Migrations in drizzle/ are generated from
 * this file by drizzle-kit (`npm run db:generate`) and never edited by hand once released.
 * Shape and meaning: docs/data-model.md.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const programKind = pgEnum('program_kind', ['voluntary', 'compliance', 'crediting-mechanism']);
export const creditKind = pgEnum('credit_kind', ['issuance', 'retirement', 'cancellation']);
export const syncStatus = pgEnum('sync_status', ['running', 'succeeded', 'failed']);
export const rawRecordStatus = pgEnum('raw_record_status', ['pending', 'accepted', 'rejected']);

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const programs = pgTable('programs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: programKind('kind').notNull(),
  homepage: text('homepage'),
  ...timestamps,
});

export type MethodologyJson = { id: string; version: string | null };
export type CrossReferenceJson = { programId: string; registryProjectId: string; relation: string };

export const projects = pgTable(
  'projects',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    registryProjectId: text('registry_project_id').notNull(),
    completeness: text('completeness', { enum: ['full', 'partial'] }).notNull(),
    name: text('name'),
    proponent: text('proponent'),
    countryCode: text('country_code'),
    countryName: text('country_name'),
    subdivision: text('subdivision'),
    region: text('region'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    projectTypes: text('project_types').array().notNull().default(sql`'{}'::text[]`),
    /** Normalized category (one vocabulary across programs); filled by the category map. */
    category: text('category'),
    methodologies: jsonb('methodologies').$type<MethodologyJson[]>().notNull().default([]),
    status: text('status'),
    registrationDate: date('registration_date', { mode: 'string' }),
    creditingPeriodStart: date('crediting_period_start', { mode: 'string' }),
    creditingPeriodEnd: date('crediting_period_end', { mode: 'string' }),
    sdgs: smallint('sdgs').array().notNull().default(sql`'{}'::smallint[]`),
    additionalCertifications: text('additional_certifications').array().notNull().default(sql`'{}'::text[]`),
    estimatedAnnualCredits: numeric('estimated_annual_credits', { mode: 'number' }),
    parentRegistryProjectId: text('parent_registry_project_id'),
    crossReferences: jsonb('cross_references').$type<CrossReferenceJson[]>().notNull().default([]),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    /** sha256 of the normalized content: an upsert with the same hash changes nothing. */
    contentHash: text('content_hash').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when a complete sync of the program no longer lists the project; cleared if it returns. */
    vanishedAt: timestamp('vanished_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('projects_program_registry_id').on(t.programId, t.registryProjectId),
    index('projects_country').on(t.countryCode),
    index('projects_name_trgm').using('gin', sql`${t.name} gin_trgm_ops`),
    index('projects_proponent_trgm').using('gin', sql`${t.proponent} gin_trgm_ops`),
  ],
);

export const credits = pgTable(
  'credits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    naturalKey: text('natural_key').notNull(),
    projectId: bigint('project_id', { mode: 'number' })
      .notNull()
      .references(() => projects.id),
    kind: creditKind('kind').notNull(),
    kindAmbiguous: boolean('kind_ambiguous').notNull().default(false),
    quantity: numeric('quantity', { precision: 20, scale: 4, mode: 'number' }).notNull(),
    vintageYear: integer('vintage_year'),
    vintageStart: date('vintage_start', { mode: 'string' }),
    vintageEnd: date('vintage_end', { mode: 'string' }),
    transactionDate: date('transaction_date', { mode: 'string' }),
    issuanceDate: date('issuance_date', { mode: 'string' }),
    serialNumber: text('serial_number'),
    serialNamespace: text('serial_namespace'),
    serialFirst: bigint('serial_first', { mode: 'number' }),
    serialLast: bigint('serial_last', { mode: 'number' }),
    serialParts: jsonb('serial_parts').$type<Record<string, string | number | null>>(),
    countryCode: text('country_code'),
    beneficiary: text('beneficiary'),
    beneficiaryNormalized: text('beneficiary_normalized'),
    retirementReason: text('retirement_reason'),
    retirementNote: text('retirement_note'),
    useCase: text('use_case'),
    article6Authorization: text('article6_authorization'),
    labels: text('labels').array().notNull().default(sql`'{}'::text[]`),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    contentHash: text('content_hash').notNull(),
    /** The raw record this row was last normalized from. */
    rawRecordId: bigint('raw_record_id', { mode: 'number' }),
    /**
     * Set when a complete sync no longer has the record this credit came from (a registry
     * split or removed a block); cleared if it returns. Vanished rows are kept, not deleted,
     * and left out of queries and totals by default.
     */
    vanishedAt: timestamp('vanished_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('credits_program_natural_key').on(t.programId, t.naturalKey),
    index('credits_project').on(t.projectId, t.id),
    index('credits_program_vintage').on(t.programId, t.vintageYear, t.id),
    index('credits_kind').on(t.kind, t.id),
    index('credits_serial').on(t.serialNamespace, t.serialFirst),
  ],
);

export const syncRuns = pgTable(
  'sync_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    /** `http` for a registry poll, `files` for exports read from a folder (snapshot, --from-dir). */
    source: text('source', { enum: ['http', 'files'] }).notNull(),
    trigger: text('trigger').notNull(),
    status: syncStatus('status').notNull().default('running'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    fetched: integer('fetched').notNull().default(0),
    inserted: integer('inserted').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    /** Credits and projects this run found gone from the source (marked, not deleted). */
    vanished: integer('vanished').notNull().default(0),
    watermark: text('watermark'),
    failureType: text('failure_type'),
    error: text('error'),
  },
  (t) => [index('sync_runs_program_started').on(t.programId, t.startedAt)],
);

export const rawRecords = pgTable(
  'raw_records',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    sourceKind: text('source_kind').notNull(),
    naturalKey: text('natural_key').notNull(),
    /** sha256 of the payload: each distinct version of a record is kept once. */
    contentHash: text('content_hash').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    firstSeenRunId: bigint('first_seen_run_id', { mode: 'number' })
      .notNull()
      .references(() => syncRuns.id),
    lastSeenRunId: bigint('last_seen_run_id', { mode: 'number' })
      .notNull()
      .references(() => syncRuns.id),
    status: rawRecordStatus('status').notNull().default('pending'),
    /** The connector's normalizerVersion that last normalized this record. */
    normalizerVersion: integer('normalizer_version'),
    rejectionReason: text('rejection_reason'),
    rejectionDetail: text('rejection_detail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('raw_records_version').on(t.programId, t.sourceKind, t.naturalKey, t.contentHash),
    index('raw_records_last_seen').on(t.lastSeenRunId, t.id),
    index('raw_records_rejected').on(t.programId, t.status),
  ],
);

export const schema = { programs, projects, credits, syncRuns, rawRecords };
