/** The matching job itself: one detector failing does not stop the others; concurrent runs are serialized. */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { flags } from '../../src/db/schema.ts';
import { analyzeAfterRows } from '../../src/db/statistics.ts';
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

  it('gathers the flag tables\' planner statistics after a run that wrote many flags, not after one that wrote a few (PGlite has no autovacuum)', async () => {
    // Analyzed by hand (autovacuum's analyses are counted apart, as last_autoanalyze).
    const analyzed = async () =>
      queryRows<{ table: string; analyzed: boolean }>(
        testDb.database.db,
        sql`select relname as "table", last_analyze is not null as analyzed from pg_stat_user_tables
             where relname in ('flags', 'flag_projects', 'flag_credits') order by relname`,
      );
    await runMatching({ database: testDb.database, logger: silentLogger, detectors: [working] });
    expect((await analyzed()).filter((row) => row.analyzed)).toEqual([]);
    const many: Detector = {
      name: 'many',
      version: 1,
      description: 'finds many things',
      detect: async () => Array.from({ length: analyzeAfterRows }, (_, i) => ({ ...finding('many'), title: `finding ${i}`, identity: { finding: `finding ${i}` } })),
    };
    const result = await runMatching({ database: testDb.database, logger: silentLogger, detectors: [many] });
    expect(result.detectors[0]).toMatchObject({ detector: 'many', inserted: analyzeAfterRows });
    expect(await analyzed()).toEqual(['flag_credits', 'flag_projects', 'flags'].map((table) => ({ table, analyzed: true })));
  });
});
