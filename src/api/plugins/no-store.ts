/**
 * `Cache-Control: no-store` on every GraphQL response: what Apollo's cache-control plugin
 * sends when no field gives a cache hint, and none does here. That plugin is disabled in
 * server.ts: its `willResolveField` hook makes Apollo wrap every resolver of the schema, and
 * a page of 50 flags with their projects resolves about a thousand fields (docs/benchmarks.md).
 * Add the plugin back (ApolloServerPluginCacheControl) if fields ever get cache hints.
 */
import type { ApolloServerPlugin } from '@apollo/server';

export function noStorePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
