import { beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedCredit, NormalizedProject, RawRecord, Rejection } from '../../../connectors/contract.ts';
import { arb } from '../../../connectors/arb/index.ts';
import { ARB_SOURCE, arbNaturalKey, columnSlug } from '../../../connectors/arb/normalize.ts';
import { arbFixtureDir, readArbCsv, sheetRecords } from '../../support/connectors/arb.ts';

const csv = sheetRecords(readArbCsv());

/** The CSV row of an issuance, read independently of the connector. */
function csvRow(issuanceId: string): Record<string, string> {
  const row = csv.find((record) => record['CARB Issuance ID'] === issuanceId);
  if (!row) throw new Error(`fixture has no row ${issuanceId}`);
  return row;
}

const numberOf = (text: string | undefined): number | null => (text === undefined || text.trim() === '' ? null : Number(text));

/** Every column of cumulative retirements and cancellations, as the CSV names them. */
const QUANTITY_COLUMNS = readArbCsv().header.filter((column) => /^(?:Retired |Buffer Pool Retired$|Invalidated or Canceled$)/.test(column));

let raws: RawRecord[] = [];
const outcomes = new Map<string, { projects: NormalizedProject[]; credits: NormalizedCredit[] }>();
const rejections: { naturalKey: string; rejection: Rejection }[] = [];

beforeAll(async () => {
  for await (const raw of arb.readExports(arbFixtureDir)) raws.push(raw);
  for (const raw of raws) {
    const result = arb.normalize(raw);
    if (result.ok) outcomes.set(raw.naturalKey, { projects: result.projects, credits: result.credits });
    else rejections.push({ naturalKey: raw.naturalKey, rejection: result.rejection });
  }
});

function outcome(key: string): { projects: NormalizedProject[]; credits: NormalizedCredit[] } {
  const found = outcomes.get(key);
  if (!found) throw new Error(`no normalized row ${key}`);
  return found;
}

function credit(key: string): NormalizedCredit {
  const issuanceId = key.split(':')[0]!;
  const found = outcome(issuanceId).credits.find((c) => c.naturalKey === key);
  if (!found) throw new Error(`no credit ${key}`);
  return found;
}

/** A fixture row's raw record with some cells replaced. */
function edited(issuanceId: string, cells: Record<string, string>, drop: string[] = []): RawRecord {
  const raw = raws.find((record) => record.naturalKey === issuanceId);
  if (!raw) throw new Error(`no raw ${issuanceId}`);
  const payload: Record<string, unknown> = { ...raw.payload, ...cells };
  for (const column of drop) delete payload[column];
  return { sourceKind: ARB_SOURCE, naturalKey: arbNaturalKey(payload), payload };
}

function normalizeOk(raw: RawRecord): { projects: NormalizedProject[]; credits: NormalizedCredit[] } {
  const result = arb.normalize(raw);
  if (!result.ok) throw new Error(`rejected: ${result.rejection.detail}`);
  return result;
}

describe('ARB issuance table: every fixture row', () => {
  it('is read as one raw record keyed by its CARB issuance id (project and reporting period when blank)', () => {
    expect(raws).toHaveLength(csv.length);
    expect(raws.map((raw) => raw.naturalKey)).toEqual(
      csv.map((row) => row['CARB Issuance ID'] || `${row['CARB Project ID']}:RP${row['Reporting Period']}`),
    );
    expect(new Set(raws.map((raw) => raw.naturalKey)).size).toBe(raws.length);
  });

  it('normalizes without a rejection, each giving its ARB project', () => {
    expect(rejections).toEqual([]);
    for (const raw of raws) {
      const { projects } = outcome(raw.naturalKey);
      const row = csv[raws.indexOf(raw)]!;
      expect(projects).toHaveLength(1);
      expect(projects[0]).toMatchObject({
        programId: 'arb',
        registryProjectId: row['CARB Project ID'],
        completeness: 'partial',
        name: row['Offset Project Name'],
        proponent: row['Offset Project Operator'],
        countryCode: 'US',
        subdivision: `US-${row.State}`,
        projectTypes: [row['Project Type']],
      });
      expect(projects[0]!.attributes).toMatchObject({ earlyActionOrCompliance: row['Early Action/ Compliance'], oprProjectId: row['OPR Project ID'] });
    }
  });

  it('gives an issuance of `ARB Offset Credits Issued` and one credit per non-zero retirement column, nothing else', () => {
    for (const [i, raw] of raws.entries()) {
      const row = csv[i]!;
      const { credits } = outcome(raw.naturalKey);
      const expected: { key: string; kind: string; quantity: number }[] = [];
      const issued = numberOf(row['ARB Offset Credits Issued']);
      if (issued !== null && issued > 0) expected.push({ key: raw.naturalKey, kind: 'issuance', quantity: issued });
      for (const column of QUANTITY_COLUMNS) {
        const quantity = numberOf(row[column]);
        if (quantity === null || quantity === 0) continue;
        const kind = column === 'Invalidated or Canceled' ? 'cancellation' : 'retirement';
        expected.push({ key: `${raw.naturalKey}:${columnSlug(column)}`, kind, quantity });
      }
      const actual = credits.map((c) => ({ key: c.naturalKey, kind: c.kind, quantity: c.quantity }));
      expect(actual.sort((a, b) => a.key.localeCompare(b.key)), raw.naturalKey).toEqual(expected.sort((a, b) => a.key.localeCompare(b.key)));
      for (const c of credits) {
        expect(c.registryProjectId).toBe(row['CARB Project ID']);
        expect(c.vintageYear).toBe(numberOf(row.Vintage));
        expect(c.vintageStart).toBe(row['Reporting Period Start Date']);
        expect(c.vintageEnd).toBe(row['Reporting Period End Date']);
        expect(c.issuanceDate).toBe(row['Issuance Date']);
        expect(c.kindAmbiguous).toBe(false);
        expect(c.labels).toEqual([row['Early Action/ Compliance'], row['Provides DEBS']]);
      }
    }
  });
});

describe('ARB issuance credits', () => {
  it('carry the issuance date, the vintage as a year and the forest buffer contribution', () => {
    const row = csvRow('CAFR5003-A');
    expect(row.Vintage).toBe('2013.0');
    expect(credit('CAFR5003-A')).toMatchObject({
      kind: 'issuance',
      quantity: 2163951,
      vintageYear: 2013,
      vintageStart: '2012-08-08',
      vintageEnd: '2013-06-23',
      transactionDate: '2014-06-10',
      issuanceDate: '2014-06-10',
      serialNumber: null,
      countryCode: 'US',
      useCase: null,
    });
    expect(credit('CAFR5003-A').attributes).toMatchObject({
      carbIssuanceId: 'CAFR5003-A',
      carbProjectId: 'CAFR5003',
      reportingPeriod: '1',
      forestBufferAccountContribution: 415479,
      invalidationTimeframe: '3 years',
      dateInvalidationPeriodReduced: '2016-09-27',
      providesDebs: 'NO DEBS',
      commentCarbIds: ['CAFR5076-A', 'CAFR5224-A-B'],
    });
  });

  it('reads a pandas float vintage (`2024.0`) and falls back to the reporting period end year when the vintage is blank', () => {
    const raw = edited('CAFR5003-A', { Vintage: '2013.0' });
    expect(normalizeOk(raw).credits[0]!.vintageYear).toBe(2013);
    const blank = normalizeOk(edited('CAFR5003-A', { Vintage: '' })).credits.find((c) => c.kind === 'issuance')!;
    expect(blank.vintageYear).toBe(2013);
    expect(blank.attributes.vintageSource).toBe('year of the reporting period end date');
  });
});

describe('ARB cumulative retirement columns', () => {
  it('date the California compliance periods as documented and keep the column as the reason', () => {
    expect(credit('CAFR5003-A:retired-1st-compliance-period-ca')).toMatchObject({
      kind: 'retirement',
      quantity: 817980,
      transactionDate: '2016-03-21',
      issuanceDate: '2014-06-10',
      useCase: 'California cap-and-trade, compliance period 1',
      retirementReason: 'Retired 1st Compliance Period (CA)',
    });
    expect(credit('CAFR5003-A:retired-2nd-compliance-period-ca')).toMatchObject({ quantity: 802319, transactionDate: '2018-11-01' });
    expect(credit('CAFR5003-A:retired-3rd-compliance-period-ca')).toMatchObject({
      quantity: 128173,
      transactionDate: '2021-11-01',
      useCase: 'California cap-and-trade, compliance period 3',
    });
    expect(credit('CAFR5012-A:retired-4th-compliance-period-ca')).toMatchObject({ quantity: 4235, transactionDate: '2024-11-01' });
    const fifth = csv.find((row) => numberOf(row['Retired 5th Compliance Period (CA)'])! > 0)!;
    expect(credit(`${fifth['CARB Issuance ID']}:retired-5th-compliance-period-ca`)).toMatchObject({
      quantity: Number(fifth['Retired 5th Compliance Period (CA)']),
      transactionDate: null,
      useCase: 'California cap-and-trade, compliance period 5',
    });
  });

  it('say that they are cumulative quantities, not dated events', () => {
    expect(credit('CAFR5003-A:retired-3rd-compliance-period-ca').attributes).toMatchObject({
      sourceColumn: 'Retired 3rd Compliance Period (CA)',
      cumulative: true,
      compliancePeriod: 3,
      compliancePeriodYears: '2018–2020',
    });
    expect(String(credit('CAFR5003-A:retired-3rd-compliance-period-ca').attributes.quantityBasis)).toMatch(/cumulative/);
  });

  it('leave voluntary, Québec, buffer pool and intentional reversal retirements undated, with their use', () => {
    expect(credit('CAFR5012-A:retired-voluntarily')).toMatchObject({ quantity: 96, transactionDate: null, useCase: 'voluntary' });
    expect(credit('CAFR5003-C:retired-for-compliance-in-quebec')).toMatchObject({
      quantity: 91313,
      transactionDate: null,
      useCase: 'Québec cap-and-trade',
    });
    expect(credit('CAFR5003-A:buffer-pool-retired')).toMatchObject({ kind: 'retirement', quantity: 415479, transactionDate: null });
    expect(credit('CAFR5012-D:retired-for-intentional-reversal')).toMatchObject({ kind: 'retirement', quantity: 9423 });
  });

  it('turn `Invalidated or Canceled` into a cancellation, kept apart from retirements', () => {
    expect(credit('CALS5021-F:invalidated-or-canceled')).toMatchObject({
      kind: 'cancellation',
      quantity: 466,
      transactionDate: null,
      retirementReason: 'Invalidated or Canceled',
    });
    expect(outcome('CALS5021-F').credits.filter((c) => c.kind === 'cancellation')).toHaveLength(1);
  });
});

describe('ARB rows without credits', () => {
  it('a zero-credit reporting period gives the project and no credit', () => {
    const row = csv.find((r) => r['CARB Project ID'] === 'CALS5014' && r['Reporting Period'] === '6')!;
    expect(row['ARB Offset Credits Issued']).toBe('');
    const { projects, credits } = outcome('CALS5014:RP6');
    expect(credits).toEqual([]);
    expect(projects[0]).toMatchObject({ registryProjectId: 'CALS5014', name: 'Blue Mountain Biogas' });
  });

  it('an intentional reversal row gives the project and no credit; the compensating retirements are on later rows', () => {
    expect(outcome('CAFR5012:RP4').credits).toEqual([]);
    const compensation = ['CAFR5012-D', 'CAFR5012-E', 'CAFR5012-F'].map((id) => credit(`${id}:retired-for-intentional-reversal`).quantity);
    expect(compensation.reduce((a, b) => a + b, 0)).toBe(-Number(csv.find((r) => r['Intentional Reversal'] !== '')!['Intentional Reversal']));
  });
});

describe('ARB cross references to the offset project registries', () => {
  it('maps `OPR Project ID` per reporting period: CAMM1009 moved from ACR1009 to CAR2111', () => {
    expect(outcome('CAMM1009-A').projects[0]!.crossReferences).toEqual([
      { programId: 'acr', registryProjectId: 'ACR1009', relation: 'opr-project-id' },
    ]);
    expect(outcome('CAMM1009-B').projects[0]!.crossReferences).toEqual([
      { programId: 'car', registryProjectId: 'CAR2111', relation: 'opr-project-id' },
      // `Project Documentation` still points at ACR (registries.md §10.3).
      { programId: 'acr', registryProjectId: 'ACR1009', relation: 'project-documentation-url' },
    ]);
    // Each issuance keeps its own period's OPR project.
    expect(credit('CAMM1009-A').attributes.oprReferences).toEqual([{ programId: 'acr', registryProjectId: 'ACR1009', relation: 'opr-project-id' }]);
    expect(credit('CAMM1009-B').attributes.oprReferences).toEqual([{ programId: 'car', registryProjectId: 'CAR2111', relation: 'opr-project-id' }]);
  });

  it('reads further OPR ids in the comment, not host names in its links', () => {
    expect(outcome('CAOD5001-A').projects[0]!.crossReferences).toEqual([
      { programId: 'car', registryProjectId: 'CAR992', relation: 'opr-project-id' },
      { programId: 'acr', registryProjectId: 'ACR258', relation: 'opr-project-id-comment' },
    ]);
  });

  it('reads Verra bare numbers and VCSOPR ids, and drops ACR zero padding', () => {
    const refs = (opr: string) => normalizeOk(edited('CAOD1007-A', { 'OPR Project ID': opr })).projects[0]!.crossReferences[0];
    expect(refs('559')).toEqual({ programId: 'verra', registryProjectId: '559', relation: 'opr-project-id' });
    expect(refs('VCS573')).toEqual({ programId: 'verra', registryProjectId: '573', relation: 'opr-project-id' });
    expect(refs('VCSOPR2')).toEqual({ programId: 'verra', registryProjectId: 'VCSOPR2', relation: 'opr-project-id' });
    expect(refs('ACR0934')).toEqual({ programId: 'acr', registryProjectId: 'ACR934', relation: 'opr-project-id' });
    expect(refs('CAR1012')).toEqual({ programId: 'car', registryProjectId: 'CAR1012', relation: 'opr-project-id' });
  });

  it('keeps an OPR id it cannot read verbatim, without a reference', () => {
    const { projects } = normalizeOk(edited('CAOD1007-A', { 'OPR Project ID': 'pending' }));
    expect(projects[0]!.attributes).toMatchObject({ oprProjectId: 'pending', unrecognizedOprIds: ['pending'] });
    expect(projects[0]!.crossReferences.map((r) => r.relation)).toEqual(['project-documentation-url']);
  });

  it('names the ARB compliance offset protocol of compliance projects, none for early action', () => {
    expect(outcome('CAFR5003-A').projects[0]!.methodologies).toEqual([{ id: 'ARB Compliance Offset Protocol: U.S. Forest Projects', version: null }]);
    expect(normalizeOk(edited('CAFR5003-A', { 'Early Action/ Compliance': 'EA' })).projects[0]!.methodologies).toEqual([]);
  });
});

describe('ARB placeholders and broken cells', () => {
  it('reads `n/a`, `- -` and `–` in numeric and date columns as blank', () => {
    const { credits } = normalizeOk(
      edited('CAFR5003-A', {
        'Forest Buffer Account Contribution': 'n/a',
        'Retired Voluntarily': '- -',
        'Retired 1st Compliance Period (CA)': '–',
        'Date Invalidation Period Reduced': 'n/a',
      }),
    );
    expect(credits.find((c) => c.kind === 'issuance')!.attributes).toMatchObject({
      forestBufferAccountContribution: null,
      dateInvalidationPeriodReduced: null,
    });
    expect(credits.map((c) => c.naturalKey)).not.toContain('CAFR5003-A:retired-1st-compliance-period-ca');
  });

  it('rejects a broken quantity, naming the column and the value', () => {
    const result = arb.normalize(edited('CAFR5003-A', { 'ARB Offset Credits Issued': '2,163,95l' }));
    expect(result).toEqual({
      ok: false,
      rejection: { reason: 'invalid_number', detail: 'column "ARB Offset Credits Issued": "2,163,95l" is not a number' },
    });
    const fractional = arb.normalize(edited('CAFR5003-A', { 'Retired 2nd Compliance Period (CA)': '10.5' }));
    expect(fractional).toMatchObject({ ok: false, rejection: { reason: 'invalid_number' } });
    expect(!fractional.ok && fractional.rejection.detail).toMatch(/"Retired 2nd Compliance Period \(CA\)" is "10.5"/);
  });

  it('rejects a broken date and an issuance id that names another project', () => {
    expect(arb.normalize(edited('CAFR5003-A', { 'Issuance Date': '2014-13-10' }))).toMatchObject({
      ok: false,
      rejection: { reason: 'invalid_date', detail: expect.stringContaining('"Issuance Date"') },
    });
    expect(arb.normalize(edited('CAFR5003-A', { 'CARB Project ID': 'CAFR5011' }))).toMatchObject({
      ok: false,
      rejection: { reason: 'inconsistent_reference' },
    });
  });

  it('rejects a row that names no project at all, and a malformed snapshot row', () => {
    const orphan = edited('CAFR5003-A', { 'CARB Issuance ID': '', 'CARB Project ID': '' });
    expect(orphan.naturalKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(arb.normalize(orphan)).toMatchObject({ ok: false, rejection: { reason: 'missing_field' } });
    const malformed = { sourceKind: ARB_SOURCE, naturalKey: 'x', payload: { __malformed: 'line 7: 3 cells where the header has 35 columns' } };
    expect(arb.normalize(malformed)).toMatchObject({ ok: false, rejection: { reason: 'malformed_row' } });
  });
});

describe('ARB 2024-11 edition (no `CARB Project ID`, `Reporting Period`, `Invalidated or Canceled`, 5th period)', () => {
  const older = ['CARB Project ID', 'Reporting Period', 'Invalidated or Canceled', 'Retired 5th Compliance Period (CA)', 'Intentional Reversal', 'Unintentional Reversal'];

  it('takes the project from the issuance id and gives the same credits for the columns it has', () => {
    const { projects, credits } = normalizeOk(edited('CALS5021-F', {}, older));
    expect(projects[0]!.registryProjectId).toBe('CALS5021');
    expect(credits.map((c) => c.naturalKey).sort()).toEqual(
      outcome('CALS5021-F')
        .credits.map((c) => c.naturalKey)
        .filter((key) => !key.endsWith(':invalidated-or-canceled'))
        .sort(),
    );
  });
});
