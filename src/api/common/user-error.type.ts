import { Field, ObjectType } from 'type-graphql';

/**
 * A business failure of a mutation, returned as data in its payload's `userErrors`
 * (style guideline 7); top-level errors stay for malformed requests and faults.
 * Not in the schema until the first mutation uses it.
 */
@ObjectType({ description: 'Why a mutation could not do what was asked, with the input field at fault.' })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "note"].' })
  field!: string[] | null;

  @Field(() => String, { description: 'Human-readable explanation.' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'Stable machine-readable code, e.g. INVALID_TRANSITION.' })
  code!: string | null;
}
