import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { buildConnection } from '../common/connection.type.ts';
import { decodeGlobalIdOf } from '../common/global-id.ts';
import { toPageRequest } from '../common/pagination.args.ts';
import { columnsFor, connectionNodes, selectedFields } from '../common/selection.ts';
import { projectColumnMap, projectOrdering } from '../projects/project.queries.ts';
import { ProjectConnection, toProject } from '../projects/project.type.ts';
import { ProgramProjectsArgs, projectOrderName, toProjectFilter } from '../projects/projects.args.ts';
import { SyncRun, toSyncRun } from '../sync-runs/sync-run.type.ts';
import { countPrograms, findPrograms, programOrdering } from './program.queries.ts';
import { Program, ProgramConnection, toProgram } from './program.type.ts';
import { ProgramsArgs } from './programs.args.ts';

const programCode = /^[a-z0-9][a-z0-9-]*$/;

@Resolver(() => Program)
export class ProgramResolver {
  @Query(() => ProgramConnection, { description: 'The programs (registries) the hub follows, by code.' })
  async programs(@Args(() => ProgramsArgs) args: ProgramsArgs, @Ctx() ctx: ApiContext): Promise<ProgramConnection> {
    const request = toPageRequest(args, programOrdering, ctx.maxPageSize);
    return buildConnection(ProgramConnection, () => findPrograms(ctx.db, request), programOrdering, toProgram, () => countPrograms(ctx.db));
  }

  @Query(() => Program, { nullable: true, description: 'A program by its code (`verra`) or its global id; null when there is none.' })
  async program(@Arg('id', () => String) id: string, @Ctx() ctx: ApiContext): Promise<Program | null> {
    const code = programCode.test(id) ? id : decodeGlobalIdOf('Program', id);
    const row = await ctx.loaders.programs.byId.load(code);
    return row ? toProgram(row) : null;
  }

  @FieldResolver(() => ProjectConnection, { description: "The program's projects." })
  async projects(
    @Root() program: Program,
    @Args(() => ProgramProjectsArgs) args: ProgramProjectsArgs,
    @Ctx() ctx: ApiContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ProjectConnection> {
    const filter = toProjectFilter(args.filter);
    const ordering = projectOrdering(projectOrderName(args.orderBy, filter), filter);
    const request = toPageRequest(args, ordering, ctx.maxPageSize);
    const columns = columnsFor(projectColumnMap, selectedFields(info, connectionNodes));
    return buildConnection(
      ProjectConnection,
      () => ctx.loaders.projects.pageByProgram.load({ programId: program.code, filter, ordering, request, columns }),
      ordering,
      toProject,
      () => ctx.loaders.projects.countByProgram.load({ programId: program.code, filter }),
    );
  }

  @FieldResolver(() => SyncRun, { nullable: true, description: 'The most recent sync run, whatever its outcome.' })
  async latestSync(@Root() program: Program, @Ctx() ctx: ApiContext): Promise<SyncRun | null> {
    const row = await ctx.loaders.syncRuns.latestByProgram.load(program.code);
    return row ? toSyncRun(row) : null;
  }

  @FieldResolver(() => SyncRun, { nullable: true, description: 'The most recent successful sync run: how fresh the data is.' })
  async lastSuccessfulSync(@Root() program: Program, @Ctx() ctx: ApiContext): Promise<SyncRun | null> {
    const row = await ctx.loaders.syncRuns.lastSuccessfulByProgram.load(program.code);
    return row ? toSyncRun(row) : null;
  }
}
