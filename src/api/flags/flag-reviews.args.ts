import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { ConnectionArgs } from '../common/pagination.args.ts';
import { FlagStatus } from './flag.enums.ts';
import { decodeFlagGlobalId } from './flag-id.ts';
import type { FlagReviewFilter, FlagReviewOrderName } from './flag-review.queries.ts';

export enum FlagReviewOrder {
  ID_DESC = 'ID_DESC',
  ID_ASC = 'ID_ASC',
}

registerEnumType(FlagReviewOrder, {
  name: 'FlagReviewOrder',
  description: 'Order of the review audit trail.',
  valuesConfig: {
    ID_DESC: { description: 'Newest review first (the default).' },
    ID_ASC: { description: 'Oldest review first: the trail in the order it was written.' },
  },
});

@InputType({ description: 'Narrows the review audit trail. Fields combine with AND; a list matches any of its values.' })
export class FlagReviewsFilter {
  @Field(() => ID, { nullable: true, description: 'Only the reviews of this flag (its global id).' })
  flagId?: string | null;

  @Field(() => [String], { nullable: true, description: 'Reviewer (API key) names, exactly.' })
  reviewer?: string[] | null;

  @Field(() => [FlagStatus], { nullable: true, description: 'Only reviews that gave a flag one of these statuses.' })
  toStatus?: FlagStatus[] | null;
}

@ArgsType()
export class FlagReviewsArgs extends ConnectionArgs {
  @Field(() => FlagReviewsFilter, { nullable: true })
  filter?: FlagReviewsFilter | null;

  @Field(() => FlagReviewOrder, { nullable: true, defaultValue: FlagReviewOrder.ID_DESC })
  orderBy?: FlagReviewOrder | null;
}

export function toFlagReviewFilter(filter: FlagReviewsFilter | null | undefined): FlagReviewFilter {
  if (!filter) return {};
  return {
    flagIds: filter.flagId == null ? null : [decodeFlagGlobalId(filter.flagId)],
    reviewers: filter.reviewer ?? null,
    toStatuses: filter.toStatus ?? null,
  };
}

export function flagReviewOrderName(orderBy: FlagReviewOrder | null | undefined): FlagReviewOrderName {
  return orderBy ?? FlagReviewOrder.ID_DESC;
}
