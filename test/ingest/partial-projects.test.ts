import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arb } from '../../connectors/arb/index.ts';
import { car } from '../../connectors/car/index.ts';
import { projects } from '../../src/db/schema.ts';
import { runSync } from '../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb.drop();
});

// ARB's rows repeat their project's operator and OPR id, and these change between reporting
// periods of one project: small batches put the disagreeing rows into different batches.
const syncArb = () =>
  runSync({ database: testDb.database, connector: arb, source: { kind: 'files', dir: 'test/fixtures/registries/arb' }, trigger: 'test', logger: silentLogger, batchSize: 7 });

describe('projects known only through their transactions', () => {
  it('are merged over the whole run, so a second run over the same rows changes nothing', async () => {
    const first = await syncArb();
    expect(first.status).toBe('succeeded');
    const second = await syncArb();
    expect(second.counts).toMatchObject({ inserted: 0, updated: 0 });
  });

  it('keep the cross references of every row, not only the last one applied', async () => {
    // CAMM1009-A names OPR ACR1009, CAMM1009-B names CAR2111 (registries.md §10.3).
    const [project] = await testDb.database.db
      .select()
      .from(projects)
      .where(and(eq(projects.programId, 'arb'), eq(projects.registryProjectId, 'CAMM1009')));
    const linked = project!.crossReferences.map((ref) => `${ref.programId}:${ref.registryProjectId}`);
    expect(linked).toEqual(expect.arrayContaining(['acr:ACR1009', 'car:CAR2111']));
  });
});

describe('a listed project whose list leaves fields out', () => {
  it("keeps its own values and takes only the missing ones from its transactions (CAR's list has no protocol)", async () => {
    const result = await runSync({ database: testDb.database, connector: car, source: { kind: 'files', dir: 'test/fixtures/registries/climate-action-reserve' }, trigger: 'test', logger: silentLogger });
    expect(result.status).toBe('succeeded');
    const [project] = await testDb.database.db
      .select()
      .from(projects)
      .where(and(eq(projects.programId, 'car'), eq(projects.registryProjectId, 'CAR2135')));
    expect(project!.completeness).toBe('full');
    expect(project!.methodologies.length).toBeGreaterThan(0);
    expect(project!.methodologies[0]!.id).toMatch(/Mine Methane Capture/);
    expect(project!.category).not.toBeNull();
    const again = await runSync({ database: testDb.database, connector: car, source: { kind: 'files', dir: 'test/fixtures/registries/climate-action-reserve' }, trigger: 'test', logger: silentLogger });
    expect(again.counts).toMatchObject({ inserted: 0, updated: 0 });
  });
});
