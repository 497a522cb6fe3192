import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys.ts';
import { queryRows } from '../../src/db/client.ts';
import { apiKeys } from '../../src/db/schema.ts';
import { recordDetections } from '../../src/matching/flag-store.ts';
import { toFlagGlobalId } from '../../src/api/flags/flag-id.ts';
import { startTestApi, type GraphQLResponse, type TestApi } from '../support/api-server.ts';
import { idOf, seedFlags, type DetectionsByDetector } from './flags-detections.ts';

let api: TestApi;
let detections: DetectionsByDetector;
const keys = { reviewer: '', admin: '', revoked: '' };

beforeAll(async () => {
  api = await startTestApi();
  const db = api.database.db;
  detections = await seedFlags(db);
  keys.reviewer = (await createApiKey(db, { name: 'alice', role: 'reviewer' })).key;
  keys.admin = (await createApiKey(db, { name: 'root', role: 'admin' })).key;
  keys.revoked = (await createApiKey(db, { name: 'mallory', role: 'reviewer' })).key;
  await revokeApiKey(db, 'mallory');
});
afterAll(async () => {
  await api?.close();
});

/** POSTs an operation, with `Authorization: Bearer <key>` when a key is given (or a raw header). */
async function post(query: string, variables: Record<string, unknown>, auth: { key?: string; header?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth.header !== undefined) headers.authorization = auth.header;
  else if (auth.key) headers.authorization = `Bearer ${auth.key}`;
  const response = await fetch(api.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as GraphQLResponse };
}

const reviewMutation = `
  mutation ($input: ReviewFlagInput!) {
    reviewFlag(input: $input) {
      flag { id status reviewedAt resolvedAt evidence { raw } reviews { totalCount edges { node { reviewer fromStatus toStatus note } } } }
      review { id reviewer fromStatus toStatus note createdAt flag { id } }
      userErrors { field message code }
    }
  }`;

function review(input: Record<string, unknown>, key: string | undefined = keys.reviewer) {
  return post(reviewMutation, { input }, { key });
}

/** Reviews that must succeed; returns the payload. */
async function reviewOk(input: Record<string, unknown>, key: string = keys.reviewer) {
  const { status, body } = await review(input, key);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(status).toBe(200);
  expect(body.data.reviewFlag.userErrors).toEqual([]);
  return body.data.reviewFlag;
}

/** Everything a review could write: compare before and after a refused one. */
async function writtenState() {
  const [state] = await queryRows<{ reviews: number; flags: string }>(
    api.database.db,
    sql`select (select count(*)::int from flag_reviews) as reviews,
               (select md5(string_agg(id || status || coalesce(reviewed_at::text, '-') || updated_at::text, ',' order by id)) from flags) as flags`,
  );
  return state;
}

const gid = (detection: Parameters<typeof idOf>[0]) => toFlagGlobalId(idOf(detection));

describe('authentication', () => {
  it('refuses a review without a valid key: UNAUTHENTICATED, HTTP 401, nothing written', async () => {
    const flagId = gid(detections['test-serial-overlap'][0]!);
    const input = { flagId, status: 'CONFIRMED' };
    const wrongSecret = `${keys.reviewer.slice(0, -4)}AAAA` === keys.reviewer ? `${keys.reviewer.slice(0, -4)}BBBB` : `${keys.reviewer.slice(0, -4)}AAAA`;
    const cases: Array<[string, { key?: string; header?: string }]> = [
      ['no key', {}],
      ['another scheme', { header: 'Basic YWxpY2U6c2VjcmV0' }],
      ['an empty bearer', { header: 'Bearer ' }],
      ['not a hub key', { header: 'Bearer abc.def' }],
      ['an unknown key', { key: `hub_0123456789ab_${'A'.repeat(43)}` }],
      ['a wrong secret for a real prefix', { key: wrongSecret }],
      ['a revoked key', { key: keys.revoked }],
    ];
    const before = await writtenState();
    for (const [label, auth] of cases) {
      const { status, body } = await post(reviewMutation, { input }, auth);
      expect(status, label).toBe(401);
      expect(body.errors?.[0]?.extensions?.code, label).toBe('UNAUTHENTICATED');
      expect(body.data?.reviewFlag ?? null, label).toBeNull();
    }
    expect(await writtenState()).toEqual(before);
    const { body } = await post(reviewMutation, { input }, { key: keys.revoked });
    expect(body.errors?.[0]?.message).toContain('revoked');
  });

  it('serves reads without a key and with a valid one, refuses them with a bad one, and records when a key was last used', async () => {
    const read = `{ flags(first: 1) { totalCount } }`;
    expect((await post(read, {})).status).toBe(200);
    const [before] = await api.database.db.select({ lastUsedAt: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.name, 'alice'));
    expect(before?.lastUsedAt).toBeNull();
    const good = await post(read, {}, { key: keys.reviewer });
    expect(good.status).toBe(200);
    expect(good.body.data.flags.totalCount).toBeGreaterThan(0);
    const [after] = await api.database.db.select({ lastUsedAt: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.name, 'alice'));
    expect(after?.lastUsedAt).toBeInstanceOf(Date);
    const bad = await post(read, {}, { key: keys.revoked });
    expect(bad.status).toBe(401);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(bad.body.data ?? null).toBeNull();
  });
});

describe('reviewFlag', () => {
  it('lets a reviewer confirm a flag: new status, reviewedAt, and one audit entry, in one payload', async () => {
    const detection = detections['test-serial-overlap'][1]!;
    const before = await writtenState();
    const payload = await reviewOk({ flagId: gid(detection), status: 'CONFIRMED', note: '  Same serial block in both issuances.  ' });
    expect(payload.flag).toMatchObject({
      id: gid(detection),
      status: 'CONFIRMED',
      reviews: { totalCount: 1, edges: [{ node: { reviewer: 'alice', fromStatus: 'OPEN', toStatus: 'CONFIRMED', note: 'Same serial block in both issuances.' } }] },
    });
    expect(payload.review).toMatchObject({ reviewer: 'alice', fromStatus: 'OPEN', toStatus: 'CONFIRMED', note: 'Same serial block in both issuances.', flag: { id: gid(detection) } });
    expect(payload.flag.reviewedAt).toBe(payload.review.createdAt);
    expect(payload.flag.evidence.raw).toEqual(JSON.parse(JSON.stringify(detection.evidence)));
    const [row] = await queryRows<{ status: string; reviews: number; api_key: string }>(
      api.database.db,
      sql`select f.status::text, (select count(*)::int from flag_reviews r where r.flag_id = f.id) as reviews,
                 (select k.name from flag_reviews r join api_keys k on k.id = r.api_key_id where r.flag_id = f.id) as api_key
            from flags f where f.id = ${idOf(detection)}`,
    );
    expect(row).toEqual({ status: 'confirmed', reviews: 1, api_key: 'alice' });
    expect((await writtenState())!.reviews).toBe(before!.reviews + 1);
  });

  it('refuses business failures as userErrors that write nothing', async () => {
    const open = detections['test-serial-overlap'][2]!;
    const confirmed = detections['test-serial-overlap'][1]!; // confirmed by the test above
    const cases: Array<[string, Record<string, unknown>, Array<{ code: string; field: string[] }>]> = [
      ['an unknown flag', { flagId: toFlagGlobalId('serial_overlap:ffffffffffffffffffffffff'), status: 'CONFIRMED' }, [{ code: 'FLAG_NOT_FOUND', field: ['input', 'flagId'] }]],
      ['a malformed id', { flagId: 'not-an-id', status: 'CONFIRMED' }, [{ code: 'FLAG_NOT_FOUND', field: ['input', 'flagId'] }]],
      ['the status it has', { flagId: gid(confirmed), status: 'CONFIRMED' }, [{ code: 'STATUS_UNCHANGED', field: ['input', 'status'] }]],
      ['a note too long', { flagId: gid(open), status: 'CONFIRMED', note: 'x'.repeat(2001) }, [{ code: 'NOTE_TOO_LONG', field: ['input', 'note'] }]],
      ['a dismissal without a note', { flagId: gid(open), status: 'DISMISSED', note: '   ' }, [{ code: 'NOTE_REQUIRED', field: ['input', 'note'] }]],
      ['a reopening without a note', { flagId: gid(confirmed), status: 'OPEN' }, [{ code: 'NOTE_REQUIRED', field: ['input', 'note'] }]],
      ['a stale view', { flagId: gid(confirmed), status: 'DISMISSED', note: 'no', expectedStatus: 'OPEN' }, [{ code: 'STATUS_CHANGED', field: ['input', 'expectedStatus'] }]],
    ];
    const before = await writtenState();
    for (const [label, input, errors] of cases) {
      const { status, body } = await review(input);
      expect(body.errors, label).toBeUndefined();
      expect(status, label).toBe(200);
      expect(body.data.reviewFlag.review, label).toBeNull();
      expect(body.data.reviewFlag.userErrors, label).toMatchObject(errors);
      expect(body.data.reviewFlag.userErrors[0].message, label).toBeTruthy();
    }
    expect(await writtenState()).toEqual(before);
    // A refused review still shows the flag as it is.
    const { body } = await review({ flagId: gid(confirmed), status: 'CONFIRMED' });
    expect(body.data.reviewFlag.flag).toMatchObject({ id: gid(confirmed), status: 'CONFIRMED' });
    // A note of exactly the maximum is fine (characters, not bytes).
    await reviewOk({ flagId: gid(open), status: 'DISMISSED', note: 'é'.repeat(2000) });
  });

  it('keeps every step of a flag in its audit trail, in order: confirm, reopen, dismiss', async () => {
    const flagId = gid(detections['test-serial-overlap'][3]!);
    await reviewOk({ flagId, status: 'CONFIRMED' });
    await reviewOk({ flagId, status: 'OPEN', note: 'Serials were parsed wrongly; needs another look.' }, keys.admin);
    const last = await reviewOk({ flagId, status: 'DISMISSED', note: 'A registry correction, not a double issuance.', expectedStatus: 'OPEN' });
    expect(last.flag.status).toBe('DISMISSED');
    expect(last.flag.reviews.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { reviewer: 'alice', fromStatus: 'OPEN', toStatus: 'CONFIRMED', note: null },
      { reviewer: 'root', fromStatus: 'CONFIRMED', toStatus: 'OPEN', note: 'Serials were parsed wrongly; needs another look.' },
      { reviewer: 'alice', fromStatus: 'OPEN', toStatus: 'DISMISSED', note: 'A registry correction, not a double issuance.' },
    ]);
  });

  it("keeps a reviewer's decision and the trail when a detector reruns with changed evidence", async () => {
    const list = detections['test-serial-overlap'];
    const detection = list[4]!;
    const reviewed = await reviewOk({ flagId: gid(detection), status: 'CONFIRMED', note: 'checked' });
    const changed = list.map((d) => (d === detection ? { ...d, score: 99, evidence: { ...d.evidence, registryNotice: 'block split on 2026-04-01' } } : d));
    const counts = await recordDetections(api.database.db, 'test-serial-overlap', changed);
    expect(counts).toMatchObject({ updated: 1, inserted: 0, resolved: 0 });
    const data = await api.data(`query ($id: ID!) { flag(id: $id) { status score reviewedAt lastDetectedAt evidence { raw } reviews { totalCount } } }`, { id: gid(detection) });
    expect(data.flag).toMatchObject({ status: 'CONFIRMED', score: 99, reviewedAt: reviewed.flag.reviewedAt, reviews: { totalCount: 1 } });
    expect(data.flag.evidence.raw.registryNotice).toBe('block split on 2026-04-01');
    expect(Date.parse(data.flag.lastDetectedAt)).toBeGreaterThan(Date.parse(reviewed.flag.reviewedAt));
  });

  it('writes the status change and its audit entry in one transaction: a failed entry leaves the flag untouched', async () => {
    const db = api.database.db;
    const failing = 'make the audit entry fail';
    await db.execute(sql.raw(`create function test_fail_review() returns trigger language plpgsql as $$
      begin
        if new.note = '${failing}' then raise exception 'audit entry refused by the test'; end if;
        return new;
      end $$`));
    await db.execute(sql`create trigger test_fail_review before insert on flag_reviews for each row execute function test_fail_review()`);
    try {
      const flagId = gid(detections['test-serial-overlap'][5]!);
      const before = await writtenState();
      const { body } = await review({ flagId, status: 'DISMISSED', note: failing });
      expect(body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(await writtenState()).toEqual(before);
      // The same review with another note goes through.
      expect((await reviewOk({ flagId, status: 'DISMISSED', note: 'fine' })).flag.status).toBe('DISMISSED');
    } finally {
      await db.execute(sql`drop trigger test_fail_review on flag_reviews`);
      await db.execute(sql`drop function test_fail_review()`);
    }
  });

  it('lets one of two simultaneous reviews of a flag win; the other learns it changed', async () => {
    const flagId = gid(detections['test-serial-overlap'][6]!);
    const [a, b] = await Promise.all([
      review({ flagId, status: 'CONFIRMED', expectedStatus: 'OPEN' }),
      review({ flagId, status: 'DISMISSED', note: 'not the same units', expectedStatus: 'OPEN' }, keys.admin),
    ]);
    const outcomes = [a, b].map(({ body }) => body.data.reviewFlag.userErrors.map((error: { code: string }) => error.code));
    expect(outcomes.sort()).toEqual([[], ['STATUS_CHANGED']]);
    const data = await api.data(`query ($id: ID!) { flag(id: $id) { reviews { totalCount } } }`, { id: flagId });
    expect(data.flag.reviews.totalCount).toBe(1);
  });
});

describe('roles', () => {
  it('lets an admin, not a reviewer, decide a flag the detectors no longer find; nobody reopens it', async () => {
    const list = detections['test-double-retirement'];
    const [decided, gone] = [list[0]!, list[1]!];
    await reviewOk({ flagId: gid(decided), status: 'CONFIRMED' });
    // A rerun that finds neither: `gone` is resolved, `decided` keeps its decision but is no longer found.
    await recordDetections(api.database.db, 'test-double-retirement', list.slice(2));
    const state = await api.data(`query ($a: ID!, $b: ID!) { a: flag(id: $a) { status resolvedAt } b: flag(id: $b) { status resolvedAt } }`, {
      a: gid(decided),
      b: gid(gone),
    });
    expect(state.a.status).toBe('CONFIRMED');
    expect(state.b.status).toBe('RESOLVED');
    expect(state.a.resolvedAt && state.b.resolvedAt).toBeTruthy();

    const before = await writtenState();
    for (const [flagId, input] of [
      [gid(gone), { status: 'CONFIRMED' }],
      [gid(decided), { status: 'OPEN', note: 'look again' }],
      [gid(decided), { status: 'DISMISSED', note: 'changed my mind' }],
    ] as const) {
      const { status, body } = await review({ flagId, ...input });
      expect(status).toBe(403);
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(body.errors?.[0]?.message).toContain('admin');
    }
    expect(await writtenState()).toEqual(before);

    const { body } = await review({ flagId: gid(gone), status: 'OPEN', note: 'reopen' }, keys.admin);
    expect(body.data.reviewFlag.userErrors).toMatchObject([{ code: 'FLAG_RESOLVED', field: ['input', 'status'] }]);
    const decidedByAdmin = await reviewOk({ flagId: gid(gone), status: 'CONFIRMED', note: 'Happened; the registry cancelled the units since.' }, keys.admin);
    expect(decidedByAdmin.flag).toMatchObject({ status: 'CONFIRMED', resolvedAt: state.b.resolvedAt });
    expect(decidedByAdmin.review).toMatchObject({ reviewer: 'root', fromStatus: 'RESOLVED', toStatus: 'CONFIRMED' });

    // Found again: no longer resolved, and the admin's decision stays.
    await recordDetections(api.database.db, 'test-double-retirement', list);
    const again = await api.data(`query ($id: ID!) { flag(id: $id) { status resolvedAt } }`, { id: gid(gone) });
    expect(again.flag).toEqual({ status: 'CONFIRMED', resolvedAt: null });
  });
});
