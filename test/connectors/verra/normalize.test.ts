import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalizedCredit, RawRecord, Rejection } from '../../../connectors/contract.ts';
import { verra } from '../../../connectors/verra/index.ts';
import { verraNaturalKey } from '../../../connectors/verra/normalize.ts';
import { connectorError, readFixtureCsv, rowKinds, useNormalizedExports } from '../../support/connectors/records.ts';
import { replaceIn, useTempDirs } from '../../support/temp-dirs.ts';

const fixtureDir = 'test/fixtures/registries/verra';
const projectRows = readFixtureCsv(fixtureDir, 'projects.csv');
const transactionRows = readFixtureCsv(fixtureDir, 'transactions.csv');
const quantity = (text: string) => Number(text.replaceAll(',', ''));

const { raws, projects, credits, rejections, rawOf, projectOf: fullProject, readAll } = useNormalizedExports(verra, fixtureDir);
const transactionRaw = (serial: string): RawRecord => rawOf('transactions', serial);

function creditsOf(serial: string): NormalizedCredit[] {
  return credits.filter((credit) => credit.serialNumber === serial);
}

describe('Verra exports read from a directory', () => {
  it('yields every row of both files, projects first, keyed by project ID and serial number', () => {
    expect(raws.map((raw) => raw.sourceKind)).toEqual(rowKinds({ projects: projectRows, transactions: transactionRows }));
    expect(raws.filter((raw) => raw.sourceKind === 'projects').map((raw) => raw.naturalKey)).toEqual(projectRows.map((row) => row.ID));
    expect(raws.filter((raw) => raw.sourceKind === 'transactions').map((raw) => raw.naturalKey)).toEqual(
      transactionRows.map((row) => row['Serial Number']),
    );
    // The payload is the row verbatim.
    expect(raws[0]?.payload).toEqual(projectRows[0]);
  });

  it('normalizes every fixture row without a rejection', () => {
    expect(rejections).toEqual([]);
  });

  it('gives every credit a project, and one full project per project-list row', () => {
    const known = new Set(projects.map((project) => project.registryProjectId));
    expect(credits.filter((credit) => !known.has(credit.registryProjectId))).toEqual([]);
    expect(projects.filter((p) => p.completeness === 'full').map((p) => p.registryProjectId)).toEqual(projectRows.map((row) => row.ID));
  });

  it('reproduces per-project issued and retired totals computed from the CSV rows', () => {
    const expected = new Map<string, { issued: number; retired: number }>();
    for (const row of transactionRows) {
      const totals = expected.get(row.ID!) ?? { issued: 0, retired: 0 };
      totals.issued += quantity(row['Quantity Issued']!);
      if (row['Retirement/Cancellation Date']!.trim() !== '') totals.retired += quantity(row['Quantity Issued']!);
      expected.set(row.ID!, totals);
    }
    const actual = new Map<string, { issued: number; retired: number }>();
    for (const credit of credits) {
      const totals = actual.get(credit.registryProjectId) ?? { issued: 0, retired: 0 };
      if (credit.kind === 'issuance') totals.issued += credit.quantity;
      if (credit.kind === 'retirement') totals.retired += credit.quantity;
      actual.set(credit.registryProjectId, totals);
    }
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    expect([...expected.values()].some((totals) => totals.retired > 0 && totals.retired < totals.issued)).toBe(true);
  });

  it('keys credits so that a block has one issuance and at most one retirement', () => {
    const keys = credits.map((credit) => credit.naturalKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(credits.filter((c) => c.kind === 'issuance')).toHaveLength(transactionRows.length);
  });
});

describe('Verra project list rows', () => {
  it('map country, methodologies, AFOLU activities, dates and estimated annual credits', () => {
    const kenya = fullProject('5957');
    expect(kenya).toMatchObject({
      programId: 'verra',
      name: 'KENYA HIGHLANDS GROUPED CARBON PROJECT',
      proponent: 'Multiple Proponents',
      countryName: 'Kenya',
      countryCode: 'KE',
      region: 'Africa',
      projectTypes: ['Agriculture Forestry and Other Land Use'],
      methodologies: [{ id: 'VM0042', version: null }],
      status: 'Under development',
      registrationDate: null,
      creditingPeriodStart: '2024-04-01',
      creditingPeriodEnd: '2044-03-31',
      estimatedAnnualCredits: 191805,
    });
    expect(kenya.attributes).toMatchObject({ afoluActivities: ['ALM'], region: 'Africa' });
  });

  it('split several methodologies, activities and project types on ";"', () => {
    const lumut = fullProject('5873');
    expect(lumut.methodologies.map((m) => m.id)).toEqual(['VM0007', 'VM0010', 'VM0048']);
    expect(lumut.attributes.afoluActivities).toEqual(['ARR', 'IFM', 'REDD']);
    expect(fullProject('5876').countryCode).toBe('TL');
  });
});

describe('Verra VCU blocks', () => {
  it('a retired block becomes an issuance and an ambiguous retirement with the block’s attributes', () => {
    const serial = '19385-941467007-941467431-VCS-VCU-1507-VER-ET-14-1340-01012020-31122020-1';
    const [issuance, retirement] = creditsOf(serial);
    expect(issuance).toMatchObject({
      naturalKey: `issuance:${serial}`,
      registryProjectId: '1340',
      kind: 'issuance',
      kindAmbiguous: false,
      quantity: 425,
      vintageYear: 2020,
      vintageStart: '2020-01-01',
      vintageEnd: '2020-12-31',
      transactionDate: '2026-04-03',
      countryCode: 'ET',
      labels: ['CCB-No Distinction'],
      article6Authorization: null,
      serialBlock: { namespace: 'VCS-VCU', firstUnit: 941467007, lastUnit: 941467431 },
    });
    expect(issuance?.attributes).toMatchObject({ totalVintageQuantity: 1454054, sdgs: [] });
    expect(retirement).toMatchObject({
      naturalKey: `retirement:${serial}`,
      kind: 'retirement',
      kindAmbiguous: true,
      quantity: 425,
      transactionDate: '2026-04-10',
      issuanceDate: '2026-04-03',
    });
    const partial = projects.find((p) => p.registryProjectId === '1340');
    expect(partial).toMatchObject({
      completeness: 'partial',
      name: 'Bale Mountains Eco-region REDD+ project',
      countryCode: 'ET',
      methodologies: [{ id: 'VM0015', version: null }],
    });
  });

  it('reads Article 6 authorization from the labels and keeps the labels as published', () => {
    const serial = '19309-936487628-936491271-VCS-VCU-1491-VER-RW-3-4150-01102024-31122024-1';
    const [issuance, retirement] = creditsOf(serial);
    const labels = [
      'Article 6 Authorized – Intl mitigation purposes',
      'Article 6 Authorized – NDC Use',
      'Article 6 Authorized – Other purposes',
      'CORSIA - First Phase, 2024-2026 Scope',
    ];
    expect(issuance).toMatchObject({
      countryCode: 'RW',
      vintageYear: 2024,
      labels,
      article6Authorization: labels.slice(0, 3).join('; '),
    });
    expect(retirement?.beneficiary).toMatch(/^No owner/);
    expect(retirement?.retirementReason).not.toBeNull();
    const project = projects.find((p) => p.registryProjectId === '4150' && p.completeness === 'partial');
    expect(project?.methodologies.map((m) => m.id)).toEqual(['VMR0006', 'VM0050']);
  });

  it('reads the SDG numbers into the credit attributes and the partial project', () => {
    const [cookstoves] = creditsOf('19402-942037638-942076321-VCS-VCU-262-VER-IN-3-2941-01012023-15022023-0');
    expect(cookstoves?.attributes.sdgs).toEqual([1, 3, 4, 5, 7, 8, 13, 15]);
    expect(cookstoves).toMatchObject({ countryCode: 'IN', vintageYear: 2023, labels: [], article6Authorization: null });
    const project = projects.find((p) => p.registryProjectId === '2941');
    expect(project).toMatchObject({ completeness: 'partial', countryCode: 'IN', sdgs: [1, 3, 4, 5, 7, 8, 13, 15] });
  });

  it('keeps the en dash of a CORSIA label and makes no retirement for an outstanding block', () => {
    const outstanding = creditsOf('19401-941972740-942037637-VCS-VCU-290-VER-TR-1-1380-01012021-30092021-1');
    expect(outstanding).toHaveLength(1);
    expect(outstanding[0]).toMatchObject({ kind: 'issuance', labels: ['CORSIA – Pilot Phase, 2021-2023 Eligible'], countryCode: 'TR' });
  });

  it('takes the vintage year from Vintage End and several methodologies from one cell', () => {
    const [ordu] = creditsOf('19300-935998062-936001761-VCS-VCU-997-VER-TR-1-4249-24062021-31122021-1');
    expect(ordu).toMatchObject({ vintageStart: '2021-06-24', vintageEnd: '2021-12-31', vintageYear: 2021, labels: ['ICVCM CCP'] });
    const weiyuan = projects.find((p) => p.registryProjectId === '4612');
    expect(weiyuan?.methodologies).toEqual([
      { id: 'AMS-III.D.', version: null },
      { id: 'AMS-III.F.', version: null },
    ]);
    expect(weiyuan?.projectTypes).toEqual(['Livestock, enteric fermentation, and manure management', 'Waste handling and disposal']);
  });

  it('dates a vintage that spans two years by the year it ended', () => {
    const raw = transactionRaw('19385-941467007-941467431-VCS-VCU-1507-VER-ET-14-1340-01012020-31122020-1');
    const serial = '19385-941467007-941467431-VCS-VCU-1507-VER-ET-14-1340-01072020-30062021-1';
    const result = verra.normalize({
      ...raw,
      payload: { ...raw.payload, 'Serial Number': serial, 'Vintage Start': '2020-07-01', 'Vintage End': '2021-06-30' },
    });
    expect(result.ok && result.credits[0]?.vintageYear).toBe(2021);
  });
});

describe('Verra rows that cannot be normalized', () => {
  const serial = '19385-941467007-941467431-VCS-VCU-1507-VER-ET-14-1340-01012020-31122020-1';
  const rejected = (change: Record<string, unknown>, sourceKind = 'transactions'): Rejection => {
    const raw = transactionRaw(serial);
    const result = verra.normalize({ ...raw, sourceKind, payload: { ...raw.payload, ...change } });
    if (result.ok) throw new Error('expected a rejection');
    return result.rejection;
  };

  it('a quantity that disagrees with the serial range is a quantity mismatch naming both numbers', () => {
    const rejection = rejected({ 'Quantity Issued': '500' });
    expect(rejection.reason).toBe('quantity_mismatch');
    expect(rejection.detail).toContain('425 VCUs');
    expect(rejection.detail).toContain('"Quantity Issued" says 500');
  });

  it('a garbled serial is an invalid serial naming the value', () => {
    const rejection = rejected({ 'Serial Number': '19385-941467007-VCS-VCU-ET-14-1340' });
    expect(rejection).toEqual({
      reason: 'invalid_serial',
      detail:
        'column "Serial Number": serial "19385-941467007-VCS-VCU-ET-14-1340": has 7 dash-separated segments; expected 13 (or 12 without the sectoral scope)',
    });
  });

  it('a missing ID or serial is a missing field naming the column', () => {
    expect(rejected({ ID: '' })).toEqual({ reason: 'missing_field', detail: 'column "ID" is blank' });
    expect(rejected({ 'Serial Number': ' ' })).toEqual({ reason: 'missing_field', detail: 'column "Serial Number" is blank' });
    expect(rejected({ ID: undefined })).toEqual({ reason: 'missing_field', detail: 'column "ID" is blank' });
  });

  it('a serial of another project is an inconsistent reference naming both ids', () => {
    const rejection = rejected({ ID: '1341' });
    expect(rejection.reason).toBe('inconsistent_reference');
    expect(rejection.detail).toBe(`serial "${serial}" names project 1340 but column "ID" is "1341"`);
  });

  it('a vintage column that disagrees with the serial is an inconsistent reference', () => {
    const rejection = rejected({ 'Vintage End': '2021-12-31' });
    expect(rejection.reason).toBe('inconsistent_reference');
    expect(rejection.detail).toContain('"Vintage End" is "2021-12-31"');
  });

  it('a quantity that is not a positive whole number is an invalid number', () => {
    expect(rejected({ 'Quantity Issued': '12.5' })).toEqual({
      reason: 'invalid_number',
      detail: 'column "Quantity Issued" is "12.5": not a positive whole number of VCUs',
    });
    expect(rejected({ 'Quantity Issued': 'n/a' })).toEqual({
      reason: 'invalid_number',
      detail: 'column "Quantity Issued": "n/a" is not a number',
    });
  });

  it('an unreadable date is an invalid date naming the column and value', () => {
    expect(rejected({ 'Retirement/Cancellation Date': '2026-04-31' })).toEqual({
      reason: 'invalid_date',
      detail: 'column "Retirement/Cancellation Date": "2026-04-31" is not a date in the YYYY-MM-DD format',
    });
  });

  it('accepts the DD/MM/YYYY dates of older exports', () => {
    const raw = transactionRaw(serial);
    const result = verra.normalize({
      ...raw,
      payload: { ...raw.payload, 'Issuance Date': '03/04/2026', 'Retirement/Cancellation Date': '10/04/2026' },
    });
    expect(result.ok && result.credits.map((credit) => credit.transactionDate)).toEqual(['2026-04-03', '2026-04-10']);
  });

  it('a project row without an ID is a missing field', () => {
    const raw = raws.find((record) => record.sourceKind === 'projects')!;
    const result = verra.normalize({ ...raw, payload: { ...raw.payload, ID: '' } });
    expect(result).toEqual({ ok: false, rejection: { reason: 'missing_field', detail: 'column "ID" is blank' } });
  });

  it('a row read with the wrong number of cells is a malformed row', () => {
    const rejection = rejected({ __malformed: 'line 7: 18 cells where the header has 17 columns' });
    expect(rejection).toEqual({ reason: 'malformed_row', detail: 'transactions: line 7: 18 cells where the header has 17 columns' });
  });

  it('gives the same result every time (pure)', () => {
    const raw = transactionRaw(serial);
    expect(verra.normalize(raw)).toEqual(verra.normalize(structuredClone(raw)));
  });
});

describe('verraNaturalKey', () => {
  it('uses the project ID and the serial number, and a content hash when they are blank', () => {
    expect(verraNaturalKey('projects', { ID: '5962', Name: 'x' })).toBe('5962');
    expect(verraNaturalKey('transactions', { 'Serial Number': 'S-1', ID: '1' })).toBe('S-1');
    const blank = verraNaturalKey('transactions', { 'Serial Number': '', ID: '1' });
    expect(blank).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(verraNaturalKey('transactions', { 'Serial Number': '', ID: '1' })).toBe(blank);
    expect(verraNaturalKey('transactions', { 'Serial Number': '', ID: '2' })).not.toBe(blank);
  });
});

describe('Verra exports with damage', () => {
  const tempDirs = useTempDirs();
  const exportFiles = ['projects.csv', 'transactions.csv'];

  it('stores a row with an extra cell as a malformed raw record and reads the rows after it', async () => {
    const dir = tempDirs.copyOf(fixtureDir, exportFiles);
    const lines = readFileSync(join(fixtureDir, 'transactions.csv'), 'utf8').split('\n');
    lines[3] = `${lines[3]},surprise`;
    writeFileSync(join(dir, 'transactions.csv'), lines.join('\n'));

    const records = (await readAll(dir)).filter((raw) => raw.sourceKind === 'transactions');
    expect(records).toHaveLength(transactionRows.length);
    const bad = records[2]!;
    expect(bad.payload.__malformed).toBe('line 4: 18 cells where the header has 17 columns');
    expect(bad.payload.__column_18).toBe('surprise');
    expect(bad.naturalKey).toMatch(/^sha256:/);
    expect(verra.normalize(bad)).toEqual({
      ok: false,
      rejection: { reason: 'malformed_row', detail: 'transactions: line 4: 18 cells where the header has 17 columns' },
    });
    expect(records.slice(3).every((raw) => verra.normalize(raw).ok)).toBe(true);
  });

  it('stops with a format error naming a renamed column', async () => {
    const error = await connectorError(readAll(tempDirs.copyOf(fixtureDir, exportFiles, replaceIn('projects.csv', 'Country/Area', 'Country'))));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('missing required column "Country/Area"');
  });

  it('stops with a config error when an export file is missing', async () => {
    const error = await connectorError(readAll(join(tempDirs.make('verra-exports-'), 'nowhere')));
    expect(error.failureType).toBe('config');
    expect(error.message).toContain('projects.csv');
  });
});
