import { describe, expect, it } from 'vitest';
import type { FetchContext, RawRecord } from '../../../connectors/contract.ts';
import { verra } from '../../../connectors/verra/index.ts';
import { useFetchHarness } from '../../support/fetch-harness.ts';
import { collect, connectorError } from '../../support/connectors/records.ts';
import { readCsvExport, verraRoutes, type RegistryServer } from '../../support/registry-server.ts';

const fixtureDir = 'test/fixtures/registries/verra';
const projectsFile = readCsvExport(`${fixtureDir}/projects.csv`);
const transactionsFile = readCsvExport(`${fixtureDir}/transactions.csv`);

const PROJECTS_PATH = '/uiapi/resource/resource/search';
const UNITS_PATH = '/uiapi/asset/asset/search';

const harness = useFetchHarness(() => verraRoutes(fixtureDir));
const serve = harness.serve;

function context(server: RegistryServer, signal?: AbortSignal): FetchContext {
  // With a trailing slash, as a configured base URL may have one.
  return harness.context(`${server.baseUrl}/`, { signal });
}

const fetchAll = (ctx: FetchContext): Promise<RawRecord[]> => collect(verra.fetch(ctx));

function jsonBody(body: string): Record<string, unknown> {
  return JSON.parse(body || '{}') as Record<string, unknown>;
}

describe('verra.fetch (old uiapi CSV export)', () => {
  it('reads the project list, then the VCU export month by month up to the run start', async () => {
    // Months without blocks answer with an empty body or a bare header, alternately.
    const routes = verraRoutes(fixtureDir);
    let emptyMonths = 0;
    const server = await serve((request) => {
      const reply = routes(request);
      if (reply && request.path === UNITS_PATH && reply.body === `${transactionsFile.header}\n`) {
        emptyMonths += 1;
        if (emptyMonths % 2 === 1) return { ...reply, body: '' };
      }
      return reply;
    });
    const records = await fetchAll(context(server));

    expect(records.filter((r) => r.sourceKind === 'projects')).toHaveLength(projectsFile.rows.length);
    const blocks = records.filter((r) => r.sourceKind === 'transactions');
    const serials = transactionsFile.rows.map((row) => row.record['Serial Number']);
    expect(blocks.map((r) => r.naturalKey).sort()).toEqual(serials.sort());
    expect(records.findIndex((r) => r.sourceKind === 'transactions')).toBe(records.filter((r) => r.sourceKind === 'projects').length);
    expect(records.every((record) => verra.normalize(record).ok)).toBe(true);
    expect(emptyMonths).toBeGreaterThan(1);

    const [projectsCall, ...monthCalls] = server.requests;
    expect(projectsCall).toMatchObject({ method: 'POST', path: PROJECTS_PATH });
    expect(Object.fromEntries(projectsCall!.query)).toEqual({
      $skip: '0',
      count: 'true',
      $format: 'csv',
      $exportFileName: 'allprojects.csv',
    });
    expect(jsonBody(projectsCall!.body)).toEqual({ program: 'VCS' });
    expect(projectsCall!.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'text/csv',
      origin: server.baseUrl,
      referer: `${server.baseUrl}/`,
    });

    // 2009-01 … 2026-04: 17 full years and 4 months, the last one cut at the run's start.
    expect(monthCalls).toHaveLength(17 * 12 + 4);
    for (const call of monthCalls) {
      expect(call).toMatchObject({ method: 'POST', path: UNITS_PATH });
      expect(Object.fromEntries(call.query)).toEqual({ $skip: '0', count: 'true', $format: 'csv', $exportFileName: 'vcus.csv' });
      expect(call.headers).toMatchObject({
        'content-type': 'application/json',
        accept: 'text/csv',
        origin: server.baseUrl,
        referer: `${server.baseUrl}/`,
      });
    }
    const monthBodies = monthCalls.map((call) => jsonBody(call.body));
    expect(monthBodies[0]).toEqual({
      program: 'VCS',
      issuanceTypeCodes: ['ISSUE'],
      issuanceStartInclusive: '2009-01-01',
      issuanceEndInclusive: '2009-01-31',
    });
    expect(monthBodies.find((body) => body.issuanceStartInclusive === '2024-02-01')?.issuanceEndInclusive).toBe('2024-02-29');
    expect(monthBodies.at(-1)).toMatchObject({ issuanceStartInclusive: '2026-04-01', issuanceEndInclusive: '2026-04-14' });
  });

  it('fails with a format error when the export answers with the web app shell', async () => {
    const shell = '<!DOCTYPE html><html><head><title>Verra Registry</title></head><body><app-root></app-root></body></html>';
    for (const contentType of ['text/html; charset=utf-8', 'text/plain']) {
      const routes = verraRoutes(fixtureDir);
      const server = await serve((request) => (routes(request) ? { headers: { 'content-type': contentType }, body: shell } : null));
      const error = await connectorError(fetchAll(context(server)));
      expect(error.failureType).toBe('format');
      expect(error.message).toContain('S&P Global');
      expect(server.requests.map((request) => request.path)).toEqual([PROJECTS_PATH]);
    }
  });

  it('fails with a format error when the server injects an HTML page into the VCU export', async () => {
    const server = await serve();
    server.fail(UNITS_PATH, { kind: 'html' });
    const error = await connectorError(fetchAll(context(server)));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('S&P Global');
  });

  it('fails with a format error naming a column the export no longer has', async () => {
    const server = await serve();
    server.fail(UNITS_PATH, { kind: 'rename-column', from: 'Quantity Issued', to: 'Quantity' });
    const error = await connectorError(fetchAll(context(server)));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('"Quantity Issued"');
    expect(server.requests.map((request) => request.path)).toEqual([PROJECTS_PATH, UNITS_PATH]);
  });

  it('fails with a format error when the project list is empty', async () => {
    const server = await serve();
    server.fail(PROJECTS_PATH, { kind: 'replace-body', body: '' });
    const error = await connectorError(fetchAll(context(server)));
    expect(error.message).toContain('no header row');
  });

  it('stops between months when the run is aborted', async () => {
    const server = await serve();
    const controller = new AbortController();
    const records: RawRecord[] = [];
    const error = await (async () => {
      for await (const record of verra.fetch(context(server, controller.signal))) {
        records.push(record);
        if (record.sourceKind === 'projects') controller.abort(new Error('shutting down'));
      }
    })().catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('shutting down');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe(PROJECTS_PATH);
  });
});
