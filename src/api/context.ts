import type { ApiKeyIdentity } from '../auth/roles.ts';
import type { Executor } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { createLoaders, type Loaders } from './loaders.ts';

/** What every resolver gets as `@Ctx()`: built once per request. */
export interface ApiContext {
  db: Executor;
  loaders: Loaders;
  /** GRAPHQL_MAX_PAGE_SIZE: the largest `first` (and `nodes(ids:)` list) accepted. */
  maxPageSize: number;
  requestId: string;
  /** The API logger, bound to this request's id. */
  logger: Logger;
  /** The API key the request was authenticated with (plugins/api-key-auth.ts); null when anonymous. */
  apiKey: ApiKeyIdentity | null;
}

export function createContext(options: { db: Executor; maxPageSize: number; requestId: string; logger: Logger }): ApiContext {
  return {
    db: options.db,
    loaders: createLoaders(options.db),
    maxPageSize: options.maxPageSize,
    requestId: options.requestId,
    logger: options.logger.child({ requestId: options.requestId }),
    apiKey: null,
  };
}
