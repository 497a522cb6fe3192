import { Field, Float, ObjectType } from 'type-graphql';
import { NonNegativeInt } from '../common/scalars.ts';
import { FlagKind, FlagSeverity, FlagStatus } from './flag.enums.ts';
import type { FlagFilter } from './flag.queries.ts';

@ObjectType({ description: 'Flags of one kind: how many, and tCO2e at risk.' })
export class FlagKindTotals {
  @Field(() => FlagKind)
  kind!: FlagKind;

  @Field(() => NonNegativeInt)
  count!: number;

  @Field(() => Float)
  quantityAtRisk!: number;
}

@ObjectType({ description: 'Flags of one status: how many, and tCO2e at risk.' })
export class FlagStatusTotals {
  @Field(() => FlagStatus)
  status!: FlagStatus;

  @Field(() => NonNegativeInt)
  count!: number;

  @Field(() => Float)
  quantityAtRisk!: number;
}

@ObjectType({ description: 'Flags of one severity: how many, and tCO2e at risk.' })
export class FlagSeverityTotals {
  @Field(() => FlagSeverity)
  severity!: FlagSeverity;

  @Field(() => NonNegativeInt)
  count!: number;

  @Field(() => Float)
  quantityAtRisk!: number;
}

@ObjectType({ description: 'Flags involving a project of one program: how many, and tCO2e at risk.' })
export class FlagProgramTotals {
  /** Program code for the `program` relation (not exposed). */
  programId!: string;

  @Field(() => NonNegativeInt)
  count!: number;

  @Field(() => Float)
  quantityAtRisk!: number;
}

@ObjectType({
  description:
    'Counts and tCO2e at risk of the flags a filter selects, in total and grouped. Quantities add up the flags’ `quantityAtRisk`, so a credit involved in several flags counts once per flag. Each grouping costs one query, run only when selected.',
})
export class FlagAggregates {
  /** The filter every grouping applies (not exposed). */
  filter!: FlagFilter;
}

export function flagAggregates(filter: FlagFilter): FlagAggregates {
  return Object.assign(new FlagAggregates(), { filter });
}
