import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/auth/api-keys.ts';
import type { ApiKeyIdentity } from '../../src/auth/roles.ts';
import { queryRows } from '../../src/db/client.ts';
import { toFlagGlobalId } from '../../src/api/flags/flag-id.ts';
import { reviewFlag } from '../../src/api/flags/review-flag.ts';
import { startTestApi, walkConnection, type GraphQLResponse, type TestApi } from '../support/api-server.ts';
import { idOf, seedFlags, type DetectionsByDetector } from './flags-detections.ts';

let api: TestApi;
let detections: DetectionsByDetector;
let reviewerKey: string;

beforeAll(async () => {
  api = await startTestApi();
  const db = api.database.db;
  detections = await seedFlags(db);
  const make = async (name: string, role: 'reviewer' | 'admin') => {
    const { key, record } = await createApiKey(db, { name, role });
    return { key, identity: { id: record.id, name: record.name, role: record.role } satisfies ApiKeyIdentity };
  };
  const [alice, bob, root] = [await make('alice', 'reviewer'), await make('bob', 'reviewer'), await make('root', 'admin')];
  reviewerKey = alice.key;
  // A trail of about fifty reviews by three keys, some flags reviewed several times.
  const serial = detections['test-serial-overlap'];
  for (const [index, detection] of serial.slice(0, 40).entries()) {
    const by = [alice, bob, root][index % 3]!.identity;
    const flagId = idOf(detection);
    expect((await reviewFlag(db, by, { flagId, status: index % 4 === 0 ? 'dismissed' : 'confirmed', note: `review ${index}` })).kind).toBe('reviewed');
    if (index % 5 === 0) expect((await reviewFlag(db, root.identity, { flagId, status: 'open', note: `reopened ${index}` })).kind).toBe('reviewed');
  }
});
afterAll(async () => {
  await api?.close();
});

async function post(query: string, variables: Record<string, unknown>, key?: string, operationName?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(api.url, { method: 'POST', headers, body: JSON.stringify({ query, variables, operationName }) });
  return { status: response.status, body: (await response.json()) as GraphQLResponse };
}

const trailPage = `
  query Trail($filter: FlagReviewsFilter, $first: Int, $after: String, $orderBy: FlagReviewOrder) {
    flagReviews(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
      totalCount
      edges { cursor node { id reviewer fromStatus toStatus note createdAt flag { id } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

interface ReviewNode {
  reviewer: string;
  toStatus: string;
  note: string | null;
  flag: { id: string };
}

async function expectedTrail(where: SQL, direction: 'asc' | 'desc') {
  return queryRows<{ reviewer: string; note: string | null; flag_id: string }>(
    api.database.db,
    sql`select reviewer, note, flag_id from flag_reviews where ${where} order by id ${sql.raw(direction)}`,
  );
}

describe('the audit trail', () => {
  it('lists every review, newest first or oldest first, filtered by flag, reviewer and status, as SQL does', async () => {
    const flagId = idOf(detections['test-serial-overlap'][0]!);
    const cases: Array<[Record<string, unknown> | null, SQL]> = [
      [null, sql`true`],
      [{ flagId: toFlagGlobalId(flagId) }, sql`flag_id = ${flagId}`],
      [{ reviewer: ['bob', 'root'] }, sql`reviewer in ('bob', 'root')`],
      [{ toStatus: ['OPEN', 'DISMISSED'] }, sql`to_status in ('open', 'dismissed')`],
      [{ reviewer: ['root'], toStatus: ['OPEN'] }, sql`reviewer = 'root' and to_status = 'open'`],
      [{ reviewer: ['nobody'] }, sql`false`],
    ];
    for (const [filter, where] of cases) {
      for (const orderBy of ['ID_DESC', 'ID_ASC'] as const) {
        let totalCount = -1;
        const { nodes } = await walkConnection<ReviewNode>(async (after) => {
          const data = await api.data(trailPage, { filter, first: 7, after, orderBy });
          totalCount = data.flagReviews.totalCount;
          return data.flagReviews;
        });
        const expected = await expectedTrail(where, orderBy === 'ID_ASC' ? 'asc' : 'desc');
        const label = `${JSON.stringify(filter)} ${orderBy}`;
        expect(
          nodes.map((node) => [node.reviewer, node.note, node.flag.id]),
          label,
        ).toEqual(expected.map((row) => [row.reviewer, row.note, toFlagGlobalId(row.flag_id)]));
        expect(totalCount, label).toBe(expected.length);
      }
    }
    expect((await expectedTrail(sql`true`, 'asc')).length).toBeGreaterThan(40);
    // Newest first by default.
    const first = await api.data(`{ flagReviews(first: 1) { edges { node { note } } } }`);
    const [newest] = await expectedTrail(sql`true`, 'desc');
    expect(first.flagReviews.edges[0].node.note).toBe(newest!.note);
  });

  it("is on each flag too, oldest first, and readable without a key", async () => {
    const detection = detections['test-serial-overlap'][5]!;
    const { status, body } = await post(`query ($id: ID!) { flag(id: $id) { status reviews { edges { node { reviewer fromStatus toStatus note } } } } }`, {
      id: toFlagGlobalId(idOf(detection)),
    });
    expect(status).toBe(200);
    expect(body.data.flag).toEqual({
      status: 'OPEN',
      reviews: {
        edges: [
          { node: { reviewer: 'root', fromStatus: 'OPEN', toStatus: 'CONFIRMED', note: 'review 5' } },
          { node: { reviewer: 'root', fromStatus: 'CONFIRMED', toStatus: 'OPEN', note: 'reopened 5' } },
        ],
      },
    });
  });

  it('cannot be edited: the database refuses UPDATE, DELETE and TRUNCATE, and the API has no mutation for it', async () => {
    const db = api.database.db;
    const before = await queryRows<Record<string, unknown>>(db, sql`select * from flag_reviews order by id`);
    expect(before.length).toBeGreaterThan(0);
    const refusal = async (statement: SQL) => {
      let error: unknown;
      try {
        await db.execute(statement);
      } catch (caught) {
        error = caught;
      }
      expect(error, 'the statement should have been refused').toBeDefined();
      const messages: string[] = [];
      for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) messages.push(cause.message);
      return messages.join(' | ');
    };
    expect(await refusal(sql`update flag_reviews set note = 'edited' where id = (select min(id) from flag_reviews)`)).toMatch(/append-only.*UPDATE/);
    expect(await refusal(sql`update flag_reviews set to_status = 'dismissed'`)).toMatch(/append-only/);
    expect(await refusal(sql`delete from flag_reviews where id = (select max(id) from flag_reviews)`)).toMatch(/append-only.*DELETE/);
    expect(await refusal(sql`truncate flag_reviews`)).toMatch(/append-only.*TRUNCATE/);
    // Nor inside a transaction that would try to hide it.
    await expect(db.transaction(async (tx) => tx.execute(sql`delete from flag_reviews`))).rejects.toThrow();
    expect(await queryRows<Record<string, unknown>>(db, sql`select * from flag_reviews order by id`)).toEqual(before);

    const mutations = await api.data(`{ __schema { mutationType { fields { name } } } }`);
    expect(mutations.__schema.mutationType.fields.map((field: { name: string }) => field.name)).toEqual(['reviewFlag']);
  });
});

describe('documented operations', () => {
  const operationsOf = (path: string, source: string) =>
    parse(source, { noLocation: false }).definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    ).map((operation) => ({ name: operation.name!.value, path }));

  it('docs/review-workflow.md: every GraphQL example runs, the mutation with a reviewer key', async () => {
    const markdown = readFileSync(resolve(import.meta.dirname, '../../docs/review-workflow.md'), 'utf8');
    const blocks = [...markdown.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const open = idOf(detections['test-cross-program'][0]!);
    const variables: Record<string, Record<string, unknown>> = {
      ConfirmFlag: { flagId: toFlagGlobalId(open), note: 'Same coordinates and vintages in both registries.' },
      FlagAuditTrail: { flagId: toFlagGlobalId(open) },
      ReviewQueue: {},
    };
    const ran: string[] = [];
    for (const block of blocks) {
      for (const { name } of operationsOf('docs/review-workflow.md', block)) {
        expect(variables, `give ${name} variables in this test`).toHaveProperty(name);
        const { status, body } = await post(block, variables[name]!, reviewerKey, name);
        expect(body.errors, name).toBeUndefined();
        expect(status, name).toBe(200);
        ran.push(name);
        if (name === 'ConfirmFlag') expect(body.data.reviewFlag).toMatchObject({ flag: { status: 'CONFIRMED' }, review: { reviewer: 'alice' }, userErrors: [] });
        if (name === 'FlagAuditTrail') expect(body.data.flag.reviews.totalCount).toBe(1);
        if (name === 'ReviewQueue') expect(body.data.flags.edges.length).toBeGreaterThan(0);
      }
    }
    expect(ran).toEqual(['ConfirmFlag', 'FlagAuditTrail', 'ReviewQueue']);
  });

  it('docs/graphql-examples.graphql: the flag examples return flags once there are some', async () => {
    const source = readFileSync(resolve(import.meta.dirname, '../../docs/graphql-examples.graphql'), 'utf8');
    const { body: queue } = await post(source, {}, undefined, 'FlagReviewQueue');
    expect(queue.errors).toBeUndefined();
    expect(queue.data.flags.edges.length).toBeGreaterThan(0);
    expect(queue.data.flags.edges[0].node.evidence.features.length).toBeGreaterThan(0);
    expect(queue.data.flagReviews.edges.length).toBeGreaterThan(0);
    const { body: overview } = await post(source, {}, undefined, 'FlagOverview');
    expect(overview.data.flagAggregates.count).toBeGreaterThan(0);
    const { body: projects } = await post(source, {}, undefined, 'ProjectsWithFlags');
    expect(projects.errors).toBeUndefined();
  });
});
