import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (`main`) and ESM (`module`) builds. Node (and therefore
    // type-graphql, Apollo Server and graphql-scalars, which vitest loads natively) picks the
    // CommonJS one, while Vite would pick `index.mjs` for our sources: two graphql copies,
    // and "Cannot use GraphQLSchema from another module or realm". Pin ours to Node's choice.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file opens its own database (in-memory PGlite, or a fresh PostgreSQL database).
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
