/**
 * Error masking (style guideline 8, as Yoga's mask-error and Apollo's formatError hook):
 * clients see our coded errors (errors.ts) and Apollo's request errors verbatim; anything
 * else — a bug, a database failure, an error from a library — becomes INTERNAL_SERVER_ERROR
 * with the request id, and the original is logged with that id. Stack traces never leave
 * the server (`includeStacktraceInErrorResponses: false` in server.ts as well).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ApiContext } from '../context.ts';
import { ErrorCode, isClientErrorCode } from '../errors.ts';

export const internalErrorMessage = 'Internal server error. Quote the requestId when reporting it.';

/** Whether an error raised while serving a request may be shown to the client as is. */
export function isClientError(error: unknown): boolean {
  const original = unwrapResolverError(error);
  return original instanceof GraphQLError && isClientErrorCode(original.extensions.code);
}

/** Apollo's `formatError`: keeps client errors, masks the rest (the plugin below adds the request id). */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isClientError(error)) {
    const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: internalErrorMessage,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** Logs every masked error with the request id, and puts the id on the masked errors. */
export function errorMaskingPlugin(): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (isClientError(error)) continue;
            contextValue.logger.error({ err: unwrapResolverError(error), path: error.path }, 'unexpected error while serving a GraphQL request');
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) =>
            error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR
              ? { ...error, extensions: { ...error.extensions, requestId: contextValue.requestId } }
              : error,
          );
        },
      };
    },
  };
}
