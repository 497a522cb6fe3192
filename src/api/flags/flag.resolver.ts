import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { buildConnection } from '../common/connection.type.ts';
import { ConnectionArgs, toPageRequest } from '../common/pagination.args.ts';
import { columnsFor, selectedFields } from '../common/selection.ts';
import { loadProgram } from '../programs/program.relation.ts';
import { projectColumnMap } from '../projects/project.queries.ts';
import { Program } from '../programs/program.type.ts';
import { decodeFlagGlobalId } from './flag-id.ts';
import { flagReviewOrdering } from './flag-review.queries.ts';
import { FlagReviewConnection, toFlagReview } from './flag-review.type.ts';
import { countFlags, findFlags, flagCreditOrdering, flagOrdering } from './flag.queries.ts';
import {
  Flag,
  FlagConnection,
  FlagCreditConnection,
  FlagEvidence,
  FlagProject,
  toFlag,
  toFlagCreditConnection,
  toFlagEvidence,
  toFlagProject,
} from './flag.type.ts';
import { FlagsArgs, flagOrderName, toFlagFilter } from './flags.args.ts';

@Resolver(() => Flag)
export class FlagResolver {
  @Query(() => FlagConnection, { description: 'Flags of possible double counting, filtered and paged; most severe first by default.' })
  async flags(@Args(() => FlagsArgs) args: FlagsArgs, @Ctx() ctx: ApiContext): Promise<FlagConnection> {
    const filter = toFlagFilter(args.filter);
    const ordering = flagOrdering(flagOrderName(args.orderBy));
    const request = toPageRequest(args, ordering, ctx.maxPageSize);
    return buildConnection(
      FlagConnection,
      async () => ctx.loaders.flags.remember(await findFlags(ctx.db, filter, ordering, request)),
      ordering,
      toFlag,
      () => countFlags(ctx.db, filter),
    );
  }

  @Query(() => Flag, { nullable: true, description: 'A flag by its global id; null when there is none.' })
  async flag(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Flag | null> {
    const row = await ctx.loaders.flags.byId.load(decodeFlagGlobalId(id));
    return row ? toFlag(row) : null;
  }

  @FieldResolver(() => FlagEvidence)
  async evidence(@Root() flag: Flag, @Ctx() ctx: ApiContext): Promise<FlagEvidence> {
    const evidence = await ctx.loaders.flags.evidence.load(flag.dbId);
    if (!evidence) throw new Error(`flag ${flag.dbId} is missing`);
    return toFlagEvidence(evidence);
  }

  @FieldResolver(() => [Program], { description: 'Programs of the projects involved, by code.' })
  programs(@Root() flag: Flag, @Ctx() ctx: ApiContext): Promise<Program[]> {
    return Promise.all(flag.programIds.map((id) => loadProgram(ctx, id)));
  }

  @FieldResolver(() => [FlagProject], { description: 'The projects involved, each with its role in the finding.' })
  async projects(@Root() flag: Flag, @Ctx() ctx: ApiContext, @Info() info: GraphQLResolveInfo): Promise<FlagProject[]> {
    const columns = columnsFor(projectColumnMap, selectedFields(info, ['project']));
    return (await ctx.loaders.flags.projects.load({ flagId: flag.dbId, columns })).map(toFlagProject);
  }

  @FieldResolver(() => FlagCreditConnection, { description: 'The credit transactions involved, each with its role in the finding.' })
  async credits(@Root() flag: Flag, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: ApiContext): Promise<FlagCreditConnection> {
    const request = toPageRequest(args, flagCreditOrdering, ctx.maxPageSize);
    return toFlagCreditConnection(
      () => ctx.loaders.flags.creditPage.load({ flagId: flag.dbId, request }),
      flagCreditOrdering,
      () => ctx.loaders.flags.creditCount.load(flag.dbId),
    );
  }

  @FieldResolver(() => FlagReviewConnection, { description: 'Its audit trail: every review, oldest first. Readable by everyone; never edited.' })
  async reviews(@Root() flag: Flag, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: ApiContext): Promise<FlagReviewConnection> {
    const ordering = flagReviewOrdering('ID_ASC');
    const request = toPageRequest(args, ordering, ctx.maxPageSize);
    return buildConnection(
      FlagReviewConnection,
      () => ctx.loaders.flags.reviewPage.load({ flagId: flag.dbId, ordering, request }),
      ordering,
      toFlagReview,
      () => ctx.loaders.flags.reviewCount.load(flag.dbId),
    );
  }
}
