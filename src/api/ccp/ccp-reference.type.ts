import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../common/connection.type.ts';
import { DateTime, LocalDate } from '../common/scalars.ts';
import type { CcpDecisionRow, CcpProgramRow, CcpReferenceRow } from './ccp.queries.ts';

export enum CcpOutcome {
  APPROVED = 'approved',
  REJECTED = 'rejected',
  REMEDIAL_ACTION = 'remedial-action',
  WITHDRAWN = 'withdrawn',
  PENDING = 'pending',
}

registerEnumType(CcpOutcome, {
  name: 'CcpOutcome',
  description: 'ICVCM outcome of a methodology row of the assessment-status table.',
  valuesConfig: {
    APPROVED: { description: 'CCP-Approved (possibly with conditions).' },
    REJECTED: { description: "'Does not meet' (a Board decision with a report) or 'Very Unlikely To Meet' (a triage outcome)." },
    REMEDIAL_ACTION: { description: 'The program must fix the methodology before it can be approved.' },
    WITHDRAWN: { description: 'The program withdrew the methodology from assessment.' },
    PENDING: { description: 'Still under assessment.' },
  },
});

export enum DatePrecision {
  DAY = 'day',
  MONTH = 'month',
}

registerEnumType(DatePrecision, { name: 'DatePrecision', description: 'How precisely a decision date is known.' });

@ObjectType({ description: 'One row of the ICVCM methodology table: a methodology and version range as submitted by one program, and its outcome.' })
export class CcpDecision {
  @Field(() => String, { description: 'Stable within a reference version: `<program>:<methodology>:<versions>`, e.g. `verra:acm0002:1.0-21.0`.' })
  id!: string;

  @Field(() => String, { description: 'Reference data version the row belongs to.' })
  referenceVersion!: string;

  @Field(() => String, { description: 'The submitting program, as the reference data names it (e.g. `verra`, `puro-earth`).' })
  programCode!: string;

  @Field(() => String, { nullable: true })
  category!: string | null;

  @Field(() => String, { description: 'Methodology as the ICVCM table names it.' })
  methodology!: string;

  @Field(() => String, { nullable: true, description: 'Code when it has one (`ACM0002`, `VM0042`).' })
  methodologyId!: string | null;

  @Field(() => String, { description: 'Version range as the table writes it, e.g. `1.0-21.0`.' })
  versions!: string;

  @Field(() => CcpOutcome)
  outcome!: CcpOutcome;

  @Field(() => String, { nullable: true, description: "Status as shown on the ICVCM table ('CCP-Approved', 'Does not meet'…); null while under assessment." })
  icvcmStatus!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True when the approval carries label conditions, false when explicitly none, null when unknown.' })
  conditional!: boolean | null;

  @Field(() => [String], { description: 'Conditions of the approval, summarised.' })
  conditions!: string[];

  @Field(() => String, { nullable: true, description: 'Decision date as published: a day (`2024-08-06`) or a month (`2025-06`).' })
  date!: string | null;

  @Field(() => DatePrecision, { nullable: true })
  datePrecision!: DatePrecision | null;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'First day the decision is known to hold: the day, the last day of a month-precision date, or the table date for undated statuses.',
  })
  effectiveFrom!: string | null;

  @Field(() => String, { nullable: true, description: 'Announcement batch, e.g. `B2024-08`.' })
  batch!: string | null;

  @Field(() => String, { nullable: true, description: 'The ICVCM decision document (PDF), when there is one.' })
  document!: string | null;

  @Field(() => String, { nullable: true, description: 'Where the decision is documented: the decision document, else the first announcement.' })
  source!: string | null;

  @Field(() => [String], { description: 'Announcements the decision and its date rest on.' })
  sources!: string[];

  @Field(() => String, { nullable: true })
  boardObservations!: string | null;

  @Field(() => String, { nullable: true })
  notes!: string | null;
}

@ObjectType({ description: 'A page of ICVCM decisions.' })
export class CcpDecisionConnection extends Connection(CcpDecision, 'CcpDecision') {}

@ObjectType({ description: 'A crediting program as the ICVCM reference data lists it: whether and since when it is CCP-Eligible.' })
export class CcpProgram {
  @Field(() => String, { description: 'Program id in the reference data (`verra`, `gold-standard`, `puro-earth`…).' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: '`ccp-eligible`, `assessed-not-approved` or `not-a-ccp-program` in the shipped data.' })
  status!: string;

  @Field(() => Boolean, { description: 'True for CCP-Eligible programs.' })
  eligible!: boolean;

  @Field(() => String, { nullable: true, description: 'Eligibility decision date as published (day or month).' })
  decisionDate!: string | null;

  @Field(() => DatePrecision, { nullable: true })
  datePrecision!: DatePrecision | null;

  @Field(() => LocalDate, { nullable: true, description: 'First day the eligibility is known to hold.' })
  eligibleFrom!: string | null;

  @Field(() => String, { nullable: true, description: 'Scope of the eligibility, e.g. the rule versions it applies to.' })
  scope!: string | null;

  @Field(() => Boolean, { description: 'True when eligibility is limited to rules registry data does not show (credits are then at most APPROVED_CONDITIONAL).' })
  scopeLimited!: boolean;

  @Field(() => [String])
  sources!: string[];

  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field(() => String)
  referenceVersion!: string;
}

@ObjectType({ description: 'A loaded version of the ICVCM reference data.' })
export class CcpReference {
  @Field(() => String, { description: '`<asOf>+<content hash>`, recorded on every label.' })
  version!: string;

  @Field(() => LocalDate, { description: 'When the reference data was compiled.' })
  asOf!: string;

  @Field(() => LocalDate, { nullable: true, description: 'Date of the ICVCM assessment-status table it was compiled from.' })
  icvcmTableDate!: string | null;

  @Field(() => String, { description: '`shipped`, or the file given to `hub label --reference`.' })
  origin!: string;

  @Field(() => DateTime)
  loadedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it became the active version (null if it never did).' })
  activatedAt!: Date | null;

  @Field(() => [String], { description: 'Every source the reference data cites.' })
  sources!: string[];
}

export function toCcpDecision(row: CcpDecisionRow): CcpDecision {
  return Object.assign(new CcpDecision(), {
    id: row.id,
    referenceVersion: row.referenceVersion,
    programCode: row.programId,
    category: row.category,
    methodology: row.methodology,
    methodologyId: row.methodologyId,
    versions: row.versions,
    outcome: row.outcome as CcpOutcome,
    icvcmStatus: row.icvcmStatus,
    conditional: row.conditional,
    conditions: row.conditions,
    date: row.decisionDate,
    datePrecision: precision(row.datePrecision),
    effectiveFrom: row.effectiveFrom,
    batch: row.batch,
    document: row.decisionDocument,
    source: row.decisionDocument ?? row.sources[0] ?? null,
    sources: row.sources,
    boardObservations: row.boardObservations,
    notes: row.notes,
  });
}

export function toCcpProgram(row: CcpProgramRow): CcpProgram {
  return Object.assign(new CcpProgram(), {
    code: row.programId,
    name: row.name,
    status: row.status,
    eligible: row.status === 'ccp-eligible',
    decisionDate: row.decisionDate,
    datePrecision: precision(row.datePrecision),
    eligibleFrom: row.effectiveFrom,
    scope: row.scope,
    scopeLimited: row.scopeLimited,
    sources: row.sources,
    notes: row.notes,
    referenceVersion: row.referenceVersion,
  });
}

export function toCcpReference(row: CcpReferenceRow): CcpReference {
  return Object.assign(new CcpReference(), {
    version: row.version,
    asOf: row.asOf,
    icvcmTableDate: row.icvcmTableDate,
    origin: row.origin,
    loadedAt: row.loadedAt,
    activatedAt: row.activatedAt,
    sources: Object.values(row.sources),
  });
}

function precision(value: string | null): DatePrecision | null {
  return value === 'day' ? DatePrecision.DAY : value === 'month' ? DatePrecision.MONTH : null;
}
