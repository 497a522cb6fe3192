/**
 * The README's agreement report (hub labels vs the registries' own CCP flags) is what the code
 * computes over the whole bundled snapshot: a stale README fails here.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.ts';
import { labelCredits } from '../../src/ccp/label-engine.ts';
import { agreementReport, renderAgreementMarkdown, type AgreementReport } from '../../src/ccp/report.ts';
import { loadExportFolder } from '../../src/ingest/snapshot.ts';
import { silentLogger } from '../../src/logger.ts';
import { ensureShippedReference } from '../../src/reference/ccp/load.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/** The evaluation date of the README's report (any date after 2026-08-31 gives the same labels). */
const reportEvaluationDate = '2026-11-25';

let testDb: TestDatabase;
let report: AgreementReport;

beforeAll(async () => {
  testDb = await createTestDatabase();
  await loadExportFolder({ database: testDb.database, connectors, dir: 'test/fixtures/registries', trigger: 'test', logger: silentLogger });
  await ensureShippedReference(testDb.database.db, silentLogger);
  await labelCredits(testDb.database, { evaluationDate: reportEvaluationDate, trigger: 'test' });
  report = await agreementReport(testDb.database.db);
});
afterAll(async () => {
  await testDb?.drop();
});

describe('agreement with the registries over the snapshot', () => {
  it('adds up: every credit with a published flag either agrees or disagrees', () => {
    for (const row of [...report.programs, report.total]) {
      expect(row.agree + row.disagree).toBe(row.flagPublished);
      expect(row.bothApproved).toBeLessThanOrEqual(Math.min(row.registryFlagged, row.hubApproved));
    }
    expect(report.disagreements.reduce((total, row) => total + row.credits, 0)).toBe(report.total.disagree);
  });

  it('is the table in the README', async () => {
    const readme = await readFile('README.md', 'utf8');
    const match = /<!-- ccp-agreement:start -->\n([\s\S]*?)<!-- ccp-agreement:end -->/.exec(readme);
    expect(match, 'README.md has no <!-- ccp-agreement:start --> … <!-- ccp-agreement:end --> section').not.toBeNull();
    expect(match![1], 'the README agreement report is stale: run `hub label --as-of 2026-11-25 --report` on the snapshot and paste it').toBe(
      renderAgreementMarkdown(report),
    );
  });
});
