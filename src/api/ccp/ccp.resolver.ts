import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { buildConnection } from '../common/connection.type.ts';
import { emptyPage } from '../common/keyset.ts';
import { toPageRequest } from '../common/pagination.args.ts';
import { toCreditFilter } from '../credits/credits.args.ts';
import { BadUserInputError } from '../errors.ts';
import { CcpQuantity, toCcpQuantity } from './ccp-label.type.ts';
import { CcpDecisionConnection, CcpProgram, CcpReference, toCcpDecision, toCcpProgram, toCcpReference } from './ccp-reference.type.ts';
import { CcpDecisionsArgs, CcpProgramsArgs, CcpQuantitiesArgs, toCcpDecisionFilter } from './ccp.args.ts';
import { ccpQuantities, countDecisions, decisionOrdering, findCcpPrograms, findDecisions, findReference } from './ccp.queries.ts';

/** The reference version a query reads: the one named (it must exist), else the active one (null before any is loaded). */
async function referenceVersion(ctx: ApiContext, named: string | null | undefined): Promise<string | null> {
  const row = await findReference(ctx.db, named);
  if (named && !row) throw new BadUserInputError(`"${named}" is not a loaded CCP reference version.`, { argumentName: 'referenceVersion' });
  return row?.version ?? null;
}

@Resolver()
export class CcpResolver {
  @Query(() => CcpReference, { nullable: true, description: 'The active ICVCM reference data (or the named version); null before any is loaded.' })
  async ccpReference(
    @Arg('version', () => String, { nullable: true, description: 'A loaded version; the active one by default.' }) version: string | null,
    @Ctx() ctx: ApiContext,
  ): Promise<CcpReference | null> {
    const row = await findReference(ctx.db, version);
    return row ? toCcpReference(row) : null;
  }

  @Query(() => CcpDecisionConnection, { description: 'ICVCM decisions per program, methodology and version range, in the order of the reference data.' })
  async ccpDecisions(@Args(() => CcpDecisionsArgs) args: CcpDecisionsArgs, @Ctx() ctx: ApiContext): Promise<CcpDecisionConnection> {
    const filter = toCcpDecisionFilter(args.filter);
    const request = toPageRequest(args, decisionOrdering, ctx.maxPageSize);
    const version = await referenceVersion(ctx, args.referenceVersion);
    if (version === null) return buildConnection(CcpDecisionConnection, async () => emptyPage, decisionOrdering, toCcpDecision, async () => 0);
    return buildConnection(
      CcpDecisionConnection,
      () => findDecisions(ctx.db, version, filter, request),
      decisionOrdering,
      toCcpDecision,
      () => countDecisions(ctx.db, version, filter),
    );
  }

  @Query(() => [CcpProgram], { description: 'Programs of the ICVCM reference data with their CCP eligibility, in its order.' })
  async ccpPrograms(@Args(() => CcpProgramsArgs) args: CcpProgramsArgs, @Ctx() ctx: ApiContext): Promise<CcpProgram[]> {
    const version = await referenceVersion(ctx, args.referenceVersion);
    if (version === null) return [];
    return (await findCcpPrograms(ctx.db, version, args.eligibleOnly ?? false)).map(toCcpProgram);
  }

  @Query(() => [CcpQuantity], {
    description: 'Quantities of credit transactions by CCP status, optionally by program, vintage and kind too; the `credits` filter narrows them.',
  })
  async ccpQuantities(@Args(() => CcpQuantitiesArgs) args: CcpQuantitiesArgs, @Ctx() ctx: ApiContext): Promise<CcpQuantity[]> {
    const rows = await ccpQuantities(ctx.db, toCreditFilter(args.filter), args.groupBy ?? []);
    return rows.map(toCcpQuantity);
  }
}
