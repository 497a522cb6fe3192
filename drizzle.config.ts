import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/db/schema.ts into drizzle/ and applied by `hub migrate`
// (and on start). drizzle-kit only writes SQL here; it never connects to a database.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
