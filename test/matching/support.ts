/**
 * Matching tests load registry exports through the real connectors and ingest: the real
 * fixtures, or a copy of them with constructed rows appended (rows derived from real ones, for
 * situations the samples do not contain — double-counting.md §4.6 found no serial overlap and no
 * over-retirement in them).
 */
import { appendFile, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { connectors } from '../../connectors/index.ts';
import type { Database, Db } from '../../src/db/client.ts';
import { flagProjects, flags, projects } from '../../src/db/schema.ts';
import { loadExportFolder } from '../../src/ingest/snapshot.ts';
import { silentLogger } from '../../src/logger.ts';

export const fixturesDir = 'test/fixtures/registries';

export async function loadRealFixtures(database: Database): Promise<void> {
  const results = await loadExportFolder({ database, connectors, dir: fixturesDir, trigger: 'test', logger: silentLogger });
  for (const result of results) if (result?.status !== 'succeeded') throw new Error(`fixture load failed: ${JSON.stringify(result)}`);
}

/**
 * A copy of the fixtures with `extra` CSV lines appended to the named files (relative to the
 * fixtures folder), loaded through every connector's `readExports`. Returns the folder (removed
 * by `cleanup`).
 */
export async function loadFixturesWith(database: Database, extra: Record<string, string[]>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hub-matching-'));
  await cp(fixturesDir, dir, { recursive: true });
  for (const [file, lines] of Object.entries(extra)) {
    const path = join(dir, file);
    const current = await readFile(path, 'utf8');
    await appendFile(path, `${current.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n`);
  }
  const results = await loadExportFolder({ database, connectors, dir, trigger: 'test', logger: silentLogger });
  for (const result of results) if (result?.status !== 'succeeded') throw new Error(`constructed fixture load failed: ${JSON.stringify(result)}`);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function projectId(db: Db, programId: string, registryProjectId: string): Promise<number> {
  const [row] = await db
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.programId, programId), eq(projects.registryProjectId, registryProjectId)));
  if (!row) throw new Error(`no project ${programId}:${registryProjectId}`);
  return row.id;
}

/** Stored flags involving a project, with the roles of all their projects. */
export async function flagsOfProject(db: Db, id: number) {
  const rows = await db.select({ flag: flags }).from(flags).innerJoin(flagProjects, eq(flagProjects.flagId, flags.id)).where(eq(flagProjects.projectId, id));
  return rows.map((r) => r.flag);
}
