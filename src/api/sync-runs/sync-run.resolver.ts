import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { buildConnection } from '../common/connection.type.ts';
import { toPageRequest } from '../common/pagination.args.ts';
import { loadProgram } from '../programs/program.relation.ts';
import { Program } from '../programs/program.type.ts';
import { countSyncRuns, findSyncRuns, syncRunOrdering } from './sync-run.queries.ts';
import { SyncRun, SyncRunConnection, toSyncRun } from './sync-run.type.ts';
import { SyncRunsArgs, toSyncRunFilter } from './sync-runs.args.ts';

@Resolver(() => SyncRun)
export class SyncRunResolver {
  @Query(() => SyncRunConnection, { description: 'Connector runs, newest first: when each program was last refreshed and how it went.' })
  async syncRuns(@Args(() => SyncRunsArgs) args: SyncRunsArgs, @Ctx() ctx: ApiContext): Promise<SyncRunConnection> {
    const filter = toSyncRunFilter(args.filter);
    const request = toPageRequest(args, syncRunOrdering, ctx.maxPageSize);
    return buildConnection(
      SyncRunConnection,
      () => findSyncRuns(ctx.db, filter, request),
      syncRunOrdering,
      toSyncRun,
      () => countSyncRuns(ctx.db, filter),
    );
  }

  @FieldResolver(() => Program)
  program(@Root() run: SyncRun, @Ctx() ctx: ApiContext): Promise<Program> {
    return loadProgram(ctx, run.programId);
  }
}
