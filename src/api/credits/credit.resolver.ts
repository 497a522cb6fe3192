import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { buildConnection } from '../common/connection.type.ts';
import { decodeGlobalIdOf } from '../common/global-id.ts';
import { toPageRequest } from '../common/pagination.args.ts';
import { columnsFor, connectionNodes, selectedFields } from '../common/selection.ts';
import { loadProgram } from '../programs/program.relation.ts';
import { Program } from '../programs/program.type.ts';
import { projectColumnMap } from '../projects/project.queries.ts';
import { Project, toProject } from '../projects/project.type.ts';
import { countCredits, creditColumnMap, creditOrdering, findCredits } from './credit.queries.ts';
import { Credit, CreditConnection, toCredit } from './credit.type.ts';
import { CreditOrder, CreditsArgs, toCreditFilter } from './credits.args.ts';

@Resolver(() => Credit)
export class CreditResolver {
  @Query(() => CreditConnection, { description: 'Credit transactions across programs, filtered and paged.' })
  async credits(@Args(() => CreditsArgs) args: CreditsArgs, @Ctx() ctx: ApiContext, @Info() info: GraphQLResolveInfo): Promise<CreditConnection> {
    const filter = toCreditFilter(args.filter);
    const ordering = creditOrdering(args.orderBy ?? CreditOrder.ID_ASC);
    const request = toPageRequest(args, ordering, ctx.maxPageSize);
    const columns = columnsFor(creditColumnMap, selectedFields(info, connectionNodes));
    return buildConnection(
      CreditConnection,
      async () => ctx.loaders.credits.remember(await findCredits(ctx.db, filter, ordering, request, columns), columns),
      ordering,
      toCredit,
      () => countCredits(ctx.db, filter),
    );
  }

  @Query(() => Credit, { nullable: true, description: 'A credit transaction by its global id; null when there is none.' })
  async credit(@Arg('id', () => ID) id: string, @Ctx() ctx: ApiContext): Promise<Credit | null> {
    const row = await ctx.loaders.credits.byId.load(decodeGlobalIdOf('Credit', id));
    return row ? toCredit(row) : null;
  }

  @FieldResolver(() => Program)
  program(@Root() credit: Credit, @Ctx() ctx: ApiContext): Promise<Program> {
    return loadProgram(ctx, credit.programId);
  }

  @FieldResolver(() => Project)
  async project(@Root() credit: Credit, @Ctx() ctx: ApiContext, @Info() info: GraphQLResolveInfo): Promise<Project> {
    const row = await ctx.loaders.projects.withColumns(credit.projectId, columnsFor(projectColumnMap, selectedFields(info, [])));
    if (!row) throw new Error(`project ${credit.projectId} of credit ${credit.dbId} is missing`);
    return toProject(row);
  }
}
