/**
 * Query cost limit (GRAPHQL_MAX_COMPLEXITY), computed with graphql-query-complexity before
 * execution; over the limit the request fails with QUERY_TOO_COMPLEX and HTTP 400.
 *
 * Cost model, an upper bound of the objects a response can hold:
 * - every field costs 1, plus the cost of its selection;
 * - a connection (a field with a `first` argument) costs 1 + `first` × its selection, with
 *   `first` at its default (20) when not given, `first: 0` counted as 1 and anything above
 *   GRAPHQL_MAX_PAGE_SIZE counted as the maximum (the resolver refuses it anyway);
 * - `nodes(ids:)` costs 1 + (number of ids, same bounds) × its selection;
 * - a field may override this through type-graphql's `complexity` option.
 * So `credits(first: 100) { edges { node { id quantity } } }` costs 1 + 100 × 4 = 401, and
 * 100 projects with 100 credits each cost more than 10,000 × the fields selected on a credit.
 */
import { createRequire } from 'node:module';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { BadUserInputError, QueryTooComplexError } from '../errors.ts';
import { DEFAULT_PAGE_SIZE } from '../common/page-size.ts';

// graphql-query-complexity's ESM build imports `graphql/index.mjs`, while Node (and so Apollo
// Server and type-graphql) loads graphql's CommonJS build: two graphql copies, and "Cannot use
// GraphQLObjectType from another module or realm". Its CommonJS build shares ours.
// Remove when the package's ESM build imports plain `graphql`.
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

/**
 * Multiplies the selection of lists we bound by their length argument. Lengths above the
 * maximum page size count as the maximum: the resolver refuses them anyway, with a clearer
 * message ("first must be at most 100") than a cost would give.
 */
export function connectionEstimator(maxPageSize: number): ComplexityEstimator {
  const length = (value: number) => Math.min(Math.max(value, 1), maxPageSize);
  return ({ field, args, childComplexity }) => {
    if (field.args.some((arg) => arg.name === 'first')) {
      return 1 + length(typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE) * childComplexity;
    }
    if (field.args.some((arg) => arg.name === 'ids') && Array.isArray(args.ids)) {
      return 1 + length(args.ids.length) * childComplexity;
    }
    return undefined;
  };
}

/** Cost of one operation of `document` under the model above. */
export function operationCost(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  maxPageSize: number;
  operationName?: string | null;
  variables?: Record<string, unknown>;
}): number {
  return getComplexity({
    schema: options.schema,
    query: options.document,
    operationName: options.operationName ?? undefined,
    variables: options.variables,
    estimators: [fieldExtensionsEstimator(), connectionEstimator(options.maxPageSize), simpleEstimator({ defaultComplexity: 1 })],
  });
}

export function queryComplexityPlugin(options: { schema: GraphQLSchema; maxComplexity: number; maxPageSize: number }): ApolloServerPlugin {
  const { schema, maxComplexity, maxPageSize } = options;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let cost: number;
          try {
            cost = operationCost({ schema, document, maxPageSize, operationName: request.operationName, variables: request.variables });
          } catch (error) {
            // getComplexity coerces the variables first, so a bad variable value surfaces here
            // (before Apollo's own check): the same message, as a 400 like Apollo's.
            if (error instanceof GraphQLError) throw new BadUserInputError(error.message, { http: { status: 400 } });
            throw error;
          }
          if (cost > maxComplexity) {
            throw new QueryTooComplexError(
              `Query cost ${cost} exceeds the maximum of ${maxComplexity}. Each connection multiplies the cost of its ` +
                'selection by its page size (`first`, 20 by default): ask for smaller pages, fewer nested connections or fewer fields.',
              { cost, maximumCost: maxComplexity },
            );
          }
        },
      };
    },
  };
}
