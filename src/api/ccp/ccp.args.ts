import { ArgsType, Field, InputType } from 'type-graphql';
import { ConnectionArgs } from '../common/pagination.args.ts';
import { BadUserInputError } from '../errors.ts';
import { CreditsFilter } from '../credits/credits.args.ts';
import { CcpQuantityGroup } from './ccp-label.type.ts';
import { CcpOutcome } from './ccp-reference.type.ts';
import type { CcpDecisionFilter } from './ccp.queries.ts';

const MAX_SEARCH_LENGTH = 200;

@InputType({ description: 'Narrows ICVCM decisions. Fields combine with AND; a list matches any of its values.' })
export class CcpDecisionsFilter {
  @Field(() => [String], { nullable: true, description: 'Submitting programs as the reference data names them, e.g. `["verra", "puro-earth"]`.' })
  program?: string[] | null;

  @Field(() => [CcpOutcome], { nullable: true })
  outcome?: CcpOutcome[] | null;

  @Field(() => [String], { nullable: true, description: 'Announcement batches, e.g. `["B2024-08"]`.' })
  batch?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Text found in the methodology name or code (case-insensitive), e.g. `ACM0002`, `landfill`.' })
  methodology?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Approvals with (true) or explicitly without (false) label conditions.' })
  conditional?: boolean | null;
}

@ArgsType()
export class CcpDecisionsArgs extends ConnectionArgs {
  @Field(() => CcpDecisionsFilter, { nullable: true })
  filter?: CcpDecisionsFilter | null;

  @Field(() => String, { nullable: true, description: 'A reference data version; the active one by default.' })
  referenceVersion?: string | null;
}

@ArgsType()
export class CcpProgramsArgs {
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Only CCP-Eligible programs.' })
  eligibleOnly?: boolean | null;

  @Field(() => String, { nullable: true, description: 'A reference data version; the active one by default.' })
  referenceVersion?: string | null;
}

@ArgsType()
export class CcpQuantitiesArgs {
  @Field(() => CreditsFilter, { nullable: true, description: 'Which credit transactions to count (the `credits` filter).' })
  filter?: CreditsFilter | null;

  @Field(() => [CcpQuantityGroup], { nullable: true, defaultValue: [], description: 'Group by these besides the CCP status.' })
  groupBy?: CcpQuantityGroup[] | null;
}

export function toCcpDecisionFilter(filter: CcpDecisionsFilter | null | undefined): CcpDecisionFilter {
  if (!filter) return {};
  if (filter.methodology && filter.methodology.length > MAX_SEARCH_LENGTH) {
    throw new BadUserInputError(`"methodology" may be at most ${MAX_SEARCH_LENGTH} characters long.`, { argumentName: 'filter.methodology' });
  }
  return {
    programIds: filter.program ?? null,
    outcomes: filter.outcome ?? null,
    batches: filter.batch ?? null,
    methodology: filter.methodology ?? null,
    conditional: filter.conditional ?? null,
  };
}
