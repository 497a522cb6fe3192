/**
 * Verra (VCS) connector for the old `registry.verra.org/uiapi` CSV exports, the format of the
 * bundled fixtures (registries.md §2.1–2.2).
 *
 * Verra reportedly moved to the S&P Global platform in 2026 and the `uiapi` paths now answer
 * with the web app's HTML shell (registries.md §0.1); `fetch` detects that and fails with a
 * `format` error instead of storing nothing. The new platform's fetcher belongs beside this
 * one; `readExports` and `normalize` keep reading the old format.
 */
import type { Readable } from 'node:stream';
import { ConnectorError, type Connector, type FetchContext, type RawRecord } from '../contract.ts';
import { MALFORMED, csvPayloads, readCsvExports, requireColumns, type CsvExportFile } from '../common/csv.ts';
import {
  PROJECT_COLUMNS,
  TRANSACTION_COLUMNS,
  VERRA_SOURCES,
  normalizeVerra,
  verraNaturalKey,
} from './normalize.ts';

type VerraSource = (typeof VERRA_SOURCES)[keyof typeof VERRA_SOURCES];

const REQUIRED: Record<VerraSource, readonly string[]> = {
  projects: PROJECT_COLUMNS,
  transactions: TRANSACTION_COLUMNS,
};

/** Raw records of one CSV export; a row with the wrong cell count keeps what was read plus `__malformed`. */
async function* readCsv(
  input: Readable | AsyncIterable<Uint8Array | string>,
  sourceKind: VerraSource,
  source: string,
  allowEmpty = false,
): AsyncIterable<RawRecord> {
  const payloads = csvPayloads(input, {
    source,
    allowEmpty,
    onHeader: (header) => requireColumns(header, REQUIRED[sourceKind], source),
  });
  for await (const payload of payloads) yield { sourceKind, naturalKey: verraNaturalKey(sourceKind, payload), payload };
}

/** Export files inside a `--from-dir` directory, in the order they are read, with the columns each must have. */
const EXPORT_FILES: readonly CsvExportFile<VerraSource>[] = [
  { sourceKind: VERRA_SOURCES.projects, file: 'projects.csv', columns: REQUIRED.projects },
  { sourceKind: VERRA_SOURCES.transactions, file: 'transactions.csv', columns: REQUIRED.transactions },
];

function readExports(dir: string): AsyncIterable<RawRecord> {
  return readCsvExports(dir, EXPORT_FILES, {
    missing: (path) => `Verra export ${path} not found: the directory must hold projects.csv (project list) and transactions.csv (VCU export)`,
    naturalKey: verraNaturalKey,
  });
}

/** What `fetch` uses of the shared HTTP client's response (connectors/http.ts). */
interface ExportResponse {
  headers: Record<string, string>;
  body: Readable;
}

/** First VCU issuance month of the VCS registry export. */
const FIRST_MONTH = { year: 2009, month: 1 };

/** Calendar months from FIRST_MONTH to the month of `until` (UTC), each ending no later than `until`. */
function* issuanceMonths(until: Date): Generator<{ label: string; start: string; end: string }> {
  const last = until.toISOString().slice(0, 10);
  const endYear = until.getUTCFullYear();
  const endMonth = until.getUTCMonth() + 1;
  let { year, month } = FIRST_MONTH;
  while (year < endYear || (year === endYear && month <= endMonth)) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    const lastDay = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
    yield { label, start: `${label}-01`, end: lastDay < last ? lastDay : last };
    month += 1;
    if (month > 12) {
      year += 1;
      month = 1;
    }
  }
}

function htmlShellError(url: string): ConnectorError {
  return new ConnectorError(
    'format',
    `Verra ${url} answered with an HTML page instead of a CSV export: the old uiapi export now returns ` +
      'the web app shell, because Verra moved its registry to the S&P Global platform in 2026 ' +
      '(registries.md §0.1). The old-format fetcher cannot read it; use exports downloaded by hand ' +
      '(hub sync --program verra --from-dir DIR) until the new platform fetcher exists.',
  );
}

/**
 * Yields the body's chunks unchanged after checking that it does not start like an HTML
 * page (some servers send the app shell as `text/plain` or without a content type). Only the
 * first chunk(s) are held, never the body.
 */
async function* rejectHtml(body: Readable, url: string): AsyncGenerator<Uint8Array | string> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>;
  try {
    const held: (Uint8Array | string)[] = [];
    let head = '';
    while (head.trimStart().length < 16 && head.length < 4096) {
      const next = await chunks.next();
      if (next.done) break;
      held.push(next.value);
      head += typeof next.value === 'string' ? next.value : Buffer.from(next.value).toString('utf8');
    }
    const start = head.replace(/^\uFEFF/, '').trimStart().slice(0, 16).toLowerCase();
    if (start.startsWith('<!doctype') || start.startsWith('<html')) throw htmlShellError(url);
    yield* held;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  } finally {
    await chunks.return?.();
  }
}

async function* exportRequest(
  ctx: FetchContext,
  url: string,
  body: Record<string, unknown>,
  sourceKind: VerraSource,
  allowEmpty: boolean,
): AsyncIterable<RawRecord> {
  const origin = new URL(ctx.baseUrl).origin;
  ctx.logger.debug({ url, body }, 'verra: requesting CSV export');
  const response: ExportResponse = await ctx.http.request(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'text/csv',
      Origin: origin,
      Referer: `${origin}/`,
    },
    body: JSON.stringify(body),
    signal: ctx.signal,
  });
  if ((response.headers['content-type'] ?? '').toLowerCase().includes('text/html')) {
    response.body.destroy();
    throw htmlShellError(url);
  }
  yield* readCsv(rejectHtml(response.body, url), sourceKind, `Verra ${url}`, allowEmpty);
}

/**
 * The old platform's CSV exports (registries.md §2.1): the project list in one request, then
 * the VCU blocks month by month of issuance date, because an unfiltered export times out
 * (>300k rows) and `$skip`/`$top` are ignored. The export gives each block in its current
 * state, so every run reads every month again (retirements change old blocks); no watermark.
 * Nothing issued after `ctx.startedAt` is requested.
 */
async function* fetchVerra(ctx: FetchContext): AsyncIterable<RawRecord> {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  const projectsUrl = `${base}/uiapi/resource/resource/search?$skip=0&count=true&$format=csv&$exportFileName=allprojects.csv`;
  let projects = 0;
  for await (const record of exportRequest(ctx, projectsUrl, { program: 'VCS' }, VERRA_SOURCES.projects, false)) {
    projects += 1;
    yield record;
  }
  ctx.logger.debug({ rows: projects }, 'verra: project list read');

  const unitsUrl = `${base}/uiapi/asset/asset/search?$skip=0&count=true&$format=csv&$exportFileName=vcus.csv`;
  let blocks = 0;
  for (const month of issuanceMonths(ctx.startedAt)) {
    ctx.signal?.throwIfAborted();
    const filter = {
      program: 'VCS',
      issuanceTypeCodes: ['ISSUE'],
      issuanceStartInclusive: month.start,
      issuanceEndInclusive: month.end,
    };
    let rows = 0;
    let malformed = 0;
    // An empty month may come back as an empty body rather than a bare header.
    for await (const record of exportRequest(ctx, unitsUrl, filter, VERRA_SOURCES.transactions, true)) {
      rows += 1;
      if (record.payload[MALFORMED] !== undefined) malformed += 1;
      yield record;
    }
    blocks += rows;
    ctx.logger.debug({ month: month.label, rows, malformed }, 'verra: VCU export month read');
  }
  ctx.logger.info({ projects, blocks }, 'verra: export read');
}

export const verra: Connector = {
  id: 'verra',
  displayName: 'Verra (VCS)',
  kind: 'voluntary',
  homepage: 'https://registry.verra.org',
  baseUrlEnv: 'VERRA_BASE_URL',
  defaultBaseUrl: 'https://registry.verra.org',
  defaultSchedule: '0 3 * * *',
  normalizerVersion: 1,
  fetch: fetchVerra,
  readExports,
  normalize: normalizeVerra,
};
