import { describe, expect, it } from 'vitest';
import { ConnectorError, type FetchContext, type RawRecord } from '../../../connectors/contract.ts';
import { goldStandard } from '../../../connectors/gold-standard/index.ts';
import { DEFAULT_USER_AGENT } from '../../../connectors/http.ts';
import { goldStandardApiState, goldStandardRoutes } from '../../support/connectors/gold-standard.ts';
import { useFetchHarness } from '../../support/fetch-harness.ts';
import { collect, connectorError } from '../../support/connectors/records.ts';
import type { RegistryServer } from '../../support/registry-server.ts';

const state = goldStandardApiState();

const harness = useFetchHarness(() => goldStandardRoutes(state));
const serve = harness.serve;

function context(server: RegistryServer, signal?: AbortSignal): FetchContext {
  // With a trailing slash, as a configured base URL may have one.
  return harness.context(`${server.baseUrl}/`, { signal });
}

const fetchAll = (ctx: FetchContext): Promise<RawRecord[]> => collect(goldStandard.fetch(ctx));
const fetchError = (ctx: FetchContext): Promise<ConnectorError> => connectorError(fetchAll(ctx));

describe('goldStandard.fetch (public JSON API)', () => {
  it('pages through /projects (150 a page) and /credits (25 a page) until a short page, with the hub’s User-Agent', async () => {
    const server = await serve();
    const records = await fetchAll(context(server));

    const projects = records.filter((r) => r.sourceKind === 'api-projects');
    const credits = records.filter((r) => r.sourceKind === 'api-credits');
    expect(projects.map((r) => r.payload)).toEqual(state.projects);
    expect(credits.map((r) => r.payload)).toEqual(state.credits);
    expect(records.slice(0, projects.length)).toEqual(projects);
    expect(credits.map((r) => r.naturalKey)).toEqual(state.credits.map((c) => String(c.id)));
    expect(records.every((record) => goldStandard.normalize(record).ok)).toBe(true);

    const creditPages = Math.ceil(state.credits.length / 25);
    expect(state.credits.length % 25).not.toBe(0);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/projects?page=1&size=150',
      ...Array.from({ length: creditPages }, (_, i) => `/credits?page=${i + 1}&size=25`),
    ]);
    for (const request of server.requests) {
      expect(request.method).toBe('GET');
      expect(request.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
      expect(request.headers.accept).toBe('application/json');
    }
  });

  it('asks once more when the last page is exactly full, and stops on the empty one', async () => {
    const server = await serve(goldStandardRoutes({ projects: state.projects, credits: state.credits.slice(0, 50) }));
    const records = await fetchAll(context(server));
    expect(records.filter((r) => r.sourceKind === 'api-credits')).toHaveLength(50);
    expect(server.requests.map((r) => r.url).slice(1)).toEqual(['/credits?page=1&size=25', '/credits?page=2&size=25', '/credits?page=3&size=25']);
  });

  it('fails with a format error naming a field the API renamed, before storing that page', async () => {
    const server = await serve();
    server.fail('/credits', { kind: 'rename-column', from: 'serial_number', to: 'serialNumber' });
    const records: RawRecord[] = [];
    const error = await (async () => {
      for await (const record of goldStandard.fetch(context(server))) records.push(record);
    })().catch((caught: unknown) => caught as ConnectorError);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error!.failureType).toBe('format');
    expect(error!.message).toContain('has no field "serial_number"');
    expect(records.every((r) => r.sourceKind === 'api-projects')).toBe(true);
  });

  it('names a field missing from the project embedded in a credit', async () => {
    const server = await serve();
    server.fail('/credits', { kind: 'rename-column', from: 'sustaincert_id', to: 'gsid' });
    const error = await fetchError(context(server));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('has no field "project.sustaincert_id"');
  });

  it('fails with a format error on an HTML page, a body that is not JSON, or JSON that is not an array', async () => {
    for (const fault of [
      { kind: 'html' as const },
      { kind: 'replace-body' as const, body: 'not json' },
      { kind: 'replace-body' as const, body: '{"items":[]}' },
    ]) {
      const server = await serve();
      server.fail('/projects', fault);
      const error = await fetchError(context(server));
      expect(error.failureType, JSON.stringify(fault)).toBe('format');
      expect(server.requests).toHaveLength(1);
    }
  });

  it('fails instead of stopping early when the API serves fewer records per page than asked', async () => {
    // The API clamps page sizes silently (§3.1): a page of 10 while X-Total-Count says 50.
    const server = await serve((request) => {
      if (request.path !== '/projects') return goldStandardRoutes(state)(request);
      return {
        headers: { 'content-type': 'application/json', 'x-total-count': String(state.projects.length) },
        body: JSON.stringify(state.projects.slice(0, 10)),
      };
    });
    const error = await fetchError(context(server));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('returned 10 records while X-Total-Count is 50');
  });

  it('fails instead of looping forever when the API ignores the page parameter', async () => {
    const full = { projects: state.projects, credits: state.credits.slice(0, 25) };
    const routes = goldStandardRoutes(full);
    const server = await serve((request) => {
      if (request.path !== '/credits') return routes(request);
      const query = new URLSearchParams(request.query);
      query.set('page', '1');
      return routes({ ...request, query });
    });
    const error = await fetchError(context(server));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('no longer honours "page"');
    expect(server.requests.filter((r) => r.path === '/credits')).toHaveLength(2);
  });

  it('reports a credits page size above 25 the way the registry does: 403, a config failure', async () => {
    // Guards the emulator against drifting from the real API.
    const server = await serve();
    const error = await harness.http.request(`${server.baseUrl}/credits?page=1&size=26`).then(
      () => null,
      (caught: unknown) => caught as ConnectorError,
    );
    expect(error?.failureType).toBe('config');
  });

  it('stops between pages when the run is aborted', async () => {
    const server = await serve();
    const controller = new AbortController();
    const error = await (async () => {
      for await (const record of goldStandard.fetch(context(server, controller.signal))) {
        if (record.sourceKind === 'api-credits') controller.abort(new Error('shutting down'));
      }
    })().catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('shutting down');
    expect(server.requests.map((r) => r.path)).toEqual(['/projects', '/credits']);
  });
});
