import { Field, ObjectType } from 'type-graphql';
import { UserError } from '../common/user-error.type.ts';
import { FlagReview } from './flag-review.type.ts';
import { Flag } from './flag.type.ts';

@ObjectType({ description: 'What `reviewFlag` did: the flag and its new audit entry, or why nothing changed.' })
export class ReviewFlagPayload {
  @Field(() => Flag, { nullable: true, description: 'The flag after the review; when the review was refused, the flag as it is (null if there is none).' })
  flag!: Flag | null;

  @Field(() => FlagReview, { nullable: true, description: 'The audit entry the review appended; null when nothing changed.' })
  review!: FlagReview | null;

  @Field(() => [UserError], {
    description:
      'Why the review was refused (empty on success), with codes FLAG_NOT_FOUND, STATUS_UNCHANGED, STATUS_CHANGED, FLAG_RESOLVED, NOTE_REQUIRED, NOTE_TOO_LONG.',
  })
  userErrors!: UserError[];
}
