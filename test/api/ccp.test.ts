/**
 * The CCP fields and queries over real HTTP, on the Verra and Gold Standard fixtures loaded
 * through the real ingest and labelled by the real engine.
 */
import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelCredits } from '../../src/ccp/label-engine.ts';
import { queryRows } from '../../src/db/client.ts';
import { silentLogger } from '../../src/logger.ts';
import { activeReferenceVersion, ensureShippedReference } from '../../src/reference/ccp/load.ts';
import { startTestApi, walkConnection, type TestApi } from '../support/api-server.ts';

let api: TestApi;
let version: string;

beforeAll(async () => {
  api = await startTestApi();
  await ensureShippedReference(api.database.db, silentLogger);
  await labelCredits(api.database, { evaluationDate: '2026-11-25', trigger: 'test' });
  version = (await activeReferenceVersion(api.database.db))!;
});
afterAll(async () => {
  await api?.close();
});

const labelFields = `
  status reasons agreesWithRegistry referenceVersion evaluationDate labelledAt
  registryFlag { flagged field }
  decision { id programCode methodology versions outcome icvcmStatus date datePrecision effectiveFrom source sources conditions }
  issuingProgram { code name eligible eligibleFrom scopeLimited }
  attributes {
    authorization { authorized published field correspondingAdjustment }
    adaptation { shareOfProceeds published }
    sdgImpacts { goals certifications quantified }
  }`;

const creditsPage = `
  query Credits($filter: CreditsFilter, $first: Int, $after: String) {
    credits(filter: $filter, first: $first, after: $after) {
      totalCount
      edges { cursor node { id naturalKey labels ccpLabel { ${labelFields} } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

async function sqlKeys(where: ReturnType<typeof sql>): Promise<string[]> {
  const rows = await queryRows<{ natural_key: string }>(
    api.database.db,
    sql`select c.natural_key from credits c join credit_labels l on l.credit_id = c.id where c.vanished_at is null and ${where} order by c.id`,
  );
  return rows.map((row) => row.natural_key);
}

describe('Credit.ccpLabel and the ccpStatus filter', () => {
  it('APPROVED credits are the Verra credits the registry labels `ICVCM CCP`, with the decision they rest on', async () => {
    const data = await api.data(creditsPage, { filter: { ccpStatus: ['APPROVED'] }, first: 50 });
    const nodes = data.credits.edges.map((edge: any) => edge.node);
    expect(data.credits.totalCount).toBe(nodes.length);
    expect(nodes.map((node: any) => node.naturalKey)).toEqual(await sqlKeys(sql`l.status = 'APPROVED'`));
    expect(nodes.length).toBe(5);
    for (const node of nodes) {
      expect(node.labels).toContain('ICVCM CCP');
      expect(node.ccpLabel).toMatchObject({
        status: 'APPROVED',
        agreesWithRegistry: true,
        referenceVersion: version,
        evaluationDate: '2026-11-25',
        registryFlag: { flagged: true, field: 'Additional Certifications' },
        decision: {
          id: 'verra:acm0001:15.0-19.0',
          programCode: 'verra',
          outcome: 'APPROVED',
          icvcmStatus: 'CCP-Approved',
          date: '2024-06-06',
          datePrecision: 'DAY',
          effectiveFrom: '2024-06-06',
          source: 'https://icvcm.org/wp-content/uploads/2024/06/VCS_ACM0001_v15-19_2024-1.pdf',
        },
        issuingProgram: { code: 'verra', eligible: true, eligibleFrom: '2024-05-02', scopeLimited: false },
        attributes: { adaptation: { shareOfProceeds: null, published: null }, sdgImpacts: { quantified: null } },
      });
      expect(node.ccpLabel.decision.conditions.join(' ')).toContain('10 MWe');
      expect(node.ccpLabel.reasons.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('filters by several statuses, combined with the other filters, page by page', async () => {
    const filter = { ccpStatus: ['NOT_APPROVED', 'UNKNOWN_METHODOLOGY'], program: ['gold-standard'] };
    let totalCount = -1;
    const { nodes, pages } = await walkConnection<any>(async (after) => {
      const data = await api.data(creditsPage, { filter, first: 25, after });
      totalCount = data.credits.totalCount;
      return data.credits;
    });
    const expected = await sqlKeys(sql`c.program_id = 'gold-standard' and l.status in ('NOT_APPROVED', 'UNKNOWN_METHODOLOGY')`);
    expect(pages).toBeGreaterThan(1);
    expect(nodes.map((node) => node.naturalKey)).toEqual(expected);
    expect(totalCount).toBe(expected.length);
    // The Gold Standard credits GS labels CCP but whose export names no methodology disagree, and say why.
    const disagreeing = nodes.filter((node) => node.ccpLabel.agreesWithRegistry === false);
    expect(disagreeing).toHaveLength(9);
    for (const node of disagreeing) expect(node.ccpLabel).toMatchObject({ status: 'UNKNOWN_METHODOLOGY', registryFlag: { flagged: true, field: 'Label' } });
    expect((await api.data(creditsPage, { filter: { ccpStatus: [] } })).credits.totalCount).toBe(0);
  });

  it('an ACM0002 credit is NOT_APPROVED, with the 2024-08-06 rejection as its decision', async () => {
    const [row] = await queryRows<{ id: number }>(
      api.database.db,
      sql`select c.id::int as id from credits c join projects p on p.id = c.project_id where c.program_id = 'verra' and p.methodologies = '[{"id": "ACM0002", "version": null}]'::jsonb limit 1`,
    );
    const id = Buffer.from(`Credit:${row!.id}`).toString('base64url');
    const data = await api.data(`query($id: ID!) { credit(id: $id) { ccpLabel { ${labelFields} } } }`, { id });
    expect(data.credit.ccpLabel).toMatchObject({
      status: 'NOT_APPROVED',
      decision: { id: 'verra:acm0002:1.0-21.0', outcome: 'REJECTED', icvcmStatus: 'Does not meet', date: '2024-08-06' },
    });
    expect(data.credit.ccpLabel.reasons[1]).toContain('not to meet the CCPs');
  });

  it('costs a fixed number of SQL statements per page, whatever its size', async () => {
    const query = `query($first: Int) { credits(first: $first) { edges { node { id ccpLabel { ${labelFields} } } } } }`;
    const small = await api.countStatements(() => api.data(query, { first: 10 }));
    const large = await api.countStatements(() => api.data(query, { first: 100 }));
    expect(large).toBe(small);
    // credits page, labels, their reasons and attributes, decisions, programs.
    expect(small).toBeLessThanOrEqual(5);
  });

  it('reads the reasons and attributes only for a response that asks for them', async () => {
    const page = (fields: string) => `{ credits(first: 50) { edges { node { id ccpLabel { ${fields} } } } } }`;
    const statusOnly = await api.countStatements(() => api.data(page('status agreesWithRegistry')));
    let detailed: any;
    const withReasons = await api.countStatements(async () => {
      detailed = await api.data(page('status reasons attributes { sdgImpacts { goals } }'));
    });
    // The credits page and the labels, then one more statement for the reasons and attributes.
    expect(statusOnly).toBe(2);
    expect(withReasons).toBe(3);
    const labelled = detailed.credits.edges.filter((edge: any) => edge.node.ccpLabel !== null);
    expect(labelled.length).toBeGreaterThan(0);
    expect(labelled.every((edge: any) => edge.node.ccpLabel.reasons.length > 0)).toBe(true);
  });
});

describe('Project.ccpLabel', () => {
  it('sums each vintage by CCP status and kind, as SQL does, at a fixed cost per page', async () => {
    const query = `query($first: Int, $after: String) {
      projects(first: $first, after: $after) {
        edges { cursor node { id registryProjectId ccpLabel { statuses vintages { vintageYear byStatus { status issued retired cancelled transactions } } } } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const { nodes } = await walkConnection<any>(async (after) => (await api.data(query, { first: 50, after })).projects);
    const rows = await queryRows<{ project: number; vintage: number | null; status: string; issued: number; retired: number; cancelled: number; n: number }>(
      api.database.db,
      sql`select c.project_id::int as project, c.vintage_year as vintage, l.status::text as status,
                 coalesce(sum(c.quantity) filter (where c.kind = 'issuance'), 0)::float8 as issued,
                 coalesce(sum(c.quantity) filter (where c.kind = 'retirement'), 0)::float8 as retired,
                 coalesce(sum(c.quantity) filter (where c.kind = 'cancellation'), 0)::float8 as cancelled,
                 count(*)::int as n
            from credits c join credit_labels l on l.credit_id = c.id where c.vanished_at is null group by 1, 2, 3`,
    );
    const expected = new Map(rows.map((row) => [`${row.project}|${row.vintage}|${row.status}`, row]));
    let seen = 0;
    for (const node of nodes) {
      const projectId = Number(Buffer.from(node.id, 'base64url').toString().split(':')[1]);
      for (const vintage of node.ccpLabel.vintages) {
        for (const entry of vintage.byStatus) {
          const row = expected.get(`${projectId}|${vintage.vintageYear}|${entry.status}`);
          expect(row, `${node.registryProjectId} ${vintage.vintageYear} ${entry.status}`).toBeDefined();
          expect(entry).toMatchObject({ issued: row!.issued, retired: row!.retired, cancelled: row!.cancelled, transactions: row!.n });
          seen += 1;
        }
      }
    }
    expect(seen).toBe(rows.length);

    const cost = (first: number) => api.countStatements(() => api.data(query, { first }));
    expect(await cost(40)).toBe(await cost(5));
  });
});

describe('ccpDecisions, ccpPrograms, ccpReference', () => {
  const decisionsQuery = `query($filter: CcpDecisionsFilter, $first: Int, $after: String, $version: String) {
    ccpDecisions(filter: $filter, first: $first, after: $after, referenceVersion: $version) {
      totalCount
      edges { cursor node { id programCode methodology methodologyId versions outcome date source } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

  it('pages through the decisions of a program and outcome', async () => {
    const filter = { program: ['verra'], outcome: ['REJECTED'] };
    let totalCount = -1;
    const { nodes, pages } = await walkConnection<any>(async (after) => {
      const data = await api.data(decisionsQuery, { filter, first: 7, after });
      totalCount = data.ccpDecisions.totalCount;
      return data.ccpDecisions;
    });
    const expected = await queryRows<{ id: string }>(
      api.database.db,
      sql`select id from ccp_decisions where reference_version = ${version} and program_id = 'verra' and outcome = 'rejected' order by position`,
    );
    expect(pages).toBeGreaterThan(1);
    expect(nodes.map((node) => node.id)).toEqual(expected.map((row) => row.id));
    expect(totalCount).toBe(expected.length);
    expect(nodes.find((node) => node.methodologyId === 'ACM0002')).toMatchObject({ versions: '1.0-21.0', date: '2024-08-06' });
  });

  it('finds decisions by methodology text and conditionality', async () => {
    const landfill = await api.data(decisionsQuery, { filter: { methodology: 'landfill', outcome: ['APPROVED'] }, first: 50 });
    const ids = landfill.ccpDecisions.edges.map((edge: any) => edge.node.id);
    expect(ids).toContain('car:car-u.s.-landfill-protocol:6.0');
    expect(ids).toContain('gold-standard:acm0001:15.0-19.0');
    const unconditional = await api.data(decisionsQuery, { filter: { conditional: false }, first: 50 });
    expect(unconditional.ccpDecisions.totalCount).toBe(5);
    const { body } = await api.query(decisionsQuery, { version: 'not-a-version' });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lists the programs with their eligibility, and the active reference version', async () => {
    const data = await api.data(`{
      eligible: ccpPrograms(eligibleOnly: true) { code eligible eligibleFrom decisionDate datePrecision scopeLimited }
      all: ccpPrograms { code status eligible }
      ccpReference { version asOf icvcmTableDate origin sources }
    }`);
    expect(data.eligible.map((p: any) => p.code)).toEqual(['acr', 'car', 'gold-standard', 'verra', 'art-trees', 'isometric', 'ers', 'puro-earth', 'rainbow', 'gcc']);
    expect(data.eligible.find((p: any) => p.code === 'ers')).toMatchObject({ decisionDate: '2025-06', datePrecision: 'MONTH', eligibleFrom: '2025-06-30' });
    expect(data.eligible.filter((p: any) => p.scopeLimited).map((p: any) => p.code)).toEqual(['puro-earth', 'rainbow', 'gcc']);
    expect(data.all.find((p: any) => p.code === 'cercarbono')).toMatchObject({ eligible: false, status: 'assessed-not-approved' });
    expect(data.ccpReference).toMatchObject({ version, asOf: '2026-11-24', icvcmTableDate: '2026-08-04', origin: 'shipped' });
    expect(data.ccpReference.sources.length).toBeGreaterThan(40);
  });
});

describe('the README', () => {
  it('runs its CCP example operation without errors', async () => {
    const readme = await readFile('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## CCP labels'));
    const example = /```graphql\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const data = await api.data(example!);
    expect(data.credits.totalCount).toBe(5);
    expect(data.ccpQuantities.length).toBeGreaterThan(0);
  });
});

describe('ccpQuantities', () => {
  it('sums quantities by CCP status, program and vintage, as SQL does', async () => {
    const data = await api.data(`{
      ccpQuantities(groupBy: [PROGRAM, VINTAGE]) { status program { code } vintageYear kind quantity transactions }
    }`);
    const rows = await queryRows<{ status: string; program: string; vintage: number | null; quantity: number; n: number }>(
      api.database.db,
      sql`select l.status::text as status, c.program_id as program, c.vintage_year as vintage, sum(c.quantity)::float8 as quantity, count(*)::int as n
            from credits c join credit_labels l on l.credit_id = c.id where c.vanished_at is null
           group by 1, 2, 3 order by 1, 2, 3`,
    );
    const got = data.ccpQuantities.map((row: any) => ({ status: row.status, program: row.program.code, vintage: row.vintageYear, quantity: row.quantity, n: row.transactions }));
    expect(new Set(got.map((row: any) => JSON.stringify(row)))).toEqual(new Set(rows.map((row) => JSON.stringify(row))));
    for (const row of data.ccpQuantities) expect(row.kind).toBeNull();
  });

  it('takes the credits filter, and groups by kind', async () => {
    const data = await api.data(`{
      ccpQuantities(filter: { program: ["verra"], ccpStatus: [APPROVED, APPROVED_CONDITIONAL] }, groupBy: [KIND]) { status program { code } kind quantity transactions }
    }`);
    const [row] = await queryRows<{ quantity: number; n: number }>(
      api.database.db,
      sql`select sum(c.quantity)::float8 as quantity, count(*)::int as n from credits c join credit_labels l on l.credit_id = c.id
           where c.program_id = 'verra' and c.vanished_at is null and l.status in ('APPROVED', 'APPROVED_CONDITIONAL')`,
    );
    const sum = data.ccpQuantities.reduce((total: number, entry: any) => total + entry.quantity, 0);
    expect(sum).toBeCloseTo(row!.quantity, 4);
    expect(data.ccpQuantities.reduce((total: number, entry: any) => total + entry.transactions, 0)).toBe(row!.n);
    expect(new Set(data.ccpQuantities.map((entry: any) => entry.kind))).toEqual(new Set(['ISSUANCE', 'RETIREMENT']));
    for (const entry of data.ccpQuantities) expect(entry.program).toBeNull();
  });
});
