import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime, LocalDate, NonNegativeInt } from '../common/scalars.ts';
import { CreditKind } from '../credits/credit.type.ts';
import { CcpStatus } from './ccp-status.enum.ts';
import type { CcpQuantityRow, CreditLabelDetailRow, CreditLabelSummaryRow, ProjectCcpRow } from './ccp.queries.ts';

@ObjectType({ description: 'CCP attribute 1: host-country authorization under Article 6, as the registry publishes it.' })
export class CcpAuthorization {
  @Field(() => Boolean, {
    nullable: true,
    description: 'True when the registry publishes an authorization, false when it publishes that there is none, null when it publishes nothing.',
  })
  authorized!: boolean | null;

  @Field(() => String, { nullable: true, description: 'The value as published, e.g. `Article 6 Authorized – NDC Use`, `Not Applicable`.' })
  published!: string | null;

  @Field(() => String, { nullable: true, description: 'The registry field it is read from.' })
  field!: string | null;

  @Field(() => String, { nullable: true, description: '`Corresponding Adjustment` as published (CAR), when the registry has the field.' })
  correspondingAdjustment!: string | null;
}

@ObjectType({ description: 'CCP attribute 2: a share of proceeds for adaptation. No registry publishes it (ccp.md §4), so both fields are null.' })
export class CcpAdaptation {
  @Field(() => Boolean, { nullable: true })
  shareOfProceeds!: boolean | null;

  @Field(() => String, { nullable: true })
  published!: string | null;
}

@ObjectType({ description: 'CCP attribute 3: sustainable-development impacts. Listing a goal is not evidence that the impact is quantified.' })
export class CcpSdgImpacts {
  @Field(() => [Int], { description: 'UN SDGs (1–17) the registry lists for the units or their project.' })
  goals!: number[];

  @Field(() => [String], { description: 'SD certifications the registry lists (CCB, SD VISta, SOCIALCARBON, W+).' })
  certifications!: string[];

  @Field(() => Boolean, { nullable: true, description: 'Whether the impacts are quantified: no registry publishes this, so null.' })
  quantified!: boolean | null;
}

@ObjectType({ description: 'The CCP attributes of a credit, as published by the registry (never inferred).' })
export class CcpAttributes {
  @Field(() => CcpAuthorization)
  authorization!: CcpAuthorization;

  @Field(() => CcpAdaptation)
  adaptation!: CcpAdaptation;

  @Field(() => CcpSdgImpacts)
  sdgImpacts!: CcpSdgImpacts;
}

@ObjectType({ description: "The registry's own CCP flag on the units." })
export class CcpRegistryFlag {
  @Field(() => Boolean, { description: 'True when the registry marks the units as CCP-labelled.' })
  flagged!: boolean;

  @Field(() => String, { description: 'The registry field the flag is read from (`Additional Certifications`, `Label`, `CCP Approved`).' })
  field!: string;
}

@ObjectType({ description: 'Whether a credit may carry the ICVCM CCP-Approved label, why, and what the registry itself says.' })
export class CcpLabel {
  /** Keys for the details, decision and program loaders (not exposed). */
  creditId!: number;
  decisionId!: string | null;
  issuingProgramId!: string;

  @Field(() => CcpStatus)
  status!: CcpStatus;

  /** Resolved by CcpLabelResolver from `labelDetails`, only when asked for. */
  @Field(() => [String], { description: 'Human-readable sentences: the program, each methodology and its decision, credit-level findings.' })
  reasons!: string[];

  /** Resolved by CcpLabelResolver from `labelDetails`, only when asked for. */
  @Field(() => CcpAttributes)
  attributes!: CcpAttributes;

  @Field(() => CcpRegistryFlag, { nullable: true, description: 'Null where the registry publishes no CCP flag for these units.' })
  registryFlag!: CcpRegistryFlag | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Whether `status` is APPROVED exactly when the registry flags the units; null where the registry publishes no flag.',
  })
  agreesWithRegistry!: boolean | null;

  @Field(() => String, { description: 'The reference data version the label was computed with.' })
  referenceVersion!: string;

  @Field(() => LocalDate, { description: 'The date the rules were evaluated at when the label was last written.' })
  evaluationDate!: string;

  @Field(() => DateTime, { description: 'When the label was last written (a relabel that changes nothing writes nothing).' })
  labelledAt!: Date;
}

@ObjectType({ description: 'Quantities (tCO2e) of one CCP status, by transaction kind.' })
export class CcpStatusQuantities {
  @Field(() => CcpStatus)
  status!: CcpStatus;

  @Field(() => Float)
  issued!: number;

  @Field(() => Float)
  retired!: number;

  @Field(() => Float)
  cancelled!: number;

  @Field(() => NonNegativeInt, { description: 'Transactions counted.' })
  transactions!: number;
}

@ObjectType({ description: "A project's credits of one vintage, by CCP status." })
export class CcpVintageSummary {
  @Field(() => Int, { nullable: true, description: 'Null for credits without a vintage.' })
  vintageYear!: number | null;

  @Field(() => [CcpStatusQuantities])
  byStatus!: CcpStatusQuantities[];
}

@ObjectType({ description: "A project's CCP labels, summarised per vintage (credits of one project can differ: registry flags, ex-ante units…)." })
export class ProjectCcpLabel {
  @Field(() => [CcpStatus], { description: "The statuses of the project's credits, in the order of the CcpStatus enum." })
  statuses!: CcpStatus[];

  @Field(() => [CcpVintageSummary], { description: 'Oldest vintage first; credits without a vintage last.' })
  vintages!: CcpVintageSummary[];
}

export enum CcpQuantityGroup {
  PROGRAM = 'PROGRAM',
  VINTAGE = 'VINTAGE',
  KIND = 'KIND',
}

registerEnumType(CcpQuantityGroup, {
  name: 'CcpQuantityGroup',
  description: 'What `ccpQuantities` groups by, besides the CCP status.',
});

@ObjectType({ description: 'Quantity (tCO2e) of credit transactions with one CCP status (and program, vintage, kind when grouped by them).' })
export class CcpQuantity {
  /** Program code for the `program` relation (not exposed). */
  programId!: string | null;

  @Field(() => CcpStatus)
  status!: CcpStatus;

  @Field(() => Int, { nullable: true, description: 'Set when grouped by VINTAGE (null there for credits without a vintage).' })
  vintageYear!: number | null;

  @Field(() => CreditKind, { nullable: true, description: 'Set when grouped by KIND.' })
  kind!: CreditKind | null;

  @Field(() => Float)
  quantity!: number;

  @Field(() => NonNegativeInt)
  transactions!: number;
}

export function toCcpLabel(row: CreditLabelSummaryRow): CcpLabel {
  return Object.assign(new CcpLabel(), {
    creditId: row.creditId,
    decisionId: row.decisionId,
    issuingProgramId: row.issuingProgramId,
    status: row.status as CcpStatus,
    registryFlag:
      row.registryFlag === null ? null : Object.assign(new CcpRegistryFlag(), { flagged: row.registryFlag, field: row.registryFlagSource ?? '' }),
    agreesWithRegistry: row.agreesWithRegistry,
    referenceVersion: row.referenceVersion,
    evaluationDate: row.evaluationDate,
    labelledAt: row.updatedAt,
  });
}

/** A label's stored attributes (`credit_labels.attributes`) as the API's CcpAttributes. */
export function toCcpAttributes(stored: CreditLabelDetailRow['attributes']): CcpAttributes {
  const attributes = stored as {
    authorization?: Partial<CcpAuthorization>;
    adaptation?: Partial<CcpAdaptation>;
    sdgImpacts?: { goals?: number[]; certifications?: string[]; quantified?: boolean | null };
  };
  return Object.assign(new CcpAttributes(), {
    authorization: Object.assign(new CcpAuthorization(), {
      authorized: attributes.authorization?.authorized ?? null,
      published: attributes.authorization?.published ?? null,
      field: attributes.authorization?.field ?? null,
      correspondingAdjustment: attributes.authorization?.correspondingAdjustment ?? null,
    }),
    adaptation: Object.assign(new CcpAdaptation(), {
      shareOfProceeds: attributes.adaptation?.shareOfProceeds ?? null,
      published: attributes.adaptation?.published ?? null,
    }),
    sdgImpacts: Object.assign(new CcpSdgImpacts(), {
      goals: attributes.sdgImpacts?.goals ?? [],
      certifications: attributes.sdgImpacts?.certifications ?? [],
      quantified: attributes.sdgImpacts?.quantified ?? null,
    }),
  });
}

const statusOrder = Object.values(CcpStatus);

export function toProjectCcpLabel(rows: readonly ProjectCcpRow[]): ProjectCcpLabel {
  const byVintage = new Map<number | null, Map<CcpStatus, CcpStatusQuantities>>();
  for (const row of rows) {
    const statuses = byVintage.get(row.vintageYear) ?? new Map<CcpStatus, CcpStatusQuantities>();
    byVintage.set(row.vintageYear, statuses);
    const status = row.status as CcpStatus;
    const entry =
      statuses.get(status) ?? Object.assign(new CcpStatusQuantities(), { status, issued: 0, retired: 0, cancelled: 0, transactions: 0 });
    statuses.set(status, entry);
    if (row.kind === 'issuance') entry.issued += row.quantity;
    else if (row.kind === 'retirement') entry.retired += row.quantity;
    else entry.cancelled += row.quantity;
    entry.transactions += row.transactions;
  }
  const vintages = [...byVintage.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a - b))
    .map(([vintageYear, statuses]) =>
      Object.assign(new CcpVintageSummary(), {
        vintageYear,
        byStatus: [...statuses.values()].sort((a, b) => statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status)),
      }),
    );
  const statuses = [...new Set(rows.map((row) => row.status as CcpStatus))].sort((a, b) => statusOrder.indexOf(a) - statusOrder.indexOf(b));
  return Object.assign(new ProjectCcpLabel(), { statuses, vintages });
}

export function toCcpQuantity(row: CcpQuantityRow): CcpQuantity {
  return Object.assign(new CcpQuantity(), {
    programId: row.programId,
    status: row.status as CcpStatus,
    vintageYear: row.vintageYear,
    kind: row.kind === null ? null : (row.kind as CreditKind),
    quantity: row.quantity,
    transactions: row.transactions,
  });
}
