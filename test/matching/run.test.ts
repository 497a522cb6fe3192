/** The matching job itself: one detector failing does not stop the others; concurrent runs are serialized. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flags } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logger.ts';
import type { Detector } from '../../src/matching/detectors/index.ts';
import { detectors } from '../../src/matching/detectors/index.ts';
import type { DetectedFlag } from '../../src/matching/flag.ts';
import { matchLockKey, runMatching } from '../../src/matching/run.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb.drop();
});

const finding = (detector: string): DetectedFlag => ({
  kind: 'over_retirement',
  detector,
  detectorVersion: 1,
  severity: 'medium',
  score: 1,
  title: 'a finding',
  quantityAtRisk: 10,
  projects: [],
  credits: [],
  evidence: { features: [] },
});

const working: Detector = { name: 'working', version: 1, description: 'finds one thing', detect: async () => [finding('working')] };
const failing: Detector = {
  name: 'failing',
  version: 1,
  description: 'throws',
  detect: async () => {
    throw new Error('boom');
  },
};

describe('runMatching', () => {
  it('runs every detector once, with unique names, in order', () => {
    expect(new Set(detectors.map((d) => d.name)).size).toBe(detectors.length);
    expect(detectors.map((d) => d.name)).toEqual([
      'cross-program-issuance',
      'serial-overlap',
      'over-retirement',
      'double-retirement',
      'mandatory-schemes',
      'authorization',
      'certificate-markets',
    ]);
  });

  it('reports a failing detector and still runs the others', async () => {
    const result = await runMatching({ database: testDb.database, logger: silentLogger, detectors: [failing, working] });
    expect(result.skipped).toBe(false);
    expect(result.detectors[0]).toMatchObject({ detector: 'failing', error: 'boom', detected: 0 });
    expect(result.detectors[1]).toMatchObject({ detector: 'working', detected: 1, inserted: 1, byKind: { over_retirement: 1 }, bySeverity: { medium: 1 } });
    expect(await testDb.database.db.select().from(flags).where(eq(flags.detector, 'working'))).toHaveLength(1);
  });

  it('skips when another run holds the lock', async () => {
    const outer = await testDb.database.withAdvisoryLock(matchLockKey, () => runMatching({ database: testDb.database, logger: silentLogger, detectors: [working] }));
    expect(outer).toEqual({ acquired: true, value: { skipped: true, detectors: [] } });
  });
});
