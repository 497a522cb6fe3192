import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verra } from '../../connectors/verra/index.ts';
import { queryRows } from '../../src/db/client.ts';
import { credits, flagCredits, flagProjects, flags } from '../../src/db/schema.ts';
import { loadExportFolder } from '../../src/ingest/snapshot.ts';
import { silentLogger } from '../../src/logger.ts';
import { flagId, type DetectedFlag } from '../../src/matching/flag.ts';
import { recordDetections } from '../../src/matching/flag-store.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let testDb: TestDatabase;
let detections: DetectedFlag[];

beforeAll(async () => {
  testDb = await createTestDatabase();
  await loadExportFolder({ database: testDb.database, connectors: [verra], dir: 'test/fixtures/registries', trigger: 'test', logger: silentLogger });
  // Two findings about real credits (constructed: the fixtures hold no real serial overlap).
  const rows = await testDb.database.db.select().from(credits).orderBy(asc(credits.id)).limit(4);
  detections = [0, 2].map((i) => ({
    kind: 'serial_overlap',
    detector: 'test-detector',
    detectorVersion: 1,
    severity: 'high',
    score: 10,
    title: `credits ${rows[i]!.id} and ${rows[i + 1]!.id} overlap`,
    quantityAtRisk: 100,
    projects: [{ projectId: rows[i]!.projectId, role: 'issuer' }],
    credits: [
      { creditId: rows[i]!.id, role: 'left' },
      { creditId: rows[i + 1]!.id, role: 'right' },
    ],
    evidence: { features: [{ feature: 'serial range', left: 'a', right: 'b', level: 'overlap', weight: 10 }] },
  }));
});
afterAll(async () => {
  await testDb.drop();
});

const storedFlags = () => testDb.database.db.select().from(flags).orderBy(asc(flags.id));

describe('the flag store', () => {
  it('inserts new findings as open, with their projects, credits and programs', async () => {
    const counts = await recordDetections(testDb.database.db, 'test-detector', detections);
    expect(counts).toMatchObject({ detected: 2, inserted: 2, updated: 0, resolved: 0 });
    const stored = await storedFlags();
    expect(stored.map((f) => f.status)).toEqual(['open', 'open']);
    expect(stored.every((f) => f.programIds.join() === 'verra')).toBe(true);
    const first = detections[0]!;
    const id = flagId(first.kind, first);
    expect((await testDb.database.db.select().from(flagCredits).where(eq(flagCredits.flagId, id))).map((c) => c.role).sort()).toEqual(['left', 'right']);
    expect(await testDb.database.db.select().from(flagProjects).where(eq(flagProjects.flagId, id))).toHaveLength(1);
  });

  it('a rerun with the same findings writes nothing and duplicates nothing', async () => {
    const before = await storedFlags();
    const counts = await recordDetections(testDb.database.db, 'test-detector', detections);
    expect(counts).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, resolved: 0 });
    expect(await storedFlags()).toEqual(before);
  });

  it("updates evidence on a rerun but never overwrites a reviewer's decision", async () => {
    const id = flagId(detections[0]!.kind, detections[0]!);
    await testDb.database.db.update(flags).set({ status: 'confirmed', reviewedAt: new Date() }).where(eq(flags.id, id));
    const changed = detections.map((d, i) => (i === 0 ? { ...d, score: 12, evidence: { ...d.evidence, note: 'more evidence' } } : d));
    const counts = await recordDetections(testDb.database.db, 'test-detector', changed);
    expect(counts).toMatchObject({ inserted: 0, updated: 1 });
    const [flag] = await testDb.database.db.select().from(flags).where(eq(flags.id, id));
    expect(flag).toMatchObject({ status: 'confirmed', score: 12 });
    expect(flag!.evidence.note).toBe('more evidence');
  });

  it('marks findings no longer found as resolved, keeps reviewed ones as decided, and reopens a finding that returns', async () => {
    const [confirmedId, openId] = detections.map((d) => flagId(d.kind, d));
    const gone = await recordDetections(testDb.database.db, 'test-detector', []);
    expect(gone.resolved).toBe(2);
    const after = new Map((await storedFlags()).map((f) => [f.id, f]));
    expect(after.get(openId!)).toMatchObject({ status: 'resolved' });
    expect(after.get(confirmedId!)).toMatchObject({ status: 'confirmed' });
    expect(after.get(confirmedId!)!.resolvedAt).not.toBeNull();

    const back = await recordDetections(testDb.database.db, 'test-detector', [detections[1]!]);
    expect(back).toMatchObject({ updated: 1, resolved: 0 });
    const [reopened] = await testDb.database.db.select().from(flags).where(eq(flags.id, openId!));
    expect(reopened).toMatchObject({ status: 'open', resolvedAt: null });
  });

  it("leaves other detectors' findings alone", async () => {
    const counts = await recordDetections(testDb.database.db, 'another-detector', []);
    expect(counts.resolved).toBe(0);
    expect((await storedFlags()).length).toBe(2);
  });

  it('stores a batch of flags listing tens of thousands of credits (more rows than bind parameters allow)', async () => {
    // 500 findings (one write batch) of 60 credits each: 30,000 flag-credit rows, 90,000 values.
    const rows = await testDb.database.db.select().from(credits).orderBy(asc(credits.id)).limit(60);
    expect(rows).toHaveLength(60);
    const many: DetectedFlag[] = Array.from({ length: 500 }, (_, i) => ({
      kind: 'cross_program_double_issuance',
      detector: 'bulk-detector',
      detectorVersion: 1,
      severity: 'medium',
      score: 6,
      title: `finding ${i}`,
      quantityAtRisk: 10,
      projects: [{ projectId: rows[i % rows.length]!.projectId, role: 'left' }],
      credits: rows.map((row) => ({ creditId: row.id, role: `issuance ${i}` })),
      evidence: { features: [] },
    }));
    const counts = await recordDetections(testDb.database.db, 'bulk-detector', many);
    expect(counts).toMatchObject({ detected: 500, inserted: 500 });
    const ids = many.map((d) => flagId(d.kind, d));
    const [stored] = await queryRows<{ count: number }>(
      testDb.database.db,
      sql`select count(*)::int as count from flag_credits where flag_id = any (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
    );
    expect(stored!.count).toBe(500 * 60);
  });
});
