import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { buildConnection } from '../common/connection.type.ts';
import { decodeGlobalIdOf } from '../common/global-id.ts';
import { toPageRequest } from '../common/pagination.args.ts';
import { loadProgram } from '../programs/program.relation.ts';
import { Program } from '../programs/program.type.ts';
import { Project, toProject } from '../projects/project.type.ts';
import { countCredits, creditOrdering, findCredits } from './credit.queries.ts';
import { Credit, CreditConnection, toCredit } from './credit.type.ts';
import { CreditOrder, CreditsArgs, toCreditFilter } from './credits.args.ts';

@Resolver(() => Credit)
export class CreditResolver {
  @Query(() => CreditConnection, { description: 'Credit transactions across programs, filtered and paged.' })
  async credits(@Args(() => CreditsArgs) args: CreditsArgs, @Ctx() ctx: ApiContext): Promise<CreditConnection> {
    const filter = toCreditFilter(args.filter);
    const ordering = creditOrdering(args.orderBy ?? CreditOrder.ID_ASC);
    const request = toPageRequest(args, ordering, ctx.maxPageSize);
    return buildConnection(
      CreditConnection,
      async () => ctx.loaders.credits.remember(await findCredits(ctx.db, filter, ordering, request)),
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
  async project(@Root() credit: Credit, @Ctx() ctx: ApiContext): Promise<Project> {
    const row = await ctx.loaders.projects.byId.load(credit.projectId);
    if (!row) throw new Error(`project ${credit.projectId} of credit ${credit.dbId} is missing`);
    return toProject(row);
  }
}
