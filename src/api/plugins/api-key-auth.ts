/**
 * API-key authentication (docs/review-workflow.md). Reads are public; writes need a key,
 * sent as `Authorization: Bearer <key>`.
 *
 * - No Authorization header: the request runs anonymously (`ctx.apiKey` stays null).
 * - A header with a valid key: `ctx.apiKey` names the key and its role for the resolvers.
 * - A header that is malformed, or a key that is unknown or revoked: the whole request is
 *   refused with UNAUTHENTICATED (HTTP 401) before execution, reads included, so a client
 *   with a broken key learns it at once instead of silently reading as anonymous.
 *
 * Authorization (which role may do what) is the resolvers' job, through `requireApiKey`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { authenticateApiKey, type AuthenticationFailure } from '../../auth/api-keys.ts';
import type { ApiKeyIdentity, ApiKeyRole } from '../../auth/roles.ts';
import type { ApiContext } from '../context.ts';
import { ForbiddenError, UnauthenticatedError } from '../errors.ts';

const refusal: Record<AuthenticationFailure, string> = {
  malformed: 'The Authorization header must be "Bearer <API key>", with a key made by `hub keys create`.',
  unknown: 'The API key is not valid.',
  revoked: 'The API key was revoked.',
};

/** The token of a `Bearer` Authorization header (scheme case-insensitive), or null. */
export function bearerToken(header: string): string | null {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
  return match ? match[1]! : null;
}

export function apiKeyAuthPlugin(): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart({ request }) {
      const header = request.http?.headers.get('authorization');
      if (header === undefined) return;
      return {
        async didResolveOperation({ contextValue }) {
          const token = bearerToken(header);
          const result = token === null ? ({ ok: false, reason: 'malformed', prefix: null } as const) : await authenticateApiKey(contextValue.db, token);
          if (!result.ok) {
            contextValue.logger.warn({ reason: result.reason, keyPrefix: result.prefix }, 'API key refused');
            throw new UnauthenticatedError(refusal[result.reason]);
          }
          contextValue.apiKey = result.identity;
        },
      };
    },
  };
}

/**
 * The request's key when its role is one of `roles`: UNAUTHENTICATED without a key,
 * FORBIDDEN when the key's role is not allowed.
 */
export function requireApiKey(ctx: Pick<ApiContext, 'apiKey'>, roles: readonly ApiKeyRole[], action: string): ApiKeyIdentity {
  const key = ctx.apiKey;
  if (!key) throw new UnauthenticatedError(`${capitalize(action)} needs an API key (Authorization: Bearer <key>); reads do not.`);
  if (!roles.includes(key.role)) {
    throw new ForbiddenError(`A key with role ${key.role} cannot ${action}; it needs one of: ${roles.join(', ')}.`);
  }
  return key;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
