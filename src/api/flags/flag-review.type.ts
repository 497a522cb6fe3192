import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../common/connection.type.ts';
import { Node } from '../common/node.interface.ts';
import { DateTime } from '../common/scalars.ts';
import { FlagStatus } from './flag.enums.ts';
import { toFlagReviewGlobalId } from './flag-id.ts';
import type { FlagReviewRow } from './flag-review.queries.ts';

@ObjectType({
  implements: Node,
  description: 'One review of a flag, as the append-only audit trail keeps it: who, from which status to which, why, when. Never edited.',
})
export class FlagReview implements Node {
  @Field(() => ID)
  id!: string;

  /** Database ids (not exposed: the flag is a relation). */
  dbId!: number;
  flagId!: string;

  @Field(() => String, { description: 'Name of the API key the review was made with (`hub keys list`).' })
  reviewer!: string;

  @Field(() => FlagStatus, { description: 'Status of the flag before the review.' })
  fromStatus!: FlagStatus;

  @Field(() => FlagStatus, { description: 'Status the review gave the flag.' })
  toStatus!: FlagStatus;

  @Field(() => String, { nullable: true, description: "The reviewer's note (required when dismissing or reopening)." })
  note!: string | null;

  @Field(() => DateTime)
  createdAt!: Date;
}

@ObjectType({ description: 'A page of flag reviews.' })
export class FlagReviewConnection extends Connection(FlagReview, 'FlagReview') {}

export function toFlagReview(row: FlagReviewRow): FlagReview {
  return Object.assign(new FlagReview(), {
    id: toFlagReviewGlobalId(row.id),
    dbId: row.id,
    flagId: row.flagId,
    reviewer: row.reviewer,
    fromStatus: row.fromStatus as FlagStatus,
    toStatus: row.toStatus as FlagStatus,
    note: row.note,
    createdAt: row.createdAt,
  });
}
