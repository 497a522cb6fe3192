import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { buildConnection } from '../common/connection.type.ts';
import { decodeGlobalIdOf } from '../common/global-id.ts';
import { toPageRequest } from '../common/pagination.args.ts';
import { columnsFor, connectionNodes, selectedFields } from '../common/selection.ts';
import { creditColumnMap, creditOrdering } from '../credits/credit.queries.ts';
import { CreditConnection, CreditTotals, toCredit, toCreditTotals } from '../credits/credit.type.ts';
import { CreditOrder, ProjectCreditsArgs, toCreditFilter } from '../credits/credits.args.ts';
import { Program } from '../programs/program.type.ts';
import { loadProgram } from '../programs/program.relation.ts';
import { countProjects, findProjects, projectColumnMap, projectOrdering } from './project.queries.ts';
import { Project, ProjectConnection, toProject } from './project.type.ts';
import { ProjectsArgs, projectOrderName, toProjectFilter } from './projects.args.ts';

@Resolver(() => Project)
export class ProjectResolver {
  @Query(() => ProjectConnection, { description: 'Projects across programs, filtered, searched and paged.' })
  async projects(@Args(() => ProjectsArgs) args: ProjectsArgs, @Ctx() ctx: ApiContext, @Info() info: GraphQLResolveInfo): Promise<ProjectConnection> {
    const filter = toProjectFilter(args.filter);
    const ordering = projectOrdering(projectOrderName(args.orderBy, filter), filter);
    const request = toPageRequest(args, ordering, ctx.maxPageSize);
    const columns = columnsFor(projectColumnMap, selectedFields(info, connectionNodes));
    return buildConnection(
      ProjectConnection,
      async () => ctx.loaders.projects.remember(await findProjects(ctx.db, filter, ordering, request, columns), columns),
      ordering,
      toProject,
      () => countProjects(ctx.db, filter),
    );
  }

  @Query(() => Project, { nullable: true, description: 'A project by its global id; null when there is none.' })
  async project(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Project | null> {
    const row = await ctx.loaders.projects.byId.load(decodeGlobalIdOf('Project', id));
    return row ? toProject(row) : null;
  }

  @FieldResolver(() => Program)
  program(@Root() project: Project, @Ctx() ctx: ApiContext): Promise<Program> {
    return loadProgram(ctx, project.programId);
  }

  @FieldResolver(() => CreditTotals, { description: 'Quantities issued, retired and cancelled, summed over its transactions the registry still lists (vanished ones are left out, as from `credits` by default).' })
  async totals(@Root() project: Project, @Ctx() ctx: ApiContext): Promise<CreditTotals> {
    return toCreditTotals(await ctx.loaders.credits.totalsByProject.load(project.dbId));
  }

  @FieldResolver(() => CreditConnection, { description: "The project's credit transactions." })
  async credits(
    @Root() project: Project,
    @Args(() => ProjectCreditsArgs) args: ProjectCreditsArgs,
    @Ctx() ctx: ApiContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CreditConnection> {
    const filter = toCreditFilter(args.filter);
    const ordering = creditOrdering(args.orderBy ?? CreditOrder.ID_ASC);
    const request = toPageRequest(args, ordering, ctx.maxPageSize);
    const columns = columnsFor(creditColumnMap, selectedFields(info, connectionNodes));
    return buildConnection(
      CreditConnection,
      () => ctx.loaders.credits.pageByProject.load({ projectId: project.dbId, filter, ordering, request, columns }),
      ordering,
      toCredit,
      () => ctx.loaders.credits.countByProject.load({ projectId: project.dbId, filter }),
    );
  }
}
