import { describe, expect, it } from 'vitest';
import { cercarbono } from '../../../connectors/cercarbono/index.ts';
import { cercarbonoNaturalKey, parseMethodology } from '../../../connectors/cercarbono/normalize.ts';
import { parsePythonLiteral } from '../../../connectors/common/python-repr.ts';
import { connectorError, readFixtureCsv, rowKinds, useNormalizedExports, withPayload } from '../../support/connectors/records.ts';
import { replaceIn, useTempDirs } from '../../support/temp-dirs.ts';

const fixtureDir = 'test/fixtures/registries/cercarbono';
const projectRows = readFixtureCsv(fixtureDir, 'projects.csv');
const issuanceRows = readFixtureCsv(fixtureDir, 'issuances.csv');
const retirementRows = readFixtureCsv(fixtureDir, 'retirements.csv');

const { raws, projects, credits, rejections, projectOf: fullProject, creditOf, rawOf, rejectionOf, readAll } = useNormalizedExports(cercarbono, fixtureDir);
const retirementKey = (row: Record<string, string>) => `${row.serial}:${row.from}-${row.to}`;

describe('Cercarbono exports read from a directory', () => {
  const tempDirs = useTempDirs();
  const EXPORT_FILES = ['projects.csv', 'issuances.csv', 'retirements.csv'];

  it('yields every row of the three files, in order, keyed by id, serial and serial + unit range', () => {
    expect(raws.map((raw) => raw.sourceKind)).toEqual(rowKinds({ projects: projectRows, issuances: issuanceRows, retirements: retirementRows }));
    expect(raws.map((raw) => raw.naturalKey)).toEqual([
      ...projectRows.map((row) => row.id),
      ...issuanceRows.map((row) => row.serial),
      ...retirementRows.map(retirementKey),
    ]);
  });

  it('retirement keys are unique over the fixture and the same on every read', async () => {
    const keys = raws.filter((raw) => raw.sourceKind === 'retirements').map((raw) => raw.naturalKey);
    expect(new Set(keys).size).toBe(retirementRows.length);
    const again = (await readAll(fixtureDir)).filter((raw) => raw.sourceKind === 'retirements').map((raw) => raw.naturalKey);
    expect(again).toEqual(keys);
    expect(new Set(credits.map((credit) => credit.naturalKey)).size).toBe(credits.length);
  });

  it('reads the Python-repr list cells into lists and gives each serial the project it is embedded in', () => {
    const project = rawOf('projects', '1').payload;
    expect(project.locations).toEqual(parsePythonLiteral(projectRows[0]!.locations).ok && (parsePythonLiteral(projectRows[0]!.locations) as { value: unknown }).value);
    expect(Array.isArray(project.serials) && project.serials).toHaveLength(6);
    const { project_id: projectId, ...row } = rawOf('issuances', 'CDC_1_1_1_321_14_1').payload;
    expect(projectId).toBe('1');
    expect(row).toEqual({
      ...issuanceRows[0],
      global_goals: [],
      elegible: [
        { description: 'Colombian Carbon Tax', code: 'ICC' },
        { description: 'Voluntary compensation', code: 'CV' },
      ],
    });
    // Every serial of issuances.csv is embedded in a project of projects.csv, whose id is the serial's segment 2.
    for (const raw of raws.filter((r) => r.sourceKind === 'issuances')) {
      expect(raw.payload.project_id, raw.naturalKey).toBe(raw.naturalKey.split('_')[1]);
    }
    expect(rawOf('retirements', retirementKey(retirementRows[0]!)).payload).toEqual(retirementRows[0]);
  });

  it('normalizes every fixture row without a rejection', () => {
    expect(rejections).toEqual([]);
    expect(projects.filter((p) => p.completeness === 'full')).toHaveLength(projectRows.length);
    expect(credits).toHaveLength(issuanceRows.length + retirementRows.length);
  });

  it('stops with a format error naming a missing column, and a config error for a missing file', async () => {
    const renaming = replaceIn('retirements.csv', ',quantity,', ',amount,');
    const error = await connectorError(readAll(tempDirs.copyOf(fixtureDir, EXPORT_FILES, renaming)));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('missing required column "quantity"');
    // The same folder without issuances.csv.
    const missing = await connectorError(readAll(tempDirs.copyOf(fixtureDir, ['projects.csv', 'retirements.csv'], renaming)));
    expect(missing.failureType).toBe('config');
  });
});

describe('Cercarbono projects', () => {
  it('are keyed by the numeric id, with the code, owner, location, sectors and methodology', () => {
    expect(fullProject('1')).toMatchObject({
      programId: 'cercarbono',
      registryProjectId: '1',
      name: 'Carbono Agroporvanda',
      proponent: 'Agroporvanda S.A.S',
      countryCode: 'CO',
      countryName: 'Colombia',
      subdivision: 'Cordoba',
      latitude: 8.412918740997307,
      longitude: -75.58408635215012,
      projectTypes: ['Land use (AFOLU)'],
      methodologies: [{ id: 'AR-ACM0003', version: null }],
      status: 'Certified',
      estimatedAnnualCredits: 0,
      attributes: {
        code: 'CDC-1',
        isPublic: true,
        developer: 'Forestry Consulting Group S.A.S.',
        owner_id: 'ECOxC_1152578494_117',
        validator: 'ICONTEC',
        evaluation_criteria: 'PROTOCOL CVCC V1.1',
        issuanceSerials: 6,
        placeholder: null,
      },
    });
  });

  it('every project is in Colombia, with sectors de-duplicated and SDGs from its serials', () => {
    for (const row of projectRows) {
      const project = fullProject(row.id!);
      expect(project.countryCode).toBe('CO');
      expect(project.attributes.code).toBe(row.code);
      expect(new Set(project.projectTypes).size).toBe(project.projectTypes.length);
    }
    // Sectors repeat once per verification in the feed (§6).
    const repeated = projectRows.find((row) => (row.sector!.match(/'id': 14/g) ?? []).length > 1)!;
    expect(fullProject(repeated.id!).projectTypes).toEqual(['Land use (AFOLU)']);
    expect(fullProject('4').sdgs).toEqual([8, 13, 15]);
  });

  it('keep distinct locations, read the `Worldwide` placeholder as no place, and take the first coordinates given', () => {
    // Project 36 lists Ubalá twice with coordinates, once without, and `Worldwide` three times.
    const row = projectRows.find((r) => r.id === '36')!;
    expect((row.locations!.match(/'city'/g) ?? []).length).toBe(6);
    expect(row.locations).toContain("'region': 'Worldwide'");
    const project = fullProject('36');
    expect(project).toMatchObject({ subdivision: 'Cundinamarca', latitude: 4.744019972929907, longitude: -73.53418839030685 });
    expect(project.attributes.locations).toEqual([
      { city: 'Ubalá', region: 'Cundinamarca', country: 'Colombia', latitude: 4.744019972929907, longitude: -73.53418839030685 },
      { city: 'Ubalá', region: 'Cundinamarca', country: 'Colombia', latitude: null, longitude: null },
      { city: null, region: null, country: 'Colombia', latitude: null, longitude: null },
      { city: null, region: null, country: 'Colombia', latitude: 4.7430711074162915, longitude: -73.53645682113971 },
      { city: null, region: null, country: 'Colombia', latitude: 4.739000734574549, longitude: -73.53478133693437 },
    ]);
  });

  it('keeps the platform’s test projects, marked as placeholders (owner `Pruebas 1`, name `-`)', () => {
    const tests = projectRows.filter((row) => row.owner === 'Pruebas 1');
    expect(tests.map((row) => row.id)).toEqual(['6', '9', '20', '33', '37', '44', '45']);
    for (const row of projectRows) {
      const project = fullProject(row.id!);
      if (row.owner === 'Pruebas 1') {
        expect(project).toMatchObject({ name: '-', status: 'Not assigned', attributes: { issuanceSerials: 0 } });
        expect(project.attributes.placeholder).toEqual({ reason: 'owner "Pruebas 1" is the platform\'s test account' });
      } else {
        expect(project.attributes.placeholder, row.id).toBeNull();
      }
    }
  });

  it('read the methodology id out of every quantification method the fixtures publish', () => {
    const expected: Record<string, string[]> = {
      'CDM - AR-ACM0003: Afforestation and reforestation of lands except wetlands': ['AR-ACM0003'],
      'CDM - ACM0002: Grid-connected electricity generation from renewable sources': ['ACM0002'],
      'CDM - ACM0001: Flaring or use of landfill gas': ['ACM0001'],
      'CDM - AMS-I.D.: Grid connected renewable electricity generation': ['AMS-I.D.'],
      'CDM - AMS-I.F.: Renewable electricity generation for captive use and mini-grid': ['AMS-I.F.'],
      'CCB - M/UT/F-A01: Methodology To Implement GHG Removal Projects Through Reforestation, Forest Restoration and the Establishment of Woody Crops': ['M/UT/F-A01'],
      'CCB - M/LU-REDD+: Methodology for the Implementation of REDD+ Projects Consistent with National Reference Levels': ['M/LU-REDD+'],
      'NTC 6208 - Mitigation actions in the land use, change in land use and forestry sector at the rural level, incorporating social and biodiversity considerations': ['NTC 6208'],
      'Not defined': [],
    };
    expect(new Set(projectRows.map((row) => row.quantification_method))).toEqual(new Set(Object.keys(expected)));
    for (const row of projectRows) {
      expect(fullProject(row.id!).methodologies).toEqual(expected[row.quantification_method!]!.map((id) => ({ id, version: null })));
    }
    expect(parseMethodology('CDM - AR-ACM0003 v2.0: Afforestation')).toEqual([{ id: 'AR-ACM0003', version: '2.0' }]);
    expect(parseMethodology('VM0042 Version 2.1: Improved Agricultural Land Management')).toEqual([{ id: 'VM0042', version: '2.1' }]);
    expect(parseMethodology('No definido/Not defined')).toEqual([]);
  });
});

describe('Cercarbono issuances', () => {
  it('are one per serial, with the vintage range, the platform’s year, eligibility labels and the buffer flag', () => {
    expect(creditOf('issuance:CDC_1_1_1_321_14_1')).toMatchObject({
      kind: 'issuance',
      registryProjectId: '1',
      quantity: 62740,
      serialNumber: 'CDC_1_1_1_321_14_1',
      serialBlock: null,
      vintageStart: '2010-01-01',
      vintageEnd: '2018-09-30',
      vintageYear: 2015,
      transactionDate: '2019-03-07',
      issuanceDate: '2019-03-07',
      labels: ['Colombian Carbon Tax', 'Voluntary compensation'],
      attributes: { isBuffer: false, year: 2015, verification: '1', vintageOfCredits: '2010-01-01 / 2018-09-30' },
    });
    expect(creditOf('issuance:CDC_7_3_1_323_14_CO_1_2_2019_BF')).toMatchObject({
      countryCode: 'CO',
      labels: ['Voluntary compensation'],
      attributes: { isBuffer: true, serialParts: { prefix: 'CDC', projectId: '7', country: 'CO', vintageYear: 2019, buffer: 'buffer' } },
    });
  });

  it('agree with the raw file on every row: quantity, range, year and the buffer marker in the serial', () => {
    for (const row of issuanceRows) {
      const credit = creditOf(`issuance:${row.serial}`);
      const [start, end] = row.vintage_of_credits!.split(' / ');
      expect(credit.quantity).toBe(Number(row.issued_quantity));
      expect([credit.vintageStart, credit.vintageEnd]).toEqual([start, end]);
      expect(credit.vintageYear).toBe(Number(row.year));
      expect(credit.attributes.isBuffer).toBe(row.is_buffer === 'True');
      expect(credit.attributes.isBuffer, row.serial).toBe(/_BFC?(_|$)/.test(row.serial!));
      expect(credit.registryProjectId).toBe(row.serial!.split('_')[1]);
    }
  });

  it('take the vintage year the platform publishes, which its retirements repeat, and fall back to the end of the range', () => {
    // CDC_1_1_1_321_14_1 covers 2010-01-01 / 2018-09-30, `year` 2015, and its retirements say vintage 2015.
    for (const row of retirementRows) {
      const issuance = credits.find((c) => c.kind === 'issuance' && c.serialNumber === row.serial);
      if (issuance) expect(issuance.vintageYear, row.serial).toBe(Number(row.vintage));
    }
    const raw = rawOf('issuances', 'CDC_1_1_1_321_14_1');
    const result = cercarbono.normalize(withPayload(raw, { year: '' }));
    expect(result.ok && result.credits[0]!.vintageYear).toBe(2018);
  });

  it('fall back to the project id in the serial when the record names no project', () => {
    const { project_id: _, ...payload } = rawOf('issuances', 'CDC_4_1_1_321_14_R1_XX_CO_1_2_2018').payload;
    const result = cercarbono.normalize({ sourceKind: 'issuances', naturalKey: 'CDC_4_1_1_321_14_R1_XX_CO_1_2_2018', payload });
    expect(result.ok && result.credits[0]).toMatchObject({ registryProjectId: '4', countryCode: 'CO' });
    expect(result.ok && result.projects).toEqual([expect.objectContaining({ registryProjectId: '4', completeness: 'partial' })]);
    expect(rejectionOf({ sourceKind: 'issuances', naturalKey: 'x', payload: { ...payload, serial: 'ODD-SERIAL' } })).toEqual({
      reason: 'missing_field',
      detail: 'field "project_id" is blank and serial "ODD-SERIAL" names no project id',
    });
  });

  it('reject an unreadable range, quantity, flag or list, naming the field', () => {
    const raw = rawOf('issuances', 'CDC_1_1_1_321_14_1');
    expect(rejectionOf(withPayload(raw, { vintage_of_credits: '2010-01-01 - 2018-09-30' }))).toEqual({
      reason: 'invalid_date',
      detail: 'field "vintage_of_credits" is "2010-01-01 - 2018-09-30": not a "YYYY-MM-DD / YYYY-MM-DD" range',
    });
    expect(rejectionOf(withPayload(raw, { vintage_of_credits: '2018-01-01 / 2010-01-01' })).detail).toContain('ends before it starts');
    expect(rejectionOf(withPayload(raw, { issued_quantity: '62740.5' })).reason).toBe('invalid_number');
    expect(rejectionOf(withPayload(raw, { issued_quantity: '0' })).reason).toBe('invalid_number');
    expect(rejectionOf(withPayload(raw, { issued_quantity: '' })).reason).toBe('missing_field');
    expect(rejectionOf(withPayload(raw, { is_buffer: 'Maybe' })).detail).toContain('field "is_buffer"');
    expect(rejectionOf(withPayload(raw, { elegible: "[{'code': 'CV'" }))).toMatchObject({ reason: 'malformed_row' });
    expect(rejectionOf(withPayload(raw, { year: '15' })).reason).toBe('invalid_number');
  });
});

describe('Cercarbono retirements', () => {
  it('cover exactly their unit range on every fixture row: to − from + 1 = quantity (100/100)', () => {
    for (const row of retirementRows) {
      expect(Number(row.to) - Number(row.from) + 1, retirementKey(row)).toBe(Number(row.quantity));
      const credit = creditOf(`retirement:${retirementKey(row)}`);
      expect(credit.serialBlock).toMatchObject({ namespace: row.serial, firstUnit: Number(row.from), lastUnit: Number(row.to) });
      expect(credit.quantity).toBe(Number(row.quantity));
      expect(credit.vintageYear).toBe(Number(row.vintage));
      expect(credit.registryProjectId).toBe(row.project_id);
      expect(credit.useCase).toBe(row.certificate_destination);
    }
    // Early serials number their units from 0 (§6).
    expect(retirementRows.some((row) => row.from === '0')).toBe(true);
  });

  it('name the final user as beneficiary when the platform publishes one, else the carbon-tax payer', () => {
    const tax = retirementRows.find((row) => row.end_user === 'Not public' && row.passive_subject === 'TERPEL S.A.')!;
    expect(creditOf(`retirement:${retirementKey(tax)}`)).toMatchObject({
      beneficiary: 'TERPEL S.A.',
      useCase: 'Colombian Carbon Tax',
      transactionDate: tax.date!.slice(0, 10),
      attributes: { beneficiarySource: 'passive_subject', endUser: 'Not public', passiveSubject: 'TERPEL S.A.', projectName: tax.project_name },
    });
    const named = retirementRows.find((row) => row.end_user === 'AEROSUCRE S.A.')!;
    expect(creditOf(`retirement:${retirementKey(named)}`)).toMatchObject({
      beneficiary: 'AEROSUCRE S.A.',
      useCase: 'Colombian Carbon Tax',
      attributes: { beneficiarySource: 'end_user', passiveSubject: named.passive_subject },
    });
    const voluntary = retirementRows.find((row) => row.end_user === 'Bayer AG')!;
    expect(creditOf(`retirement:${retirementKey(voluntary)}`)).toMatchObject({ beneficiary: 'Bayer AG', useCase: 'Voluntary compensation' });
    const anonymous = retirementRows.find((row) => row.end_user === 'Not public' && row.passive_subject === '')!;
    expect(creditOf(`retirement:${retirementKey(anonymous)}`)).toMatchObject({ beneficiary: null, attributes: { beneficiarySource: null } });
    for (const row of retirementRows) {
      const credit = creditOf(`retirement:${retirementKey(row)}`);
      const expected = row.end_user !== 'Not public' ? row.end_user : row.passive_subject || null;
      expect(credit.beneficiary).toBe(expected);
    }
  });

  it('reject a quantity its unit range does not cover, and a half or backwards range', () => {
    const row = retirementRows[0]!;
    const raw = rawOf('retirements', retirementKey(row));
    expect(rejectionOf(withPayload(raw, { quantity: '547' }))).toEqual({
      reason: 'quantity_mismatch',
      detail: 'serial "CDC_1_1_1_321_14_1_2009" units 4426–4971 are 546 credits, but field "quantity" says 547',
    });
    expect(rejectionOf(withPayload(raw, { to: '' }))).toEqual({ reason: 'missing_field', detail: 'field "to" is blank but "from" is set' });
    expect(rejectionOf(withPayload(raw, { from: '4971', to: '4426' })).reason).toBe('invalid_serial');
    expect(rejectionOf(withPayload(raw, { from: '-1' })).reason).toBe('invalid_number');
    expect(rejectionOf(withPayload(raw, { date: '24/02/2022' })).reason).toBe('invalid_date');
    expect(rejectionOf(withPayload(raw, { vintage: 'n/a' })).reason).toBe('invalid_number');
    expect(rejectionOf(withPayload(raw, { project_id: '' }))).toEqual({ reason: 'missing_field', detail: 'field "project_id" is blank' });
  });

  it('read the live ledger’s record shape as documented (§6 [rb]): id key, final user, reason, vintage date, kilograms', () => {
    // The record shape a third-party scraper documents for `analytics/get-retirements`.
    const live = { id: 1, project_id: 1, serial: 'CDC_1_1_1_321_14_1', quantity: 1000, date: '2019-03-07T18:33:46.000Z', vintage: '2010-01-17', is_kg: 0, final_user: 'Primax Colombia S.A', country_final_user: 'Colombia', 'reason_using.id': 1, 'reason_using.description': 'Colombian Carbon Tax' };
    const key = cercarbonoNaturalKey('retirements', live);
    expect(key).toBe('id:1');
    const result = cercarbono.normalize({ sourceKind: 'retirements', naturalKey: key, payload: live });
    expect(result.ok && result.credits[0]).toMatchObject({
      naturalKey: 'retirement:id:1',
      registryProjectId: '1',
      quantity: 1000,
      transactionDate: '2019-03-07',
      serialBlock: null,
      vintageYear: null,
      beneficiary: 'Primax Colombia S.A',
      retirementReason: 'Colombian Carbon Tax',
      useCase: null,
      attributes: { beneficiarySource: 'final_user', vintage: '2010-01-17', country_final_user: 'Colombia', id: '1' },
    });
    const kg = cercarbono.normalize({ sourceKind: 'retirements', naturalKey: 'id:2', payload: { ...live, id: 2, is_kg: 1, quantity: 2500, serial: 'CDC_1_1_1_321_14_1_2009' } });
    expect(kg.ok && kg.credits[0]).toMatchObject({ quantity: 2.5, vintageYear: 2009, attributes: { quantityKg: 2500 } });
  });
});

describe('Cercarbono projects from the standard’s own list', () => {
  it('normalize the list’s record shape (§6 [rb]) into a full project', () => {
    const record = {
      id: 274,
      code: 'CDC-271',
      name: 'Vinaqua WWTP Carbon Project',
      projectStage: 'Verification',
      sectors: [{ shortName: 'CR', description: 'Waste handling and disposal' }, { shortName: 'CR', description: 'Waste handling and disposal' }],
      methodology: [{ methodologyId: 88, description: 'CDM - AMS-III.H.: Methane recovery in wastewater treatment', type_avoidance_removals: 'Avoidance' }],
      protocols: [{ description: 'CVCC 4.5' }],
      locationText: 'South Africa',
      developer: 'Ammonite Environmental (Pty) Ltd',
    };
    const result = cercarbono.normalize({ sourceKind: 'standard-projects', naturalKey: '274', payload: record });
    expect(result.ok && result.projects[0]).toMatchObject({
      registryProjectId: '274',
      completeness: 'full',
      name: 'Vinaqua WWTP Carbon Project',
      status: 'Verification',
      countryCode: 'ZA',
      countryName: 'South Africa',
      projectTypes: ['Waste handling and disposal'],
      methodologies: [{ id: 'AMS-III.H.', version: null }],
      attributes: { code: 'CDC-271', developer: 'Ammonite Environmental (Pty) Ltd', protocols: [{ description: 'CVCC 4.5' }] },
    });
    expect(result.ok && result.credits).toEqual([]);
  });
});

describe('Cercarbono credits and their projects', () => {
  it('every credit comes with a partial project that carries only its id; the project list has it in full', () => {
    const listed = new Set(projectRows.map((row) => row.id));
    for (const credit of credits) {
      expect(listed.has(credit.registryProjectId)).toBe(true);
      expect(projects).toContainEqual(expect.objectContaining({ registryProjectId: credit.registryProjectId, completeness: 'partial', name: null }));
    }
  });

  it('a malformed row or an unknown source kind is rejected, keyed by a hash', () => {
    const payload = { project_id: '1', __malformed: 'line 9: 12 cells where the header has 13 columns' };
    expect(cercarbonoNaturalKey('retirements', payload)).toMatch(/^sha256:/);
    expect(rejectionOf({ sourceKind: 'retirements', naturalKey: 'x', payload })).toEqual({
      reason: 'malformed_row',
      detail: 'retirements: line 9: 12 cells where the header has 13 columns',
    });
    expect(rejectionOf({ sourceKind: 'certificates', naturalKey: 'x', payload: {} }).reason).toBe('malformed_row');
  });
});
