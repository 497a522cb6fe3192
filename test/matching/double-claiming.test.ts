/**
 * Double claiming on real fixture rows: mandatory schemes, scheme uses and Article 6
 * authorizations, certificate markets (double-counting.md §4.7, §5 rows 19–22).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flags } from '../../src/db/schema.ts';
import { silentLogger } from '../../src/logger.ts';
import { authorization } from '../../src/matching/detectors/authorization.ts';
import { certificateMarketOverlap } from '../../src/matching/detectors/certificate-markets.ts';
import { mandatorySchemeCoverage } from '../../src/matching/detectors/mandatory-schemes.ts';
import { runMatching } from '../../src/matching/run.ts';
import { certificateMarkets, mandatorySchemes, schemeUses, sectors } from '../../src/reference/schemes/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { flagsOfProject, loadRealFixtures, projectId } from './support.ts';

let testDb: TestDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
  await loadRealFixtures(testDb.database);
  const result = await runMatching({ database: testDb.database, logger: silentLogger, detectors: [mandatorySchemeCoverage, authorization, certificateMarketOverlap] });
  if (result.detectors.some((d) => d.error)) throw new Error(JSON.stringify(result));
});
afterAll(async () => {
  await testDb.drop();
});

const db = () => testDb.database.db;

async function flagsOf(programId: string, registryProjectId: string, kind?: string) {
  const found = await flagsOfProject(db(), await projectId(db(), programId, registryProjectId));
  return kind ? found.filter((f) => f.kind === kind) : found;
}

describe('the reference data', () => {
  it('is versioned, sourced and consistent', () => {
    for (const file of [sectors, mandatorySchemes, schemeUses, certificateMarkets]) {
      expect(file.version).toBeGreaterThan(0);
      expect(file.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    for (const scheme of mandatorySchemes.schemes) {
      expect(['source', 'likely', 'unconfirmed']).toContain(scheme.tag);
      if (scheme.tag === 'source') expect(scheme.sources.length).toBeGreaterThan(0);
      for (const coverage of scheme.coverage) {
        expect(sectors.sectors[coverage.sector]).toBeDefined();
        expect(['fact', 'judgement']).toContain(coverage.basis);
      }
    }
    expect(mandatorySchemeCoverage.version).toBe(1000 + mandatorySchemes.version + sectors.version);
    expect(authorization.version).toBe(1000 + schemeUses.version);
    expect(certificateMarketOverlap.version).toBe(1000 + certificateMarkets.version + sectors.version);
  });
});

describe('mandatory schemes (coverage test)', () => {
  it('a hydropower project in China credited for 2021 is inside the China national ETS (grid displacement, medium)', async () => {
    const [flag] = await flagsOf('verra', '653', 'mandatory_scheme_coverage');
    expect(flag).toMatchObject({ severity: 'medium', detector: 'mandatory-schemes' });
    expect(flag!.evidence).toMatchObject({ scheme: { id: 'china-national-ets', tag: 'source' }, coverage: [{ sector: 'grid-electricity', relation: 'grid-displacement', basis: 'judgement' }] });
    expect(flag!.quantityAtRisk).toBeGreaterThan(0);
  });

  it('small-scale solar CPAs in South Africa are inside the carbon tax (low), each on its own', async () => {
    const [flag] = await flagsOf('gold-standard', '12000', 'mandatory_scheme_coverage');
    expect(flag).toMatchObject({ severity: 'low' });
    expect(flag!.evidence).toMatchObject({ scheme: { id: 'south-africa-carbon-tax' } });
    expect(await flagsOf('gold-standard', '11998', 'mandatory_scheme_coverage')).toHaveLength(1);
  });

  it('landfill gas in China and forest carbon in Colombia are outside the schemes there', async () => {
    expect(await flagsOf('verra', '3866', 'mandatory_scheme_coverage')).toEqual([]);
    expect(await flagsOf('cercarbono', '7', 'mandatory_scheme_coverage')).toEqual([]);
  });

  it('the compliance program\'s own offsets (ARB) are never reported as inside a scheme', async () => {
    const arb = await db().select().from(flags).where(eq(flags.kind, 'mandatory_scheme_coverage'));
    expect(arb.filter((f) => f.programIds.includes('arb'))).toEqual([]);
  });
});

describe('CORSIA and tax uses without the authorization the scheme requires', () => {
  it('ART102 CORSIA cancellations of vintage 2021 (ANA, JAL) lack a published authorization and adjustment; the program labels them eligible, so low', async () => {
    const found = await flagsOf('art-trees', 'ART102', 'missing_authorization');
    expect(found.map((f) => f.quantityAtRisk).sort((a, b) => a - b)).toEqual([100, 1000, 35_000]);
    for (const flag of found) {
      expect(flag.severity).toBe('low');
      const features = Object.fromEntries((flag.evidence.features as { feature: string; level: string }[]).map((f) => [f.feature, f.level]));
      expect(features).toMatchObject({ 'host authorization': 'not published', 'corresponding adjustment': 'not published', 'registry eligibility label': 'the program labels the units eligible' });
    }
  });

  it('a Colombian carbon-tax use of credits from before 2010 (Cercarbono project 4) breaks Decree 926; the registry marks them eligible, so low', async () => {
    const found = await flagsOf('cercarbono', '4', 'missing_authorization');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'low', quantityAtRisk: 63_593 });
    expect(found[0]!.evidence).toMatchObject({ problems: ['reductions before 2010-01-01'], scheme: { id: 'colombia-carbon-tax' } });
  });

  it('the other Colombian carbon-tax uses meet the rules the data shows: no flag', async () => {
    const found = await db().select().from(flags).where(eq(flags.kind, 'missing_authorization'));
    expect(found.filter((f) => f.programIds.includes('cercarbono'))).toHaveLength(1);
    expect(await flagsOf('cercarbono', '7', 'missing_authorization')).toEqual([]);
  });

  it('Cabo Leones (GS12065) compliance retirements under Chile\'s green tax are within its three years', async () => {
    expect(await flagsOf('gold-standard', '12065', 'missing_authorization')).toEqual([]);
  });
});

describe('Article 6 authorizations without a corresponding adjustment', () => {
  it('Verra 4150 authorized units already retired: medium', async () => {
    const [flag] = await flagsOf('verra', '4150', 'missing_corresponding_adjustment');
    expect(flag).toMatchObject({ severity: 'medium' });
    expect(flag!.evidence.authorizations).toEqual(
      expect.arrayContaining(['Article 6 Authorized – NDC Use', 'Article 6 Authorized – Intl mitigation purposes', 'Article 6 Authorized – Other purposes']),
    );
  });

  it.each(['3837', '2925', '3052'])('Verra %s authorized units only issued: low', async (id) => {
    const found = await flagsOf('verra', id, 'missing_corresponding_adjustment');
    expect(found.map((f) => f.severity)).toEqual(['low']);
  });

  it('a CORSIA pilot-phase label without authorization is not an Article 6 finding (Verra 1380)', async () => {
    expect(await flagsOf('verra', '1380', 'missing_corresponding_adjustment')).toEqual([]);
  });
});

describe('certificate markets for grid renewables', () => {
  it('Cabo Leones wind farm in Chile is a low-severity risk of a REC double claim', async () => {
    const [flag] = await flagsOf('gold-standard', '12065', 'certificate_market_overlap');
    expect(flag).toMatchObject({ severity: 'low' });
    expect((flag!.evidence.markets as { market: string }[]).map((m) => m.market)).toContain('i-rec');
  });

  it('a Turkish hydropower plant names I-REC with its source', async () => {
    const [flag] = await flagsOf('verra', '1380', 'certificate_market_overlap');
    expect(flag!.evidence.markets).toEqual([expect.objectContaining({ market: 'i-rec', basis: 'source' })]);
    expect(flag!.score).toBe(2);
  });

  it('off-grid solar lighting, landfill gas and water purifiers are not grid electricity', async () => {
    expect(await flagsOf('gold-standard', '5315', 'certificate_market_overlap')).toEqual([]);
    expect(await flagsOf('gold-standard', '11728', 'certificate_market_overlap')).toEqual([]);
    expect(await flagsOf('verra', '3052', 'certificate_market_overlap')).toEqual([]);
  });
});
