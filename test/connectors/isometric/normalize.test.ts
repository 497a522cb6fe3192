import { describe, expect, it } from 'vitest';
import { isometric } from '../../../connectors/isometric/index.ts';
import { isometricNaturalKey } from '../../../connectors/isometric/normalize.ts';
import { connectorError, readFixtureCsv, rowKinds, useNormalizedExports, withPayload } from '../../support/connectors/records.ts';
import { replaceIn, useTempDirs } from '../../support/temp-dirs.ts';

const fixtureDir = 'test/fixtures/registries/isometric';
const projectRows = readFixtureCsv(fixtureDir, 'projects.csv');
const issuanceRows = readFixtureCsv(fixtureDir, 'issuances.csv');
const retirementRows = readFixtureCsv(fixtureDir, 'retirements.csv');

const { raws, projects, credits, rejections, projectOf: fullProject, creditOf, rawOf, rejectionOf, readAll } = useNormalizedExports(isometric, fixtureDir);

describe('Isometric exports read from a directory', () => {
  const tempDirs = useTempDirs();
  const EXPORT_FILES = ['projects.csv', 'issuances.csv', 'retirements.csv'];

  it('yields every row of the three files, in order, keyed by the registry ids', () => {
    expect(raws.map((raw) => raw.sourceKind)).toEqual(rowKinds({ projects: projectRows, issuances: issuanceRows, retirements: retirementRows }));
    expect(raws.map((raw) => raw.naturalKey)).toEqual([
      ...projectRows.map((row) => row.id),
      ...issuanceRows.map((row) => row.id),
      ...retirementRows.map((row) => row.retirement_id),
    ]);
    expect(new Set(raws.map((raw) => raw.naturalKey)).size).toBe(raws.length);
  });

  it('keeps each row verbatim, except the Python-repr `purposes` cell, read into the list the API sends', () => {
    expect(rawOf('projects', projectRows[0]!.id!).payload).toEqual(projectRows[0]);
    expect(rawOf('issuances', issuanceRows[0]!.id!).payload).toEqual(issuanceRows[0]);
    const row = retirementRows.find((r) => r.purposes!.includes(','))!;
    expect(rawOf('retirements', row.retirement_id!).payload).toEqual({ ...row, purposes: ['public_environmental_claims', 'corporate_targets'] });
  });

  it('normalizes every fixture row without a rejection', () => {
    expect(rejections).toEqual([]);
    expect(projects.filter((p) => p.completeness === 'full')).toHaveLength(projectRows.length);
    expect(credits).toHaveLength(issuanceRows.length + retirementRows.length);
  });

  it('stops with a format error naming a column the export no longer has', async () => {
    const error = await connectorError(readAll(tempDirs.copyOf(fixtureDir, EXPORT_FILES, replaceIn('issuances.csv', 'issued_at,', 'issue_date,'))));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('missing required column "issued_at"');

    // The exports without retirements.csv.
    const missing = await connectorError(readAll(tempDirs.copyOf(fixtureDir, ['projects.csv', 'issuances.csv'])));
    expect(missing.failureType).toBe('config');
    expect(missing.message).toContain('retirements.csv');
  });
});

describe('Isometric projects', () => {
  it('are keyed by their prj_ id, with the short code, pathway, protocol and supplier', () => {
    const row = projectRows[0]!;
    expect(fullProject(row.id!)).toMatchObject({
      programId: 'isometric',
      registryProjectId: 'prj_1K3VWSDS61S0QKV7',
      name: 'A Biochar Project at Satyapura',
      proponent: 'Equilibrium',
      countryCode: 'IN',
      countryName: 'India',
      latitude: 27.0238,
      longitude: 74.2179,
      projectTypes: ['biomass_carbon_removal_and_storage'],
      methodologies: [{ id: 'biochar', version: null }],
      status: 'validated',
      creditingPeriodStart: '2025-11-27',
      creditingPeriodEnd: '2030-11-26',
      attributes: {
        shortCode: 'TS26',
        url: 'https://to.isometric.com/prj_1K3VWSDS61S0QKV7',
        process_key: 'biochar-process',
        validator_name: 'Enviance',
        'supplier.id': 'spl_1K3PCHYCA1S0VE66',
        'location.description': 'Rajasthan, India',
        registryTotals: {
          issued_credits_total: 1.47,
          retired_credits_total: 0,
          issued_buffer_pool_credits_total: 0.03,
          retired_buffer_pool_credits_total: 0,
        },
      },
    });
  });

  it('map every ISO alpha-3 country code to alpha-2 and keep every status verbatim', () => {
    for (const row of projectRows) {
      const project = fullProject(row.id!);
      expect(project.countryCode, row.id).toMatch(/^[A-Z]{2}$/);
      expect(project.status).toBe(row.status);
      expect(project.attributes.shortCode).toBe(row.short_code);
      expect(project.methodologies).toEqual([{ id: row.protocol_slug, version: null }]);
    }
    expect(new Set(projects.map((p) => p.status))).toEqual(new Set(['validated', 'under_validation', 'validation_unsuccessful', 'cancelled', null]));
    // Two projects publish no location: the country still comes from `country_code`.
    const unlocated = projectRows.filter((row) => row['location.country_code'] === '');
    expect(unlocated.length).toBeGreaterThan(0);
    for (const row of unlocated) expect(fullProject(row.id!).latitude).toBeNull();
  });
});

describe('Isometric issuances', () => {
  it('are tonnes with decimals, keyed by their iss_ id, with the kilogram twin and the supplier/buffer split', () => {
    const credit = creditOf('iss_1KP6EDZ8K1S036PY');
    expect(credit).toMatchObject({
      kind: 'issuance',
      registryProjectId: 'prj_1JYCV03BW1S0RTE5',
      quantity: 2765.37,
      transactionDate: '2026-04-14',
      issuanceDate: '2026-04-14',
      serialNumber: null,
      serialBlock: null,
      vintageYear: null,
      attributes: {
        issuedAt: '2026-04-14T16:50:41.621676Z',
        creditKgs: 2765370,
        supplierCredits: 2710.062,
        supplierCreditKgs: 2710062,
        bufferPoolCredits: 55.308,
        bufferPoolCreditKgs: 55308,
        'supplier.organisation.name': 'Alt Carbon',
      },
    });
    expect(credit.attributes['supplier.long_description']).toBeUndefined();
  });

  it('agree with their kilogram twin on every row: kg = tonnes × 1000, and supplier + buffer = total', () => {
    for (const row of issuanceRows) {
      const credit = creditOf(row.id!);
      expect(credit.quantity).toBe(Number(row['credit_batch_size_total.credits']));
      expect(credit.attributes.creditKgs).toBe(Number(row['credit_batch_size_total.credit_kgs']));
      expect(Math.round(credit.quantity * 1000)).toBe(credit.attributes.creditKgs);
      expect((credit.attributes.supplierCreditKgs as number) + (credit.attributes.bufferPoolCreditKgs as number)).toBe(credit.attributes.creditKgs);
    }
  });

  it('reject a kilogram twin that disagrees with the tonnes, naming both fields', () => {
    const raw = rawOf('issuances', 'iss_1KP6EDZ8K1S036PY');
    expect(rejectionOf(withPayload(raw, { 'credit_batch_size_total.credit_kgs': '2765000' }))).toEqual({
      reason: 'quantity_mismatch',
      detail: 'field "credit_batch_size_total.credits" is 2765.37 t but "credit_batch_size_total.credit_kgs" is 2765000 kg (expected tonnes × 1000)',
    });
    expect(rejectionOf(withPayload(raw, { 'buffer_pool_credit_batch_size_total.credit_kgs': 1 })).reason).toBe('quantity_mismatch');
  });

  it('reject a blank, zero, negative or unreadable quantity and a bad date', () => {
    const raw = rawOf('issuances', 'iss_1KP6EDZ8K1S036PY');
    const blank = { 'credit_batch_size_total.credits': '', 'credit_batch_size_total.credit_kgs': '' };
    expect(rejectionOf(withPayload(raw, blank))).toEqual({ reason: 'missing_field', detail: 'field "credit_batch_size_total.credits" is blank' });
    const zero = { 'credit_batch_size_total.credits': 0, 'credit_batch_size_total.credit_kgs': 0 };
    expect(rejectionOf(withPayload(raw, zero)).reason).toBe('invalid_number');
    const negative = { 'credit_batch_size_total.credits': '-1.0', 'credit_batch_size_total.credit_kgs': '-1000' };
    expect(rejectionOf(withPayload(raw, negative)).detail).toContain('negative');
    expect(rejectionOf(withPayload(raw, { 'credit_batch_size_total.credits': 'n/a' }))).toEqual({
      reason: 'invalid_number',
      detail: 'field "credit_batch_size_total.credits": "n/a" is not a number',
    });
    expect(rejectionOf(withPayload(raw, { issued_at: '14/04/2026' })).reason).toBe('invalid_date');
    expect(rejectionOf(withPayload(raw, { project_id: '' }))).toEqual({ reason: 'missing_field', detail: 'field "project_id" is blank' });
  });

  it('read the JSON the API sends exactly as the exported text', () => {
    const raw = rawOf('issuances', 'iss_1KP6EDZ8K1S036PY');
    const json = withPayload(raw, {
      'credit_batch_size_total.credits': 2765.37,
      'credit_batch_size_total.credit_kgs': 2765370,
      'supplier_credit_batch_size_total.credits': 2710.062,
      'supplier_credit_batch_size_total.credit_kgs': 2710062,
      'buffer_pool_credit_batch_size_total.credits': 55.308,
      'buffer_pool_credit_batch_size_total.credit_kgs': 55308,
      'supplier.location': null,
    });
    expect(isometric.normalize(json)).toEqual(isometric.normalize(raw));
  });
});

describe('Isometric retirements', () => {
  it('carry the beneficiary, the retiring account, purposes, notes and the vintage year of `sequestered_on`', () => {
    const stripe = retirementRows.find((row) => row['owner.name'] === 'Stripe' && row.notes !== '')!;
    expect(creditOf(stripe.retirement_id!)).toMatchObject({
      kind: 'retirement',
      kindAmbiguous: false,
      registryProjectId: stripe.project_id,
      quantity: Number(stripe['credit_batch_size_total.credits']),
      beneficiary: stripe['beneficiary.name'],
      retirementNote: stripe.notes,
      retirementReason: 'other',
      vintageYear: Number(stripe.sequestered_on!.slice(0, 4)),
      transactionDate: stripe.retired_at!.slice(0, 10),
      serialNumber: null,
      attributes: {
        'owner.name': 'Stripe',
        'owner.domain': 'stripe.com',
        purposes: ['other'],
        sequesteredOn: stripe.sequestered_on,
        url: stripe.url,
      },
    });
  });

  it('normalize every row consistently with the raw file', () => {
    for (const row of retirementRows) {
      const credit = creditOf(row.retirement_id!);
      expect(credit.beneficiary).toBe(row['beneficiary.name']);
      expect(credit.attributes['owner.name']).toBe(row['owner.name']);
      expect(credit.vintageYear).toBe(Number(row.sequestered_on!.slice(0, 4)));
      expect(Math.round(credit.quantity * 1000)).toBe(Number(row['credit_batch_size_total.credit_kgs']));
      expect(credit.retirementNote).toBe(row.notes === '' ? null : row.notes);
    }
    // Several purposes are joined in the order published; none gives no reason.
    const both = retirementRows.find((row) => row.purposes === "['corporate_targets', 'public_environmental_claims']")!;
    expect(creditOf(both.retirement_id!).retirementReason).toBe('corporate_targets; public_environmental_claims');
    const none = retirementRows.find((row) => row.purposes === '[]')!;
    expect(creditOf(none.retirement_id!)).toMatchObject({ retirementReason: null, quantity: 0.019 });
  });

  it('read the project and vintage from `credit_batches` when the record has them there (CarbonPlan’s earlier API shape)', () => {
    const raw = rawOf('retirements', retirementRows[0]!.retirement_id!);
    const batches = [
      { id: 'cbt_1', project_id: 'prj_1HHYZFVGW1S044ZY', sequestered_on: '2025-12-01' },
      { id: 'cbt_2', project_id: 'prj_1HHYZFVGW1S044ZY', sequestered_on: '2024-06-30' },
    ];
    const result = isometric.normalize(withPayload(raw, { project_id: '', sequestered_on: '', credit_batches: batches }));
    expect(result.ok && result.credits[0]).toMatchObject({ registryProjectId: 'prj_1HHYZFVGW1S044ZY', vintageYear: 2024 });
    const mixed = [...batches, { id: 'cbt_3', project_id: 'prj_OTHER' }];
    expect(rejectionOf(withPayload(raw, { project_id: '', credit_batches: mixed })).reason).toBe('inconsistent_reference');
    expect(rejectionOf(withPayload(raw, { purposes: "['open" })).reason).toBe('malformed_row');
  });
});

describe('Isometric credits and their projects', () => {
  it('every credit comes with its project, which the project list has in full', () => {
    const listed = new Set(projectRows.map((row) => row.id));
    for (const credit of credits) {
      expect(projects.some((p) => p.registryProjectId === credit.registryProjectId && p.completeness === 'partial')).toBe(true);
      expect(listed.has(credit.registryProjectId), credit.registryProjectId).toBe(true);
    }
  });

  it('partial projects carry only the id, the same from issuances and retirements', () => {
    const partials = projects.filter((p) => p.completeness === 'partial');
    const byId = new Map<string, string>();
    for (const partial of partials) {
      const content = JSON.stringify(partial);
      expect(byId.get(partial.registryProjectId) ?? content).toBe(content);
      byId.set(partial.registryProjectId, content);
    }
  });
});

describe('records that cannot be normalized', () => {
  it('a blank id is keyed by a hash of the record and rejected', () => {
    const payload = { ...rawOf('issuances', 'iss_1KP6EDZ8K1S036PY').payload, id: '' };
    const key = isometricNaturalKey('issuances', payload);
    expect(key).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(isometricNaturalKey('issuances', payload)).toBe(key);
    expect(rejectionOf({ sourceKind: 'issuances', naturalKey: key, payload })).toEqual({ reason: 'missing_field', detail: 'field "id" is blank' });
  });

  it('a row with the wrong cell count, and an unknown source kind, are malformed', () => {
    expect(rejectionOf({ sourceKind: 'projects', naturalKey: 'x', payload: { id: 'prj_1', __malformed: 'line 7: 3 cells where the header has 39 columns' } })).toEqual({
      reason: 'malformed_row',
      detail: 'projects: line 7: 3 cells where the header has 39 columns',
    });
    expect(rejectionOf({ sourceKind: 'deliveries', naturalKey: 'x', payload: {} }).reason).toBe('malformed_row');
  });
});
