/**
 * The APX report export (registries.md §4.1, measured on CAR): for each report,
 *
 *   GET  <base>/myModule/rpt/myrpt.asp?r=<reportId>     → session cookie, CSRF token `c16e`,
 *                                                         the `frmDownload` form, printed total
 *   POST <base>/myModule/include/rptdownload.asp        → the whole report as CSV
 *        (form `frmDownload` as the page renders it, `FormatType=csv`, with the cookie)
 *
 * The form's fields are copied from the page, none invented (`Data=Stamp_0` is a handle to the
 * recordset the server stored in the session when it rendered the page, so the GET cannot be
 * skipped). A stale or missing token does not fail: APX answers with its home page and HTTP 200,
 * which is detected here and reported as a `format` error. The CSV is Windows-1252 with
 * undoubled quotes and a trailing empty column (see text.ts). The row count is checked against
 * the total the report page prints (`1 - 50 : 1277`), the only place APX states it.
 */
import type { Readable } from 'node:stream';
import { ConnectorError, type FetchContext, type RawRecord } from '../contract.ts';
import { readApxCsv } from './exports.ts';
import { APX_SOURCES, type ApxRegistry } from './registries.ts';
import { declaredCharset, decodeExportText, rejectHtmlBody, repairApxQuoting } from './text.ts';

/** The fields APX's own `downloadnow()` posts besides the ones the page renders (§4.1). */
const CSV_FORMAT = 'csv';

/** Session cookies set by the registry, sent back on every later request of the run. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Stores the cookies of a `Set-Cookie` header (the HTTP client joins repeats with `, `). */
  store(header: string | undefined): void {
    if (!header) return;
    // Split between cookies, not inside an `Expires=Wed, 21 Oct …` attribute.
    for (const cookie of header.split(/,(?=\s*[^;,=\s]+=)/)) {
      const [pair = ''] = cookie.split(';');
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      this.#cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
    }
  }

  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** The value of one attribute of a tag's text, entities decoded; null when absent. */
function attribute(tag: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  if (!match) return null;
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '');
}

/** Name → value of the `<input>`s and `<textarea>`s of the form named `formName`, by `name` (never `id`). */
export function formFields(html: string, formName: string): Map<string, string> | null {
  const forms = html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi);
  for (const [, attributes = '', inner = ''] of forms) {
    if (attribute(` ${attributes}`, 'name') !== formName) continue;
    const fields = new Map<string, string>();
    for (const [tag] of inner.matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(tag, 'name');
      if (name) fields.set(name, attribute(tag, 'value') ?? '');
    }
    for (const [, tagAttributes = '', value = ''] of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
      const name = attribute(` ${tagAttributes}`, 'name');
      if (name) fields.set(name, decodeEntities(value));
    }
    return fields;
  }
  return null;
}

/**
 * The CSRF token: from the form when it carries it, else from the page script that appends it
 * to the paging form (`hiddenInput.setAttribute('name', "c16e"); …setAttribute('value', '…')`).
 */
export function csrfToken(html: string, fields: Map<string, string> | null): string | null {
  const fromForm = fields?.get('c16e');
  if (fromForm) return fromForm;
  const script = /['"]c16e['"][\s\S]{0,300}?setAttribute\(\s*['"]value['"]\s*,\s*['"]([^'"]+)['"]/i.exec(html);
  if (script) return script[1]!;
  const input = /<input\b[^>]*\bname\s*=\s*['"]?c16e['"]?[^>]*>/i.exec(html);
  return input ? attribute(input[0], 'value') : null;
}

/** The report total APX prints above the pager (`<td align="center">1 - 50 : 1277</td>`). */
export function printedTotal(html: string): number | null {
  const match = />\s*[\d,]+\s*-\s*[\d,]+\s*:\s*([\d,]+)\s*</.exec(html);
  return match ? Number(match[1]!.replaceAll(',', '')) : null;
}

async function readText(body: Readable, source: string): Promise<string> {
  let text = '';
  for await (const part of decodeExportText(body, null, source)) text += part;
  return text;
}

function homePageError(label: string, url: string, reportId: number): ConnectorError {
  return new ConnectorError(
    'format',
    `${label} ${url} (report r=${reportId}) answered with an HTML page instead of the CSV export: APX returns its home page ` +
      'with HTTP 200 when the session cookie or the c16e CSRF token is missing or stale (registries.md §4.1), ' +
      'or the report export has moved',
  );
}

/**
 * Fetches the four report exports of an APX registry (projects, issuances, retirements,
 * cancellations), each as one CSV streamed row by row. Needs `config.apxReports`.
 */
export async function* fetchApxReports(config: ApxRegistry, ctx: FetchContext): AsyncGenerator<RawRecord> {
  const reports = config.apxReports;
  if (!reports) throw new ConnectorError('config', `${config.label}: no APX report ids are configured`);
  const base = ctx.baseUrl.replace(/\/+$/, '');
  const jar = new CookieJar();
  const downloadUrl = `${base}/myModule/include/rptdownload.asp`;

  for (const sourceKind of APX_SOURCES) {
    ctx.signal?.throwIfAborted();
    const reportId = reports[sourceKind];
    const pageUrl = `${base}/myModule/rpt/myrpt.asp?r=${reportId}`;
    const cookie = jar.header();
    ctx.logger.debug({ url: pageUrl }, `${config.programId}: opening report page`);
    const page = await ctx.http.request(pageUrl, {
      headers: { Accept: 'text/html', ...(cookie ? { Cookie: cookie } : {}) },
      signal: ctx.signal,
    });
    jar.store(page.headers['set-cookie']);
    const html = await readText(page.body, pageUrl);
    const fields = formFields(html, 'frmDownload');
    const token = csrfToken(html, fields);
    if (!fields || !token) {
      const missing = [!fields ? 'the frmDownload form' : null, !token ? 'the c16e CSRF token' : null].filter(Boolean).join(' and ');
      throw new ConnectorError('format', `${config.label} report page ${pageUrl} has no ${missing}: the APX report page has changed or moved`);
    }
    fields.set('c16e', token);
    fields.set('FormatType', CSV_FORMAT);
    const total = printedTotal(html);

    const sessionCookie = jar.header();
    ctx.logger.debug({ url: downloadUrl, reportId }, `${config.programId}: downloading CSV export`);
    const response = await ctx.http.request(downloadUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'text/csv, application/save, */*',
        Referer: pageUrl,
        ...(sessionCookie ? { Cookie: sessionCookie } : {}),
      },
      body: new URLSearchParams([...fields]).toString(),
      signal: ctx.signal,
    });
    jar.store(response.headers['set-cookie']);
    const contentType = response.headers['content-type'] ?? '';
    if (/text\/html/i.test(contentType)) {
      response.body.destroy();
      throw homePageError(config.label, downloadUrl, reportId);
    }
    const bytes = rejectHtmlBody(response.body, () => homePageError(config.label, downloadUrl, reportId));
    const text = repairApxQuoting(decodeExportText(bytes, declaredCharset(contentType), downloadUrl));
    let rows = 0;
    // An empty ledger may come back as a bare header; the project list may not.
    for await (const record of readApxCsv(text, config, sourceKind, `${config.label} ${downloadUrl} (r=${reportId})`, sourceKind !== 'projects')) {
      rows += 1;
      yield record;
    }
    if (total !== null && rows !== total) {
      throw new ConnectorError(
        'transient',
        `${config.label} report r=${reportId}: the CSV export has ${rows} rows but the report page printed a total of ${total}; the export looks incomplete`,
      );
    }
    ctx.logger.debug({ reportId, rows, printedTotal: total }, `${config.programId}: ${sourceKind} export read`);
  }
}
