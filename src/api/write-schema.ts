/** Writes the committed SDL (/schema.graphql) from the type-graphql schema: `hub schema` (`npm run schema`). */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildHubSchema, printHubSchema } from './schema.ts';

/** Where the committed SDL lives: schema.graphql at the project root. */
export const schemaFilePath = resolve(import.meta.dirname, '../../schema.graphql');

/** Writes the SDL to `path` when it differs; tells whether the file changed. */
export async function writeSchemaFile(path: string = schemaFilePath): Promise<{ path: string; changed: boolean }> {
  const sdl = printHubSchema(await buildHubSchema());
  const current = await readFile(path, 'utf8').catch(() => null);
  if (current === sdl) return { path, changed: false };
  await writeFile(path, sdl, 'utf8');
  return { path, changed: true };
}
