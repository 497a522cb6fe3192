import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys.ts';
import { queryRows } from '../../src/db/client.ts';
import { recordDetections } from '../../src/matching/flag-store.ts';
import { toFlagGlobalId } from '../../src/api/flags/flag-id.ts';
import { reviewFlag } from '../../src/api/flags/review-flag.ts';
import { toGlobalId } from '../../src/api/common/global-id.ts';
import { startTestApi, walkConnection, type TestApi } from '../support/api-server.ts';
import { idOf, seedFlags, type DetectionsByDetector } from './flags-detections.ts';

let api: TestApi;
let detections: DetectionsByDetector;

beforeAll(async () => {
  api = await startTestApi();
  const db = api.database.db;
  detections = await seedFlags(db);
  // Some decided flags, through the review use case with a real key…
  const { record } = await createApiKey(db, { name: 'seed reviewer', role: 'reviewer' });
  const reviewer = { id: record.id, name: record.name, role: record.role };
  const serial = detections['test-serial-overlap'];
  for (const [index, detection] of serial.slice(0, 12).entries()) {
    const status = index % 3 === 0 ? 'dismissed' : 'confirmed';
    const outcome = await reviewFlag(db, reviewer, { flagId: idOf(detection), status, note: `seeded ${status}` });
    expect(outcome.kind).toBe('reviewed');
  }
  // …and some resolved ones: a rerun of one detector that no longer finds half of its findings.
  const retirements = detections['test-double-retirement'];
  await recordDetections(db, 'test-double-retirement', retirements.slice(0, Math.ceil(retirements.length / 2)));
});
afterAll(async () => {
  await api?.close();
});

const flagsPage = `
  query Flags($filter: FlagsFilter, $first: Int, $after: String, $orderBy: FlagOrder) {
    flags(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
      totalCount
      edges { cursor node { id kind status severity quantityAtRisk } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

interface FlagNode {
  id: string;
  kind: string;
  status: string;
  severity: string;
  quantityAtRisk: number;
}

async function allFlags(filter: Record<string, unknown> | null, orderBy?: string, first = 13) {
  let totalCount = -1;
  const { nodes, pages } = await walkConnection<FlagNode>(async (after) => {
    const data = await api.data(flagsPage, { filter, first, after, orderBy });
    totalCount = data.flags.totalCount;
    return data.flags;
  });
  return { ids: nodes.map((node) => node.id), nodes, totalCount, pages };
}

const severityRank = sql`(case severity when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 else 1 end)`;

const sqlOrder: Record<string, SQL> = {
  SEVERITY_DESC: sql`${severityRank} desc, quantity_at_risk::float8 desc, id desc`,
  QUANTITY_AT_RISK_DESC: sql`quantity_at_risk::float8 desc, id desc`,
  SCORE_DESC: sql`score desc, id desc`,
  LAST_DETECTED_DESC: sql`last_detected_at desc, id desc`,
  FIRST_DETECTED_DESC: sql`first_detected_at desc, id desc`,
};

async function expectedIds(where: SQL, orderBy: SQL = sqlOrder.SEVERITY_DESC!): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(api.database.db, sql`select id from flags where ${where} order by ${orderBy}`);
  return rows.map((row) => toFlagGlobalId(row.id));
}

describe('flags', () => {
  it('holds the recorded detections, some reviewed and some resolved', async () => {
    const rows = await queryRows<{ status: string; count: number }>(api.database.db, sql`select status::text, count(*)::int from flags group by 1 order by 1`);
    const total = Object.values(detections).reduce((sum, list) => sum + list.length, 0);
    expect(total).toBeGreaterThan(150);
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(total);
    expect(rows.map((row) => row.status)).toEqual(['confirmed', 'dismissed', 'open', 'resolved']);
  });

  it('walks every flag exactly once in every order, as SQL orders them', async () => {
    for (const [orderBy, order] of Object.entries(sqlOrder)) {
      const { ids, totalCount, pages } = await allFlags(null, orderBy, 17);
      const expected = await expectedIds(sql`true`, order);
      expect(ids, orderBy).toEqual(expected);
      expect(totalCount).toBe(expected.length);
      expect(pages).toBe(Math.ceil(expected.length / 17));
    }
  });

  it('filters by kind, status, severity, program, project and quantity: exactly the matching rows', async () => {
    const [project] = await queryRows<{ id: number }>(
      api.database.db,
      sql`select project_id::int as id from flag_projects group by project_id order by count(distinct flag_id) desc, project_id limit 1`,
    );
    const projectId = toGlobalId('Project', project!.id);
    const cases: Array<[Record<string, unknown>, SQL]> = [
      [{ kind: ['SERIAL_OVERLAP'] }, sql`kind = 'serial_overlap'`],
      [{ kind: ['CROSS_PROGRAM_DOUBLE_ISSUANCE', 'DOUBLE_RETIREMENT'] }, sql`kind in ('cross_program_double_issuance', 'double_retirement')`],
      [{ kind: ['OVER_RETIREMENT'] }, sql`false`],
      [{ status: ['OPEN'] }, sql`status = 'open'`],
      [{ status: ['CONFIRMED', 'DISMISSED'] }, sql`status in ('confirmed', 'dismissed')`],
      [{ status: ['RESOLVED'] }, sql`status = 'resolved'`],
      [{ severity: ['CRITICAL', 'HIGH'] }, sql`severity in ('critical', 'high')`],
      [{ program: ['gold-standard'] }, sql`'gold-standard' = any(program_ids)`],
      [{ program: ['verra', 'gold-standard'] }, sql`program_ids && array['verra', 'gold-standard']`],
      [{ program: ['no-such-program'] }, sql`false`],
      [{ projectId }, sql`id in (select flag_id from flag_projects where project_id = ${project!.id})`],
      [{ minQuantityAtRisk: 5000 }, sql`quantity_at_risk >= 5000`],
      [
        { kind: ['CROSS_PROGRAM_DOUBLE_ISSUANCE', 'SERIAL_OVERLAP'], severity: ['CRITICAL'], program: ['verra'], status: ['OPEN'], minQuantityAtRisk: 10 },
        sql`kind in ('cross_program_double_issuance', 'serial_overlap') and severity = 'critical' and 'verra' = any(program_ids) and status = 'open' and quantity_at_risk >= 10`,
      ],
    ];
    for (const [filter, where] of cases) {
      const { ids, totalCount } = await allFlags(filter, 'QUANTITY_AT_RISK_DESC');
      const expected = await expectedIds(where, sqlOrder.QUANTITY_AT_RISK_DESC);
      expect(ids, JSON.stringify(filter)).toEqual(expected);
      expect(totalCount, JSON.stringify(filter)).toBe(expected.length);
    }
    // The cases are not vacuous.
    expect((await expectedIds(sql`status = 'resolved'`)).length).toBeGreaterThan(0);
    expect((await expectedIds(sql`'gold-standard' = any(program_ids)`)).length).toBeGreaterThan(0);
  });

  it('returns every field of a flag, its evidence typed and raw, its projects and credits with their roles', async () => {
    const detection = detections['test-cross-program'][3]!;
    const data = await api.data(
      `query ($id: ID!) {
        flag(id: $id) {
          id kind status severity score title quantityAtRisk detector detectorVersion
          firstDetectedAt lastDetectedAt resolvedAt reviewedAt
          programs { code }
          evidence { features { feature left right level weight } raw }
          projects { role project { id } }
          credits(first: 10) { totalCount edges { role node { id } } }
          reviews { totalCount }
        }
      }`,
      { id: toFlagGlobalId(idOf(detection)) },
    );
    const [row] = await queryRows<{ first_detected_at: string }>(api.database.db, sql`select first_detected_at::text from flags where id = ${idOf(detection)}`);
    expect(row).toBeDefined();
    expect(data.flag).toMatchObject({
      id: toFlagGlobalId(idOf(detection)),
      kind: 'CROSS_PROGRAM_DOUBLE_ISSUANCE',
      status: 'OPEN',
      severity: detection.severity.toUpperCase(),
      score: detection.score,
      title: detection.title,
      quantityAtRisk: detection.quantityAtRisk,
      detector: 'test-cross-program',
      detectorVersion: 2,
      resolvedAt: null,
      reviewedAt: null,
      programs: [{ code: 'gold-standard' }, { code: 'verra' }],
      evidence: {
        features: [
          { feature: 'coordinates', left: { lat: 1, lon: 2 }, right: { lat: 1.001, lon: 2 }, level: 'near', weight: 4.2 },
          { feature: 'proponent', left: 'A', right: 'B', level: 'different', weight: -1.5 },
        ],
        raw: JSON.parse(JSON.stringify(detection.evidence)),
      },
      projects: [
        { role: 'left', project: { id: toGlobalId('Project', detection.projects[0]!.projectId) } },
        { role: 'right', project: { id: toGlobalId('Project', detection.projects[1]!.projectId) } },
      ],
      credits: {
        totalCount: 2,
        edges: [
          { role: 'left', node: { id: toGlobalId('Credit', detection.credits[0]!.creditId) } },
          { role: 'right', node: { id: toGlobalId('Credit', detection.credits[1]!.creditId) } },
        ],
      },
      reviews: { totalCount: 0 },
    });
    expect(Date.parse(data.flag.firstDetectedAt)).toBe(Date.parse(data.flag.lastDetectedAt));
    expect(new Date(data.flag.firstDetectedAt).getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
  });

  it('fetches a flag back through node(id:), like every other Node', async () => {
    const detection = detections['test-cross-program'][0]!;
    const id = toFlagGlobalId(idOf(detection));
    const data = await api.data(`query ($id: ID!) { node(id: $id) { id __typename ... on Flag { title } } }`, { id });
    expect(data.node).toEqual({ id, __typename: 'Flag', title: detection.title });
  });

  it("pages a flag's credits", async () => {
    const detection = detections['test-serial-overlap'][20]!;
    const { nodes } = await walkConnection<{ role: string }>(async (after) => {
      const data = await api.data(`query ($id: ID!, $after: String) { flag(id: $id) { credits(first: 1, after: $after) { edges { cursor role } pageInfo { hasNextPage endCursor } } } }`, {
        id: toFlagGlobalId(idOf(detection)),
        after,
      });
      return { edges: data.flag.credits.edges.map((edge: { cursor: string; role: string }) => ({ cursor: edge.cursor, node: edge })), pageInfo: data.flag.credits.pageInfo };
    });
    expect(nodes.map((node) => node.role)).toEqual(['left', 'right']);
  });

  it('answers null for an unknown flag and BAD_USER_INPUT for junk ids, bad cursors and oversized pages', async () => {
    const unknown = toFlagGlobalId('serial_overlap:000000000000000000000000');
    expect((await api.data(`query ($id: ID!) { flag(id: $id) { id } }`, { id: unknown })).flag).toBeNull();
    for (const id of ['junk!', toGlobalId('Project', 1), Buffer.from('Flag:Robert; drop table flags').toString('base64url')]) {
      const { body } = await api.query(`query ($id: ID!) { flag(id: $id) { id } }`, { id });
      expect(body.errors?.[0]?.extensions?.code, id).toBe('BAD_USER_INPUT');
    }
    const { body: tooMany } = await api.query(flagsPage, { first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const page = await api.data(flagsPage, { first: 2, orderBy: 'SCORE_DESC' });
    const { body: otherOrder } = await api.query(flagsPage, { first: 2, after: page.flags.pageInfo.endCursor, orderBy: 'SEVERITY_DESC' });
    expect(otherOrder.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const credits = await api.data(`{ credits(first: 1) { pageInfo { endCursor } } }`);
    const { body: foreign } = await api.query(flagsPage, { first: 2, after: credits.credits.pageInfo.endCursor });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('flag aggregates', () => {
  const aggregatesQuery = `
    query ($filter: FlagsFilter) {
      flagAggregates(filter: $filter) {
        count quantityAtRisk
        byKind { kind count quantityAtRisk }
        byStatus { status count quantityAtRisk }
        bySeverity { severity count quantityAtRisk }
        byProgram { program { code } count quantityAtRisk }
      }
    }`;

  type Group = { key: string; count: number; quantity: number };
  const grouped = (where: SQL, column: SQL) =>
    queryRows<Group>(
      api.database.db,
      sql`select ${column} as key, count(*)::int as count, coalesce(sum(quantity_at_risk), 0)::float8 as quantity from flags where ${where} group by 1 order by 1`,
    );

  async function expectAggregates(filter: Record<string, unknown> | null, where: SQL) {
    const { flagAggregates: result } = await api.data(aggregatesQuery, { filter });
    const [total] = await grouped(where, sql`'all'`);
    expect(result.count).toBe(total?.count ?? 0);
    expect(result.quantityAtRisk).toBeCloseTo(total?.quantity ?? 0, 4);

    const check = async (rows: Array<{ count: number; quantityAtRisk: number }>, keyOf: (row: never) => string, column: SQL, keepZeros: boolean) => {
      const expected = new Map((await grouped(where, column)).map((row) => [row.key, row]));
      const nonZero = rows.filter((row) => row.count > 0);
      expect(nonZero.map((row) => keyOf(row as never)).sort()).toEqual([...expected.keys()].sort());
      for (const row of nonZero) {
        const sqlRow = expected.get(keyOf(row as never))!;
        expect(row.count).toBe(sqlRow.count);
        expect(row.quantityAtRisk).toBeCloseTo(sqlRow.quantity, 4);
      }
      if (!keepZeros) expect(nonZero).toHaveLength(rows.length);
    };
    await check(result.byKind, (row: { kind: string }) => row.kind.toLowerCase(), sql`kind`, true);
    await check(result.byStatus, (row: { status: string }) => row.status.toLowerCase(), sql`status::text`, true);
    await check(result.bySeverity, (row: { severity: string }) => row.severity.toLowerCase(), sql`severity`, true);
    await check(result.byProgram, (row: { program: { code: string } }) => row.program.code, sql`unnest(program_ids)`, false);
    // Closed sets are listed in full, zeros included; severities most severe first.
    expect(result.byKind).toHaveLength(9);
    expect(result.byStatus.map((row: { status: string }) => row.status)).toEqual(['OPEN', 'CONFIRMED', 'DISMISSED', 'RESOLVED']);
    expect(result.bySeverity.map((row: { severity: string }) => row.severity)).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO']);
    return result;
  }

  it('counts flags and sums tCO2e at risk, in total and by kind, status, severity and program, as SQL does', async () => {
    const all = await expectAggregates(null, sql`true`);
    expect(all.count).toBeGreaterThan(150);
    expect(all.byProgram.map((row: { program: { code: string } }) => row.program.code)).toEqual(['gold-standard', 'verra']);
    await expectAggregates({ status: ['OPEN'], severity: ['CRITICAL', 'HIGH'] }, sql`status = 'open' and severity in ('critical', 'high')`);
    await expectAggregates({ program: ['gold-standard'] }, sql`'gold-standard' = any(program_ids)`);
    const none = await expectAggregates({ kind: ['OVER_RETIREMENT'] }, sql`false`);
    expect(none).toMatchObject({ count: 0, quantityAtRisk: 0, byProgram: [] });
  });

  it('runs one statement per grouping asked for', async () => {
    const one = await api.countStatements(() => api.data(`{ flagAggregates { count quantityAtRisk } }`));
    expect(one).toBe(1);
    const all = await api.countStatements(() => api.data(aggregatesQuery, {}));
    expect(all).toBe(6); // totals, kind, status, severity, program, and the programs' rows
  });
});
