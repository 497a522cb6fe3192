import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { CcpStatus } from '../ccp/ccp-status.enum.ts';
import { decodeGlobalIdOf } from '../common/global-id.ts';
import { ConnectionArgs } from '../common/pagination.args.ts';
import { CountryCode, LocalDate } from '../common/scalars.ts';
import type { CreditFilter } from './credit.queries.ts';
import { CreditKind } from './credit.type.ts';

export enum CreditOrder {
  ID_ASC = 'ID_ASC',
  TRANSACTION_DATE_DESC = 'TRANSACTION_DATE_DESC',
  VINTAGE_ASC = 'VINTAGE_ASC',
}

registerEnumType(CreditOrder, {
  name: 'CreditOrder',
  description: 'Order of a credit connection.',
  valuesConfig: {
    ID_ASC: { description: 'Oldest in the hub first (stable; the default).' },
    TRANSACTION_DATE_DESC: { description: 'Most recent transaction first; undated transactions last.' },
    VINTAGE_ASC: { description: 'Oldest vintage first; transactions without a vintage last.' },
  },
});

@InputType({ description: "Narrows a project's credit transactions. Fields combine with AND; a list matches any of its values." })
export class ProjectCreditsFilter {
  @Field(() => Int, { nullable: true, description: 'Vintage year from (inclusive).' })
  vintageFrom?: number | null;

  @Field(() => Int, { nullable: true, description: 'Vintage year to (inclusive).' })
  vintageTo?: number | null;

  @Field(() => [CreditKind], { nullable: true })
  kind?: CreditKind[] | null;

  @Field(() => LocalDate, { nullable: true, description: 'Transaction date from (inclusive).' })
  transactionDateFrom?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Transaction date to (inclusive).' })
  transactionDateTo?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Also transactions whose registry record is gone (a block split or removed since); they are left out, and out of totals, by default.',
  })
  includeVanished?: boolean | null;

  @Field(() => [CcpStatus], { nullable: true, description: 'CCP label statuses (see `Credit.ccpLabel`); credits not labelled yet match none.' })
  ccpStatus?: CcpStatus[] | null;
}

@InputType({ description: 'Narrows credit transactions. Fields combine with AND; a list matches any of its values.' })
export class CreditsFilter extends ProjectCreditsFilter {
  @Field(() => [String], { nullable: true, description: 'Program codes, e.g. `["verra"]`. Unknown codes match nothing.' })
  program?: string[] | null;

  @Field(() => [CountryCode], { nullable: true, description: "ISO 3166-1 alpha-2 codes of the credit's project." })
  country?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only the transactions of this project (its global id).' })
  projectId?: string | null;
}

@ArgsType()
export class CreditsArgs extends ConnectionArgs {
  @Field(() => CreditsFilter, { nullable: true })
  filter?: CreditsFilter | null;

  @Field(() => CreditOrder, { nullable: true, defaultValue: CreditOrder.ID_ASC })
  orderBy?: CreditOrder | null;
}

@ArgsType()
export class ProjectCreditsArgs extends ConnectionArgs {
  @Field(() => ProjectCreditsFilter, { nullable: true })
  filter?: ProjectCreditsFilter | null;

  @Field(() => CreditOrder, { nullable: true, defaultValue: CreditOrder.ID_ASC })
  orderBy?: CreditOrder | null;
}

/** The query-module filter for GraphQL filter input; BAD_USER_INPUT on a bad project id. */
export function toCreditFilter(filter: (ProjectCreditsFilter & Partial<CreditsFilter>) | null | undefined): CreditFilter {
  if (!filter) return {};
  return {
    programIds: filter.program ?? null,
    projectCountryCodes: filter.country ?? null,
    projectIds: filter.projectId == null ? null : [decodeGlobalIdOf('Project', filter.projectId)],
    vintageFrom: filter.vintageFrom ?? null,
    vintageTo: filter.vintageTo ?? null,
    includeVanished: filter.includeVanished ?? false,
    kinds: filter.kind ?? null,
    transactionDateFrom: filter.transactionDateFrom ?? null,
    transactionDateTo: filter.transactionDateTo ?? null,
    ccpStatuses: filter.ccpStatus ?? null,
  };
}
