/**
 * Constructed cases, derived from real rows and loaded through the real connectors (the samples
 * hold no cross-program double issuance, serial overlap or over-retirement, double-counting.md
 * §4.6 and §5): extra lines appended to a copy of the fixture exports.
 */
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credits, flagCredits, flags } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { runMatching, type MatchingResult } from '../../src/matching/run.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { flagsOfProject, loadFixturesWith, loadRealFixtures, projectId } from './support.ts';

const GS_ISSUANCES = 'gold-standard/issuances.csv';
const GS_RETIREMENTS = 'gold-standard/retirements.csv';
const ACR_RETIREMENTS = 'american-carbon-registry/retirements.csv';
const CAR_ISSUANCES = 'climate-action-reserve/issuances.csv';

const extra: Record<string, string[]> = {
  [GS_ISSUANCES]: [
    // Verra 1975 "Hong Phong 4 Solar 48 MW Project" (Viet Nam, ACM0002, 2023-02-01–2023-12-31)
    // re-listed at Gold Standard under a perturbed name, monitoring period overlapping.
    '2023,Issued,30000,99001,Hong Phong 4 Solar 48MW Power Project,Hong Phong Solar Energy JSC,Viet Nam,PV,ACM0002,Standalone,,VER,2024-09-02T10:00:00.000000,2023-06-01,2024-05-31,GS1-1-VN-GS99001-1-2023-99001-1-30000,Emission Reduction,Not Applicable',
    // Must not match: the same owner's other plant, same country, type, methodology and period.
    '2023,Issued,20000,99002,Hong Phong 1 Solar Power Project,Hong Phong Solar Energy JSC,Viet Nam,PV,ACM0002,Standalone,,VER,2024-09-02T10:00:00.000000,2023-06-01,2024-05-31,GS1-1-VN-GS99002-1-2023-99002-1-20000,Emission Reduction,Not Applicable',
    // A second issuance in GS11603's batch 30256 whose serials overlap the real one (1–5485).
    // GS4823 holds CDM CERs of project 7014 for 2017–2019 (vintages 2017, 2018, 2019 of one
    // monitoring period); a Gold Standard VER of 2018 would credit those tonnes a second time.
    '2018,Issued,3000,4823,RDIS Carbon Emission Reduction for Self-Sustainable Environmental Care,Rural Development Inter - Diocesan Services (RDIS),Rwanda,Energy Efficiency - Domestic,,Standalone,,VER,2024-01-10T10:00:00.000000,2018-01-01,2018-12-31,GS1-1-RW-GS4823-16-2018-88888-1-3000,Emission Reduction,Not Applicable',
    '2025,Issued,1001,11603,GS10789 VPA8: Efficient and Clean Cooking for households in Kenya,ECC- Talanton Trust,Kenya,Energy Efficiency - Domestic,GS TPDDTEC v3.1,VPA,10789.0,VER,2026-04-02T09:00:00.000000,2024-03-02,2025-03-10,GS1-1-KE-GS11603-16-2025-30256-5000-6000,Emission Reduction,Not Applicable',
  ],
  [GS_RETIREMENTS]: [
    // Units 5000–5463 of batch 30256, already in the real retirement 110–5463 (Hilti), retired again.
    '2025,Retired,464,11603,GS10789 VPA8: Efficient and Clean Cooking for households in Kenya,ECC- Talanton Trust,Kenya,VER,Energy Efficiency - Domestic,GS TPDDTEC v3.1,VPA,10789.0,2026-03-31,2026-04-12,2024-03-02,2025-03-10,GS1-1-KE-GS11603-16-2025-30256-5000-5463,Constructed: the same units retired a second time,,Emission Reduction,Voluntary,Another Buyer,Not Applicable',
  ],
  [CAR_ISSUANCES]: [
    // CAR2111 (Green Valley mine methane) issued a vintage 2024 it kept, beside its real vintage
    // 2025 (159,383), all converted into ARB's CAMM1009-B, whose reporting period is
    // 2024-09-01–2025-08-31: CAR and ARB give a reporting period the vintage of the year it ends.
    '03/14/2025,CAR2111,,Green Valley Abandoned Mine Methane Recovery Project,"Keyrock Environment,LLC","Keyrock Environment,LLC",Mine Methane Capture - ARB Compliance,Reduction,,"Mine Methane Capture - ARB Compliance - ARB Compliance Offset Protocol Mine Methane Capture, April 25, 2014",Yes,No,,,No,,,2024,12000,,,,,,,Paris,ILLINOIS,US,,,"First Environment of California, Inc.",none,View,',
    // And a second issuance of vintage 2025 it kept: CAR issues a vintage in several rows and
    // converts only some; ARB's 159,383 are all explained by the converted row.
    '01/20/2026,CAR2111,,Green Valley Abandoned Mine Methane Recovery Project,"Keyrock Environment,LLC","Keyrock Environment,LLC",Mine Methane Capture - ARB Compliance,Reduction,,"Mine Methane Capture - ARB Compliance - ARB Compliance Offset Protocol Mine Methane Capture, April 25, 2014",Yes,No,,,No,,,2025,8000,,,,,,,Paris,ILLINOIS,US,,,"First Environment of California, Inc.",none,View,',
  ],
  [ACR_RETIREMENTS]: [
    // ACR1007 vintage 2024: 79,565 issued and all cancelled for conversion to ARB; 1,000 more retired.
    '1007,ACR-US-1007-2024-2351-79566 to 80565,4/26/2024 7:09:11 PM,2024,9/26/2023,1/26/2024,1000,1,6/20/2024 7:17:56 PM,Constructed Buyer,Environmental Benefit,Constructed over-retirement,ACR1007,A-Gas 3-2023B,Ozone Depleting Substances,ARB Compliance Offset Protocol: Destruction of U.S. Ozone Depleting Substances Banks,,Bowling Green,OHIO,US,Yes,No,No,,,,,,www.agasamericas.com,View,5.0,',
  ],
};

let testDb: TestDatabase;
let cleanup: () => Promise<void>;
let firstRun: MatchingResult;

beforeAll(async () => {
  testDb = await createTestDatabase();
  ({ cleanup } = await loadFixturesWith(testDb.database, extra));
  firstRun = await runMatching({ database: testDb.database, logger: silentLogger });
});
afterAll(async () => {
  await cleanup?.();
  await testDb.drop();
});

const db = () => testDb.database.db;

async function creditIdBySerial(serial: string): Promise<number> {
  const [row] = await db().select({ id: credits.id }).from(credits).where(eq(credits.serialNumber, serial));
  if (!row) throw new Error(`no credit ${serial}`);
  return row.id;
}

async function creditsOfFlag(id: string) {
  return (await db().select().from(flagCredits).where(eq(flagCredits.flagId, id))).map((c) => c.creditId).sort((a, b) => a - b);
}

describe('a Verra project re-listed at Gold Standard with a perturbed name and overlapping vintages', () => {
  it('is one cross_program_double_issuance flag for the pair of projects, each overlapping issuance pair pro-rated by days in its evidence', async () => {
    const verra = await projectId(db(), 'verra', '1975');
    const gs = await projectId(db(), 'gold-standard', '99001');
    const gsFlags = new Set((await flagsOfProject(db(), gs)).map((f) => f.id));
    const between = (await flagsOfProject(db(), verra)).filter((f) => gsFlags.has(f.id));
    expect(between.map((f) => f.kind)).toEqual(['cross_program_double_issuance']);
    const flag = between[0]!;
    // Verra 1,710 and 1,070 over 2023-02-01–2023-12-31 (334 days), GS 30,000 over 2023-06-01–2024-05-31
    // (366 days); overlap 2023-06-01–2023-12-31 (214 days): min(1,710·214/334, 30,000·214/366) = 1,095.6287,
    // and min(1,070·214/334, …) = 685.5689. The GS issuance covers both.
    const overlaps = flag.evidence.overlaps as { quantityAtRisk: number; window: string; explainedByConversion: number }[];
    expect(overlaps.map((o) => o.quantityAtRisk).sort((a, b) => a - b)).toEqual([
      expect.closeTo((1070 * 214) / 334, 3),
      expect.closeTo((1710 * 214) / 334, 3),
    ]);
    for (const o of overlaps) expect(o).toMatchObject({ window: '2023-06-01–2023-12-31', explainedByConversion: 0 });
    expect(flag.quantityAtRisk).toBeCloseTo(((1070 + 1710) * 214) / 334, 3);
    // Severity by the pair's tonnes at risk (1,780 t: medium), capped at medium for a possible match.
    expect(flag.severity).toBe('medium');
    expect(flag.evidence).toMatchObject({ finding: 'overlapping issuances', match: { class: 'possible' }, window: '2023-06-01–2023-12-31' });
    const features = Object.fromEntries((flag.evidence.features as { feature: string; level: string; weight: number }[]).map((f) => [f.feature, f]));
    expect(features.name!.level).toMatch(/^very close/);
    expect(features.name!.weight).toBe(5);
    expect(features['digits and codes in name']).toMatchObject({ level: 'match', weight: 0 });
    expect(features['methodology family']).toMatchObject({ level: 'same family', weight: 1 });
    expect(features.country).toMatchObject({ left: 'VN', right: 'VN', level: 'same' });
    expect(flag.score).toBe(6);
    // Both Verra issuances and the one Gold Standard issuance.
    expect((await creditsOfFlag(flag.id)).length).toBe(3);
  });

  it("does not match the same owner's other plant (Hong Phong 1), nor Verra's Srepok 1 Solar Power Project", async () => {
    const other = await projectId(db(), 'gold-standard', '99002');
    const crossProgram = (await flagsOfProject(db(), other)).filter((f) => f.detector === 'cross-program-issuance');
    expect(crossProgram).toEqual([]);
    const srepok = await projectId(db(), 'verra', '1974');
    expect((await flagsOfProject(db(), srepok)).filter((f) => f.detector === 'cross-program-issuance')).toEqual([]);
  });
});

describe('ARB and its offset project registry, vintage for vintage', () => {
  it("a CAR vintage that was not converted is not a double issuance against ARB's next reporting period, nor the units CAR kept of a converted vintage", async () => {
    const car2111 = await projectId(db(), 'car', 'CAR2111');
    const camm1009 = await projectId(db(), 'arb', 'CAMM1009');
    const between = (await flagsOfProject(db(), car2111)).filter((f) => f.detector === 'cross-program-issuance');
    const withArb = [];
    for (const flag of between) if ((await flagsOfProject(db(), camm1009)).some((f) => f.id === flag.id)) withArb.push(flag);
    // The conversion of vintage 2025 stays what it is; CAR's own vintage 2024 is not compared
    // with CAMM1009-B's 2024-09-01–2025-08-31 by days, and the 8,000 CAR kept of vintage 2025
    // are not compared with ARB tonnes the conversion already explains.
    expect(withArb.map((f) => f.kind)).toEqual(['program_transition']);
    expect(withArb[0]!.title).toMatch(/159,383/);
  });
});

describe('a Gold Standard VER for a period its CDM CERs already cover', () => {
  it('is cross_program_double_issuance against the CER of that vintage only', async () => {
    const holder = await projectId(db(), 'gold-standard', '4823');
    const found = (await flagsOfProject(db(), holder)).filter((f) => f.kind === 'cross_program_double_issuance');
    expect(found).toHaveLength(1);
    // The CER batch of vintage 2018 (3,845 t) is narrowed to 2018 within the 2017-08-19–2019-08-16
    // monitoring period; the whole VER (3,000 t, 2018) overlaps it.
    expect(found[0]).toMatchObject({ quantityAtRisk: 3000, severity: 'medium' });
    expect(found[0]!.evidence).toMatchObject({ cdmProjectRef: '7014', overlap: { window: '2018-01-01–2018-12-31' } });
    const ver = await creditIdBySerial('GS1-1-RW-GS4823-16-2018-88888-1-3000');
    expect(await creditsOfFlag(found[0]!.id)).toContain(ver);
    // The link itself is still an info transition.
    expect((await flagsOfProject(db(), holder)).filter((f) => f.kind === 'program_transition')).toHaveLength(1);
  });
});

describe('within one registry', () => {
  it('an overlapping serial block is serial_overlap, with the shared units at risk', async () => {
    const real = await creditIdBySerial('GS1-1-KE-GS11603-16-2025-30256-1-5485');
    const constructed = await creditIdBySerial('GS1-1-KE-GS11603-16-2025-30256-5000-6000');
    const found = await db().select().from(flags).where(eq(flags.kind, 'serial_overlap'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'medium', quantityAtRisk: 486 });
    expect(await creditsOfFlag(found[0]!.id)).toEqual([real, constructed].sort((a, b) => a - b));
    expect(found[0]!.evidence).toMatchObject({ namespace: 'GS1-1-KE-GS11603-16-2025-30256', overlap: { first: 5000, last: 5485, units: 486 } });
  });

  it('the same serial block retired twice is double_retirement', async () => {
    const real = await creditIdBySerial('GS1-1-KE-GS11603-16-2025-30256-110-5463');
    const constructed = await creditIdBySerial('GS1-1-KE-GS11603-16-2025-30256-5000-5463');
    const found = await db().select().from(flags).where(eq(flags.kind, 'double_retirement'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ quantityAtRisk: 464, severity: 'medium' });
    expect(await creditsOfFlag(found[0]!.id)).toEqual([real, constructed].sort((a, b) => a - b));
  });

  it('over-retirement is found per serial block and per project-vintage', async () => {
    const found = await db().select().from(flags).where(eq(flags.kind, 'over_retirement'));
    const block = found.find((f) => f.evidence.scope === 'serial block');
    // 5,354 + 464 retired from a block of 5,485.
    expect(block).toMatchObject({ quantityAtRisk: 333, severity: 'medium' });
    expect(await creditsOfFlag(block!.id)).toEqual([await creditIdBySerial('GS1-1-KE-GS11603-16-2025-30256-1-5485')]);
    const vintage = found.find((f) => f.evidence.scope === 'project-vintage');
    // ACR1007 2024: 79,565 issued, 79,565 cancelled for conversion + 1,000 retired.
    expect(vintage).toMatchObject({ quantityAtRisk: 1000, severity: 'medium' });
    expect(vintage!.evidence).toMatchObject({ vintageYear: 2024 });
    expect(found).toHaveLength(2);
  });
});

describe('reruns and disappearing findings', () => {
  it('a rerun writes nothing, duplicates nothing and keeps reviews', async () => {
    expect(firstRun.skipped).toBe(false);
    expect(firstRun.detectors.every((d) => d.error === undefined)).toBe(true);
    const before = await db().select().from(flags);
    const [reviewed] = before.filter((f) => f.kind === 'serial_overlap');
    await db().update(flags).set({ status: 'confirmed', reviewedAt: new Date() }).where(eq(flags.id, reviewed!.id));
    const second = await runMatching({ database: testDb.database, logger: silentLogger });
    for (const run of second.detectors) expect(run).toMatchObject({ inserted: 0, updated: 0, resolved: 0 });
    const after = await db().select().from(flags);
    expect(after).toHaveLength(before.length);
    expect(after.find((f) => f.id === reviewed!.id)!.status).toBe('confirmed');
  });

  it("a new overlapping issuance of a re-listed pair updates the pair's one flag: same id, so its reviews stay", async () => {
    const verra = await projectId(db(), 'verra', '1975');
    const gs = await projectId(db(), 'gold-standard', '99001');
    const pairFlag = async () => {
      const gsFlags = new Set((await flagsOfProject(db(), gs)).map((f) => f.id));
      const between = (await flagsOfProject(db(), verra)).filter((f) => gsFlags.has(f.id) && f.kind === 'cross_program_double_issuance');
      expect(between).toHaveLength(1);
      return between[0]!;
    };
    const before = await pairFlag();
    // Gold Standard issues the project's first five months of 2023 as well (batch 99003).
    const more = {
      ...extra,
      [GS_ISSUANCES]: [
        ...extra[GS_ISSUANCES]!,
        '2023,Issued,5000,99001,Hong Phong 4 Solar 48MW Power Project,Hong Phong Solar Energy JSC,Viet Nam,PV,ACM0002,Standalone,,VER,2024-10-02T10:00:00.000000,2023-01-01,2023-05-31,GS1-1-VN-GS99001-1-2023-99003-1-5000,Emission Reduction,Not Applicable',
      ],
    };
    const loaded = await loadFixturesWith(testDb.database, more);
    try {
      await runMatching({ database: testDb.database, logger: silentLogger });
    } finally {
      await loaded.cleanup();
    }
    const after = await pairFlag();
    expect(after.id).toBe(before.id);
    expect(after.quantityAtRisk).toBeGreaterThan(before.quantityAtRisk);
    expect((after.evidence.overlaps as unknown[]).length).toBeGreaterThan((before.evidence.overlaps as unknown[]).length);
    expect(await creditsOfFlag(after.id)).toContain(await creditIdBySerial('GS1-1-VN-GS99001-1-2023-99003-1-5000'));
    expect(after.evidence).toMatchObject({ window: '2023-02-01–2023-12-31' });
  });

  it('findings whose rows disappear from the registry are resolved, not deleted; a reviewed one keeps its decision', async () => {
    const constructedKinds = ['serial_overlap', 'double_retirement', 'over_retirement'];
    const constructed = await db().select().from(flags).where(inArray(flags.kind, constructedKinds));
    const relisting = (await db().select().from(flags).where(eq(flags.kind, 'cross_program_double_issuance'))).filter((f) => f.quantityAtRisk > 0);
    // The re-listed pair's one flag and the CDM holder's VER.
    expect(relisting).toHaveLength(2);
    // Reload the real exports: the constructed rows vanish from the registries.
    await loadRealFixtures(testDb.database);
    const third = await runMatching({ database: testDb.database, logger: silentLogger });
    expect(third.detectors.reduce((sum, d) => sum + d.resolved, 0)).toBeGreaterThanOrEqual(constructed.length + relisting.length);
    const after = new Map((await db().select().from(flags)).map((f) => [f.id, f]));
    for (const flag of constructed) {
      const now = after.get(flag.id)!;
      expect(now.resolvedAt).not.toBeNull();
      expect(now.status).toBe(flag.kind === 'serial_overlap' ? 'confirmed' : 'resolved');
    }
    for (const flag of relisting) expect(after.get(flag.id), flag.title).toMatchObject({ status: 'resolved' });
  });
});
