import { Args, Ctx, FieldResolver, Float, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { NonNegativeInt } from '../common/scalars.ts';
import { loadProgram } from '../programs/program.relation.ts';
import { Program } from '../programs/program.type.ts';
import { flagTotals, flagTotalsBy, flagTotalsByProgram, type FlagTotalsRow } from './flag-aggregates.queries.ts';
import {
  FlagAggregates,
  FlagKindTotals,
  FlagProgramTotals,
  FlagSeverityTotals,
  FlagStatusTotals,
  flagAggregates,
} from './flag-aggregates.type.ts';
import { FlagKind, FlagStatus, severitiesBySeriousness } from './flag.enums.ts';
import { FlagAggregatesArgs, toFlagFilter } from './flags.args.ts';

const none: FlagTotalsRow = { count: 0, quantityAtRisk: 0 };

// `count` and `quantityAtRisk` of one aggregate come from one statement.
const totalsOf = new WeakMap<FlagAggregates, Promise<FlagTotalsRow>>();

@Resolver(() => FlagAggregates)
export class FlagAggregatesResolver {
  @Query(() => FlagAggregates, {
    description: 'Counts and tCO2e at risk of the flags the filter selects: in total, and by kind, status, severity or program.',
  })
  flagAggregates(@Args(() => FlagAggregatesArgs) args: FlagAggregatesArgs): FlagAggregates {
    return flagAggregates(toFlagFilter(args.filter));
  }

  @FieldResolver(() => NonNegativeInt, { description: 'Flags selected.' })
  async count(@Root() aggregates: FlagAggregates, @Ctx() ctx: ApiContext): Promise<number> {
    return (await totals(aggregates, ctx)).count;
  }

  @FieldResolver(() => Float, { description: 'Sum of their tCO2e at risk.' })
  async quantityAtRisk(@Root() aggregates: FlagAggregates, @Ctx() ctx: ApiContext): Promise<number> {
    return (await totals(aggregates, ctx)).quantityAtRisk;
  }

  @FieldResolver(() => [FlagKindTotals], { description: 'Every kind, in the order of the FlagKind enum; kinds without flags have zeros.' })
  async byKind(@Root() aggregates: FlagAggregates, @Ctx() ctx: ApiContext): Promise<FlagKindTotals[]> {
    const groups = await flagTotalsBy(ctx.db, aggregates.filter, 'kind');
    return Object.values(FlagKind).map((kind) => Object.assign(new FlagKindTotals(), { kind, ...(groups.get(kind) ?? none) }));
  }

  @FieldResolver(() => [FlagStatusTotals], { description: 'Every status (open, confirmed, dismissed, resolved); statuses without flags have zeros.' })
  async byStatus(@Root() aggregates: FlagAggregates, @Ctx() ctx: ApiContext): Promise<FlagStatusTotals[]> {
    const groups = await flagTotalsBy(ctx.db, aggregates.filter, 'status');
    return Object.values(FlagStatus).map((status) => Object.assign(new FlagStatusTotals(), { status, ...(groups.get(status) ?? none) }));
  }

  @FieldResolver(() => [FlagSeverityTotals], { description: 'Every severity, most severe first; severities without flags have zeros.' })
  async bySeverity(@Root() aggregates: FlagAggregates, @Ctx() ctx: ApiContext): Promise<FlagSeverityTotals[]> {
    const groups = await flagTotalsBy(ctx.db, aggregates.filter, 'severity');
    return severitiesBySeriousness.map((severity) => Object.assign(new FlagSeverityTotals(), { severity, ...(groups.get(severity) ?? none) }));
  }

  @FieldResolver(() => [FlagProgramTotals], {
    description: 'Programs with flags, by code. A flag involving projects of two programs counts in both.',
  })
  async byProgram(@Root() aggregates: FlagAggregates, @Ctx() ctx: ApiContext): Promise<FlagProgramTotals[]> {
    const rows = await flagTotalsByProgram(ctx.db, aggregates.filter);
    return rows.map((row) => Object.assign(new FlagProgramTotals(), row));
  }
}

function totals(aggregates: FlagAggregates, ctx: ApiContext): Promise<FlagTotalsRow> {
  let pending = totalsOf.get(aggregates);
  if (!pending) {
    pending = flagTotals(ctx.db, aggregates.filter);
    totalsOf.set(aggregates, pending);
  }
  return pending;
}

@Resolver(() => FlagProgramTotals)
export class FlagProgramTotalsResolver {
  @FieldResolver(() => Program)
  program(@Root() totals: FlagProgramTotals, @Ctx() ctx: ApiContext): Promise<Program> {
    return loadProgram(ctx, totals.programId);
  }
}
