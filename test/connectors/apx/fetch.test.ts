import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { acr } from '../../../connectors/acr/index.ts';
import { GREENTRACE_SOURCES } from '../../../connectors/apx/greentrace.ts';
import { artTrees } from '../../../connectors/art-trees/index.ts';
import { car } from '../../../connectors/car/index.ts';
import type { Connector, FetchContext, NormalizedCredit, RawRecord } from '../../../connectors/contract.ts';
import {
  acrFixtureDir,
  acrGreenTraceBook,
  acrTotalsFromCsv,
  greenTracePaths,
  greenTraceRoutes,
  type GreenTraceBook,
} from '../../support/connectors/acr.ts';
import { artGreenTraceBook, artTotalsFromCsv, artTreesFixtureDir } from '../../support/connectors/art-trees.ts';
import {
  APX_HOME_PAGE,
  CAR_SESSION_COOKIE,
  CAR_TOKEN,
  DOWNLOAD_PATH,
  PAGE_PATH,
  carFixtureDir,
  carReports,
  carRoutes,
  windows1252,
} from '../../support/connectors/car.ts';
import type { ProjectTotals } from '../../support/connectors/types.ts';
import { useFetchHarness } from '../../support/fetch-harness.ts';
import { collect, connectorError as failure } from '../../support/connectors/records.ts';
import type { Route } from '../../support/registry-server.ts';

const harness = useFetchHarness();
const serve = (route: Route) => harness.serve(route);

function context(baseUrl: string): FetchContext {
  return harness.context(`${baseUrl}/`);
}

const fetchAll = (connector: Connector, baseUrl: string): Promise<RawRecord[]> => collect(connector.fetch(context(baseUrl)));
const readAll = (connector: Connector, dir: string): Promise<RawRecord[]> => collect(connector.readExports(dir));

function creditsOf(connector: Connector, records: readonly RawRecord[]): NormalizedCredit[] {
  return records.flatMap((record) => {
    const result = connector.normalize(record);
    if (!result.ok) throw new Error(`${record.naturalKey}: ${result.rejection.detail}`);
    return result.credits;
  });
}

function totalsOf(credits: readonly NormalizedCredit[]): Map<string, ProjectTotals> {
  const totals = new Map<string, ProjectTotals>();
  for (const credit of credits) {
    const entry = totals.get(credit.registryProjectId) ?? { issued: 0, retired: 0, cancelled: 0 };
    if (credit.kind === 'issuance') entry.issued += credit.quantity;
    else if (credit.kind === 'retirement') entry.retired += credit.quantity;
    else entry.cancelled += credit.quantity;
    totals.set(credit.registryProjectId, entry);
  }
  return totals;
}

describe('car.fetch (APX report export with session cookie and CSRF token)', () => {
  it('opens each report page, then posts its frmDownload form back with cookie and token, and reads the CSV', async () => {
    const server = await serve(carRoutes());
    const records = await fetchAll(car, server.baseUrl);

    expect(server.requests.map((r) => `${r.method} ${r.path}${r.method === 'GET' ? `?r=${r.query.get('r')}` : ''}`)).toEqual([
      `GET ${PAGE_PATH}?r=111`,
      `POST ${DOWNLOAD_PATH}`,
      `GET ${PAGE_PATH}?r=112`,
      `POST ${DOWNLOAD_PATH}`,
      `GET ${PAGE_PATH}?r=206`,
      `POST ${DOWNLOAD_PATH}`,
      `GET ${PAGE_PATH}?r=308`,
      `POST ${DOWNLOAD_PATH}`,
    ]);
    const [firstPage, ...rest] = server.requests;
    expect(firstPage!.headers.cookie).toBeUndefined();
    for (const request of rest) expect(request.headers.cookie).toBe(`${CAR_SESSION_COOKIE}=NDPLKGHBJMOEKFNBAPGGLIEM`);
    const posts = server.requests.filter((r) => r.method === 'POST');
    for (const post of posts) {
      expect(post.headers['content-type']).toBe('application/x-www-form-urlencoded');
      const form = Object.fromEntries(new URLSearchParams(post.body));
      // All fifteen fields of the page's form, by name (`SortORder`, not its id `SortOrder`).
      expect(Object.keys(form).sort()).toEqual(
        ['c16e', 'myFilter', 'Data', 'Title', 'Exclude', 'Columns', 'Masks', 'ClassMasks', 'Headings', 'Parameters', 'ParametersOriginal', 'SortORder', 'FormatType', 'ReplaceExpression', 'ReplaceValue'].sort(),
      );
      expect(form).toMatchObject({ c16e: CAR_TOKEN, Data: 'Stamp_0', FormatType: 'csv' });
    }
    expect(posts.map((post) => new URLSearchParams(post.body).get('Title'))).toEqual([
      'Projects',
      'Project Offset Credits Issued',
      'Retired Offset Credits',
      'Canceled Offset Credits',
    ]);

    // Same records as the fixture files, and the same normalized rows (the raw export's trailing
    // column is `""` where CarbonPlan's files have `Unnamed: N`, which normalize leaves out).
    const fromFiles = await readAll(car, carFixtureDir);
    expect(records.map((r) => [r.sourceKind, r.naturalKey])).toEqual(fromFiles.map((r) => [r.sourceKind, r.naturalKey]));
    expect(records.map((r) => car.normalize(r))).toEqual(fromFiles.map((r) => car.normalize(r)));
    expect(records[0]!.payload).toHaveProperty('', '');
  });

  it('reads a value with undoubled quotes and a comma (13 CAR retirements, rb) as one cell', async () => {
    const reports = carReports();
    const details = '"Retirement of Carbon Offsets in behalf of Palo Alto City Utilities, from CARBIOIN project in Oaxaca. Developed under Climate Action Reserve Mexico Forest Protocol"';
    const retirements = { ...reports[206], rows: reports[206].rows.map((row, i) => (i === 2 ? { ...row, 'Retirement Reason Details': details } : row)) };
    const server = await serve(carRoutes(carFixtureDir, { reports: { 206: retirements } }));
    const records = await fetchAll(car, server.baseUrl);
    const key = `retirement:${retirements.rows[2]!['Offset Credit Serial Numbers']}`;
    const credit = creditsOf(car, records).find((c) => c.naturalKey === key)!;
    expect(credit.retirementNote).toBe(details);
    expect(records.filter((r) => r.payload.__malformed !== undefined)).toEqual([]);
  });

  it.each(['text/html', 'application/save'])(
    'reports the home page APX answers to a stale token (HTTP 200, %s) as a format error',
    async (contentType) => {
      const server = await serve(carRoutes(carFixtureDir, { acceptToken: 'cde72a6cfa7f72b986a8cba1aa01e181', homePageContentType: contentType }));
      const error = await failure(fetchAll(car, server.baseUrl));
      expect(error.failureType).toBe('format');
      expect(error.message).toContain('c16e');
      expect(error.message).toContain('r=111');
      expect(server.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    },
  );

  it('reports a report page without the token or the form as a format error', async () => {
    const routes = carRoutes();
    const server = await serve((request) => (request.method === 'GET' ? { headers: { 'content-type': 'text/html' }, body: APX_HOME_PAGE } : routes(request)));
    const error = await failure(fetchAll(car, server.baseUrl));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('frmDownload');
    expect(error.message).toContain('c16e');
  });

  it('fails as transient when the CSV has fewer rows than the total the report page printed', async () => {
    const routes = carRoutes();
    const server = await serve((request) => {
      const reply = routes(request);
      if (!reply || request.method !== 'POST' || new URLSearchParams(request.body).get('Title') !== 'Retired Offset Credits') return reply;
      const lines = reply.body.trimEnd().split('\r\n');
      return { ...reply, body: `${lines.slice(0, -1).join('\r\n')}\r\n` };
    });
    const error = await failure(fetchAll(car, server.baseUrl));
    expect(error.failureType).toBe('transient');
    expect(error.message).toContain('99 rows but the report page printed a total of 100');
  });

  it('decodes the Windows-1252 bytes APX sends (é, ó, –) without a declared charset', async () => {
    // startRegistryServer sends text as UTF-8, so this test serves the same routes byte-exact.
    const routes = carRoutes();
    const requests: { method: string; headers: IncomingHttpHeaders }[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        requests.push({ method: req.method ?? 'GET', headers: req.headers });
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const reply = routes({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        if (!reply) {
          res.writeHead(404).end();
          return;
        }
        const bytes = windows1252(reply.body);
        res.writeHead(reply.status ?? 200, { ...reply.headers, 'content-length': String(bytes.length) });
        res.end(bytes);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    harness.closeAfterTest({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const records = await fetchAll(car, baseUrl);
    const issuance = records.find((r) => r.naturalKey === 'issuance:CAR1568:v2025:2025-12-31:q22287')!;
    expect(issuance.payload['Project Site Location']).toBe('Othón P Blanco');
    const credits = creditsOf(car, records);
    expect(credits.filter((c) => c.retirementNote?.includes('LGT CP Premium Strategy GIM')).map((c) => c.retirementNote)).toContain(
      'Beneficiary: LGT CP Portfolio Management SICAV.  Retirement Reason: VCM Credits have been retired on behalf of LGT CP Portfolio Management SICAV – LGT CP Premium Strategy GIM',
    );
    const fromFiles = await readAll(car, carFixtureDir);
    expect(records.map((r) => car.normalize(r))).toEqual(fromFiles.map((r) => car.normalize(r)));
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(4);
  });
});

describe.each([
  ['acr', acr, 'ACR_REGISTRY', acrGreenTraceBook, acrTotalsFromCsv, acrFixtureDir],
  ['art-trees', artTrees, 'ART_REGISTRY', artGreenTraceBook, artTotalsFromCsv, artTreesFixtureDir],
] as const)('%s.fetch (ICE GreenTrace)', (_id, connector, tenant, bookOf, totalsFromCsv, fixtureDir) => {
  const paths = greenTracePaths(tenant);

  it('pages each report by offset against totalCount, however the server clamps `max`', async () => {
    const book: GreenTraceBook = bookOf();
    const server = await serve(greenTraceRoutes(tenant, book, { pageLimit: 7 }));
    const records = await fetchAll(connector, server.baseUrl);

    const counts = Object.fromEntries(Object.values(GREENTRACE_SOURCES).map((kind) => [kind, records.filter((r) => r.sourceKind === kind).length]));
    expect(counts).toEqual({
      [GREENTRACE_SOURCES.projects]: book.projects.length,
      [GREENTRACE_SOURCES.issued]: book.issued.length,
      [GREENTRACE_SOURCES.retired]: book.retired.length,
      [GREENTRACE_SOURCES.cancelled]: book.cancelled.length,
    });
    const forms = server.requests.map((r) => ({
      path: r.path,
      method: r.method,
      query: r.url.includes('?'),
      form: Object.fromEntries(new URLSearchParams(r.body)) as Record<string, string | undefined>,
    }));
    expect(forms.every((f) => f.method === 'POST' && !f.query && f.form.max === '2000')).toBe(true);
    const projectPages = forms.filter((f) => f.path === paths.projects);
    expect(projectPages.map((f) => [f.form.offset, f.form.pageNumber])).toEqual(
      Array.from({ length: Math.ceil(book.projects.length / 7) }, (_, i) => [String(i * 7), String(i + 1)]),
    );
    const statuses = forms.filter((f) => f.path === paths.holdings).map((f) => f.form.holdingStatus);
    expect([...new Set(statuses)]).toEqual(['ISSUED', 'RETIRED', 'CANCELED']);
    expect(statuses.filter((s) => s === 'RETIRED')).toHaveLength(Math.ceil(book.retired.length / 7));
    for (const request of server.requests) expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('normalizes every row; per-project totals equal the raw APX files’ (blocks summed, never `issuanceQuantity`)', async () => {
    const book = bookOf();
    const server = await serve(greenTraceRoutes(tenant, book));
    const records = await fetchAll(connector, server.baseUrl);
    const rejected = records.map((r) => [r.naturalKey, connector.normalize(r)] as const).filter(([, result]) => !result.ok);
    expect(rejected).toEqual([]);
    const credits = creditsOf(connector, records);
    const expected = totalsFromCsv(fixtureDir);
    expect(Object.fromEntries(totalsOf(credits))).toEqual(Object.fromEntries(expected));
    if (tenant === 'ACR_REGISTRY') {
      // Rows with buffer pool units come as two blocks that each restate the issuance's total.
      const summedParentTotals = book.issued.reduce((sum, row) => sum + Number(row.issuanceQuantity), 0);
      const issued = credits.filter((c) => c.kind === 'issuance').reduce((sum, c) => sum + c.quantity, 0);
      expect(summedParentTotals).toBeGreaterThan(issued);
      expect(credits.find((c) => c.attributes.isReserve === true)?.attributes.issuanceQuantity).toBeGreaterThan(0);
    }
  });

  it('normalizes the zero-padded `projectReferenceId` to the APX id, and keys ledger blocks as the APX exports do', async () => {
    const server = await serve(greenTraceRoutes(tenant, bookOf()));
    const records = await fetchAll(connector, server.baseUrl);
    const fromFiles = await readAll(connector, fixtureDir);
    const projectIds = (rs: readonly RawRecord[]) => new Set(creditsOf(connector, rs).map((c) => c.registryProjectId));
    expect(projectIds(records)).toEqual(projectIds(fromFiles));
    expect(records.filter((r) => r.sourceKind === GREENTRACE_SOURCES.projects).map((r) => r.naturalKey)).toEqual(
      fromFiles.filter((r) => r.sourceKind === 'projects').map((r) => r.naturalKey),
    );
    const ledgerKeys = (rs: readonly RawRecord[]) => creditsOf(connector, rs).filter((c) => c.kind !== 'issuance').map((c) => c.naturalKey).sort();
    expect(ledgerKeys(records)).toEqual(ledgerKeys(fromFiles));
  });

  it('fails with a format error on an HTML answer, a changed envelope, a renamed field or an empty page', async () => {
    const routes = greenTraceRoutes(tenant, bookOf());
    const html = await serve(routes);
    html.fail(paths.holdings, { kind: 'html' });
    expect((await failure(fetchAll(connector, html.baseUrl))).failureType).toBe('format');

    const envelope = await serve((request) => {
      const reply = routes(request);
      return reply && request.path === paths.holdings ? { ...reply, body: reply.body.replace('"issuedCredits"', '"credits"') } : reply;
    });
    const changed = await failure(fetchAll(connector, envelope.baseUrl));
    expect([changed.failureType, changed.message.includes('datasets.issuedCredits.rows')]).toEqual(['format', true]);

    const renamed = await serve(routes);
    renamed.fail(paths.holdings, { kind: 'rename-column', from: 'holdingSerialNumber', to: 'serialNumber' });
    const missing = await failure(fetchAll(connector, renamed.baseUrl));
    expect([missing.failureType, missing.message.includes('"holdingSerialNumber"')]).toEqual(['format', true]);

    const empty = await serve((request) => {
      const reply = routes(request);
      if (!reply || request.path !== paths.projects) return reply;
      const body = JSON.parse(reply.body) as { datasets: { projects: { rows: unknown[]; totalCount: number } } };
      body.datasets.projects = { rows: [], totalCount: 5 };
      return { ...reply, body: JSON.stringify(body) };
    });
    const stalled = await failure(fetchAll(connector, empty.baseUrl));
    expect([stalled.failureType, stalled.message.includes('empty page')]).toEqual(['format', true]);
  });

  it('reports the 401 "Invalid API Key" block GreenTrace puts on busy clients as transient, not as missing credentials', async () => {
    const server = await serve(greenTraceRoutes(tenant, bookOf()));
    server.fail(paths.holdings, { kind: 'status', status: 401 });
    const error = await failure(fetchAll(connector, server.baseUrl));
    expect(error.failureType).toBe('transient');
    expect(error.message).toContain('lifts the block with time');
  });
});

describe('GreenTrace rows', () => {
  it('carry the FCPF provenance of ART units to the project as a CATS cross-reference', async () => {
    const server = await serve(greenTraceRoutes('ART_REGISTRY', artGreenTraceBook()));
    const records = await fetchAll(artTrees, server.baseUrl);
    const fcpf = records.find((r) => r.naturalKey === 'retirement:FCPF-CI-130-2023-20-1 to 46404')!;
    const result = artTrees.normalize(fcpf);
    expect(result.ok && result.projects[0]!.crossReferences).toEqual([{ programId: 'cats', registryProjectId: 'FCPF-CI', relation: 'fcpf-carbon-fund' }]);
    expect(result.ok && result.credits[0]).toMatchObject({ registryProjectId: 'ART130', beneficiary: 'Emergent retiring on behalf of Chanel', transactionDate: '2026-04-08', issuanceDate: '2026-03-09' });
  });

  it('name conversions and keep the beneficiary apart from the account holder', async () => {
    const server = await serve(greenTraceRoutes('ACR_REGISTRY', acrGreenTraceBook()));
    const credits = creditsOf(acr, await fetchAll(acr, server.baseUrl));
    const conversion = credits.find((c) => c.naturalKey === 'cancellation:ACR-US-1185-2025-3078-1 to 85847')!;
    expect(conversion).toMatchObject({ kind: 'cancellation', retirementReason: 'Convert to Ecology offset credits', attributes: expect.objectContaining({ convertedToProgram: 'ecology-wa' }) });
    const retirement = credits.find((c) => c.naturalKey === 'retirement:ACR-FR-1129-2025-2917-30932 to 35143')!;
    expect(retirement).toMatchObject({ beneficiary: 'AWS', labels: ['CCP Approved'], attributes: expect.objectContaining({ accountHolderProfileName: '1423' }) });
    const premature = credits.find((c) => c.naturalKey === 'cancellation:ACR-US-741-2025-3014-1 to 60257')!;
    expect(premature).toMatchObject({ registryProjectId: 'ACR741', retirementNote: 'Premature issuance', attributes: expect.objectContaining({ projectReferenceId: 'ACR0741' }) });
  });
});
