import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ccpDecisions, ccpPrograms } from '../../src/db/schema.ts';
import { buildReferenceIndex, methodologyCode, nameKey, type ReferenceIndex } from '../../src/ccp/reference-index.ts';
import { methodologyVerdict, programVerdict } from '../../src/ccp/verdicts.ts';
import { compareVersions, inRange, parseVersion, versionRange } from '../../src/ccp/versions.ts';
import { activeReferenceVersion, ensureShippedReference, loadReference, referenceRows } from '../../src/reference/ccp/load.ts';
import { effectiveDate, readReferencePackage, shippedDecisionsPath, type ReferencePackage } from '../../src/reference/ccp/reference-file.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let pkg: ReferencePackage;
let index: ReferenceIndex;

beforeAll(async () => {
  pkg = await readReferencePackage();
  const { programs, decisions } = referenceRows(pkg);
  index = buildReferenceIndex({
    version: pkg.version,
    asOf: pkg.decisions.asOf,
    icvcmTableDate: '2026-08-04',
    programs: programs.map((row) => ({ ...row, sources: row.sources ?? [], notes: row.notes ?? null }) as typeof ccpPrograms.$inferSelect),
    decisions: decisions as (typeof ccpDecisions.$inferSelect)[],
    aliases: pkg.aliases,
  });
});

const today = '2026-11-25';
const verdict = (programId: string, id: string, version: string | null = null, countryCode: string | null = null, date = today) =>
  methodologyVerdict(index, { programId, id, version, countryCode }, date);

describe('the shipped reference data', () => {
  it('is the research file, versioned by its asOf and a content hash', async () => {
    expect(pkg.version).toMatch(/^2026-11-24\+[0-9a-f]{12}$/);
    expect(await readFile(shippedDecisionsPath, 'utf8')).toBe(await readFile('../shared/reference/ccp-decisions.json', 'utf8'));
    const { programs, decisions } = referenceRows(pkg);
    expect(decisions).toHaveLength(181);
    expect(new Set(decisions.map((row) => row.id)).size).toBe(181);
    expect(programs.filter((row) => row.status === 'ccp-eligible')).toHaveLength(10);
    // Counts as the file states them (ccp.md §0).
    const outcomes = Object.fromEntries(['approved', 'rejected', 'remedial-action', 'withdrawn', 'pending'].map((o) => [o, decisions.filter((d) => d.outcome === o).length]));
    expect(outcomes).toEqual(pkg.decisions.methodologyStatus.reduce<Record<string, number>>((counts, row) => ({ ...counts, [row.outcome]: (counts[row.outcome] ?? 0) + 1 }), {}));
    expect(outcomes).toEqual({ approved: 47, rejected: 33, 'remedial-action': 2, withdrawn: 14, pending: 85 });
  });

  it('dates month-precision decisions from the end of their month, undated ones from the table date', () => {
    expect(effectiveDate('2024-06-06')).toBe('2024-06-06');
    expect(effectiveDate('2025-06')).toBe('2025-06-30');
    expect(effectiveDate('2024-02')).toBe('2024-02-29');
    const { decisions, programs } = referenceRows(pkg);
    expect(decisions.find((row) => row.id === 'verra:vmr0006:1.2')?.effectiveFrom).toBe('2026-08-04');
    expect(decisions.find((row) => row.id === 'verra:vm0003:1.3')?.effectiveFrom).toBeNull();
    expect(programs.find((row) => row.programId === 'gcc')).toMatchObject({ effectiveFrom: '2026-05-31', scopeLimited: true });
    expect(programs.find((row) => row.programId === 'car')).toMatchObject({ effectiveFrom: '2024-04-05', scopeLimited: false });
  });
});

describe('methodology ids and versions as registries write them', () => {
  it('normalizes codes to the ICVCM table form', () => {
    expect(methodologyCode('AMS-III.Z')).toBe('AMS-III.Z.');
    expect(methodologyCode(' ams-iii.g. ')).toBe('AMS-III.G.');
    expect(methodologyCode('ACM0002')).toBe('ACM0002');
    expect(methodologyCode('AR-ACM0003')).toBe('AR-ACM0003');
    expect(methodologyCode('vm0042')).toBe('VM0042');
    expect(methodologyCode('VMR0017')).toBe('VMR0017');
    expect(methodologyCode('Forestry - MX')).toBeNull();
    expect(nameKey('ACR Certified Reclaimed HFC Refrigerants, Propellants and Fire Suppressants')).toBe(
      nameKey('Certified Reclaimed HFC Refrigerants, Propellants, and Fire Suppressants'),
    );
  });

  it('compares versions as numbers within inclusive ranges', () => {
    expect(parseVersion('Version 2.0')).toEqual([2, 0]);
    expect(parseVersion('November 14, 2014')).toBeNull();
    expect(compareVersions([2], [2, 0])).toBe(0);
    const range = versionRange('1', '13.1', '1-13.1');
    expect(inRange([13, 1], range)).toBe(true);
    expect(inRange([13, 2], range)).toBe(false);
    expect(inRange([5, 1, 1], versionRange('1.0', '5.1.1', '1.0-5.1.1'))).toBe(true);
  });
});

describe('methodology verdicts (per program, methodology and version)', () => {
  it('ACM0002 as submitted by Verra does not meet the CCPs: the 2024-08-06 rejection', () => {
    const result = verdict('verra', 'ACM0002');
    expect(result.status).toBe('NOT_APPROVED');
    expect(result.decisionId).toBe('verra:acm0002:1.0-21.0');
    expect(result.reasons[0]).toContain('not to meet the CCPs');
    expect(result.reasons[0]).toContain('2024-08-06');
    expect(result.reasons[0]).toContain('https://icvcm.org/wp-content/uploads/2024/08/VCS_ACM0002_v1-21_2024.pdf');
  });

  it('keys decisions on the program: ACM0001 is approved for Verra and GS, still pending for GCC', () => {
    expect(verdict('verra', 'ACM0001', '19.0').status).toBe('APPROVED_CONDITIONAL'); // ≤ 10 MWe condition
    expect(verdict('gold-standard', 'ACM0001', '15.0').status).toBe('APPROVED_CONDITIONAL');
    expect(verdict('gcc', 'ACM0001', '19.0').status).toBe('PENDING_ASSESSMENT');
    const unknown = verdict('cercarbono', 'ACM0001');
    expect(unknown.status).toBe('UNKNOWN_METHODOLOGY');
    expect(unknown.reasons.join(' ')).toContain('only as submitted by');
  });

  it('honours version ranges and names the versions on the table when a version is missing from it', () => {
    expect(verdict('verra', 'ACM0001', '14.0').status).toBe('UNKNOWN_METHODOLOGY');
    expect(verdict('verra', 'VM0042', '2.2').status).toBe('APPROVED_CONDITIONAL');
    expect(verdict('verra', 'VM0042', '2.1').status).toBe('WITHDRAWN');
    const acr = verdict('acr', 'Improved Forest Management (IFM) on Non-Federal U.S. Forestlands', '1.1');
    expect(acr.status).toBe('UNKNOWN_METHODOLOGY');
    expect(acr.reasons[0]).toContain('1.3 (approved), 2.0 (approved), 2.1 (approved)');
    // VM0047 v1.1 is explicitly unconditional: with a known version it is APPROVED outright…
    expect(verdict('verra', 'VM0047', '1.1').status).toBe('APPROVED');
    // …but Verra exports no versions, and then only the registry's own label can confirm it.
    expect(verdict('verra', 'VM0047', null).status).toBe('APPROVED_CONDITIONAL');
  });

  it('reads registry spellings through the alias map, by country where one string names several protocols', () => {
    expect(verdict('car', 'Adipic Acid', '1.0', 'US').decisionId).toBe('car:car-u.s.-adipic-acid-production-protocol:1.0');
    expect(verdict('car', 'Adipic Acid', '1.0', 'CN').decisionId).toBe('car:car-china-adipic-acid-production-protocol:1.0');
    expect(verdict('car', 'Adipic Acid', '1.0', 'CN').status).toBe('APPROVED'); // China: no conditions
    expect(verdict('car', 'Landfill Gas Capture/Combustion', '6.0', 'US').status).toBe('APPROVED_CONDITIONAL');
    expect(verdict('car', 'Landfill Gas Capture/Combustion', '2.0', 'MX').status).toBe('PENDING_ASSESSMENT');
    expect(verdict('car', 'Landfill Gas Capture/Combustion', '6.0', 'BR').status).toBe('UNKNOWN_METHODOLOGY');
    expect(verdict('gold-standard', 'GS TPDDTEC', '3.1').decisionId).toMatch(/^gold-standard:gs-tpddtec/);
    expect(verdict('gold-standard', 'GS TPDDTEC', '4.0').decisionId).toMatch(/^gold-standard:reduced-emissions-from-cooking/);
    expect(verdict('gold-standard', 'GS MS Simplified Methodology for Efficient Cookstoves', '1.1').status).toBe('NOT_APPROVED');
    expect(verdict('isometric', 'direct-air-capture').status).toBe('APPROVED_CONDITIONAL'); // 1.1 approved; 1.0 withdrawn; 1.2-1.3 pending
    // CAR's compliance protocols are not its voluntary ones (ccp.md §2).
    expect(verdict('car', 'Ozone Depleting Substances - U.S. - ARB Compliance - Compliance Offset Protocol ARB Ozone Depleting Substances Projects', 'November 14, 2014').status).toBe(
      'UNKNOWN_METHODOLOGY',
    );
  });

  it('reports variants registry data cannot tell apart (ART TREES crediting levels) as conditional', () => {
    const result = verdict('art-trees', 'ART - The REDD+ Environmental Excellence Standard (TREES)', '2.0');
    expect(result.status).toBe('APPROVED_CONDITIONAL');
    expect(result.reasons.join(' ')).toContain('remedial action');
    expect(result.reasons.join(' ')).toContain('registry data does not say which one applies');
  });

  it('counts a decision only from its date: before it, the methodology was still under assessment', () => {
    const early = verdict('acr', 'Improved Forest Management (IFM) on Non-Federal U.S. Forestlands', '1.3', 'US', '2026-08-15');
    expect(early.status).toBe('PENDING_ASSESSMENT');
    expect(early.reasons[0]).toContain('after the evaluation date 2026-08-15');
    expect(verdict('verra', 'ACM0002', null, null, '2024-08-05').status).toBe('PENDING_ASSESSMENT');
  });
});

describe('program verdicts', () => {
  it('is eligible from the eligibility date on, within its scope', () => {
    expect(programVerdict(index, 'gold-standard', '2024-04-04').eligibility).toBe('not-eligible');
    expect(programVerdict(index, 'gold-standard', '2024-04-05').eligibility).toBe('eligible');
    expect(programVerdict(index, 'verra', '2024-04-05').reason).toContain('after the evaluation date 2024-04-05');
    expect(programVerdict(index, 'puro', today)).toMatchObject({ referenceProgramId: 'puro-earth', eligibility: 'scope' });
    expect(programVerdict(index, 'cercarbono', today).eligibility).toBe('not-eligible');
    expect(programVerdict(index, 'cdm', today).reason).toContain('not a CCP program');
    expect(programVerdict(index, 'nowhere', today).reason).toContain('not on the ICVCM list');
  });
});

describe('loading into the database', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  it('loads the shipped version once and activates it', async () => {
    const db = testDb.database.db;
    expect(await activeReferenceVersion(db)).toBeNull();
    expect(await ensureShippedReference(db, silentLogger)).toEqual({ version: pkg.version, inserted: true, activated: true });
    expect(await ensureShippedReference(db, silentLogger)).toEqual({ version: pkg.version, inserted: false, activated: false });
    expect(await loadReference(db, pkg, { origin: 'shipped', activate: true })).toEqual({ version: pkg.version, inserted: false, activated: false });
    expect(await activeReferenceVersion(db)).toBe(pkg.version);
    expect(await db.$count(ccpDecisions)).toBe(181);
  });
});
