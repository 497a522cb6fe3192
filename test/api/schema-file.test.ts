import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildHubSchema, printHubSchema } from '../../src/api/schema.ts';
import { schemaFilePath } from '../../src/api/write-schema.ts';

describe('schema.graphql', () => {
  it('matches the schema the code builds', async () => {
    const built = printHubSchema(await buildHubSchema());
    const committed = await readFile(schemaFilePath, 'utf8').catch(() => '');
    expect(committed, 'schema.graphql is stale: run `npm run schema` and commit the result').toBe(built);
  });
});
