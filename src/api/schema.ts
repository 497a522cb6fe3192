/**
 * The hub's GraphQL schema, built from the type-graphql classes. Its sorted SDL is
 * committed as /schema.graphql (see write-schema.ts) and a test fails when it is stale.
 */
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { CcpLabelResolver, CcpQuantityResolver, CreditCcpResolver, ProjectCcpResolver } from './ccp/ccp-label.resolver.ts';
import { CcpResolver } from './ccp/ccp.resolver.ts';
import { CreditResolver } from './credits/credit.resolver.ts';
import { FlagAggregatesResolver, FlagProgramTotalsResolver } from './flags/flag-aggregates.resolver.ts';
import { CreditFlagsResolver, FlagCreditEdgeResolver, FlagProjectResolver, ProjectFlagsResolver } from './flags/flag-relations.resolver.ts';
import { FlagReviewResolver } from './flags/flag-review.resolver.ts';
import { FlagResolver } from './flags/flag.resolver.ts';
import { ReviewFlagResolver } from './flags/review-flag.resolver.ts';
import { NodeResolver } from './node.resolver.ts';
import { ProgramResolver } from './programs/program.resolver.ts';
import { ProjectResolver } from './projects/project.resolver.ts';
import { SyncRunResolver } from './sync-runs/sync-run.resolver.ts';

export const resolvers = [
  NodeResolver,
  ProgramResolver,
  ProjectResolver,
  CreditResolver,
  SyncRunResolver,
  CcpResolver,
  CreditCcpResolver,
  ProjectCcpResolver,
  CcpLabelResolver,
  CcpQuantityResolver,
  FlagResolver,
  ProjectFlagsResolver,
  CreditFlagsResolver,
  FlagProjectResolver,
  FlagCreditEdgeResolver,
  FlagReviewResolver,
  FlagAggregatesResolver,
  FlagProgramTotalsResolver,
  ReviewFlagResolver,
] as const;

/** Builds the executable schema. Arguments are checked by our own code, not class-validator. */
export function buildHubSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...resolvers], validate: false });
}

/** The schema as SDL, types and fields sorted so the committed file diffs cleanly. */
export function printHubSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
