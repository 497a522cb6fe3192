/**
 * The hub's tables (drizzle-orm, PostgreSQL). Migrations in drizzle/ are generated from
 * this file by drizzle-kit (`npm run db:generate`) and never edited by hand once released.
 * Shape and meaning: docs/ingest.md (raw records, runs), docs/ccp.md (labels), docs/matching.md (flags).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
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
    /** The target of credits' composite foreign key. */
    unique('projects_id_program').on(t.id, t.programId),
    index('projects_country').on(t.countryCode),
    index('projects_name_trgm').using('gin', sql`${t.name} gin_trgm_ops`),
    index('projects_proponent_trgm').using('gin', sql`${t.proponent} gin_trgm_ops`),
  ],
);

export const credits = pgTable(
  'credits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The project's program (checked with the project by one composite foreign key). */
    programId: text('program_id').notNull(),
    naturalKey: text('natural_key').notNull(),
    projectId: bigint('project_id', { mode: 'number' }).notNull(),
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
    // One check per row instead of two (project, then program): a foreign key check is a
    // trigger per row, about a third of an insert's cost on PGlite (docs/benchmarks.md).
    foreignKey({ name: 'credits_project_fk', columns: [t.projectId, t.programId], foreignColumns: [projects.id, projects.programId] }),
    uniqueIndex('credits_program_natural_key').on(t.programId, t.naturalKey),
    // Both also INCLUDE (vanished_at), from migration 0009 (drizzle's builder has no INCLUDE):
    // counts of live credits are then answered from the index alone.
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
  (t) => [
    index('sync_runs_program_started').on(t.programId, t.startedAt),
    /** The target of raw records' composite foreign key. */
    unique('sync_runs_id_program').on(t.id, t.programId),
  ],
);

/**
 * Every distinct version of every record a registry sent, verbatim (docs/ingest.md). A version
 * is current from the run that first stored it until the first complete run that no longer
 * saw it (`superseded_run_id`), so a re-sync that finds nothing new writes nothing here.
 */
export const rawRecords = pgTable(
  'raw_records',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The program of the run that first stored it (checked with the run by one composite foreign key). */
    programId: text('program_id').notNull(),
    sourceKind: text('source_kind').notNull(),
    naturalKey: text('natural_key').notNull(),
    /** sha256 of the payload: each distinct version of a record is kept once. */
    contentHash: text('content_hash').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    firstSeenRunId: bigint('first_seen_run_id', { mode: 'number' }).notNull(),
    /** The first complete run that no longer saw this version; null while it is current. */
    supersededRunId: bigint('superseded_run_id', { mode: 'number' }).references(() => syncRuns.id),
    status: rawRecordStatus('status').notNull().default('pending'),
    /** The connector's normalizerVersion that last normalized this record. */
    normalizerVersion: integer('normalizer_version'),
    rejectionReason: text('rejection_reason'),
    rejectionDetail: text('rejection_detail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'raw_records_first_seen_run_fk', columns: [t.firstSeenRunId, t.programId], foreignColumns: [syncRuns.id, syncRuns.programId] }),
    uniqueIndex('raw_records_version').on(t.programId, t.sourceKind, t.naturalKey, t.contentHash),
    index('raw_records_first_seen').on(t.firstSeenRunId, t.id),
    index('raw_records_rejected').on(t.programId, t.status),
  ],
);

/**
 * The versions a running sync saw again: ones an earlier run stored. (Versions the run stored
 * itself carry its id in `first_seen_run_id`.) Working state of one run, deleted when it ends;
 * no foreign keys, because a check per row would cost more than the row.
 */
export const rawRecordSightings = pgTable(
  'raw_record_sightings',
  {
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    rawRecordId: bigint('raw_record_id', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.rawRecordId] })],
);

// ---------------------------------------------------------------------------------------------
// ICVCM CCP labels (src/ccp, src/reference/ccp; docs/ccp.md)

/** What the hub derives for a credit: whether it may carry the ICVCM CCP-Approved label, or why not. */
export const ccpStatus = pgEnum('ccp_status', [
  'APPROVED',
  'APPROVED_CONDITIONAL',
  'NOT_APPROVED',
  'REMEDIAL_ACTION',
  'WITHDRAWN',
  'PENDING_ASSESSMENT',
  'PROGRAM_NOT_ELIGIBLE',
  'UNKNOWN_METHODOLOGY',
]);

/**
 * One loaded version of the ICVCM reference data (src/reference/ccp): the file's `asOf` plus
 * a hash of its content. Labels record the version they used; the active one is the version
 * with the latest `activatedAt`.
 */
export const ccpReferenceVersions = pgTable('ccp_reference_versions', {
  version: text('version').primaryKey(),
  asOf: date('as_of', { mode: 'string' }).notNull(),
  contentHash: text('content_hash').notNull(),
  /** Where the file came from (`shipped`, or the path given to `hub label --reference`). */
  origin: text('origin').notNull(),
  /** Date of the ICVCM assessment-status table the file was compiled from. */
  icvcmTableDate: date('icvcm_table_date', { mode: 'string' }),
  coverage: jsonb('coverage').$type<Record<string, unknown>>().notNull(),
  sources: jsonb('sources').$type<Record<string, string>>().notNull(),
  labelRules: jsonb('label_rules').$type<Record<string, unknown>>().notNull(),
  registryFields: jsonb('registry_fields').$type<unknown[]>().notNull(),
  attributes: jsonb('attributes').$type<unknown[]>().notNull(),
  /** The hub's map from registry spellings to ICVCM rows (src/reference/ccp/methodology-aliases.json). */
  aliases: jsonb('aliases').$type<Record<string, unknown>>().notNull(),
  loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull().defaultNow(),
  activatedAt: timestamp('activated_at', { withTimezone: true }),
});

/** Programs of a reference version: CCP eligibility with its date and scope. */
export const ccpPrograms = pgTable(
  'ccp_programs',
  {
    referenceVersion: text('reference_version')
      .notNull()
      .references(() => ccpReferenceVersions.version, { onDelete: 'cascade' }),
    /** The reference file's program id (`verra`, `puro-earth`…). */
    programId: text('program_id').notNull(),
    name: text('name').notNull(),
    /** `ccp-eligible`, `assessed-not-approved`, `not-a-ccp-program`. */
    status: text('status').notNull(),
    /** As published: `2024-04-05` (day) or `2025-06` (month). */
    decisionDate: text('decision_date'),
    datePrecision: text('date_precision'),
    /** First day the eligibility is known to hold (end of month for month-precision dates). */
    effectiveFrom: date('effective_from', { mode: 'string' }),
    scope: text('scope'),
    /** True when the scope limits eligibility to rule versions registry data does not show. */
    scopeLimited: boolean('scope_limited').notNull(),
    sources: text('sources').array().notNull().default(sql`'{}'::text[]`),
    notes: text('notes'),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.referenceVersion, t.programId] })],
);

/** One row of the ICVCM methodology table: a program's methodology and version range with its outcome. */
export const ccpDecisions = pgTable(
  'ccp_decisions',
  {
    referenceVersion: text('reference_version')
      .notNull()
      .references(() => ccpReferenceVersions.version, { onDelete: 'cascade' }),
    /** Deterministic: `<program>:<methodology slug>:<versions>`, e.g. `verra:acm0002:1.0-21.0`. */
    id: text('id').notNull(),
    programId: text('program_id').notNull(),
    category: text('category'),
    methodology: text('methodology').notNull(),
    methodologyId: text('methodology_id'),
    versions: text('versions').notNull(),
    versionFrom: text('version_from'),
    versionTo: text('version_to'),
    icvcmStatus: text('icvcm_status'),
    /** `approved`, `rejected`, `remedial-action`, `withdrawn`, `pending`. */
    outcome: text('outcome').notNull(),
    conditional: boolean('conditional'),
    conditionalBasis: text('conditional_basis'),
    conditions: text('conditions').array().notNull().default(sql`'{}'::text[]`),
    batch: text('batch'),
    decisionDate: text('decision_date'),
    datePrecision: text('date_precision'),
    effectiveFrom: date('effective_from', { mode: 'string' }),
    decisionDocument: text('decision_document'),
    boardObservations: text('board_observations'),
    boardMeetingRef: text('board_meeting_ref'),
    /** Id of the announcement group in the file's `decisions` list, when the row belongs to one. */
    groupId: text('group_id'),
    /** Announcements and documents the decision rests on (group, then batch sources). */
    sources: text('sources').array().notNull().default(sql`'{}'::text[]`),
    registryStrings: text('registry_strings').array().notNull().default(sql`'{}'::text[]`),
    notes: text('notes'),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.referenceVersion, t.id] }), index('ccp_decisions_program').on(t.referenceVersion, t.programId, t.outcome)],
);

/** One `hub label` run (or a run after a sync / reference change): what it wrote. */
export const ccpLabelRuns = pgTable('ccp_label_runs', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  referenceVersion: text('reference_version')
    .notNull()
    .references(() => ccpReferenceVersions.version),
  evaluationDate: date('evaluation_date', { mode: 'string' }).notNull(),
  /** Programs labelled (null: all). */
  programIds: text('program_ids').array(),
  trigger: text('trigger').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  inserted: integer('inserted').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  unchanged: integer('unchanged').notNull().default(0),
});

/**
 * The CCP label of every credit, materialized by a set-based run (src/ccp/label-engine.ts)
 * and rewritten only where it changed. `status` is indexed with the credit id so a status
 * filter over millions of credits walks the index in credit order.
 */
export const creditLabels = pgTable(
  'credit_labels',
  {
    creditId: bigint('credit_id', { mode: 'number' })
      .primaryKey()
      .references(() => credits.id, { onDelete: 'cascade' }),
    status: ccpStatus('status').notNull(),
    /** Human-readable sentences, in order: program, methodologies, credit-level findings. */
    reasons: text('reasons').array().notNull(),
    referenceVersion: text('reference_version')
      .notNull()
      .references(() => ccpReferenceVersions.version),
    /** The ICVCM decision (`ccp_decisions.id` in `referenceVersion`) the status rests on, when one does. */
    decisionId: text('decision_id'),
    /** The reference program id the eligibility was checked for (the CDM for CERs held in GS, etc.). */
    issuingProgramId: text('issuing_program_id').notNull(),
    /** The registry's own CCP flag on the units; null where the registry publishes none. */
    registryFlag: boolean('registry_flag'),
    /** Where the flag is read: `Additional Certifications = "ICVCM CCP"`… */
    registryFlagSource: text('registry_flag_source'),
    agreesWithRegistry: boolean('agrees_with_registry'),
    /** The CCP attributes as the registry publishes them (authorization, adaptation, SDGs). */
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull(),
    /** The date the rules were evaluated at when this label was last written. */
    evaluationDate: date('evaluation_date', { mode: 'string' }).notNull(),
    labelRunId: bigint('label_run_id', { mode: 'number' }).references(() => ccpLabelRuns.id),
    ...timestamps,
  },
  (t) => [index('credit_labels_status').on(t.status, t.creditId)],
);

// ---- Double counting: flags, their entities, reviews and API keys (issue 5) ----

export const flagStatus = pgEnum('flag_status', ['open', 'confirmed', 'dismissed', 'resolved']);
export const apiKeyRole = pgEnum('api_key_role', ['reviewer', 'admin']);

/**
 * One finding of a detector. The id is deterministic (kind + the entities involved), so a
 * rerun updates the same row: evidence, score and last detection move; a reviewer's status
 * (confirmed, dismissed) is never overwritten by a detector.
 */
export const flags = pgTable(
  'flags',
  {
    id: text('id').primaryKey(),
    /** What was found, e.g. `cross_program_double_issuance`, `serial_overlap`, `over_retirement`. */
    kind: text('kind').notNull(),
    /** Which detector found it (one module per detector) and its version. */
    detector: text('detector').notNull(),
    detectorVersion: integer('detector_version').notNull(),
    severity: text('severity', { enum: ['info', 'low', 'medium', 'high', 'critical'] }).notNull(),
    /** Detector-specific strength of the finding (e.g. a match weight), higher is stronger. */
    score: doublePrecision('score').notNull(),
    status: flagStatus('status').notNull().default('open'),
    title: text('title').notNull(),
    /** tCO2e at risk of being counted twice. */
    quantityAtRisk: numeric('quantity_at_risk', { precision: 20, scale: 4, mode: 'number' }).notNull().default(0),
    programIds: text('program_ids').array().notNull().default(sql`'{}'::text[]`),
    /** Every feature compared, with its values, comparison level and weight; ids and where they were found. */
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull(),
    contentHash: text('content_hash').notNull(),
    firstDetectedAt: timestamp('first_detected_at', { withTimezone: true }).notNull().defaultNow(),
    lastDetectedAt: timestamp('last_detected_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set when a run no longer finds it (status `resolved` unless a reviewer decided); cleared if found again. */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index('flags_kind_status').on(t.kind, t.status),
    index('flags_severity').on(t.severity),
    // The API's flag orderings (src/api/flags/flag.queries.ts `flagOrdering`), expression for
    // expression, so a page reads its rows off the index instead of sorting every flag; scanned
    // backwards for the descending orders. The quantity one also serves `minQuantityAtRisk`.
    index('flags_severity_order').on(
      sql`(case ${t.severity} when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 else 1 end)`,
      sql`(${t.quantityAtRisk}::float8)`,
      t.id,
    ),
    index('flags_quantity_order').on(sql`(${t.quantityAtRisk}::float8)`, t.id),
    index('flags_programs').using('gin', t.programIds),
  ],
);

/** Projects a flag involves, with their role in it (e.g. `left`, `right`, `issuer`). */
export const flagProjects = pgTable(
  'flag_projects',
  {
    flagId: text('flag_id').notNull().references(() => flags.id, { onDelete: 'cascade' }),
    projectId: bigint('project_id', { mode: 'number' }).notNull().references(() => projects.id),
    role: text('role').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagId, t.projectId, t.role] }), index('flag_projects_project').on(t.projectId)],
);

/** Credit transactions a flag involves, with their role in it. */
export const flagCredits = pgTable(
  'flag_credits',
  {
    flagId: text('flag_id').notNull().references(() => flags.id, { onDelete: 'cascade' }),
    creditId: bigint('credit_id', { mode: 'number' }).notNull().references(() => credits.id),
    role: text('role').notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagId, t.creditId, t.role] }), index('flag_credits_credit').on(t.creditId)],
);

/** API keys for writes (reviews); only a salted hash of the secret is stored. */
export const apiKeys = pgTable('api_keys', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  name: text('name').notNull().unique(),
  role: apiKeyRole('role').notNull(),
  /** First characters of the key, to find its row without scanning hashes. */
  keyPrefix: text('key_prefix').notNull().unique(),
  salt: text('salt').notNull(),
  keyHash: text('key_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** Append-only audit trail of reviews: a trigger refuses UPDATE and DELETE (see the migration). */
export const flagReviews = pgTable(
  'flag_reviews',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    flagId: text('flag_id').notNull().references(() => flags.id),
    apiKeyId: bigint('api_key_id', { mode: 'number' }).notNull().references(() => apiKeys.id),
    /** The key's name at review time. */
    reviewer: text('reviewer').notNull(),
    fromStatus: flagStatus('from_status').notNull(),
    toStatus: flagStatus('to_status').notNull(),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('flag_reviews_flag').on(t.flagId, t.id)],
);

export const schema = {
  programs,
  projects,
  credits,
  syncRuns,
  rawRecords,
  ccpReferenceVersions,
  ccpPrograms,
  ccpDecisions,
  ccpLabelRuns,
  creditLabels,
  flags,
  flagProjects,
  flagCredits,
  apiKeys,
  flagReviews,
};
