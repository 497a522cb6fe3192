import { describe, expect, it, beforeAll } from 'vitest';
import { apxNaturalKey } from '../../../connectors/apx/normalize.ts';
import { ACR, ART, CAR } from '../../../connectors/apx/registries.ts';
import { acr } from '../../../connectors/acr/index.ts';
import { artTrees } from '../../../connectors/art-trees/index.ts';
import { car } from '../../../connectors/car/index.ts';
import { acrFixtureDir } from '../../support/connectors/acr.ts';
import { artTreesFixtureDir } from '../../support/connectors/art-trees.ts';
import { carFixtureDir, readRows } from '../../support/connectors/car.ts';
import { normalizeExports, type NormalizedExports } from '../../support/connectors/records.ts';

const data: Record<'acr' | 'car' | 'art', NormalizedExports> = {} as never;

beforeAll(async () => {
  data.acr = await normalizeExports(acr, acrFixtureDir);
  data.car = await normalizeExports(car, carFixtureDir);
  data.art = await normalizeExports(artTrees, artTreesFixtureDir);
});

function rowCounts(dir: string): Record<string, number> {
  return Object.fromEntries(
    ['projects', 'issuances', 'retirements', 'cancellations'].map((kind) => [kind, readRows(`${dir}/${kind}.csv`).rows.length]),
  );
}

describe.each([
  ['acr', acrFixtureDir],
  ['car', carFixtureDir],
  ['art', artTreesFixtureDir],
] as const)('%s: every fixture row', (name, dir) => {
  it('is read and normalizes, with no rejection', () => {
    const set = data[name];
    const counts = rowCounts(dir);
    const bySource = Object.fromEntries(Object.keys(counts).map((kind) => [kind, set.raws.filter((r) => r.sourceKind === kind).length]));
    expect(bySource).toEqual(counts);
    expect(set.rejections).toEqual([]);
    expect(set.projects.filter((p) => p.completeness === 'full')).toHaveLength(counts.projects!);
    expect(set.credits).toHaveLength(counts.issuances! + counts.retirements! + counts.cancellations!);
  });

  it('keeps retirements and cancellations apart, from their own ledgers', () => {
    const set = data[name];
    for (const kind of ['issuance', 'retirement', 'cancellation'] as const) {
      const source = { issuance: 'issuances', retirement: 'retirements', cancellation: 'cancellations' }[kind];
      expect(set.credits.filter((c) => c.kind === kind)).toHaveLength(rowCounts(dir)[source]!);
    }
    expect(set.credits.every((c) => c.naturalKey.startsWith(`${c.kind}:`) && !c.kindAmbiguous)).toBe(true);
  });

  it('emits each credit’s project beside it, with an ISO country code', () => {
    const set = data[name];
    const partials = new Set(set.projects.map((p) => p.registryProjectId));
    expect(set.credits.every((c) => partials.has(c.registryProjectId))).toBe(true);
    expect(set.projects.filter((p) => p.countryCode === null).map((p) => [p.registryProjectId, p.countryName])).toEqual([]);
    expect(set.credits.every((c) => c.countryCode !== null && /^[A-Z]{2}$/.test(c.countryCode))).toBe(true);
  });

  it('dates every credit as an ISO date and gives every ledger credit its parsed serial block', () => {
    const set = data[name];
    expect(set.credits.every((c) => /^\d{4}-\d{2}-\d{2}$/.test(c.transactionDate ?? ''))).toBe(true);
    for (const c of set.credits.filter((c) => c.kind !== 'issuance')) {
      expect(c.serialBlock, c.naturalKey).not.toBeNull();
      expect(c.serialBlock!.lastUnit - c.serialBlock!.firstUnit + 1).toBe(c.quantity);
    }
    expect(set.credits.filter((c) => c.kind === 'issuance').every((c) => c.serialNumber === null)).toBe(true);
  });

  it('leaves the exporter’s artefact columns and "View" links out of attributes', () => {
    const set = data[name];
    const keys = [...set.projects, ...set.credits].flatMap((item) => Object.keys(item.attributes));
    expect(keys.filter((key) => /^Unnamed: \d+$/.test(key) || key === '' || key === 'Documents' || key === 'Data')).toEqual([]);
  });
});

describe('ACR', () => {
  it('reads project lists: dates, status, SDGs, and ARB / Washington Ecology ids as cross-references', () => {
    const p = data.acr.projectOf('ACR206');
    expect(p).toMatchObject({
      name: '2014-P4',
      proponent: 'EOS Climate Inc',
      countryCode: 'US',
      subdivision: 'ARKANSAS',
      projectTypes: ['Ozone Depleting Substances'],
      methodologies: [{ id: 'ARB Compliance Offset Protocol: Destruction of U.S. Ozone Depleting Substances Banks', version: null }],
      // No voluntary status: the compliance status is the status.
      status: 'ARB Completed',
      creditingPeriodStart: '2014-04-14',
      creditingPeriodEnd: '2024-04-13',
      sdgs: [9, 12, 13],
      crossReferences: [{ programId: 'arb', registryProjectId: 'CAOD5052', relation: 'compliance-program-id' }],
    });
    expect(p.attributes).toMatchObject({ 'Project Status Date': '1/27/2020 10:31:29 PM', 'Total Number of Credits Registered': '71825.0' });
    expect(data.acr.projectOf('ACR1185').crossReferences).toEqual([{ programId: 'ecology-wa', registryProjectId: 'ECYOD1185', relation: 'compliance-program-id' }]);
    expect(data.acr.projectOf('ACR586')).toMatchObject({ status: 'Registered', crossReferences: [] });
  });

  it('issues `Total Credits Issued` = credits to the project + to the buffer pool (100/100 rows), buffer kept in attributes', () => {
    const rows = readRows(`${acrFixtureDir}/issuances.csv`).rows;
    const sums = rows.filter((r) => Number(r['Total Credits Issued']) !== Number(r['Credits Issued to Project']) + Number(r['Credits Issued to Buffer Pool']));
    expect(sums).toEqual([]);
    const c = data.acr.creditOf('issuance:ACR279:v2025:2025-12-05T17:50:29:2024-06-01/2025-05-31:q19440');
    expect(c).toMatchObject({ quantity: 19440, vintageYear: 2025, vintageStart: '2024-06-01', vintageEnd: '2025-05-31', transactionDate: '2025-12-05', issuanceDate: '2025-12-05' });
    expect(c.attributes.quantities).toEqual({ creditsIssuedToProject: 15707, creditsIssuedToBufferPool: 3733, creditsTransferredToBufferPool: 0 });
  });

  it('splits one issuance time into rows by unit type, told apart by quantity in the key (ACR885)', () => {
    const keys = data.acr.credits.filter((c) => c.kind === 'issuance' && c.registryProjectId === 'ACR885').map((c) => [c.naturalKey, c.labels]);
    expect(keys).toEqual([
      ['issuance:ACR885:v2025:2025-10-28T21:50:47:2025-01-01/2025-01-31:q3456', ['CCP Approved', 'Verified Removal']],
      ['issuance:ACR885:v2025:2025-10-28T21:50:47:2025-01-01/2025-01-31:q14256', []],
    ]);
  });

  it('keeps a retirement’s beneficiary, reason, purpose, holder and labels as published', () => {
    const c = data.acr.creditOf('retirement:ACR-FR-1129-2025-2917-30932 to 35143');
    expect(c).toMatchObject({
      kind: 'retirement',
      quantity: 4212,
      vintageYear: 2025,
      vintageStart: '2025-02-07',
      vintageEnd: '2025-03-19',
      // `Status Effective (GMT)` 4/13/2026 7:17:56 PM; issued 6/30/2025 7:43:26 PM.
      transactionDate: '2026-04-13',
      issuanceDate: '2025-06-30',
      countryCode: 'FR',
      beneficiary: 'AWS',
      retirementReason: 'Environmental Benefit',
      retirementNote: 'Retirement for 2025 emissions associated with customer usage; AWS',
      useCase: null,
      labels: ['CCP Approved'],
    });
    // `Account Holder` can be a bare number (registries.md §4.2): kept verbatim.
    expect(c.attributes).toMatchObject({ 'Account Holder': '1423', 'CORSIA Eligible': 'No', 'CCP Approved': 'Yes', fiid: '1129' });
    expect(data.acr.credits.filter((x) => x.kind === 'retirement' && x.labels.includes('Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase)'))).toHaveLength(9);
  });

  it('reads cancellations’ two-space `Status Effective  (GMT)`, and names the program of a conversion', () => {
    const toArb = data.acr.credits.filter((c) => c.kind === 'cancellation' && c.attributes.convertedToProgram === 'arb');
    const toEcology = data.acr.credits.filter((c) => c.kind === 'cancellation' && c.attributes.convertedToProgram === 'ecology-wa');
    expect([toArb.length, toEcology.length]).toEqual([41, 6]);
    expect(toArb.every((c) => c.useCase === 'Convert to ARB offset credits')).toBe(true);
    expect(data.acr.creditOf('cancellation:ACR-US-1185-2025-3078-1 to 85847')).toMatchObject({
      retirementReason: 'Convert to Ecology offset credits',
      useCase: 'Convert to Ecology offset credits',
      transactionDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(data.acr.creditOf('cancellation:ACR-US-741-2025-3014-1 to 60257')).toMatchObject({
      retirementReason: 'Removal of credits from the registry',
      retirementNote: 'Premature issuance',
      useCase: null,
      beneficiary: null,
    });
  });

  it('reads the methodology version of transaction rows (`Version 2.0` → 2.0; ARB dates verbatim)', () => {
    const methodologies = new Set(data.acr.projects.filter((p) => p.completeness === 'partial').flatMap((p) => p.methodologies.map((m) => m.version)));
    expect([...methodologies].sort()).toEqual(['1.0', '1.1', '1.2', '1.3', '2.0', '2.1', '3.0', 'April 25, 2014', 'June 25, 2015', 'November 14, 2014', 'October 20, 2011']);
  });
});

describe('CAR', () => {
  it('reads ARB, WA ECO and compliance ids as cross-references, `N/A` as none, and the aggregate as parent', () => {
    expect(data.car.projectOf('CAR1957').crossReferences).toEqual([{ programId: 'arb', registryProjectId: 'CAFR6957', relation: 'arb-id' }]);
    expect(data.car.projectOf('CAR2278').crossReferences).toEqual([{ programId: 'ecology-wa', registryProjectId: 'ECYOD2278', relation: 'wa-eco-id' }]);
    expect(data.car.projectOf('CAR1641')).toMatchObject({ parentRegistryProjectId: 'CARC1791', crossReferences: [] });
    expect(data.car.projectOf('CAR1957')).toMatchObject({ status: 'Listed', registrationDate: null, projectTypes: ['Reforestation - ARB Compliance'] });
    const withNa = car.normalize({ ...data.car.rawOf('projects', 'CAR1641'), payload: { ...data.car.rawOf('projects', 'CAR1641').payload, 'Compliance Program ID': 'N/A', 'ARB ID': 'N/A' } });
    expect(withNa.ok && withNa.projects[0]!.crossReferences).toEqual([]);
  });

  it('splits `Protocol and Version` into methodology and version', () => {
    const versions = data.car.projects
      .filter((p) => p.completeness === 'partial')
      .flatMap((p) => p.methodologies)
      .map((m) => `${m.id} @ ${m.version}`);
    expect(versions).toContain('Forestry - MX @ 3.0');
    expect(versions).toContain('Mine Methane Capture - ARB Compliance - ARB Compliance Offset Protocol Mine Methane Capture @ April 25, 2014');
    expect(versions).toContain('Ozone Depleting Substances - U.S. - WA ECO Compliance - WA Eco Compliance Offset Protocol Ozone Depleting Substances Projects @ 1.0');
    expect(versions.filter((v) => v.endsWith('@ null'))).toEqual([]);
  });

  it('issues `Total Offset Credits Issued`, with buffer and compliance columns in attributes', () => {
    const c = data.car.creditOf('issuance:CAR2111:v2025:2025-12-02:q159383');
    expect(c).toMatchObject({ quantity: 159383, transactionDate: '2025-12-02', labels: ['ARB Eligible'], article6Authorization: null });
    expect(c.attributes).toMatchObject({ quantities: { canceledForCompliance: 159383 }, 'Corresponding Adjustment': 'No' });
    // Two rows of one issuance day, one CCP-approved: the quantity tells them apart.
    expect(data.car.creditOf('issuance:CAR1568:v2025:2025-12-31:q22287').labels).toEqual(['CCP Approved']);
    expect(data.car.creditOf('issuance:CAR1568:v2025:2025-12-31:q118084').attributes.quantities).toEqual({ reserveBufferPool: 34427 });
  });

  it('keeps `Retirement Reason Details` as the note, and a beneficiary only where the text labels one', () => {
    const kinaxis = data.car.creditOf('retirement:CAR-1-US-1335-31-983-KS-2025-9205-1 to 5000');
    expect(kinaxis).toMatchObject({ beneficiary: null, retirementNote: 'Retired on behalf of Kinaxis Inc. F2024 period' });
    expect(kinaxis.attributes['Account Holder']).toBe('ClimeCo Corp MCK NAP2, LLC.');
    const labelled = ['34701 to 36258', '36259 to 36958', '32701 to 34700'].map(
      (range) => data.car.creditOf(`retirement:CAR-1-MX-1660-42-1590-CI-2024-9456-${range}`).beneficiary,
    );
    expect(labelled).toEqual(['LGT CP Portfolio Management SICAV', 'LGT Portfolio Management SICAV', 'LGT CP Portfolio Management SICAV']);
    expect(data.car.credits.filter((c) => c.beneficiary !== null)).toHaveLength(3);
  });

  it('reads cancellations `ARB` and `WA ECO` as conversions to those programs', () => {
    const cancellations = data.car.credits.filter((c) => c.kind === 'cancellation');
    expect(cancellations.filter((c) => c.attributes.convertedToProgram === 'arb')).toHaveLength(45);
    expect(cancellations.filter((c) => c.attributes.convertedToProgram === 'ecology-wa')).toHaveLength(5);
    expect(cancellations.every((c) => c.serialBlock?.parts.unitClass === 'ROC')).toBe(true);
  });

  it('reads CCP under its later name `ICVCM CCP Eligible` too, and a corresponding adjustment as Article 6', () => {
    const original = data.car.rawOf('issuances', 'issuance:CAR1568:v2025:2025-12-31:q22287');
    const { 'CCP Approved': ccp, ...rest } = original.payload;
    const renamed = car.normalize({ ...original, payload: { ...rest, 'ICVCM CCP Eligible': ccp, 'Corresponding Adjustment': 'Yes' } });
    expect(renamed.ok && renamed.credits[0]).toMatchObject({ labels: ['ICVCM CCP Eligible'], article6Authorization: 'Corresponding Adjustment: Yes' });
  });
});

describe('ART TREES', () => {
  it('maps upper-case country names to ISO codes and FCPF programs to a CATS cross-reference', () => {
    const countries = Object.fromEntries(data.art.projects.filter((p) => p.completeness === 'full').map((p) => [p.countryName, p.countryCode]));
    expect(countries).toMatchObject({ "COTE D'IVOIRE": 'CI', 'CONGO, THE DEMOCRATIC REPUBLIC OF THE': 'CD', 'VIET NAM': 'VN', BOLIVIA: 'BO', GUYANA: 'GY' });
    expect(data.art.projectOf('ART130')).toMatchObject({
      methodologies: [{ id: 'FCPF - Carbon Fund Methodological Framework', version: null }],
      status: 'Registered',
      creditingPeriodStart: '2019-01-01',
      crossReferences: [{ programId: 'cats', registryProjectId: 'FCPF-CI', relation: 'fcpf-carbon-fund' }],
    });
    expect(data.art.projectOf('ART102').crossReferences).toEqual([]);
  });

  it('issues `Credits Verified`: ART’s announced issuances, without the buffer deposit', () => {
    const rows = readRows(`${artTreesFixtureDir}/issuances.csv`).rows;
    const sums = rows.filter((r) => Number(r['Total Emission Reductions/Removals']) !== Number(r['Credits Deposited in Buffer']) + Number(r['Credits Verified']));
    expect(sums).toEqual([]);
    // Guyana 2016–2020: "ART has issued 33.47 million TREES credits to Guyana" (ART, December 2022).
    const guyana = data.art.credits.filter((c) => c.kind === 'issuance' && c.registryProjectId === 'ART102' && c.vintageYear! <= 2020);
    expect(guyana.reduce((sum, c) => sum + c.quantity, 0)).toBe(33_470_599);
    // Guyana 2023: "ART's issuance of 9,085,923 … TREES carbon credits for the year 2023".
    const v2023 = data.art.credits.find((c) => c.kind === 'issuance' && c.registryProjectId === 'ART102' && c.vintageYear === 2023)!;
    // Labels as the export states them: `CORSIA Eligible` is `No` on vintage 2023, `Yes` on 2022.
    expect(v2023).toMatchObject({ quantity: 9_085_923, labels: [], transactionDate: '2025-12-21' });
    expect(data.art.credits.find((c) => c.kind === 'issuance' && c.registryProjectId === 'ART102' && c.vintageYear === 2022)!.labels).toEqual(['CORSIA Eligible']);
    expect(v2023.attributes.quantities).toEqual({ totalEmissionReductionsRemovals: 9_621_384, creditsDepositedInBuffer: 535_461 });
    // ART130's retired blocks of a vintage add up to that vintage's Credits Verified.
    const retired2023 = data.art.credits.filter((c) => c.kind === 'retirement' && c.registryProjectId === 'ART130' && c.vintageYear === 2023);
    const issued2023 = data.art.credits.find((c) => c.kind === 'issuance' && c.registryProjectId === 'ART130' && c.vintageYear === 2023)!;
    expect(retired2023.reduce((sum, c) => sum + c.quantity, 0)).toBe(issued2023.quantity);
  });

  it('reads `Date Approved` with its time as the issuance date, and FCPF serials', () => {
    const c = data.art.creditOf('retirement:FCPF-CI-130-2023-20-1 to 46404');
    expect(c).toMatchObject({
      quantity: 46404,
      transactionDate: '2026-04-08',
      issuanceDate: '2026-03-09',
      countryCode: 'CI',
      beneficiary: 'Emergent retiring on behalf of Chanel',
      retirementReason: 'Contribution Towards Corporate Climate Pledge AND Host Country NDC',
    });
    expect(c.serialBlock?.parts.prefix).toBe('FCPF');
    expect(c.attributes.creditingProgram).toBe('FCPF - Carbon Fund Methodological Framework');
  });

  it('keeps CORSIA cancellations’ airline details verbatim', () => {
    const c = data.art.creditOf('cancellation:ART-GY-102-2021-11-3570001 to 3605000');
    expect(c).toMatchObject({
      kind: 'cancellation',
      useCase: 'CORSIA Compliance',
      retirementReason: 'CORSIA Compliance',
      retirementNote: 'Japan Airlines Co., Ltd.;First Phase: 2024-2026',
      beneficiary: null,
    });
    expect(c.labels).toEqual([
      'CORSIA Eligible',
      'Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase)',
      'Eligible for CORSIA 2024-2026 Compliance Period (First Phase)',
    ]);
    expect(c.attributes['Account Holder']).toBe('Mercuria Energy Trading SA');
  });
});

describe('rejections name the column and the value', () => {
  const retirementKey = 'retirement:ACR-FR-1129-2025-2917-30932 to 35143';
  const change = (changes: Record<string, string>) => {
    const original = data.acr.rawOf('retirements', retirementKey);
    return { ...original, payload: { ...original.payload, ...changes } };
  };

  it('a quantity the serial does not cover → quantity_mismatch', () => {
    expect(data.acr.rejectionOf(change({ 'Quantity of Credits': '4213' }))).toEqual({
      reason: 'quantity_mismatch',
      detail: 'serial "ACR-FR-1129-2025-2917-30932 to 35143" covers units 30932–35143, i.e. 4212 credits, but column "Quantity of Credits" says 4213',
    });
  });

  it('a serial of another project or vintage → inconsistent_reference', () => {
    expect(data.acr.rejectionOf(change({ 'Project ID': 'ACR1130' }))).toMatchObject({ reason: 'inconsistent_reference', detail: expect.stringContaining('"ACR1130"') });
    expect(data.acr.rejectionOf(change({ Vintage: '2024' }))).toMatchObject({ reason: 'inconsistent_reference', detail: expect.stringContaining('vintage 2025') });
  });

  it('an unreadable serial → invalid_serial; a blank one → missing_field', () => {
    expect(data.acr.rejectionOf(change({ 'Credit Serial Numbers': 'ACR-FR-1129-2025-30932 to 35143' }))).toMatchObject({
      reason: 'invalid_serial',
      detail: expect.stringContaining('column "Credit Serial Numbers"'),
    });
    expect(data.acr.rejectionOf(change({ 'Credit Serial Numbers': ' ' }))).toEqual({ reason: 'missing_field', detail: 'column "Credit Serial Numbers" is blank' });
  });

  it('a date not in M/D/YYYY → invalid_date; a quantity that is not a number → invalid_number', () => {
    expect(data.acr.rejectionOf(change({ 'Status Effective (GMT)': '2026-04-13' }))).toMatchObject({
      reason: 'invalid_date',
      detail: expect.stringContaining('column "Status Effective (GMT)": "2026-04-13" is not a date in the MM/DD/YYYY format'),
    });
    expect(data.acr.rejectionOf(change({ 'Quantity of Credits': 'four thousand' }))).toMatchObject({ reason: 'invalid_number', detail: expect.stringContaining('"four thousand"') });
    expect(data.acr.rejectionOf(change({ Vintage: '25' }))).toMatchObject({ reason: 'invalid_number', detail: expect.stringContaining('column "Vintage"') });
  });

  it('a row split into the wrong number of cells → malformed_row; an unknown source → malformed_row', () => {
    const original = data.acr.rawOf('retirements', retirementKey);
    const malformed = { ...original, payload: { ...original.payload, __malformed: 'line 7: 33 cells where the header has 32 columns' } };
    expect(data.acr.rejectionOf(malformed)).toEqual({ reason: 'malformed_row', detail: 'retirements: line 7: 33 cells where the header has 32 columns' });
    expect(data.acr.rejectionOf({ ...original, sourceKind: 'holdings' })).toMatchObject({ reason: 'malformed_row' });
  });

  it('a project row without its id → missing_field, keyed by the row’s hash', () => {
    const original = data.art.rawOf('projects', 'ART102');
    const payload = { ...original.payload, 'Program ID': '' };
    expect(apxNaturalKey(ART, 'projects', payload)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(data.art.rejectionOf({ ...original, payload })).toEqual({ reason: 'missing_field', detail: 'column "Program ID" is blank' });
  });

  it('never throws, whatever the payload holds', () => {
    for (const config of [ACR, CAR, ART]) {
      for (const sourceKind of ['projects', 'issuances', 'retirements', 'cancellations']) {
        expect(() => acr.normalize({ sourceKind, naturalKey: 'x', payload: { Vintage: 2024, 'Project ID': null, odd: { nested: true } } })).not.toThrow();
        expect(apxNaturalKey(config, sourceKind, {})).toMatch(/^sha256:/);
      }
    }
  });
});
