/**
 * Writes the committed SDL (/schema.graphql) from the type-graphql schema. Wired to the CLI
 * as `hub schema --write` (`npm run schema`); also runnable as `npx tsx src/api/write-schema.ts [path]`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { path, changed } = await writeSchemaFile(process.argv[2] ? resolve(process.argv[2]) : schemaFilePath);
  console.log(changed ? `wrote ${path}` : `${path} is up to date`);
}
