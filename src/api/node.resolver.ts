import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { ApiContext } from './context.ts';
import { decodeGlobalId, type DecodedGlobalId } from './common/global-id.ts';
import { Node } from './common/node.interface.ts';
import { assertListSize } from './common/pagination.args.ts';
import { toCredit } from './credits/credit.type.ts';
import { toProgram } from './programs/program.type.ts';
import { toProject } from './projects/project.type.ts';
import { toFlagReview } from './flags/flag-review.type.ts';
import { toFlag } from './flags/flag.type.ts';
import { toSyncRun } from './sync-runs/sync-run.type.ts';

/** Relay's refetch entry points: any object back from its global id, through the request's loaders. */
@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id; null when it no longer exists.' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Node | null> {
    return loadNode(ctx, decodeGlobalId(id));
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: 'Objects by global id, in the order asked (null where one no longer exists); at most the maximum page size.',
  })
  nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: ApiContext): Promise<(Node | null)[]> {
    assertListSize('ids', ids.length, ctx.maxPageSize);
    const decoded = ids.map(decodeGlobalId);
    return Promise.all(decoded.map((id) => loadNode(ctx, id)));
  }
}

async function loadNode(ctx: ApiContext, id: DecodedGlobalId): Promise<Node | null> {
  switch (id.type) {
    case 'Program': {
      const row = await ctx.loaders.programs.byId.load(id.dbId);
      return row ? toProgram(row) : null;
    }
    case 'Project': {
      const row = await ctx.loaders.projects.byId.load(id.dbId);
      return row ? toProject(row) : null;
    }
    case 'Credit': {
      const row = await ctx.loaders.credits.byId.load(id.dbId);
      return row ? toCredit(row) : null;
    }
    case 'SyncRun': {
      const row = await ctx.loaders.syncRuns.byId.load(id.dbId);
      return row ? toSyncRun(row) : null;
    }
    case 'Flag': {
      const row = await ctx.loaders.flags.byId.load(id.dbId);
      return row ? toFlag(row) : null;
    }
    case 'FlagReview': {
      const row = await ctx.loaders.flags.reviewById.load(id.dbId);
      return row ? toFlagReview(row) : null;
    }
  }
}
