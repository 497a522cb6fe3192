import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/api/common/global-id.ts';
import { queryRows } from '../../src/db/client.ts';
import { startTestApi, walkConnection, type TestApi } from '../support/api-server.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const creditsPage = `
  query Credits($filter: CreditsFilter, $first: Int, $after: String, $orderBy: CreditOrder) {
    credits(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
      totalCount
      edges { cursor node { id naturalKey kind vintageYear transactionDate quantity } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`;

interface CreditNode {
  id: string;
  naturalKey: string;
  kind: string;
  vintageYear: number | null;
  transactionDate: string | null;
  quantity: number;
}

async function allCredits(filter: Record<string, unknown> | null, orderBy = 'ID_ASC', first = 40) {
  let totalCount = -1;
  const { nodes } = await walkConnection<CreditNode>(async (after) => {
    const data = await api.data(creditsPage, { filter, first, after, orderBy });
    totalCount = data.credits.totalCount;
    return data.credits;
  });
  return { nodes, totalCount };
}

/** Natural keys of the credits matching `where`, straight from SQL (credits c join projects p). */
async function expectedKeys(where: SQL): Promise<string[]> {
  const rows = await queryRows<{ natural_key: string }>(
    api.database.db,
    sql`select c.natural_key from credits c join projects p on p.id = c.project_id where ${where} order by c.id`,
  );
  return rows.map((row) => row.natural_key);
}

describe('credits', () => {
  it('walks every credit exactly once, in id order, with stable cursors', async () => {
    const { nodes, totalCount } = await allCredits(null, 'ID_ASC', 7);
    const expected = await expectedKeys(sql`true`);
    expect(expected.length).toBeGreaterThan(200);
    expect(nodes.map((node) => node.naturalKey)).toEqual(expected);
    expect(new Set(nodes.map((node) => node.id)).size).toBe(nodes.length);
    expect(totalCount).toBe(expected.length);

    // The same page asked twice is the same page, cursors included.
    const first = await api.data(creditsPage, { first: 5 });
    const second = await api.data(creditsPage, { first: 5, after: first.credits.pageInfo.endCursor });
    const again = await api.data(creditsPage, { first: 5, after: first.credits.pageInfo.endCursor });
    expect(again).toEqual(second);
    expect(first.credits.pageInfo.hasPreviousPage).toBe(false);
    expect(second.credits.pageInfo.hasPreviousPage).toBe(true);
    expect(second.credits.pageInfo.startCursor).toBe(second.credits.edges[0].cursor);
  });

  it('keeps page boundaries exact in every order', async () => {
    const everything = await expectedKeys(sql`true`);
    const byDate = (await allCredits(null, 'TRANSACTION_DATE_DESC', 9)).nodes;
    expect(byDate.map((node) => node.naturalKey).sort()).toEqual([...everything].sort());
    const dated = byDate.filter((node) => node.transactionDate !== null);
    expect(byDate.slice(0, dated.length)).toEqual(dated); // undated last
    for (let i = 1; i < dated.length; i++) expect(dated[i - 1]!.transactionDate! >= dated[i]!.transactionDate!).toBe(true);

    const byVintage = (await allCredits(null, 'VINTAGE_ASC', 11)).nodes;
    expect(byVintage.map((node) => node.naturalKey).sort()).toEqual([...everything].sort());
    for (let i = 1; i < byVintage.length; i++) expect(byVintage[i - 1]!.vintageYear! <= byVintage[i]!.vintageYear!).toBe(true);
  });

  const filterCases: Array<{ name: string; filter: Record<string, unknown>; where: SQL }> = [
    { name: 'one program', filter: { program: ['verra'] }, where: sql`c.program_id = 'verra'` },
    { name: 'another program', filter: { program: ['gold-standard'] }, where: sql`c.program_id = 'gold-standard'` },
    { name: 'an unknown program', filter: { program: ['no-such-program'] }, where: sql`false` },
    { name: 'an empty program list', filter: { program: [] }, where: sql`false` },
    { name: "the project's country", filter: { country: ['BR'] }, where: sql`p.country_code = 'BR'` },
    { name: 'several countries', filter: { country: ['RW', 'KE'] }, where: sql`p.country_code in ('RW', 'KE')` },
    { name: 'a vintage range', filter: { vintageFrom: 2020, vintageTo: 2022 }, where: sql`c.vintage_year between 2020 and 2022` },
    { name: 'an open vintage range', filter: { vintageFrom: 2023 }, where: sql`c.vintage_year >= 2023` },
    { name: 'retirements', filter: { kind: ['RETIREMENT'] }, where: sql`c.kind = 'retirement'` },
    { name: 'issuances and cancellations', filter: { kind: ['ISSUANCE', 'CANCELLATION'] }, where: sql`c.kind in ('issuance', 'cancellation')` },
    {
      name: 'a transaction date range',
      filter: { transactionDateFrom: '2026-04-01', transactionDateTo: '2026-04-05' },
      where: sql`c.transaction_date between '2026-04-01' and '2026-04-05'`,
    },
    {
      name: 'program, vintage and kind together',
      filter: { program: ['verra'], vintageFrom: 2018, vintageTo: 2023, kind: ['ISSUANCE'] },
      where: sql`c.program_id = 'verra' and c.vintage_year between 2018 and 2023 and c.kind = 'issuance'`,
    },
  ];

  for (const { name, filter, where } of filterCases) {
    it(`filters by ${name}: exactly the matching rows, and totalCount agrees`, async () => {
      const expected = await expectedKeys(where);
      const { nodes, totalCount } = await allCredits(filter);
      expect(nodes.map((node) => node.naturalKey)).toEqual(expected);
      expect(totalCount).toBe(expected.length);
    });
  }

  it('filters by project id', async () => {
    const [project] = await queryRows<{ id: number; registry_project_id: string }>(
      api.database.db,
      sql`select id::float8 as id, registry_project_id from projects where registry_project_id = '4151'`,
    );
    const projectId = Buffer.from(`Project:${project!.id}`).toString('base64url');
    const { nodes, totalCount } = await allCredits({ projectId });
    const expected = await expectedKeys(sql`p.registry_project_id = '4151'`);
    expect(expected.length).toBeGreaterThan(10);
    expect(nodes.map((node) => node.naturalKey)).toEqual(expected);
    expect(totalCount).toBe(expected.length);
  });

  it('exposes each credit with its project, program and parsed serial block', async () => {
    // Verra's first retirement: its transaction export cannot tell a retirement from a
    // cancellation, so the kind is flagged ambiguous.
    const [row] = await queryRows<{
      id: number;
      natural_key: string;
      kind: string;
      kind_ambiguous: boolean;
      quantity: number;
      vintage_year: number | null;
      vintage_start: string | null;
      vintage_end: string | null;
      transaction_date: string | null;
      issuance_date: string | null;
      serial_number: string | null;
      serial_namespace: string | null;
      serial_first: number | null;
      serial_last: number | null;
      country_code: string | null;
      labels: string[];
      registry_project_id: string;
      project_country_code: string | null;
    }>(
      api.database.db,
      sql`select c.id::float8 as id, c.natural_key, c.kind, c.kind_ambiguous, c.quantity::float8 as quantity, c.vintage_year,
            c.vintage_start::text as vintage_start, c.vintage_end::text as vintage_end,
            c.transaction_date::text as transaction_date, c.issuance_date::text as issuance_date,
            c.serial_number, c.serial_namespace, c.serial_first::float8 as serial_first, c.serial_last::float8 as serial_last,
            c.country_code, c.labels, p.registry_project_id, p.country_code as project_country_code
          from credits c join projects p on p.id = c.project_id
          where c.program_id = 'verra' and c.kind = 'retirement' order by c.id limit 1`,
    );
    expect(row).toMatchObject({ kind: 'retirement', kind_ambiguous: true });
    expect(row!.serial_first).not.toBeNull();
    expect(row!.labels.length).toBeGreaterThan(0);

    const data = await api.data(`{
      credits(first: 1, filter: { program: ["verra"], kind: [RETIREMENT] }) {
        edges { node {
          id naturalKey kind kindAmbiguous quantity vintageYear vintageStart vintageEnd transactionDate issuanceDate
          serialNumber serialBlock { namespace firstUnit lastUnit } countryCode labels
          program { code } project { registryProjectId countryCode program { code } }
        } }
      }
    }`);
    const credit = data.credits.edges[0].node;
    expect(credit).toEqual({
      id: toGlobalId('Credit', row!.id),
      naturalKey: row!.natural_key,
      kind: 'RETIREMENT',
      kindAmbiguous: true,
      quantity: row!.quantity,
      vintageYear: row!.vintage_year,
      vintageStart: row!.vintage_start,
      vintageEnd: row!.vintage_end,
      transactionDate: row!.transaction_date,
      issuanceDate: row!.issuance_date,
      serialNumber: row!.serial_number,
      serialBlock: { namespace: row!.serial_namespace, firstUnit: row!.serial_first, lastUnit: row!.serial_last },
      countryCode: row!.country_code,
      labels: row!.labels,
      program: { code: 'verra' },
      project: { registryProjectId: row!.registry_project_id, countryCode: row!.project_country_code, program: { code: 'verra' } },
    });
    // The block is the one the serial number states, and it holds exactly the quantity.
    expect(credit.serialNumber).toContain(`${credit.serialBlock.firstUnit}-${credit.serialBlock.lastUnit}-${credit.serialBlock.namespace}-`);
    expect(credit.serialBlock.lastUnit - credit.serialBlock.firstUnit + 1).toBe(credit.quantity);

    const again = await api.data(`query ($id: ID!) { credit(id: $id) { id naturalKey } }`, { id: credit.id });
    expect(again.credit).toEqual({ id: credit.id, naturalKey: credit.naturalKey });
  });

  it('refuses a global id of another type for credit(id:)', async () => {
    const program = await api.data(`{ program(id: "verra") { id } }`);
    const { body } = await api.query(`query ($id: ID!) { credit(id: $id) { id } }`, { id: program.program.id });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain('not of a Credit');
  });

  it('refuses an invalid country code in variables as BAD_USER_INPUT', async () => {
    const { status, body } = await api.query(creditsPage, { filter: { country: ['XX'] } });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
