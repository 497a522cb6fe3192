/**
 * The label engine on the real registry exports (test/fixtures/registries) loaded through
 * the real ingest with every connector the hub ships.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.ts';
import { goldStandard } from '../../connectors/gold-standard/index.ts';
import { labelCommand } from '../../src/ccp/command.ts';
import { labelCredits, type LabelResult } from '../../src/ccp/label-engine.ts';
import { queryRows } from '../../src/db/client.ts';
import { creditLabels, rawRecords } from '../../src/db/schema.ts';
import { projectIds, upsertCredits, upsertProjects } from '../../src/ingest/normalized-rows.ts';
import { loadExportFolder } from '../../src/ingest/snapshot.ts';
import { silentLogger } from '../../src/logger.ts';
import { activeReferenceVersion, ensureShippedReference } from '../../src/reference/ccp/load.ts';
import { readReferencePackage, shippedDecisionsPath } from '../../src/reference/ccp/reference-file.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const evaluationDate = '2026-11-25';
let testDb: TestDatabase;
let first: LabelResult;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const results = await loadExportFolder({ database: testDb.database, connectors, dir: 'test/fixtures/registries', trigger: 'test', logger: silentLogger });
  expect(results.every((result) => result?.status === 'succeeded')).toBe(true);
  await ensureShippedReference(testDb.database.db, silentLogger);
  first = await labelCredits(testDb.database, { evaluationDate, trigger: 'test' });
});
afterAll(async () => {
  await testDb?.drop();
});

interface LabelledCredit {
  id: number;
  program: string;
  kind: string;
  project: string;
  methodologies: { id: string; version: string | null }[];
  labels: string[];
  issuanceDate: string | null;
  transactionDate: string | null;
  status: string;
  reasons: string[];
  decisionId: string | null;
  issuingProgram: string;
  registryFlag: boolean | null;
  registryFlagSource: string | null;
  agrees: boolean | null;
  attributes: any;
  referenceVersion: string;
  evaluationDate: string;
  updatedAt: string;
}

/** Labelled credits matching `where` (over credits c, projects p, credit_labels l), in id order. */
function labelled(where: SQL): Promise<LabelledCredit[]> {
  return queryRows<LabelledCredit>(
    testDb.database.db,
    sql`select c.id::int as id, c.program_id as program, c.kind::text as kind, p.registry_project_id as project, p.methodologies,
               c.labels, c.issuance_date::text as "issuanceDate", c.transaction_date::text as "transactionDate",
               l.status::text as status, l.reasons, l.decision_id as "decisionId", l.issuing_program_id as "issuingProgram",
               l.registry_flag as "registryFlag", l.registry_flag_source as "registryFlagSource", l.agrees_with_registry as agrees,
               l.attributes, l.reference_version as "referenceVersion", l.evaluation_date::text as "evaluationDate", l.updated_at::text as "updatedAt"
          from credits c join projects p on p.id = c.project_id join credit_labels l on l.credit_id = c.id
         where ${where} order by c.id`,
  );
}

async function creditCount(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(testDb.database.db, sql`select count(*)::int as n from credits`);
  return row!.n;
}

describe('labelling the snapshot', () => {
  it('labels every credit once, against the active reference version', async () => {
    const total = await creditCount();
    expect(total).toBeGreaterThan(1500);
    expect(first).toMatchObject({ inserted: total, updated: 0, unchanged: 0, evaluationDate });
    expect(first.referenceVersion).toBe(await activeReferenceVersion(testDb.database.db));
    const all = await labelled(sql`true`);
    expect(all).toHaveLength(total);
    expect(new Set(all.map((row) => row.referenceVersion))).toEqual(new Set([first.referenceVersion]));
    for (const row of all) expect(row.reasons.length).toBeGreaterThan(0);
  });

  it('Verra credits labelled `ICVCM CCP` are APPROVED (the label confirms the ACM0001 conditions) and agree; unlabelled ACM0001 ones stay conditional', async () => {
    const flagged = await labelled(sql`c.program_id = 'verra' and 'ICVCM CCP' = any(c.labels)`);
    expect(flagged.length).toBe(5);
    for (const row of flagged) {
      expect(row).toMatchObject({ status: 'APPROVED', registryFlag: true, agrees: true, decisionId: 'verra:acm0001:15.0-19.0' });
      expect(row.reasons.join(' ')).toContain("marks these units 'ICVCM CCP'");
    }
    const unflagged = await labelled(sql`c.program_id = 'verra' and p.methodologies @> '[{"id": "ACM0001"}]' and not ('ICVCM CCP' = any(c.labels))`);
    expect(unflagged.length).toBeGreaterThan(0);
    for (const row of unflagged) {
      expect(row).toMatchObject({ status: 'APPROVED_CONDITIONAL', registryFlag: false, agrees: true });
      expect(row.reasons.join(' ')).toContain('<= 10 MWe');
    }
    // Every Verra credit the hub approves is one Verra labels, and the other way round.
    const disagreements = await labelled(sql`c.program_id = 'verra' and l.agrees_with_registry = false`);
    expect(disagreements).toEqual([]);
  });

  it('Gold Standard credits labelled `ICVCM CCP` disagree: the export names no methodology for their projects (reported, not forced)', async () => {
    const flagged = await labelled(sql`c.program_id = 'gold-standard' and 'ICVCM CCP' = any(c.labels)`);
    expect(flagged.map((row) => row.project).sort()).toEqual(['10792', '10792', '12285', '12285', '12285', '12285', '12285', '12285', '12350']);
    for (const row of flagged) {
      expect(row.methodologies).toEqual([]);
      expect(row).toMatchObject({ status: 'UNKNOWN_METHODOLOGY', registryFlag: true, registryFlagSource: 'Label', agrees: false });
      expect(row.reasons.join(' ')).toContain(`The hub has no methodology for project ${row.project}`);
      expect(row.reasons.at(-1)).toContain("marks these units 'ICVCM CCP'");
    }
    // Where GS names its methodology, the hub and GS agree.
    expect(await labelled(sql`c.program_id = 'gold-standard' and l.agrees_with_registry = false and p.methodologies <> '[]'::jsonb`)).toEqual([]);
  });

  it('an ACM0002 renewable-energy credit is NOT_APPROVED, resting on the 2024-08-06 rejection', async () => {
    const rows = await labelled(sql`c.program_id = 'verra' and p.methodologies = '[{"id": "ACM0002", "version": null}]'::jsonb`);
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'NOT_APPROVED', decisionId: 'verra:acm0002:1.0-21.0', registryFlag: false, agrees: true });
      expect(row.reasons[1]).toMatch(/^ACM0002 \(version not published by the registry\) as submitted by Verra.*not to meet the CCPs \('Does not meet'\) on 2024-08-06; source: https:\/\/icvcm\.org\//);
    }
    const gs = await labelled(sql`c.program_id = 'gold-standard' and p.methodologies @> '[{"id": "ACM0002"}]'`);
    expect(gs.length).toBeGreaterThan(0);
    for (const row of gs) expect(row).toMatchObject({ status: 'NOT_APPROVED', decisionId: 'gold-standard:acm0002:1.0-21.0' });
  });

  it('projects with several methodologies qualify only if all are approved', async () => {
    const [cookstoves] = await labelled(sql`c.program_id = 'verra' and p.methodologies = '[{"id": "VMR0006", "version": null}, {"id": "VM0050", "version": null}]'::jsonb`);
    expect(cookstoves).toMatchObject({ status: 'WITHDRAWN', decisionId: 'verra:vmr0006:1.2' });
    expect(cookstoves!.reasons.join(' ')).toContain('“VM0050 Energy Efficiency and Fuel-Switch Measures in Cookstoves” version 1.0 as CCP-Approved');
    const [mixed] = await labelled(sql`c.program_id = 'verra' and p.methodologies = '[{"id": "AMS-I.C.", "version": null}, {"id": "AMS-III.H.", "version": null}]'::jsonb`);
    expect(mixed?.status).toBe('UNKNOWN_METHODOLOGY');
    expect(mixed!.reasons.join(' ')).toContain('AMS-III.H. (version not published by the registry) is not on the ICVCM assessment table as submitted by Verra');
  });

  it('a project that changed methodology versions keeps the most favourable decision, as conditional (CAR674, Landfill v5.0 and v6.0)', async () => {
    const rows = await labelled(sql`c.program_id = 'car' and p.registry_project_id = 'CAR674'`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(['APPROVED', 'APPROVED_CONDITIONAL']).toContain(row.status);
      expect(row.status === 'APPROVED').toBe(row.registryFlag === true);
      expect(row.reasons.join(' ')).toContain('The project lists Landfill Gas Capture/Combustion under versions 6.0, 5.0');
    }
  });

  it("keeps the registry's flag null where it publishes none (Isometric, Cercarbono, ARB, CAR's cancellation export)", async () => {
    const rows = await labelled(sql`c.program_id in ('isometric', 'cercarbono', 'arb') or (c.program_id = 'car' and c.kind = 'cancellation')`);
    expect(rows.length).toBeGreaterThan(500);
    for (const row of rows) expect(row).toMatchObject({ registryFlag: null, registryFlagSource: null, agrees: null });
    // CDM CERs in the Gold Standard registry are the CDM's, which is not a CCP program.
    const cers = await labelled(sql`c.program_id = 'gold-standard' and c.attributes->>'productType' = 'CER'`);
    expect(cers.length).toBe(3);
    for (const row of cers) expect(row).toMatchObject({ status: 'PROGRAM_NOT_ELIGIBLE', issuingProgram: 'cdm', decisionId: null });
    for (const row of await labelled(sql`c.program_id in ('cercarbono', 'arb')`)) expect(row.status).toBe('PROGRAM_NOT_ELIGIBLE');
  });

  it('publishes the CCP attributes as the registries do', async () => {
    const [authorized] = await labelled(sql`c.program_id = 'verra' and c.article6_authorization like 'Article 6 Authorized%'`);
    expect(authorized!.attributes.authorization).toMatchObject({ authorized: true, published: expect.stringMatching(/^Article 6 Authorized – /) });
    const [gs] = await labelled(sql`c.program_id = 'gold-standard' and c.attributes->>'articleSixAuthorization' = 'Not Applicable'`);
    expect(gs!.attributes.authorization).toMatchObject({ authorized: false, published: 'Not Applicable', field: 'Article Six Authorization' });
    const [car] = await labelled(sql`c.program_id = 'car' and c.attributes->>'Corresponding Adjustment' = 'No'`);
    expect(car!.attributes.authorization).toMatchObject({ authorized: false, correspondingAdjustment: 'No' });
    const [isometric] = await labelled(sql`c.program_id = 'isometric'`);
    expect(isometric!.attributes.authorization).toMatchObject({ authorized: null, published: null });
    for (const row of [authorized!, gs!, car!, isometric!]) {
      expect(row.attributes.adaptation).toEqual({ shareOfProceeds: null, published: null });
      expect(row.attributes.sdgImpacts.quantified).toBeNull();
    }
    const [withGoals] = await labelled(sql`c.program_id = 'verra' and jsonb_array_length(c.attributes->'sdgs') > 0`);
    expect(withGoals!.attributes.sdgImpacts.goals.length).toBeGreaterThan(0);
  });
});

describe('relabelling', () => {
  it('writes nothing the second time, and says so', async () => {
    const before = await labelled(sql`true`);
    const again = await labelCredits(testDb.database, { evaluationDate, trigger: 'test' });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: before.length });
    expect(await labelled(sql`true`)).toEqual(before);
    // A later evaluation date that crosses no decision date changes nothing either.
    expect(await labelCredits(testDb.database, { evaluationDate: '2026-12-31', trigger: 'test' })).toMatchObject({ inserted: 0, updated: 0 });
  });

  it('relabels one program without touching the others', async () => {
    const result = await labelCredits(testDb.database, { programIds: ['acr'], evaluationDate, trigger: 'test' });
    const [acr] = await queryRows<{ n: number }>(testDb.database.db, sql`select count(*)::int as n from credits where program_id = 'acr'`);
    expect(result).toMatchObject({ inserted: 0, updated: 0, unchanged: acr!.n, programIds: ['acr'] });
  });
});

describe('the evaluation date', () => {
  it('a credit issued before its program was CCP-Eligible is not approved at that date, and may carry the label today', async () => {
    // ART102 (Guyana) credits were issued on 2022-12-01; ART became CCP-Eligible on 2024-05-02.
    const today = await labelled(sql`c.program_id = 'art-trees' and p.registry_project_id = 'ART102' and c.kind = 'issuance' and c.issuance_date = '2022-12-01'`);
    expect(today.length).toBeGreaterThan(0);
    for (const row of today) expect(row.status).toBe('APPROVED_CONDITIONAL'); // retroactive: ccp.md §3

    await labelCredits(testDb.database, { programIds: ['art-trees'], evaluationDate: '2022-12-01', trigger: 'test' });
    const then = await labelled(sql`c.id in (${sql.join(today.map((row) => sql`${row.id}`), sql`, `)})`);
    for (const row of then) {
      expect(row).toMatchObject({ status: 'PROGRAM_NOT_ELIGIBLE', evaluationDate: '2022-12-01', decisionId: null });
      expect(row.reasons[0]).toContain('became CCP-Eligible on 2024-05-02, after the evaluation date 2022-12-01');
    }
    // Between the program's eligibility and the methodology's approval, the methodology was pending.
    await labelCredits(testDb.database, { programIds: ['acr'], evaluationDate: '2026-06-01', trigger: 'test' });
    const [ifm] = await labelled(sql`c.program_id = 'acr' and p.methodologies = '[{"id": "Improved Forest Management (IFM) on Non-Federal U.S. Forestlands", "version": "1.3"}]'::jsonb`);
    expect(ifm).toMatchObject({ status: 'PENDING_ASSESSMENT' });
    expect(ifm!.reasons[1]).toContain('in 2026-08 (day not published; counted from 2026-08-31), after the evaluation date 2026-06-01');

    const back = await labelCredits(testDb.database, { programIds: ['art-trees', 'acr'], evaluationDate, trigger: 'test' });
    expect(back.updated).toBeGreaterThan(0);
    const restored = await labelled(sql`c.id in (${sql.join(today.map((row) => sql`${row.id}`), sql`, `)})`);
    expect(restored.map(({ updatedAt: _, ...row }) => row)).toEqual(today.map(({ updatedAt: _, ...row }) => row));
  });

  it('a retirement made before the label could apply is labelled retroactively, with a note saying so', async () => {
    const [early] = await labelled(sql`c.program_id = 'art-trees' and c.kind = 'retirement' and c.transaction_date = '2023-06-27'`);
    expect(early?.status).toBe('APPROVED_CONDITIONAL');
    expect(early!.reasons.at(-1)).toContain('left circulation (retirement) on 2023-06-27, before the label could apply (2024-11-15)');
  });
});

describe('ex-ante units', () => {
  it('never qualify (no fixture holds any: a real Gold Standard TPDDTEC row is re-issued as a PER)', async () => {
    const db = testDb.database.db;
    const [raw] = await db
      .select()
      .from(rawRecords)
      .where(sql`${rawRecords.programId} = 'gold-standard' and ${rawRecords.sourceKind} = 'issuances' and ${rawRecords.payload}->>'Methodology' = 'GS TPDDTEC v3.1'`)
      .limit(1);
    expect(raw).toBeDefined();
    const [before] = await labelled(sql`c.raw_record_id = ${raw!.id}`);
    expect(before?.status).toBe('APPROVED_CONDITIONAL');

    const normalized = goldStandard.normalize({
      sourceKind: raw!.sourceKind,
      naturalKey: raw!.naturalKey,
      payload: { ...raw!.payload, 'Product Type': 'PER', Label: 'ICVCM CCP, Emission Reduction' },
    });
    if (!normalized.ok) throw new Error(normalized.rejection.detail);
    await db.transaction(async (tx) => {
      await upsertProjects(tx, normalized.projects, new Date());
      const ids = await projectIds(tx, 'gold-standard', normalized.credits.map((credit) => credit.registryProjectId));
      await upsertCredits(tx, normalized.credits.map((credit) => ({ credit, rawRecordId: raw!.id })), ids);
    });
    const result = await labelCredits(testDb.database, { programIds: ['gold-standard'], evaluationDate, trigger: 'test' });
    expect(result.updated).toBe(1);
    const [after] = await labelled(sql`c.id = ${before!.id}`);
    expect(after).toMatchObject({ status: 'NOT_APPROVED', decisionId: null, registryFlag: true, agrees: false });
    expect(after!.reasons[1]).toContain('ex-ante units never carry the CCP label');
  });
});

describe('a newer reference file', () => {
  it('loads without code changes, changes the labels it affects and records its version on every label', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccp-reference-'));
    try {
      // ICVCM (hypothetically) approves Verra's ACM0002 v1.0–21.0 without conditions on 2026-12-01.
      const file = JSON.parse(await readFile(shippedDecisionsPath, 'utf8'));
      file.asOf = '2026-12-02';
      const row = file.methodologyStatus.find((r: any) => r.program === 'verra' && r.methodologyId === 'ACM0002');
      Object.assign(row, {
        outcome: 'approved',
        icvcmStatus: 'CCP-Approved',
        conditional: false,
        batch: 'B2026-12',
        decisionDate: '2026-12-01',
        datePrecision: 'day',
        decisionDocument: null,
      });
      file.batches['B2026-12'] = { date: '2026-12-01', precision: 'day', note: 'test', sources: ['https://example.org/acm0002-approved'] };
      const path = join(dir, 'ccp-decisions.json');
      await writeFile(path, JSON.stringify(file, null, 1));
      const newer = await readReferencePackage(path);
      const all0 = await creditCount();
      expect(newer.version).toMatch(/^2026-12-02\+[0-9a-f]{12}$/);

      const said: string[] = [];
      await labelCommand(testDb.database, silentLogger, { reference: path, asOf: '2026-12-15' }, (line) => said.push(line));
      expect(said).toEqual([
        `reference data ${newer.version}: loaded, now active`,
        `labelled ${all0} credits against ${newer.version} at 2026-12-15: 0 new, ${all0} changed, 0 unchanged`,
      ]);
      expect(await activeReferenceVersion(testDb.database.db)).toBe(newer.version);
      const acm0002 = await labelled(sql`c.program_id = 'verra' and p.methodologies = '[{"id": "ACM0002", "version": null}]'::jsonb`);
      for (const label of acm0002) {
        // Verra publishes no versions, so an unconditional approval is still only conditional.
        expect(label).toMatchObject({ status: 'APPROVED_CONDITIONAL', referenceVersion: newer.version, evaluationDate: '2026-12-15' });
        expect(label.reasons[1]).toContain('as CCP-Approved on 2026-12-01; source: https://example.org/acm0002-approved');
      }
      const all = await labelled(sql`true`);
      expect(new Set(all.map((row) => row.referenceVersion))).toEqual(new Set([newer.version]));
      // The shipped (older) file does not take over again at the next start.
      expect((await ensureShippedReference(testDb.database.db, silentLogger)).activated).toBe(false);
      expect(await activeReferenceVersion(testDb.database.db)).toBe(newer.version);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file of another shape with a message naming the problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccp-reference-'));
    try {
      const path = join(dir, 'broken.json');
      await writeFile(path, JSON.stringify({ asOf: 'yesterday', programs: [], methodologyStatus: [] }));
      await expect(readReferencePackage(path)).rejects.toThrow(/asOf must be a date/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

it('stores one label per credit', async () => {
  const [row] = await queryRows<{ labels: number; credits: number }>(
    testDb.database.db,
    sql`select (select count(*)::int from credit_labels) as labels, (select count(*)::int from credits) as credits`,
  );
  expect(row!.labels).toBe(row!.credits);
  expect(await testDb.database.db.$count(creditLabels, eq(creditLabels.status, 'APPROVED'))).toBeGreaterThan(0);
});
