import { Field, ID, InputType } from 'type-graphql';
import { FlagReviewStatus, FlagStatus } from './flag.enums.ts';
import { maxNoteLength } from './review-flag.ts';

@InputType({ description: 'A review of one flag: the status to give it, and why.' })
export class ReviewFlagInput {
  @Field(() => ID, { description: 'The flag (its global id).' })
  flagId!: string;

  @Field(() => FlagReviewStatus, { description: 'CONFIRMED or DISMISSED to decide, OPEN to reopen.' })
  status!: FlagReviewStatus;

  @Field(() => String, {
    nullable: true,
    description: `Why (at most ${maxNoteLength} characters; required for DISMISSED and OPEN). Kept in the audit trail, readable by everyone.`,
  })
  note?: string | null;

  @Field(() => FlagStatus, {
    nullable: true,
    description: 'The status you saw: the review is refused (STATUS_CHANGED) if someone changed it meanwhile.',
  })
  expectedStatus?: FlagStatus | null;
}
