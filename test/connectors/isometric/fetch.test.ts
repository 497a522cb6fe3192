import { describe, expect, it } from 'vitest';
import type { ConnectorError, FetchContext, NormalizeResult, RawRecord } from '../../../connectors/contract.ts';
import { isometric } from '../../../connectors/isometric/index.ts';
import { ISOMETRIC_TEST_SECRET, isometricRoutes, readIsometricFiles } from '../../support/connectors/isometric.ts';
import { useFetchHarness } from '../../support/fetch-harness.ts';
import { collect, connectorError } from '../../support/connectors/records.ts';
import type { RegistryServer } from '../../support/registry-server.ts';

const fixtureDir = 'test/fixtures/registries/isometric';
const files = readIsometricFiles();
const SECRET_ENV = 'ISOMETRIC_CLIENT_SECRET';

const harness = useFetchHarness(() => isometricRoutes());
const serve = harness.serve;

function context(server: RegistryServer, secrets: Record<string, string> = { [SECRET_ENV]: ISOMETRIC_TEST_SECRET }): FetchContext {
  return harness.context(`${server.baseUrl}/`, { secrets, startedAt: new Date('2026-04-15T00:00:00Z') });
}

const fetchAll = (ctx: FetchContext): Promise<RawRecord[]> => collect(isometric.fetch(ctx));
const failure = (ctx: FetchContext): Promise<ConnectorError> => connectorError(fetchAll(ctx));
const exported = (): Promise<RawRecord[]> => collect(isometric.readExports(fixtureDir));

describe('isometric.fetch (registry API, cursor paging)', () => {
  it('reads projects, issuances and retirements page by page with the client secret, 50 at a time', async () => {
    const server = await serve();
    const records = await fetchAll(context(server));

    expect(records.map((r) => r.sourceKind)).toEqual([
      ...files.projects.rows.map(() => 'projects'),
      ...files.issuances.rows.map(() => 'issuances'),
      ...files.retirements.rows.map(() => 'retirements'),
    ]);
    expect(records.map((r) => r.naturalKey)).toEqual([
      ...files.projects.rows.map((row) => row.record.id),
      ...files.issuances.rows.map((row) => row.record.id),
      ...files.retirements.rows.map((row) => row.record.retirement_id),
    ]);

    // 50 projects: one page; 100 issuances and 100 retirements: two pages each.
    expect(server.requests.map((request) => request.path)).toEqual(['/projects', '/issuances', '/issuances', '/retirements', '/retirements']);
    for (const request of server.requests) {
      expect(request.method).toBe('GET');
      expect(request.headers['x-client-secret']).toBe(ISOMETRIC_TEST_SECRET);
      expect(request.query.get('first')).toBe('50');
    }
    const [, firstIssuances, secondIssuances] = server.requests;
    expect(firstIssuances!.query.has('after')).toBe(false);
    expect(Buffer.from(secondIssuances!.query.get('after')!, 'base64url').toString()).toBe('issuances:50');
  });

  it('yields the same payload keys as the exports, and fetch → normalize gives what the exports give', async () => {
    const server = await serve();
    const fetched = await fetchAll(context(server));
    const fromFiles = await exported();
    expect(fetched).toHaveLength(fromFiles.length);
    for (const [index, record] of fetched.entries()) {
      const file = fromFiles[index]!;
      expect(record.naturalKey).toBe(file.naturalKey);
      // Flattened JSON has the CSV's columns; a column pandas made for a null object
      // (`location`) is there when the object is null.
      const keys = Object.keys(record.payload);
      expect(keys.every((key) => Object.hasOwn(file.payload, key)), `${record.naturalKey}: ${keys.join(',')}`).toBe(true);
      const normalized: NormalizeResult = isometric.normalize(record);
      expect(normalized.ok).toBe(true);
      expect(normalized).toEqual(isometric.normalize(file));
    }
    // The API's JSON values are kept as sent: numbers stay numbers.
    const issuance = fetched.find((r) => r.sourceKind === 'issuances')!;
    expect(issuance.payload['credit_batch_size_total.credits']).toBe(2765.37);
    expect(issuance.payload['credit_batch_size_total.credit_kgs']).toBe(2765370);
    expect(fetched.find((r) => r.sourceKind === 'retirements')!.payload.purposes).toEqual(['public_environmental_claims']);
  });

  it('fails as a config error before any request when the client secret is not set', async () => {
    const server = await serve();
    for (const secrets of [{}, { [SECRET_ENV]: '  ' }] as Record<string, string>[]) {
      const error = await failure(context(server, secrets));
      expect(error.failureType).toBe('config');
      expect(error.message).toMatch(/^ISOMETRIC_CLIENT_SECRET is not set: /);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('reports a refused secret (HTTP 401) as a config error', async () => {
    const server = await serve();
    server.fail('/projects', { kind: 'status', status: 401 });
    const error = await failure(context(server));
    expect(error.failureType).toBe('config');
    expect(error.message).not.toContain(ISOMETRIC_TEST_SECRET);
  });

  it('fails with a format error naming a field the API no longer sends', async () => {
    const server = await serve();
    server.fail('/issuances', { kind: 'rename-column', from: 'issued_at', to: 'issuedAt' });
    const error = await failure(context(server));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('missing required field "issued_at"');
    expect(error.message).toContain('Isometric issuances page 1');
  });

  it('fails with a format error on an HTML page, a body that is not JSON, or a page without its envelope', async () => {
    const cases: [Parameters<RegistryServer['fail']>[1], RegExp][] = [
      [{ kind: 'html' }, /HTML page instead of JSON/],
      [{ kind: 'replace-body', body: 'upstream timeout' }, /not valid JSON/],
      [{ kind: 'replace-body', body: JSON.stringify({ data: [] }) }, /missing "nodes" and "page_info"/],
      [{ kind: 'replace-body', body: JSON.stringify({ nodes: {}, page_info: { has_next_page: false } }) }, /"nodes" is object, not a list/],
      [{ kind: 'replace-body', body: JSON.stringify({ nodes: [], page_info: {} }) }, /has_next_page" is missing/],
      [{ kind: 'replace-body', body: JSON.stringify({ nodes: [3], page_info: { has_next_page: false } }) }, /node 1 is number/],
    ];
    for (const [fault, message] of cases) {
      const server = await serve();
      server.fail('/retirements', fault);
      const error = await failure(context(server));
      expect(error.failureType, String(message)).toBe('format');
      expect(error.message).toMatch(message);
    }
  });

  it('stops instead of looping when the API repeats a cursor or promises a page without one', async () => {
    const routes = isometricRoutes();
    const repeat = await serve((request) => {
      if (request.path !== '/projects') return routes(request);
      // Every page of projects is the first one again, with the same cursor.
      const reply = routes({ ...request, query: new URLSearchParams({ first: '50' }) })!;
      const page = JSON.parse(reply.body) as { page_info: Record<string, unknown> };
      page.page_info = { ...page.page_info, has_next_page: true, end_cursor: 'same' };
      return { ...reply, body: JSON.stringify(page) };
    });
    const error = await failure(context(repeat));
    expect(error.message).toContain('"end_cursor" "same" was already read');
    expect(repeat.requests).toHaveLength(2);

    const noCursor = await serve((request) => {
      const reply = routes(request);
      if (!reply || request.path !== '/projects') return reply;
      const page = JSON.parse(reply.body) as { page_info: Record<string, unknown> };
      page.page_info = { has_next_page: true, end_cursor: null };
      return { ...reply, body: JSON.stringify(page) };
    });
    expect((await failure(context(noCursor))).message).toContain('"page_info.has_next_page" is true but "end_cursor" is empty');
  });

  it('retries a page that fails with a 5xx and goes on from the same cursor', async () => {
    const server = await serve();
    const first = await fetchAll(context(server));
    const again = await serve();
    again.fail('/retirements', { kind: 'status', status: 503 });
    const records = await fetchAll(context(again));
    expect(records.map((r) => r.naturalKey)).toEqual(first.map((r) => r.naturalKey));
    expect(again.requests.filter((request) => request.path === '/retirements')).toHaveLength(3);
  });
});
