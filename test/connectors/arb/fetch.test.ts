import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorError, FetchContext, RawRecord } from '../../../connectors/contract.ts';
import { arb, workbookLink } from '../../../connectors/arb/index.ts';
import {
  ARB_PAGE_PATH,
  ARB_WORKBOOK_PATH,
  arbFixture,
  arbFixtureDir,
  arbPage,
  arbRoutes,
  buildArbWorkbook,
  readArbCsv,
  withRenamedColumn,
  workbookReply,
} from '../../support/connectors/arb.ts';
import { useFetchHarness } from '../../support/fetch-harness.ts';
import { collect, connectorError } from '../../support/connectors/records.ts';

let expected: RawRecord[] = [];
let workbook: Buffer;

beforeAll(async () => {
  expected = await collect(arb.readExports(arbFixtureDir));
  workbook = await buildArbWorkbook(readArbCsv());
});

const harness = useFetchHarness(() => arbFixture.routes());
const serve = harness.serve;

/** Log lines of a run, to find the temporary file fetch reports. */
function capturingLogger(): { logger: FetchContext['logger']; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

const context = (baseUrl: string, overrides: Partial<FetchContext> = {}): FetchContext => harness.context(baseUrl, overrides);
const fetchAll = (ctx: FetchContext): Promise<RawRecord[]> => collect(arb.fetch(ctx));
const fetchFailure = (ctx: FetchContext): Promise<ConnectorError> => connectorError(fetchAll(ctx));

function temporaryFile(lines: Record<string, unknown>[]): string {
  const line = lines.find((entry) => entry.msg === 'arb: temporary workbook file');
  if (typeof line?.file !== 'string') throw new Error('fetch logged no temporary file');
  return line.file;
}

describe('arb.fetch', () => {
  it('follows the ARB page to the workbook and yields the same records as the snapshot', async () => {
    const server = await serve();
    const { logger, lines } = capturingLogger();
    const records = await fetchAll(context(server.baseUrl, { logger }));
    expect(records).toEqual(expected);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${ARB_PAGE_PATH}`, `GET ${ARB_WORKBOOK_PATH}`]);
    expect(server.requests[1]!.headers.accept).toContain('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(server.requests[0]!.headers['user-agent']).toMatch(/CarbonRegistryHub/);
    // The temporary copy is gone once the rows are read.
    expect(existsSync(temporaryFile(lines))).toBe(false);
  });

  it('reads the workbook straight from ARB_BASE_URL when it is the workbook URL', async () => {
    const server = await serve();
    const records = await fetchAll(context(`${server.baseUrl}${ARB_WORKBOOK_PATH}`));
    expect(records).toEqual(expected);
    expect(server.requests.map((r) => r.path)).toEqual([ARB_WORKBOOK_PATH]);
  });

  it('retries a 500 on the workbook', async () => {
    const server = await serve();
    server.fail(ARB_WORKBOOK_PATH, { kind: 'status', status: 500 });
    expect(await fetchAll(context(server.baseUrl))).toHaveLength(expected.length);
    expect(server.requests.filter((r) => r.path === ARB_WORKBOOK_PATH)).toHaveLength(2);
  });

  it('sends the last ETag as a conditional request and yields nothing on 304', async () => {
    const routes = arbFixture.routes();
    const server = await serve((request) =>
      request.path === ARB_WORKBOOK_PATH ? { status: 304, body: '' } : routes(request),
    );
    const records = await fetchAll(context(server.baseUrl, { watermark: '"arboc-issuance-2026-04"' }));
    expect(records).toEqual([]);
    const workbookRequest = server.requests.find((r) => r.path === ARB_WORKBOOK_PATH)!;
    expect(workbookRequest.headers['if-none-match']).toBe('"arboc-issuance-2026-04"');
    // The page is always read: it changes with ARB's site, not with the table.
    expect(server.requests.find((r) => r.path === ARB_PAGE_PATH)!.headers['if-none-match']).toBeUndefined();
  });

  it('a download cut short fails as transient and leaves no temporary file', async () => {
    const server = await serve();
    server.fail(ARB_WORKBOOK_PATH, { kind: 'truncate' });
    const { logger, lines } = capturingLogger();
    const error = await fetchFailure(context(server.baseUrl, { logger }));
    expect(error.failureType).toBe('transient');
    expect(error.message).toContain(ARB_WORKBOOK_PATH);
    expect(existsSync(temporaryFile(lines))).toBe(false);
  });

  it('an HTML page where the workbook should be is a format error', async () => {
    const server = await serve();
    server.fail(ARB_WORKBOOK_PATH, { kind: 'html' });
    const error = await fetchFailure(context(server.baseUrl));
    expect(error.failureType).toBe('format');
    expect(error.message).toMatch(/HTML page where the issuance table workbook was expected/);
  });

  it('a body that is not a zip is a format error naming what came', async () => {
    const server = await serve();
    server.fail(ARB_WORKBOOK_PATH, { kind: 'replace-body', body: 'Service temporarily unavailable' });
    const error = await fetchFailure(context(server.baseUrl));
    expect(error.failureType).toBe('format');
    expect(error.message).toMatch(/not a zip file; starts with "Service temporarily unavailable"/);
  });

  it('a page without a workbook link, or a workbook gone, is a format error', async () => {
    const server = await serve((request) =>
      request.path === ARB_PAGE_PATH ? { headers: { 'content-type': 'text/html' }, body: '<html><a href="/other.pdf">PDF</a></html>' } : null,
    );
    const noLink = await fetchFailure(context(server.baseUrl));
    expect(noLink.failureType).toBe('format');
    expect(noLink.message).toMatch(/links no issuance table workbook/);
    const gone = await fetchFailure(context(`${server.baseUrl}${ARB_WORKBOOK_PATH}`));
    expect(gone.failureType).toBe('format');
    expect(gone.message).toMatch(/404/);
  });

  it('a workbook whose data sheet lacks a required column fails naming it', async () => {
    const broken = await buildArbWorkbook(withRenamedColumn(readArbCsv(), 'CARB Issuance ID', 'Issuance ID'));
    const server = await serve(arbRoutes(broken));
    const error = await fetchFailure(context(server.baseUrl));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('missing required column "CARB Issuance ID"');
  });

  it('a bad ARB_BASE_URL is a configuration error', async () => {
    expect(await fetchFailure(context('not a url'))).toMatchObject({ failureType: 'config' });
  });
});

describe('workbookLink', () => {
  const page = 'https://ww2.arb.ca.gov/resources/documents/arb-offset-credit-issuance-table';

  it('resolves the issuance workbook link against the page', () => {
    expect(workbookLink(arbPage('/sites/default/files/2026-04/nc-arboc_issuance.xlsx'), page)).toBe(
      'https://ww2.arb.ca.gov/sites/default/files/2026-04/nc-arboc_issuance.xlsx',
    );
  });

  it('prefers the issuance table among several workbooks, and takes a single one whatever its name', () => {
    const html = `<a href='/files/nc-CP4compliancereport.xlsx'>CP4</a> <a href="https://ww2.arb.ca.gov/files/arboc_issuance.xlsx?v=2&amp;x=1">table</a>`;
    expect(workbookLink(html, page)).toBe('https://ww2.arb.ca.gov/files/arboc_issuance.xlsx?v=2&x=1');
    expect(workbookLink('<a href="table.xlsx">t</a>', page)).toBe('https://ww2.arb.ca.gov/resources/documents/table.xlsx');
    expect(workbookLink('<a href="a.xlsx">a</a><a href="b.xlsx">b</a>', page)).toBeNull();
  });

  it('serves the workbook reply as bytes', async () => {
    const server = await serve((request) => (request.path === '/w.xlsx' ? workbookReply(workbook) : null));
    const response = await harness.http.request(`${server.baseUrl}/w.xlsx`);
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(workbook)).toBe(true);
  });
});
