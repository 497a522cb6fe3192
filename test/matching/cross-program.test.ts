/**
 * Cross-program double issuance on the real fixture exports (double-counting.md §5): the ARB
 * conversion pairs, Gold Standard-held CDM CERs, the A-Gas duplicate listing, ACR→CAR
 * transitions, and same-owner pairs that must not match.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagCredits, flags } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { crossProgramIssuance } from '../../src/matching/detectors/cross-program-issuance.ts';
import type { DetectedFlag } from '../../src/matching/flag.ts';
import { runMatching } from '../../src/matching/run.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { flagsOfProject, loadRealFixtures, projectId } from './support.ts';

let testDb: TestDatabase;
let detections: DetectedFlag[];

beforeAll(async () => {
  testDb = await createTestDatabase();
  await loadRealFixtures(testDb.database);
  await runMatching({ database: testDb.database, logger: silentLogger, detectors: [crossProgramIssuance] });
  detections = await crossProgramIssuance.detect(testDb.database.db);
});
afterAll(async () => {
  await testDb.drop();
});

const db = () => testDb.database.db;

async function flagsBetween(a: [string, string], b: [string, string]) {
  const left = await projectId(db(), ...a);
  const right = await projectId(db(), ...b);
  const rightFlags = new Set((await flagsOfProject(db(), right)).map((f) => f.id));
  return (await flagsOfProject(db(), left)).filter((f) => rightFlags.has(f.id));
}

describe('conversions from offset project registries into ARB compliance offsets', () => {
  // The ten exact pairs of double-counting.md §5 (rows 1–10): cancellation "Convert to ARB offset
  // credits" / "ARB" of the same quantity as the ARB issuance for the same reporting period.
  const pairs: [string, string, string, number][] = [
    ['acr', 'ACR1007', 'CAOD1007', 79_565],
    ['acr', 'ACR1042', 'CAOD1042', 92_278],
    ['acr', 'ACR1051', 'CAMM1051', 14_653],
    ['acr', 'ACR1094', 'CAMM1094', 65_523],
    ['acr', 'ACR1100', 'CAMM1100', 153_201],
    ['acr', 'ACR1118', 'CAMM1118', 14_773],
    ['acr', 'ACR1123', 'CAMM1123', 75_540],
    ['acr', 'ACR1138', 'CAMM1138', 29_038],
    ['acr', 'ACR1163', 'CAOD1163', 61_040],
    ['car', 'CAR2111', 'CAMM1009', 159_383],
  ];

  it.each(pairs)('%s %s → ARB %s is a program_transition with matching quantities, not double issuance', async (program, opr, arb, quantity) => {
    const between = await flagsBetween([program, opr], ['arb', arb]);
    expect(between.map((f) => f.kind)).toEqual(['program_transition']);
    const [flag] = between;
    expect(flag).toMatchObject({ severity: 'info', quantityAtRisk: 0, detector: 'cross-program-issuance' });
    const conversion = flag!.evidence.conversion as { cancelled: number; issued: number; issuance: { quantity: number } };
    expect(conversion.cancelled).toBe(quantity);
    expect(conversion.issued).toBe(quantity);
    const roles = (await db().select().from(flagCredits).where(eq(flagCredits.flagId, flag!.id))).map((c) => c.role).sort();
    expect(roles[0]).toBe('cancellation for conversion');
    expect(roles).toContain('issuance after conversion');
  });

  it('finds the ten conversion pairs and no double issuance with tonnes at risk anywhere in the samples', () => {
    expect(detections.filter((d) => d.evidence.finding === 'conversion')).toHaveLength(10);
    expect(detections.filter((d) => d.kind === 'cross_program_double_issuance' && d.quantityAtRisk > 0)).toEqual([]);
  });

  it('reports every compared feature with both values, a level and a weight', () => {
    const conversion = detections.find((d) => d.evidence.finding === 'conversion')!;
    const features = conversion.evidence.features;
    expect(features.map((f) => f.feature)).toEqual(
      expect.arrayContaining(['explicit cross-reference', 'country', 'name', 'digits and codes in name', 'proponent', 'subdivision', 'distance', 'methodology family', 'category', 'equal quantity in overlapping periods']),
    );
    expect(features.find((f) => f.feature === 'explicit cross-reference')).toMatchObject({ level: 'stated by the registry', weight: 20 });
    expect(conversion.score).toBe(features.reduce((sum, f) => sum + f.weight, 0));
  });
});

describe('CDM CERs held in Gold Standard (GS4823 ↔ CDM 7014, §5 row 16)', () => {
  it('records the link as an info program_transition: one issuance by the CDM, not two', async () => {
    const holder = await projectId(db(), 'gold-standard', '4823');
    const found = await flagsOfProject(db(), holder);
    expect(found.map((f) => [f.kind, f.severity, f.quantityAtRisk])).toEqual([['program_transition', 'info', 0]]);
    expect(found[0]!.evidence).toMatchObject({ finding: 'CDM CERs held in another registry', cdmProjectRef: '7014', cdmProjectLoaded: false });
    expect((found[0]!.evidence.cers as unknown[]).length).toBe(3);
  });
});

describe('CAR1323 and ACR444 "A-Gas 2019-4" (§5 row 15)', () => {
  it('is a probable duplicate listing, severity low, nothing issued at risk', async () => {
    const between = await flagsBetween(['acr', 'ACR444'], ['car', 'CAR1323']);
    expect(between).toHaveLength(1);
    expect(between[0]).toMatchObject({ kind: 'cross_program_double_issuance', severity: 'low', quantityAtRisk: 0 });
    expect(between[0]!.evidence).toMatchObject({ finding: 'duplicate listing', match: { class: 'possible' } });
  });
});

describe('transitions between programs', () => {
  it('ACR674 → CAR2135 (Affinity mine methane, §5 row 12): disjoint credited periods are a transition', async () => {
    const between = await flagsBetween(['acr', 'ACR674'], ['car', 'CAR2135']);
    expect(between.map((f) => [f.kind, f.severity])).toEqual([['program_transition', 'info']]);
    expect(between[0]!.evidence.finding).toBe('disjoint credited periods');
  });
});

describe('must-not-match pairs: one owner, different plants or batches', () => {
  it.each([
    [['acr', 'ACR443'], ['car', 'CAR1318'], 'A-Gas 2019-3 / A-Gas 2019-1: digits differ'],
    [['acr', 'ACR961'], ['arb', 'CAOD1007'], 'A-Gas 3-2023 / A-Gas 3-2023B: a batch letter is a hard token'],
    [['acr', 'ACR1042'], ['car', 'CAR1458'], 'A-Gas 1-2024 / A-Gas 1-2021'],
    [['arb', 'CAMM1009'], ['car', 'CAR2089'], 'Keyrock: Green Valley / Middle Fork abandoned mines'],
  ] as [[string, string], [string, string], string][])('%j and %j produce no flag (%s)', async (a, b) => {
    expect(await flagsBetween(a, b)).toEqual([]);
  });

  it('two CPAs of one programme of activities are never linked', () => {
    const cpas = detections.filter((d) => JSON.stringify(d.evidence).includes('Small-scale solar electrical programme South Africa'));
    expect(cpas).toEqual([]);
  });
});

describe('reruns', () => {
  it('a second run writes nothing and keeps a reviewer\'s decision', async () => {
    const [first] = await db().select().from(flags).where(eq(flags.detector, 'cross-program-issuance')).limit(1);
    await db().update(flags).set({ status: 'dismissed', reviewedAt: new Date() }).where(eq(flags.id, first!.id));
    const result = await runMatching({ database: testDb.database, logger: silentLogger, detectors: [crossProgramIssuance] });
    expect(result.detectors[0]).toMatchObject({ inserted: 0, updated: 0, resolved: 0, unchanged: detections.length });
    const [after] = await db().select().from(flags).where(eq(flags.id, first!.id));
    expect(after!.status).toBe('dismissed');
  });
});
