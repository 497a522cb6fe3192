/**
 * Flags seen from other types, as field resolvers kept here rather than in the project and
 * credit modules (as src/api/ccp does): `Project.flags`, `Credit.flags`, and the project and
 * credit of a flag's entries. Every one goes through a per-request DataLoader.
 */
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { buildConnection } from '../common/connection.type.ts';
import { toPageRequest } from '../common/pagination.args.ts';
import { Credit, toCredit } from '../credits/credit.type.ts';
import { Project, toProject } from '../projects/project.type.ts';
import { flagOrdering, type FlagParent } from './flag.queries.ts';
import { FlagConnection, FlagCreditEdge, FlagProject, toFlag } from './flag.type.ts';
import { RelatedFlagsArgs, flagOrderName, toFlagFilter } from './flags.args.ts';

async function parentFlags(ctx: ApiContext, parent: FlagParent, parentId: number, args: RelatedFlagsArgs): Promise<FlagConnection> {
  const filter = toFlagFilter(args.filter);
  const ordering = flagOrdering(flagOrderName(args.orderBy));
  const request = toPageRequest(args, ordering, ctx.maxPageSize);
  return buildConnection(
    FlagConnection,
    () => ctx.loaders.flags.pageByParent.load({ parent, parentId, filter, ordering, request }),
    ordering,
    toFlag,
    () => ctx.loaders.flags.countByParent.load({ parent, parentId, filter }),
  );
}

@Resolver(() => Project)
export class ProjectFlagsResolver {
  @FieldResolver(() => FlagConnection, { description: 'Flags of possible double counting that involve this project; most severe first by default.' })
  flags(@Root() project: Project, @Args(() => RelatedFlagsArgs) args: RelatedFlagsArgs, @Ctx() ctx: ApiContext): Promise<FlagConnection> {
    return parentFlags(ctx, 'project', project.dbId, args);
  }
}

@Resolver(() => Credit)
export class CreditFlagsResolver {
  @FieldResolver(() => FlagConnection, { description: 'Flags of possible double counting that involve this transaction; most severe first by default.' })
  flags(@Root() credit: Credit, @Args(() => RelatedFlagsArgs) args: RelatedFlagsArgs, @Ctx() ctx: ApiContext): Promise<FlagConnection> {
    return parentFlags(ctx, 'credit', credit.dbId, args);
  }
}

@Resolver(() => FlagProject)
export class FlagProjectResolver {
  @FieldResolver(() => Project)
  project(@Root() entry: FlagProject): Project {
    return toProject(entry.projectRow);
  }
}

@Resolver(() => FlagCreditEdge)
export class FlagCreditEdgeResolver {
  @FieldResolver(() => Credit)
  async node(@Root() edge: FlagCreditEdge, @Ctx() ctx: ApiContext): Promise<Credit> {
    const row = await ctx.loaders.credits.byId.load(edge.creditId);
    if (!row) throw new Error(`credit ${edge.creditId} of a flag is missing`);
    return toCredit(row);
  }
}
