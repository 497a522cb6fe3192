import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../common/connection.type.ts';
import { toGlobalId } from '../common/global-id.ts';
import { Node } from '../common/node.interface.ts';
import { CountryCode, DateTime, LocalDate, SafeInt } from '../common/scalars.ts';
import type { CreditRead, CreditTotals as CreditTotalsRow } from './credit.queries.ts';

export enum CreditKind {
  ISSUANCE = 'issuance',
  RETIREMENT = 'retirement',
  CANCELLATION = 'cancellation',
}

registerEnumType(CreditKind, {
  name: 'CreditKind',
  description: 'What a credit transaction is.',
  valuesConfig: {
    ISSUANCE: { description: 'Credits issued to a project.' },
    RETIREMENT: { description: 'Credits retired (used) against a claim.' },
    CANCELLATION: { description: 'Credits cancelled without a claim (e.g. buffer, corrections, transfers out).' },
  },
});

@ObjectType({ description: 'A block of serial numbers: units `firstUnit..lastUnit` (inclusive) inside `namespace`.' })
export class SerialBlock {
  @Field(() => String, { description: 'The space in which unit numbers are unique, e.g. `VCS-VCU`.' })
  namespace!: string;

  @Field(() => SafeInt)
  firstUnit!: number;

  @Field(() => SafeInt)
  lastUnit!: number;
}

@ObjectType({ description: 'Quantities (tCO2e) of a project’s credit transactions by kind, as the registry reports them.' })
export class CreditTotals {
  @Field(() => Float)
  issued!: number;

  @Field(() => Float)
  retired!: number;

  @Field(() => Float)
  cancelled!: number;
}

@ObjectType({ implements: Node, description: 'One credit transaction (issuance, retirement or cancellation) as the registry reports it.' })
export class Credit implements Node {
  @Field(() => ID)
  id!: string;

  /** Database ids (not exposed: relations are objects). */
  dbId!: number;
  programId!: string;
  projectId!: number;

  @Field(() => String, { description: 'Deterministic key of the transaction within its program (re-syncs update it in place).' })
  naturalKey!: string;

  @Field(() => CreditKind)
  kind!: CreditKind;

  @Field(() => Boolean, {
    description: 'True where the registry does not tell retirement from cancellation (the row is kept as a retirement).',
  })
  kindAmbiguous!: boolean;

  @Field(() => Float, { description: 'Number of credits (tCO2e).' })
  quantity!: number;

  @Field(() => Int, { nullable: true })
  vintageYear!: number | null;

  @Field(() => LocalDate, { nullable: true, description: 'Start of the monitoring period.' })
  vintageStart!: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'End of the monitoring period.' })
  vintageEnd!: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Date of this transaction (issuance, retirement or cancellation date).' })
  transactionDate!: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'For retirements and cancellations, when the units were issued, if published.' })
  issuanceDate!: string | null;

  @Field(() => String, { nullable: true, description: 'Serial number as published.' })
  serialNumber!: string | null;

  @Field(() => SerialBlock, { nullable: true, description: 'The serial number parsed into a unit range, when its format allows.' })
  serialBlock!: SerialBlock | null;

  @Field(() => CountryCode, { nullable: true, description: 'Country of the units when the serial or record states it.' })
  countryCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Retirement beneficiary as published.' })
  beneficiary!: string | null;

  @Field(() => String, { nullable: true })
  retirementReason!: string | null;

  @Field(() => String, { nullable: true })
  retirementNote!: string | null;

  @Field(() => String, { nullable: true, description: 'Voluntary, CORSIA, a named tax or ETS, as published.' })
  useCase!: string | null;

  @Field(() => String, { nullable: true, description: 'Article 6 authorization as published by the registry.' })
  article6Authorization!: string | null;

  @Field(() => [String], { description: 'Labels the registry itself reports on the units (CCB, CORSIA, ICVCM CCP…).' })
  labels!: string[];

  @Field(() => DateTime, {
    nullable: true,
    description: 'When a complete sync no longer found the registry record of this transaction (e.g. a block split since); null while current.',
  })
  vanishedAt!: Date | null;
}

@ObjectType({ description: 'A page of credit transactions.' })
export class CreditConnection extends Connection(Credit, 'Credit') {}

/**
 * A credit from its row. A page may have read only the columns its response selects
 * (src/api/common/selection.ts): the fields of the others are then left undefined, and no
 * response reads them.
 */
export function toCredit(row: CreditRead): Credit {
  const serialBlock =
    row.serialNamespace != null && row.serialFirst != null && row.serialLast != null
      ? Object.assign(new SerialBlock(), { namespace: row.serialNamespace, firstUnit: row.serialFirst, lastUnit: row.serialLast })
      : null;
  return Object.assign(new Credit(), {
    id: toGlobalId('Credit', row.id),
    dbId: row.id,
    programId: row.programId,
    projectId: row.projectId,
    naturalKey: row.naturalKey,
    kind: row.kind as CreditKind,
    kindAmbiguous: row.kindAmbiguous,
    quantity: row.quantity,
    vintageYear: row.vintageYear,
    vintageStart: row.vintageStart,
    vintageEnd: row.vintageEnd,
    transactionDate: row.transactionDate,
    issuanceDate: row.issuanceDate,
    serialNumber: row.serialNumber,
    serialBlock,
    countryCode: row.countryCode,
    beneficiary: row.beneficiary,
    retirementReason: row.retirementReason,
    retirementNote: row.retirementNote,
    useCase: row.useCase,
    article6Authorization: row.article6Authorization,
    labels: row.labels,
    vanishedAt: row.vanishedAt,
  });
}

export function toCreditTotals(totals: CreditTotalsRow): CreditTotals {
  return Object.assign(new CreditTotals(), totals);
}
