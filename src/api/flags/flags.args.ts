import { ArgsType, Field, Float, ID, InputType, registerEnumType } from 'type-graphql';
import { decodeGlobalIdOf } from '../common/global-id.ts';
import { ConnectionArgs } from '../common/pagination.args.ts';
import { FlagKind, FlagSeverity, FlagStatus } from './flag.enums.ts';
import type { FlagFilter, FlagOrderName } from './flag.queries.ts';

export enum FlagOrder {
  SEVERITY_DESC = 'SEVERITY_DESC',
  QUANTITY_AT_RISK_DESC = 'QUANTITY_AT_RISK_DESC',
  SCORE_DESC = 'SCORE_DESC',
  LAST_DETECTED_DESC = 'LAST_DETECTED_DESC',
  FIRST_DETECTED_DESC = 'FIRST_DETECTED_DESC',
}

registerEnumType(FlagOrder, {
  name: 'FlagOrder',
  description: 'Order of a flag connection.',
  valuesConfig: {
    SEVERITY_DESC: { description: 'Most severe first, then most tCO2e at risk (the default: a review queue).' },
    QUANTITY_AT_RISK_DESC: { description: 'Most tCO2e at risk first.' },
    SCORE_DESC: { description: "Strongest finding first (the detector's score)." },
    LAST_DETECTED_DESC: { description: 'Most recently found (or changed) first.' },
    FIRST_DETECTED_DESC: { description: 'Newest findings first.' },
  },
});

@InputType({ description: "Narrows a project's or a credit's flags. Fields combine with AND; a list matches any of its values." })
export class RelatedFlagsFilter {
  @Field(() => [FlagKind], { nullable: true })
  kind?: FlagKind[] | null;

  @Field(() => [FlagStatus], { nullable: true })
  status?: FlagStatus[] | null;

  @Field(() => [FlagSeverity], { nullable: true })
  severity?: FlagSeverity[] | null;

  @Field(() => Float, { nullable: true, description: 'At least this many tCO2e at risk.' })
  minQuantityAtRisk?: number | null;
}

@InputType({ description: 'Narrows flags. Fields combine with AND; a list matches any of its values.' })
export class FlagsFilter extends RelatedFlagsFilter {
  @Field(() => [String], {
    nullable: true,
    description: 'Program codes, e.g. `["verra"]`: flags involving a project of any of them. Unknown codes match nothing.',
  })
  program?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only the flags involving this project (its global id).' })
  projectId?: string | null;
}

@ArgsType()
export class FlagsArgs extends ConnectionArgs {
  @Field(() => FlagsFilter, { nullable: true })
  filter?: FlagsFilter | null;

  @Field(() => FlagOrder, { nullable: true, defaultValue: FlagOrder.SEVERITY_DESC })
  orderBy?: FlagOrder | null;
}

@ArgsType()
export class RelatedFlagsArgs extends ConnectionArgs {
  @Field(() => RelatedFlagsFilter, { nullable: true })
  filter?: RelatedFlagsFilter | null;

  @Field(() => FlagOrder, { nullable: true, defaultValue: FlagOrder.SEVERITY_DESC })
  orderBy?: FlagOrder | null;
}

@ArgsType()
export class FlagAggregatesArgs {
  @Field(() => FlagsFilter, { nullable: true, description: 'The flags to aggregate (all by default).' })
  filter?: FlagsFilter | null;
}

/** The query-module filter for GraphQL filter input; BAD_USER_INPUT on a bad project id. */
export function toFlagFilter(filter: (RelatedFlagsFilter & Partial<FlagsFilter>) | null | undefined): FlagFilter {
  if (!filter) return {};
  return {
    kinds: filter.kind ?? null,
    statuses: filter.status ?? null,
    severities: filter.severity ?? null,
    programIds: filter.program ?? null,
    projectIds: filter.projectId == null ? null : [decodeGlobalIdOf('Project', filter.projectId)],
    minQuantityAtRisk: filter.minQuantityAtRisk ?? null,
  };
}

export function flagOrderName(orderBy: FlagOrder | null | undefined): FlagOrderName {
  return orderBy ?? FlagOrder.SEVERITY_DESC;
}
