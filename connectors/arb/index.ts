/**
 * California Air Resources Board (ARB) compliance offsets: the "ARB Offset Credit Issuance
 * Table", one XLSX workbook whose sheet `ARB Offset Credit Issuance` lists every ARB issuance
 * with its cumulative retirements (registries.md §10).
 *
 * - `fetch` downloads the workbook to a temporary file (an XLSX is a zip, read from a file)
 *   and streams the data sheet's rows. `ARB_BASE_URL` is either the workbook's own URL or the
 *   ARB page that links it; the default is that page, because the workbook's direct URL is
 *   not confirmed and has moved before (§10.1): the link on the page is followed.
 * - `readExports` reads a workbook downloaded by hand (`*.xlsx` in the folder) or, when there
 *   is none, the bundled snapshot `nc-arboc_issuance_sheet3.csv` (the data sheet as CarbonPlan
 *   converted it with pandas, §0.2). Both give the same raw records.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConnectorError, type Connector, type FetchContext, type RawRecord } from '../contract.ts';
import { MALFORMED, parseCsv, requireColumns } from '../common/csv.ts';
import {
  ARB_SOURCE,
  DATA_SHEET,
  DATA_SHEET_INDEX,
  DATE_COLUMNS,
  REQUIRED_COLUMNS,
  arbNaturalKey,
  normalizeArb,
} from './normalize.ts';
import { headerName, readXlsxSheet } from './xlsx.ts';

/** The ARB page that links the issuance workbook (registries.md §10.1). */
export const ARB_DOCUMENT_PATH = '/resources/documents/arb-offset-credit-issuance-table';
export const ARB_DEFAULT_URL = `https://ww2.arb.ca.gov${ARB_DOCUMENT_PATH}`;
/** The bundled snapshot: the data sheet converted to CSV by CarbonPlan's refresh script. */
export const ARB_SNAPSHOT_CSV = 'nc-arboc_issuance_sheet3.csv';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The linking page is read whole to find the link; a page larger than this is not that page. */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** Every zip file, hence every XLSX workbook, starts with a local file header `PK\x03\x04`. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

type Logger = FetchContext['logger'];

function toRawRecord(record: Record<string, unknown>): RawRecord {
  return { sourceKind: ARB_SOURCE, naturalKey: arbNaturalKey(record), payload: record };
}

function checkHeader(source: string): (header: string[]) => void {
  return (header) => requireColumns(header, REQUIRED_COLUMNS, source);
}

/** The workbook's data sheet, row by row. */
async function* readWorkbook(path: string, source: string, logger?: Logger): AsyncIterable<RawRecord> {
  const rows = readXlsxSheet(path, {
    source,
    sheetName: DATA_SHEET,
    fallbackIndex: DATA_SHEET_INDEX,
    dateColumns: DATE_COLUMNS,
    onHeader: (header, sheet) => checkHeader(sheet)(header),
    onSheet: ({ name, index, byName, sheets }) => {
      if (!byName) {
        logger?.warn({ source, sheet: name, index, sheets }, `arb: no sheet named "${DATA_SHEET}"; reading the sheet at position ${index + 1}`);
      }
    },
  });
  let count = 0;
  for await (const row of rows) {
    count += 1;
    yield toRawRecord(row.record);
  }
  logger?.debug({ source, rows: count }, 'arb: issuance table read');
}

/**
 * pandas wrote integer cells of columns that also hold blanks as floats (`2024.0`,
 * `107542.0`, registries.md §0.2). The workbook holds the integer, which the XLSX reader
 * renders `2024`; undoing the artefact makes the snapshot's raw records equal to the
 * workbook's.
 */
function undoPandasFloat(value: string): string {
  return /^-?\d+\.0$/.test(value) ? value.slice(0, -2) : value;
}

/** The bundled snapshot CSV, read as the workbook's data sheet. */
async function* readSnapshotCsv(path: string): AsyncIterable<RawRecord> {
  const items = parseCsv(createReadStream(path), {
    source: path,
    onHeader: (header) => checkHeader(path)(header.map(headerName)),
  });
  for await (const item of items) {
    const cells = 'record' in item ? item.record : typeof item.raw === 'string' ? { __raw: item.raw } : item.raw;
    const payload: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(cells)) payload[headerName(column)] = undoPandasFloat(value);
    if ('error' in item) payload[MALFORMED] = item.error;
    yield toRawRecord(payload);
  }
}

async function* readExports(dir: string): AsyncIterable<RawRecord> {
  const names = await readdir(dir).catch((error: unknown) => {
    throw new ConnectorError('config', `ARB export folder ${dir} cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  // `~$name.xlsx` is the lock file Excel leaves beside an open workbook.
  const workbooks = names.filter((name) => /\.xlsx$/i.test(name) && !name.startsWith('~$')).sort();
  if (workbooks.length > 1) {
    throw new ConnectorError(
      'config',
      `ARB export folder ${dir} holds several workbooks (${workbooks.join(', ')}): keep only the issuance table to load`,
    );
  }
  if (workbooks.length === 1) {
    const path = join(dir, workbooks[0]!);
    yield* readWorkbook(path, path);
    return;
  }
  const csv = join(dir, ARB_SNAPSHOT_CSV);
  if ((await stat(csv).catch(() => null))?.isFile()) {
    yield* readSnapshotCsv(csv);
    return;
  }
  throw new ConnectorError(
    'config',
    `ARB export folder ${dir} holds neither the issuance table workbook (*.xlsx, downloaded from ${ARB_DEFAULT_URL}) nor the snapshot ${ARB_SNAPSHOT_CSV}`,
  );
}

/** What `fetch` uses of the shared HTTP client's response (connectors/http.ts). */
interface Response {
  url: string;
  notModified: boolean;
  headers: Record<string, string>;
  body: Readable;
}

/** The configured URL to start from: a bare origin (a mirror, a test server) gets ARB's page path. */
function startUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new ConnectorError('config', `ARB_BASE_URL ${JSON.stringify(baseUrl)} is not a URL`, { cause: error });
  }
  if (url.pathname === '/' && url.search === '') url.pathname = ARB_DOCUMENT_PATH;
  return url.href;
}

function isHtml(response: Response): boolean {
  return /\b(?:text\/html|application\/xhtml)/i.test(response.headers['content-type'] ?? '');
}

/** Reads the page, at most MAX_PAGE_BYTES. */
async function readPage(response: Response): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_PAGE_BYTES) {
      response.body.destroy();
      throw new ConnectorError('format', `ARB page ${response.url} is larger than ${MAX_PAGE_BYTES} bytes: not the issuance table page`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The workbook's URL from the ARB page: the `.xlsx` link whose address names the issuance
 * table (`arboc_issuance`, `issuance`), else the only `.xlsx` link.
 */
export function workbookLink(html: string, pageUrl: string): string | null {
  const links: URL[] = [];
  for (const match of html.matchAll(/\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const href = (match[1] ?? match[2] ?? '').replace(/&amp;/g, '&').trim();
    let url: URL;
    try {
      url = new URL(href, pageUrl);
    } catch {
      continue;
    }
    if ((url.protocol === 'http:' || url.protocol === 'https:') && /\.xlsx$/i.test(url.pathname)) links.push(url);
  }
  const named = links.find((url) => /arboc_issuance/i.test(url.pathname)) ?? links.find((url) => /issuance/i.test(url.pathname));
  return (named ?? (links.length === 1 ? links[0] : undefined))?.href ?? null;
}

async function startsLikeZip(path: string): Promise<{ zip: boolean; head: string }> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(256);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    return { zip: bytes.subarray(0, 4).equals(ZIP_MAGIC), head: bytes.toString('utf8').replace(/\s+/g, ' ').slice(0, 120) };
  } finally {
    await file.close();
  }
}

/**
 * GETs `url` into `file`. An HTML answer at the configured URL is taken as the page that
 * links the workbook, and the link is followed once. Returns false when the server answered
 * 304 Not Modified to the conditional request.
 */
async function download(ctx: FetchContext, url: string, file: string, followPage: boolean): Promise<boolean> {
  ctx.logger.debug({ url }, 'arb: requesting');
  const response: Response = await ctx.http.request(url, {
    headers: { Accept: `${XLSX_TYPE}, application/octet-stream;q=0.9, text/html;q=0.5` },
    // Conditional GET of the workbook: the watermark holds the ETag the last run saw.
    ifNoneMatch: followPage ? undefined : (ctx.watermark ?? undefined),
    signal: ctx.signal,
  });
  if (response.notModified) {
    response.body.destroy();
    ctx.logger.info({ url }, 'arb: issuance table not modified since the last run');
    ctx.checkpoint?.({ watermark: ctx.watermark, sourceUnchanged: true });
    return false;
  }
  if (isHtml(response)) {
    if (!followPage) {
      response.body.destroy();
      throw new ConnectorError(
        'format',
        `ARB ${response.url} answered with an HTML page where the issuance table workbook was expected; set ARB_BASE_URL to the workbook's URL (linked from ${ARB_DEFAULT_URL})`,
      );
    }
    const link = workbookLink(await readPage(response), response.url);
    if (link === null) {
      throw new ConnectorError(
        'format',
        `ARB page ${response.url} links no issuance table workbook (.xlsx): has the page changed? Set ARB_BASE_URL to the workbook's own URL`,
      );
    }
    ctx.logger.debug({ page: response.url, workbook: link }, 'arb: following the workbook link');
    return download(ctx, link, file, false);
  }
  await pipeline(response.body, createWriteStream(file));
  const { zip, head } = await startsLikeZip(file);
  if (!zip) {
    throw new ConnectorError('format', `ARB ${response.url} did not answer with an XLSX workbook (not a zip file; starts with ${JSON.stringify(head)})`);
  }
  const { size } = await stat(file);
  ctx.checkpoint?.({ watermark: response.headers.etag ?? null });
  ctx.logger.info(
    { url: response.url, bytes: size, etag: response.headers.etag ?? null, lastModified: response.headers['last-modified'] ?? null },
    'arb: issuance table downloaded',
  );
  return true;
}

/**
 * Downloads the issuance table and streams its data sheet. The workbook is written to a
 * temporary folder first (a zip needs its end to be read, and the connection is not held
 * while rows are staged) and the folder is removed when the read ends, however it ends.
 */
async function* fetchArb(ctx: FetchContext): AsyncIterable<RawRecord> {
  const url = startUrl(ctx.baseUrl);
  const dir = await mkdtemp(join(tmpdir(), 'hub-arb-'));
  try {
    const file = join(dir, 'arboc_issuance.xlsx');
    ctx.logger.debug({ file }, 'arb: temporary workbook file');
    if (!(await download(ctx, url, file, true))) return;
    yield* readWorkbook(file, `ARB issuance table from ${url}`, ctx.logger);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const arb: Connector = {
  id: 'arb',
  displayName: 'California ARB compliance offsets',
  kind: 'compliance',
  homepage: 'https://ww2.arb.ca.gov/our-work/programs/compliance-offset-program',
  baseUrlEnv: 'ARB_BASE_URL',
  defaultBaseUrl: ARB_DEFAULT_URL,
  // ARB updates the table at noon Pacific on the 2nd and 4th business Wednesday (§10.1): a
  // weekly Thursday-noon poll sees every update within a day, in any server time zone.
  defaultSchedule: '0 12 * * 4',
  normalizerVersion: 1,
  fetch: fetchArb,
  readExports,
  normalize: normalizeArb,
};
