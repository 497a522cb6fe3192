/**
 * The only error surface the GraphQL API shows its clients (style guideline 8).
 *
 * Every error we raise carries a code from `ErrorCode`, a closed set clients can switch on.
 * Anything else that escapes a resolver is an internal fault: `plugins/error-masking.ts`
 * logs it and replaces it with INTERNAL_SERVER_ERROR and the request id.
 */
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';

export enum ErrorCode {
  /** The request is well formed but an argument is not acceptable (page size, cursor, id…). */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** The operation needs an API key and none (or an unknown one) was given. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The API key is valid but its role does not allow the operation. */
  FORBIDDEN = 'FORBIDDEN',
  /** The operation is deeper or costlier than the server's limits. */
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  /** An object the operation names does not exist. */
  NOT_FOUND = 'NOT_FOUND',
  /** A fault on our side; the response carries a request id to quote in a bug report. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/**
 * Codes Apollo Server itself gives to malformed requests (bad JSON shape, syntax errors,
 * validation failures, unknown operation name…). They are part of the GraphQL-over-HTTP
 * protocol rather than of our domain, and pass through unchanged.
 */
export const requestErrorCodes: ReadonlySet<string> = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
]);

/** Codes a client may see on an error other than the masked INTERNAL_SERVER_ERROR. */
export function isClientErrorCode(code: unknown): boolean {
  if (typeof code !== 'string') return false;
  if (code === ErrorCode.INTERNAL_SERVER_ERROR) return false;
  return (Object.values(ErrorCode) as string[]).includes(code) || requestErrorCodes.has(code);
}

/** Base of every error we raise on purpose: a GraphQLError with a stable `extensions.code`. */
export class HubError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'HubError';
    this.code = code;
  }
}

export class BadUserInputError extends HubError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(ErrorCode.BAD_USER_INPUT, message, extensions);
    this.name = 'BadUserInputError';
  }
}

export class UnauthenticatedError extends HubError {
  constructor(message = 'This operation needs an API key (Authorization: Bearer <key>).') {
    super(ErrorCode.UNAUTHENTICATED, message, { http: { status: 401 } });
    this.name = 'UnauthenticatedError';
  }
}

export class ForbiddenError extends HubError {
  constructor(message = 'Your API key does not allow this operation.') {
    super(ErrorCode.FORBIDDEN, message, { http: { status: 403 } });
    this.name = 'ForbiddenError';
  }
}

/** Raised before execution, so the whole request fails with HTTP 400. */
export class QueryTooComplexError extends HubError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(ErrorCode.QUERY_TOO_COMPLEX, message, { ...extensions, http: { status: 400 } });
    this.name = 'QueryTooComplexError';
  }
}

export class NotFoundError extends HubError {
  constructor(message: string) {
    super(ErrorCode.NOT_FOUND, message);
    this.name = 'NotFoundError';
  }
}
