import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ConnectorError, FetchContext, RawRecord } from '../../../connectors/contract.ts';
import { cercarbono } from '../../../connectors/cercarbono/index.ts';
import {
  CERCARBONO_PATHS,
  ECOREGISTRY_ERROR_401,
  OTHER_STANDARD_PROJECT_ID,
  cercarbonoRoutes,
  readCercarbonoFiles,
} from '../../support/connectors/cercarbono.ts';
import { useFetchHarness } from '../../support/fetch-harness.ts';
import { collect, connectorError } from '../../support/connectors/records.ts';
import type { Fault, RegistryServer } from '../../support/registry-server.ts';

const fixtureDir = 'test/fixtures/registries/cercarbono';
const files = readCercarbonoFiles();

const harness = useFetchHarness(() => cercarbonoRoutes());
const serve = harness.serve;

function context(server: RegistryServer): FetchContext {
  return harness.context(`${server.baseUrl}/`, { startedAt: new Date('2026-04-15T00:00:00Z') });
}

const fetchAll = (ctx: FetchContext): Promise<RawRecord[]> => collect(cercarbono.fetch(ctx));
const failure = (ctx: FetchContext): Promise<ConnectorError> => connectorError(fetchAll(ctx));
const exported = (): Promise<RawRecord[]> => collect(cercarbono.readExports(fixtureDir));

const retirementKey = (row: Record<string, string>) => `${row.serial}:${row.from}-${row.to}`;

describe('cercarbono.fetch (EcoRegistry feeds)', () => {
  it('reads the CO2 list, the projects with their serials and the retirement ledger, with the headers the platform requires', async () => {
    const server = await serve();
    const records = await fetchAll(context(server));

    expect(server.requests.map((request) => request.path)).toEqual([CERCARBONO_PATHS.standardProjects, CERCARBONO_PATHS.projects, CERCARBONO_PATHS.retirements]);
    for (const request of server.requests) {
      expect(request.method).toBe('GET');
      expect(request.headers).toMatchObject({
        platform: 'ecoregistry',
        lng: 'en',
        origin: 'https://registry.cercarbono.com',
        referer: 'https://registry.cercarbono.com/',
      });
    }

    const projects = records.filter((r) => r.sourceKind === 'projects');
    expect(projects.map((r) => r.naturalKey)).toEqual(files.projects.rows.map((row) => row.record.id));
    // Each project is followed by its serials.
    const firstIssuance = records.findIndex((r) => r.sourceKind === 'issuances');
    expect(records[firstIssuance - 1]?.naturalKey).toBe('1');
    expect(records.filter((r) => r.sourceKind === 'issuances').map((r) => r.naturalKey).sort()).toEqual(
      files.issuances.rows.map((row) => row.record.serial).sort(),
    );
    expect(records.filter((r) => r.sourceKind === 'retirements').map((r) => r.naturalKey)).toEqual(
      files.retirements.rows.map((row) => retirementKey(row.record)),
    );
    expect(records.filter((r) => r.sourceKind === 'standard-projects')).toEqual([]);
  });

  it('leaves out the other standards the bulk feeds mix in', async () => {
    const server = await serve();
    const records = await fetchAll(context(server));
    const other = String(OTHER_STANDARD_PROJECT_ID);
    expect(records.some((r) => r.naturalKey === other || JSON.stringify(r.payload).includes(`CBD_${other}`))).toBe(false);
    expect(records).toHaveLength(files.projects.rows.length + files.issuances.rows.length + files.retirements.rows.length);
  });

  it('gives the serials the id of their project, and fetch → normalize gives what the exports give', async () => {
    const server = await serve();
    const fetched = await fetchAll(context(server));
    const fromFiles = await exported();
    const byKey = new Map(fromFiles.map((record) => [`${record.sourceKind}\u0000${record.naturalKey}`, record]));
    for (const record of fetched) {
      const file = byKey.get(`${record.sourceKind}\u0000${record.naturalKey}`);
      expect(file, record.naturalKey).toBeDefined();
      expect(Object.keys(record.payload).sort()).toEqual(Object.keys(file!.payload).sort());
      const fromApi = cercarbono.normalize(record);
      const fromFile = cercarbono.normalize(file!);
      expect(fromApi.ok, record.naturalKey).toBe(true);
      if (!fromApi.ok || !fromFile.ok) continue;
      expect(fromApi.credits).toEqual(fromFile.credits);
      // The feed embeds only the serials of the fixture's issuance ledger (see the routes), so
      // a project's serial count and SDGs may be smaller than projects.csv's full lists.
      const strip = ({ sdgs: _, attributes: { issuanceSerials: __, ...attributes }, ...project }: (typeof fromApi.projects)[number]) => ({ ...project, attributes });
      expect(fromApi.projects.map(strip)).toEqual(fromFile.projects.map(strip));
    }
    const issuance = fetched.find((r) => r.naturalKey === 'CDC_1_1_1_321_14_1')!;
    expect(issuance.payload).toMatchObject({ project_id: 1, issued_quantity: 62740, is_buffer: false, elegible: [{ description: 'Colombian Carbon Tax', code: 'ICC' }, { description: 'Voluntary compensation', code: 'CV' }] });
  });

  it('yields the CO2 list’s record for a project the analytics feed leaves out (CDC-106 and CDC-107 live)', async () => {
    const server = await serve(cercarbonoRoutes(files, { missingFromAnalytics: [2, 45] }));
    const records = await fetchAll(context(server));
    const listedOnly = records.filter((r) => r.sourceKind === 'standard-projects');
    expect(listedOnly.map((r) => r.naturalKey)).toEqual(['2', '45']);
    const result = cercarbono.normalize(listedOnly[0]!);
    expect(result.ok && result.projects[0]).toMatchObject({
      registryProjectId: '2',
      completeness: 'full',
      name: 'Carbono Agrorios',
      status: 'Certified',
      countryCode: 'CO',
      projectTypes: ['Land use (AFOLU)'],
      methodologies: [{ id: 'AR-ACM0003', version: null }],
      attributes: { code: 'CDC-2', developer: 'Forestry Consulting Group S.A.S.' },
    });
    // Its retirements still come: the project is in the CO2 list.
    expect(records.some((r) => r.sourceKind === 'retirements' && r.payload.project_id === 2)).toBe(true);
    const placeholder = cercarbono.normalize(listedOnly[1]!);
    expect(placeholder.ok && placeholder.projects[0]!.attributes.placeholder).toEqual({ reason: 'name "-" is a placeholder' });
  });

  it('serves a data set with no serials (a small generated one can have none) without the other standard’s project, which copies one with serials', async () => {
    const noSerials = { ...files, issuances: { ...files.issuances, rows: [] } };
    const server = await serve(cercarbonoRoutes(noSerials));
    const records = await fetchAll(context(server));
    expect(records.filter((r) => r.sourceKind === 'projects').map((r) => r.naturalKey)).toEqual(files.projects.rows.map((row) => row.record.id));
    expect(records.filter((r) => r.sourceKind === 'issuances')).toEqual([]);
    expect(records.filter((r) => r.sourceKind === 'retirements').map((r) => r.naturalKey)).toEqual(
      files.retirements.rows.map((row) => retirementKey(row.record)),
    );
  });

  it('reports ERROR_401 sent with HTTP 200 as a config error, on any of the feeds', async () => {
    for (const path of [CERCARBONO_PATHS.standardProjects, CERCARBONO_PATHS.retirements]) {
      const server = await serve();
      server.fail(path, { kind: 'replace-body', body: ECOREGISTRY_ERROR_401 });
      const error = await failure(context(server));
      expect(error.failureType, path).toBe('config');
      expect(error.message).toContain('ERROR_401');
      expect(error.message).toContain('"platform: ecoregistry"');
      expect(server.requests.at(-1)!.path).toBe(path);
    }
  });

  it('fails with a format error on other error messages, HTML, a body that is not JSON, or a feed without records', async () => {
    const cases: [Fault, RegExp][] = [
      [{ kind: 'replace-body', body: JSON.stringify({ status: 0, codeMessages: [{ codeMessage: 'ERROR_500' }] }) }, /error messages instead of data/],
      [{ kind: 'html' }, /HTML page instead of JSON/],
      [{ kind: 'replace-body', body: 'Service Unavailable' }, /not valid JSON/],
      [{ kind: 'replace-body', body: '' }, /no records under "project"/],
      [{ kind: 'replace-body', body: JSON.stringify({ projects: [{ id: 1 }] }) }, /no records under "project"/],
      [{ kind: 'replace-body', body: JSON.stringify({ project: [1, 2] }) }, /element 0 of "project" is 1, not an object/],
    ];
    for (const [fault, message] of cases) {
      const server = await serve();
      server.fail(CERCARBONO_PATHS.projects, fault);
      const error = await failure(context(server));
      expect(error.failureType, String(message)).toBe('format');
      expect(error.message).toMatch(message);
    }
  });

  it('fails with a format error naming a field the feed no longer sends', async () => {
    const server = await serve();
    server.fail(CERCARBONO_PATHS.retirements, { kind: 'rename-column', from: 'quantity', to: 'amount' });
    const error = await failure(context(server));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('Cercarbono /analytics/get-retirements: missing required field "quantity"');

    const serials = await serve();
    serials.fail(CERCARBONO_PATHS.projects, { kind: 'rename-column', from: 'issued_quantity', to: 'quantity_issued' });
    expect((await failure(context(serials))).message).toContain('missing required field "issued_quantity"');
  });

  it('reports a response cut short as transient', async () => {
    const server = await serve();
    server.fail(CERCARBONO_PATHS.retirements, { kind: 'truncate' }, { kind: 'truncate' });
    const error = await failure(context(server));
    expect(error.failureType).toBe('transient');
  });

  it('streams each list: a record comes out while the rest of the answer is still on its way', async () => {
    const routes = cercarbonoRoutes();
    const reply = (path: string) => JSON.parse(routes({ method: 'GET', path, query: new URLSearchParams(), body: '', headers: {} })!.body) as { project: unknown[] };
    const [first, ...rest] = reply(CERCARBONO_PATHS.projects).project;
    let finish: (() => void) | undefined;
    // The registry sends the first project, then holds the rest of its answer back.
    const server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      if (request.url === CERCARBONO_PATHS.standardProjects) {
        response.end(routes({ method: 'GET', path: CERCARBONO_PATHS.standardProjects, query: new URLSearchParams(), body: '', headers: {} })!.body);
        return;
      }
      response.write(`{"project":[${JSON.stringify(first)}`);
      finish = () => response.end(`${rest.map((project) => `,${JSON.stringify(project)}`).join('')}]}`);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const ctx = harness.context(`http://127.0.0.1:${port}`, { startedAt: new Date() });
      const iterator = cercarbono.fetch(ctx)[Symbol.asyncIterator]();
      const next = await iterator.next();
      expect(next.value).toMatchObject({ sourceKind: 'projects', naturalKey: '1' });
      expect(finish).toBeDefined();
      finish!();
      await iterator.return?.();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
