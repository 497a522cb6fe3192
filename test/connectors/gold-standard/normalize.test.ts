import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Rejection } from '../../../connectors/contract.ts';
import { goldStandard } from '../../../connectors/gold-standard/index.ts';
import { goldStandardNaturalKey, parseMethodologies } from '../../../connectors/gold-standard/normalize.ts';
import { goldStandardApiState, goldStandardLedgerTotals, readGoldStandardCsv } from '../../support/connectors/gold-standard.ts';
import { connectorError, rowKinds, useNormalizedExports, withPayload } from '../../support/connectors/records.ts';
import type { ProjectTotals } from '../../support/connectors/types.ts';
import { replaceIn, useTempDirs } from '../../support/temp-dirs.ts';

const fixtureDir = 'test/fixtures/registries/gold-standard';
const files = readGoldStandardCsv(fixtureDir);

const { raws, projects, credits, rejections, rawOf: raw, creditOf, projectOf: project, rejectionOf, readAll } = useNormalizedExports(goldStandard, fixtureDir);

describe('Gold Standard exports read from a directory', () => {
  it('yields projects, then issuances, then retirements, keyed by GSID, serial and status:serial', () => {
    expect(raws.map((record) => record.sourceKind)).toEqual(rowKinds({ projects: files.projects, issuances: files.issuances, retirements: files.retirements }));
    expect(raws.filter((r) => r.sourceKind === 'projects').map((r) => r.naturalKey)).toEqual(files.projects.map((row) => row.GSID));
    expect(raws.filter((r) => r.sourceKind === 'issuances').map((r) => r.naturalKey)).toEqual(files.issuances.map((row) => row['Serial Number']));
    expect(raws.filter((r) => r.sourceKind === 'retirements').map((r) => r.naturalKey)).toEqual(
      files.retirements.map((row) => `${row['Credit Status']}:${row['Serial Number']}`),
    );
    // The payload is the row verbatim, multi-line notes included.
    expect(raws[0]?.payload).toEqual(files.projects[0]);
    expect(raw('retirements', `Retired:${files.retirements[0]!['Serial Number']}`).payload.Note).toMatch(/\n$/);
  });

  it('normalizes every fixture row without a rejection (50 projects, 100 issuances, 100 retirements)', () => {
    expect(raws).toHaveLength(250);
    expect(rejections).toEqual([]);
  });

  it('gives every credit a project, and one full project per project-list row', () => {
    const known = new Set(projects.map((p) => p.registryProjectId));
    expect(credits.filter((credit) => !known.has(credit.registryProjectId))).toEqual([]);
    expect(projects.filter((p) => p.completeness === 'full').map((p) => p.registryProjectId)).toEqual(files.projects.map((row) => row.GSID));
  });

  it('reproduces per-project issued, retired and cancelled totals computed from the CSV rows', () => {
    const actual = new Map<string, ProjectTotals>();
    for (const credit of credits) {
      const totals = actual.get(credit.registryProjectId) ?? { issued: 0, retired: 0, cancelled: 0 };
      totals[credit.kind === 'issuance' ? 'issued' : credit.kind === 'retirement' ? 'retired' : 'cancelled'] += credit.quantity;
      actual.set(credit.registryProjectId, totals);
    }
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(goldStandardLedgerTotals(fixtureDir)));
  });

  it('keys every credit uniquely: issuance:<serial> for issuances, <kind>:<serial> for retirements and cancellations', () => {
    const keys = credits.map((credit) => credit.naturalKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(credits).toHaveLength(files.issuances.length + files.retirements.length);
    const retirementKeys = credits.filter((c) => c.kind !== 'issuance').map((c) => c.naturalKey);
    expect(retirementKeys).toEqual(
      files.retirements.map((row) => `${row['Credit Status'] === 'Canceled' ? 'cancellation' : 'retirement'}:${row['Serial Number']}`),
    );
    // Raw record keys are unique per source as well.
    for (const sourceKind of ['projects', 'issuances', 'retirements']) {
      const rawKeys = raws.filter((r) => r.sourceKind === sourceKind).map((r) => r.naturalKey);
      expect(new Set(rawKeys).size, sourceKind).toBe(rawKeys.length);
    }
  });

  it('keeps a retirement’s key when its date is filled in or corrected later', () => {
    const canceled = raw('retirements', 'Canceled:GS1-1-ZW-GS12875-16-2024-29978-1-41158');
    const dated = goldStandard.normalize({ ...canceled, payload: { ...canceled.payload, 'Retirement Date': '2026-02-01' } });
    expect(dated.ok && dated.credits[0]).toMatchObject({ naturalKey: 'cancellation:GS1-1-ZW-GS12875-16-2024-29978-1-41158', transactionDate: '2026-02-01' });
    expect(goldStandardNaturalKey('retirements', { ...canceled.payload, 'Retirement Date': '2026-02-01' })).toBe(canceled.naturalKey);
  });
});

describe('Gold Standard project list rows', () => {
  it('map a VPA: parent programme from POA GSID without the pandas ".0", SDGs, size and programme in attributes', () => {
    expect(project('23574', 'full')).toMatchObject({
      programId: 'gold-standard',
      name: 'GS12856-VPA-3 Unlocking Communities Water Filters for Households',
      proponent: 'Unlocking Communities',
      status: 'Listed',
      countryName: 'Haiti',
      countryCode: 'HT',
      projectTypes: ['Energy Efficiency - Domestic'],
      methodologies: [],
      sdgs: [3, 4, 5, 6, 8, 13],
      estimatedAnnualCredits: 60000,
      parentRegistryProjectId: '12856',
      crossReferences: [],
      attributes: { size: 'Large Scale', programmeOfActivities: 'VPA' },
    });
    expect(project('23574', 'full').attributes.description).toMatch(/^The voluntary project activity/);
  });

  it('map a programme (POA) without a parent and multi-country projects to a null country code, keeping the name', () => {
    expect(project('23521', 'full')).toMatchObject({ parentRegistryProjectId: null, countryCode: 'IN', attributes: { programmeOfActivities: 'POA' } });
    expect(project('23473', 'full')).toMatchObject({ countryName: 'International', countryCode: null, parentRegistryProjectId: null });
    expect(project('23474', 'full')).toMatchObject({ countryName: 'International', countryCode: null, parentRegistryProjectId: '23473' });
    expect(project('23492', 'full').estimatedAnnualCredits).toBe(0);
  });

  it('maps every country name of the exports to ISO 3166-1 alpha-2 except International', () => {
    const unmapped = projects.filter((p) => p.countryCode === null).map((p) => p.countryName);
    expect(new Set(unmapped)).toEqual(new Set(['International']));
    expect(projects.find((p) => p.countryName === 'Tanzania United Republic of')?.countryCode).toBe('TZ');
    expect(projects.find((p) => p.countryName === 'Congo the Democratic Republic of the')?.countryCode).toBe('CD');
    expect(projects.find((p) => p.countryName === 'Viet Nam')?.countryCode).toBe('VN');
  });
});

describe('Gold Standard methodology text', () => {
  it('reads CDM codes, GS methodologies with their versions, and ignores placeholders', () => {
    expect(parseMethodologies('ACM0002 Grid-connected electricity generation from renewable sources')).toEqual([{ id: 'ACM0002', version: null }]);
    expect(parseMethodologies('AMS-I.E. Switch from Non-Renewable Biomass for Thermal Applications by the User')).toEqual([{ id: 'AMS-I.E.', version: null }]);
    expect(parseMethodologies('AMS-III.AR. Substituting fossil fuel based lighting with LED lighting systems')).toEqual([{ id: 'AMS-III.AR.', version: null }]);
    expect(parseMethodologies('GS TPDDTEC v3.1')).toEqual([{ id: 'GS TPDDTEC', version: '3.1' }]);
    expect(parseMethodologies('GS TPDDTEC V4.0: REDUCED EMISSIONS FROM COOKING AND HEATING – TECHNOLOGIES AND PRACTICES')).toEqual([{ id: 'GS TPDDTEC', version: '4.0' }]);
    expect(parseMethodologies('ACM0002 Grid-connected electricity generation from renewable sources, version 21.0')).toEqual([{ id: 'ACM0002', version: '21.0' }]);
    expect(parseMethodologies('Not provided')).toEqual([]);
    expect(parseMethodologies('')).toEqual([]);
    expect(parseMethodologies('Some Methodology: with a colon')).toEqual([{ id: 'Some Methodology', version: null }]);
  });
});

describe('Gold Standard issuance rows', () => {
  it('become one issuance credit with the serial block, vintage, monitoring period and issuance date', () => {
    const serial = 'GS1-1-UG-GS11236-16-2024-30307-1-19149';
    expect(creditOf(`issuance:${serial}`)).toMatchObject({
      programId: 'gold-standard',
      registryProjectId: '11236',
      kind: 'issuance',
      kindAmbiguous: false,
      quantity: 19149,
      vintageYear: 2024,
      vintageStart: '2024-01-01',
      vintageEnd: '2024-12-08',
      transactionDate: '2026-04-13',
      issuanceDate: '2026-04-13',
      serialNumber: serial,
      serialBlock: { namespace: 'GS1-1-UG-GS11236-16-2024-30307', firstUnit: 1, lastUnit: 19149 },
      countryCode: 'UG',
      labels: ['Emission Reduction'],
      article6Authorization: null,
      beneficiary: null,
      useCase: null,
      attributes: { productType: 'VER', creditStatus: 'Issued', articleSixAuthorization: 'Not Applicable' },
    });
    expect(project('11236', 'partial')).toMatchObject({
      name: 'BioLite Improved Cook stoves Programme - CPA 028 supported by Republic of Korea',
      proponent: 'BioLite Inc.',
      countryCode: 'UG',
      parentRegistryProjectId: '11191',
      attributes: { programmeOfActivities: 'VPA' },
    });
  });

  it('splits the Label into labels, so the ICVCM CCP label is one of them', () => {
    expect(creditOf('issuance:GS1-1-KE-GS10792-16-2025-30272-1-28040').labels).toEqual(['ICVCM CCP', 'Emission Reduction']);
    expect(creditOf('issuance:GS1-1-IN-GS7549-2-2022-30249-1-50873').labels).toEqual([]);
  });

  it('keeps an Article 6 authorization other than "Not Applicable" verbatim', () => {
    const row = raw('issuances', 'GS1-1-UG-GS11236-16-2024-30307-1-19149');
    const result = goldStandard.normalize({ ...row, payload: { ...row.payload, 'Article Six Authorization': 'Authorized for NDC use' } });
    expect(result.ok && result.credits[0]?.article6Authorization).toBe('Authorized for NDC use');
  });

  it('reads the methodology of the row onto the partial project', () => {
    expect(project('7080', 'partial').methodologies).toEqual([{ id: 'ACM0002', version: null }]);
    expect(project('11308', 'partial').methodologies).toEqual([{ id: 'GS MS Simplified Methodology for Efficient Cookstoves', version: '1.1' }]);
  });

  it('CER rows carry CDM serials: parsed, and the CDM project is stored as a cross reference of the project', () => {
    const cer = credits.filter((credit) => credit.attributes.productType === 'CER');
    expect(cer).toHaveLength(3);
    for (const credit of cer) {
      expect(credit.serialBlock?.namespace).toBe('CDM-RW-5-7014');
      expect(credit.quantity).toBe(credit.serialBlock!.lastUnit - credit.serialBlock!.firstUnit + 1);
      expect(credit.countryCode).toBe('RW');
    }
    expect(creditOf('issuance:RW-5-1463953-2-2-0-7014 - RW-5-1467609-2-2-0-7014')).toMatchObject({ quantity: 3657, vintageYear: 2019, registryProjectId: '4823' });
    expect(project('4823', 'partial').crossReferences).toEqual([{ programId: 'cdm', registryProjectId: '7014', relation: 'cdm-serial' }]);
    // Only CER rows name another program.
    expect(projects.filter((p) => p.crossReferences.length > 0).every((p) => p.registryProjectId === '4823')).toBe(true);
  });
});

describe('Gold Standard retirement rows', () => {
  it('a Retired row is a retirement with its date, beneficiary (Using Entity), use case and note', () => {
    expect(creditOf('retirement:GS1-1-KE-GS11603-16-2025-30256-110-5463')).toMatchObject({
      kind: 'retirement',
      kindAmbiguous: false,
      quantity: 5354,
      transactionDate: '2026-04-10',
      issuanceDate: '2026-03-31',
      beneficiary: 'Hilti Corporation',
      useCase: 'Voluntary',
      retirementNote: 'Retirement on behalf of Hilti Corporation for the compensation of Scope 1 2 and business travel emissions of the year 2025.\n',
      retirementReason: null,
      serialBlock: { namespace: 'GS1-1-KE-GS11603-16-2025-30256', firstUnit: 110, lastUnit: 5463 },
    });
    expect(creditOf('retirement:GS1-1-KE-GS12350-16-2024-30167-1278-1777').labels).toEqual(['ICVCM CCP', 'Emission Reduction']);
  });

  it('keeps "Not Disclosed" verbatim as the beneficiary and flags it', () => {
    const credit = creditOf('retirement:GS1-1-IN-GS1199-4-2024-30061-1-8602');
    expect(credit.beneficiary).toBe('Not Disclosed');
    expect(credit.attributes.beneficiaryNotDisclosed).toBe(true);
    expect(creditOf('retirement:GS1-1-KE-GS11603-16-2025-30256-110-5463').attributes.beneficiaryNotDisclosed).toBeUndefined();
  });

  it('a Canceled row is a cancellation with no transaction date (the export has none), its note kept', () => {
    expect(creditOf('cancellation:GS1-1-ZW-GS12144-16-2024-29956-1-255578')).toMatchObject({
      kind: 'cancellation',
      quantity: 255578,
      transactionDate: null,
      issuanceDate: '2026-01-06',
      beneficiary: null,
      useCase: null,
      retirementNote: 'Transferred to Zimbabwe Carbon Registry in accordance with Carbon Trading (General) Regulations 2025',
    });
    expect(credits.filter((c) => c.kind === 'cancellation')).toHaveLength(files.retirements.filter((r) => r['Credit Status'] === 'Canceled').length);
  });

  it('keeps a compliance use case and its note as published', () => {
    expect(creditOf('retirement:GS1-1-CL-GS12065-12-2023-30073-1-117192')).toMatchObject({
      useCase: 'Compliance',
      beneficiary: 'ENGIE Energía Chile S.A',
      retirementNote: expect.stringContaining('artículo 8 de la Ley Nº20.7'),
      countryCode: 'CL',
    });
  });

  it('keeps an aeroplane operator and marks the use as CORSIA only as a hint', () => {
    const row = raw('retirements', 'Retired:GS1-1-KE-GS11603-16-2025-30256-110-5463');
    const result = goldStandard.normalize({ ...row, payload: { ...row.payload, 'Aeroplane Operator Name': 'Example Airways' } });
    expect(result.ok && result.credits[0]).toMatchObject({
      useCase: 'Voluntary',
      attributes: { aeroplaneOperatorName: 'Example Airways', impliedUse: 'CORSIA' },
    });
    expect(creditOf('retirement:GS1-1-KE-GS11603-16-2025-30256-110-5463').attributes.impliedUse).toBeUndefined();
  });
});

describe('Gold Standard rows that cannot be normalized', () => {
  const issuanceSerial = 'GS1-1-UG-GS11236-16-2024-30307-1-19149';
  const rejected = (sourceKind: string, key: string, change: Record<string, unknown>): Rejection => rejectionOf(withPayload(raw(sourceKind, key), change));
  const issuance = (change: Record<string, unknown>) => rejected('issuances', issuanceSerial, change);

  it('a quantity that disagrees with the serial is a quantity mismatch naming both numbers', () => {
    expect(issuance({ Quantity: '19150' })).toEqual({
      reason: 'quantity_mismatch',
      detail: `serial "${issuanceSerial}" covers units 1–19149, i.e. 19149 credits, but column "Quantity" says 19150`,
    });
    expect(rejected('issuances', 'RW-5-1463953-2-2-0-7014 - RW-5-1467609-2-2-0-7014', { Quantity: '3656' }).reason).toBe('quantity_mismatch');
  });

  it('a serial naming another project or vintage is an inconsistent reference', () => {
    expect(issuance({ GSID: '11235' })).toEqual({
      reason: 'inconsistent_reference',
      detail: `serial "${issuanceSerial}" names project GS11236 but column "GSID" is "11235"`,
    });
    expect(issuance({ Vintage: '2023' })).toEqual({
      reason: 'inconsistent_reference',
      detail: `serial "${issuanceSerial}" has vintage 2024 but column "Vintage" is "2023"`,
    });
  });

  it('a garbled serial is an invalid serial naming the column and value', () => {
    expect(issuance({ 'Serial Number': 'GS1-1-UG-GS11236-16-2024-1-19149' })).toEqual({
      reason: 'invalid_serial',
      detail:
        'column "Serial Number": serial "GS1-1-UG-GS11236-16-2024-1-19149": has 8 dash-separated segments; expected 9 (GS1-1-CC-GS<id>-type-vintage-batch-first-last)',
    });
  });

  it('blank ids, serials and quantities are missing fields naming the column', () => {
    expect(issuance({ GSID: '' })).toEqual({ reason: 'missing_field', detail: 'column "GSID" is blank' });
    expect(issuance({ 'Serial Number': ' ' })).toEqual({ reason: 'missing_field', detail: 'column "Serial Number" is blank' });
    expect(issuance({ Quantity: undefined })).toEqual({ reason: 'missing_field', detail: 'column "Quantity" is blank' });
    expect(rejected('projects', '23574', { GSID: '' })).toEqual({ reason: 'missing_field', detail: 'column "GSID" is blank' });
  });

  it('unreadable numbers and dates are invalid, naming column and value', () => {
    expect(issuance({ Quantity: '12.5' })).toEqual({ reason: 'invalid_number', detail: 'column "Quantity" is "12.5": not a positive whole number of credits' });
    expect(rejected('projects', '23574', { 'POA GSID': 'GS12856' })).toEqual({
      reason: 'invalid_number',
      detail: 'column "POA GSID" is "GS12856": not a GSID (a whole number)',
    });
    expect(issuance({ 'Issuance Date': '13/04/2026' })).toEqual({
      reason: 'invalid_date',
      detail: 'column "Issuance Date": "13/04/2026" is not a date in the YYYY-MM-DD format',
    });
  });

  it('a retirement-file status other than Retired or Canceled is a malformed row', () => {
    expect(rejected('retirements', 'Retired:GS1-1-KE-GS11603-16-2025-30256-110-5463', { 'Credit Status': 'Pending' })).toEqual({
      reason: 'malformed_row',
      detail: 'column "Credit Status" is "Pending": expected "Retired" or "Canceled" in the retirement export',
    });
  });

  it('a row read with the wrong number of cells is a malformed row', () => {
    expect(issuance({ __malformed: 'line 7: 19 cells where the header has 18 columns' })).toEqual({
      reason: 'malformed_row',
      detail: 'issuances: line 7: 19 cells where the header has 18 columns',
    });
  });

  it('gives the same result every time (pure)', () => {
    const record = raw('retirements', 'Retired:GS1-1-KE-GS11603-16-2025-30256-110-5463');
    expect(goldStandard.normalize(record)).toEqual(goldStandard.normalize(structuredClone(record)));
  });
});

describe('Gold Standard API records', () => {
  const state = goldStandardApiState(files);
  const apiCredit = (serial: string) => {
    const record = state.credits.find((c) => c.serial_number === serial);
    if (!record) throw new Error(`no API block ${serial}`);
    return { sourceKind: 'api-credits', naturalKey: String(record.id), payload: record };
  };

  it('a /projects record is a full project keyed by sustaincert_id, the API id kept as internalId', () => {
    const record = state.projects.find((p) => p.sustaincert_id === 23474)!;
    const result = goldStandard.normalize({ sourceKind: 'api-projects', naturalKey: String(record.id), payload: record });
    expect(result.ok && result.projects[0]).toMatchObject({
      registryProjectId: '23474',
      completeness: 'full',
      countryName: 'International',
      countryCode: null,
      parentRegistryProjectId: '23473',
      sdgs: [4, 12, 13],
      status: 'LISTED',
      attributes: { internalId: '1023474', size: 'Small Scale', programmeOfActivities: 'VPA', carbonStream: 'GS_VER' },
    });
  });

  it('an ISSUED block is an issuance only; a RETIRED block was issued and retired', () => {
    const issued = goldStandard.normalize(apiCredit('GS1-1-UG-GS11236-16-2024-30307-1-19149'));
    expect(issued.ok && issued.credits.map((c) => [c.kind, c.naturalKey, c.quantity, c.transactionDate])).toEqual([
      ['issuance', 'issuance:GS1-1-UG-GS11236-16-2024-30307-1-19149', 19149, '2026-04-13'],
    ]);
    const retired = goldStandard.normalize(apiCredit('GS1-1-KE-GS11603-16-2025-30256-110-5463'));
    expect(retired.ok && retired.credits.map((c) => [c.kind, c.naturalKey, c.quantity])).toEqual([
      ['issuance', 'issuance:GS1-1-KE-GS11603-16-2025-30256-110-5463', 5354],
      ['retirement', 'retirement:GS1-1-KE-GS11603-16-2025-30256-110-5463', 5354],
    ]);
    expect(retired.ok && retired.credits[1]).toMatchObject({
      transactionDate: null,
      beneficiary: null,
      useCase: 'Voluntary',
      labels: ['EMISSION_REDUCTION'],
      retirementNote: expect.stringContaining('Hilti'),
    });
    expect(retired.ok && retired.projects[0]).toMatchObject({ registryProjectId: '11603', completeness: 'partial', parentRegistryProjectId: '10789' });
    const cancelled = goldStandard.normalize(apiCredit('GS1-1-ZW-GS12144-16-2024-29956-1-255578'));
    expect(cancelled.ok && cancelled.credits.map((c) => c.kind)).toEqual(['issuance', 'cancellation']);
  });

  it('a CER block stores the CDM cross reference on its project', () => {
    const result = goldStandard.normalize(apiCredit('RW-5-1459975-2-2-0-7014 - RW-5-1460107-2-2-0-7014'));
    expect(result.ok && result.projects[0]?.crossReferences).toEqual([{ programId: 'cdm', registryProjectId: '7014', relation: 'cdm-serial' }]);
    expect(result.ok && result.credits[0]).toMatchObject({ quantity: 133, serialBlock: { namespace: 'CDM-RW-5-7014' }, attributes: { productType: 'CER' } });
  });

  it('rejects blocks that contradict themselves or have an unknown status', () => {
    const record = apiCredit('GS1-1-UG-GS11236-16-2024-30307-1-19149');
    const reject = (change: Record<string, unknown>) => rejectionOf(withPayload(record, change));
    expect(reject({ number_of_credits: 999_999_999 }).reason).toBe('quantity_mismatch');
    expect(reject({ ending_credit_number: 19148 })).toEqual({
      reason: 'inconsistent_reference',
      detail: 'serial "GS1-1-UG-GS11236-16-2024-30307-1-19149" gives 19149 but field "ending_credit_number" is "19148"',
    });
    expect(reject({ project: { ...(record.payload.project as object), sustaincert_id: 11235 } })).toEqual({
      reason: 'inconsistent_reference',
      detail: 'serial "GS1-1-UG-GS11236-16-2024-30307-1-19149" names project GS11236 but field "project.sustaincert_id" is "11235"',
    });
    expect(reject({ status: 'PENDING' })).toEqual({
      reason: 'malformed_row',
      detail: 'field "status" is "PENDING": expected ISSUED or RETIRED (or CANCELLED)',
    });
    expect(reject({ project: null })).toEqual({ reason: 'missing_field', detail: 'field "project" is not a project object' });
    expect(reject({ certified_date: 'yesterday' }).reason).toBe('invalid_date');
  });
});

describe('Gold Standard exports with damage', () => {
  const tempDirs = useTempDirs();
  const EXPORT_FILES = ['projects.csv', 'issuances.csv', 'retirements.csv'];

  it('stores a row with an extra cell as a malformed raw record and reads the rows after it', async () => {
    const dir = tempDirs.copyOf(fixtureDir, EXPORT_FILES);
    const lines = readFileSync(join(fixtureDir, 'issuances.csv'), 'utf8').split('\n');
    lines[3] = `${lines[3]},surprise`;
    writeFileSync(join(dir, 'issuances.csv'), lines.join('\n'));

    const records = (await readAll(dir)).filter((record) => record.sourceKind === 'issuances');
    expect(records).toHaveLength(files.issuances.length);
    const bad = records[2]!;
    expect(bad.payload.__malformed).toBe('line 4: 19 cells where the header has 18 columns');
    expect(bad.naturalKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(goldStandard.normalize(bad)).toEqual({
      ok: false,
      rejection: { reason: 'malformed_row', detail: 'issuances: line 4: 19 cells where the header has 18 columns' },
    });
    expect(records.filter((record) => record !== bad).every((record) => goldStandard.normalize(record).ok)).toBe(true);
  });

  it('stops with a format error naming a renamed column', async () => {
    const dir = tempDirs.copyOf(fixtureDir, EXPORT_FILES, replaceIn('retirements.csv', 'Using Entity', 'Beneficiary'));
    const error = await connectorError(readAll(dir));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('missing required column "Using Entity"');
  });

  it('stops with a config error when an export file is missing', async () => {
    const error = await connectorError(readAll(join(tempDirs.make('gold-standard-exports-'), 'nowhere')));
    expect(error.failureType).toBe('config');
    expect(error.message).toContain('projects.csv');
  });
});
