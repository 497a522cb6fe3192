/**
 * Climate Action Reserve on APX (registries.md §4.1, §4.3), emulated over the real fixture
 * exports, or over any folder of the four exports (the bench serves its generated ones so):
 * `GET /myModule/rpt/myrpt.asp?r=<id>` renders a report page with a session cookie, the
 * CSRF token `c16e` (in the `frmDownload` form and in the page script) and the printed total;
 * `POST /myModule/include/rptdownload.asp` with that form returns the report as a raw APX CSV
 * (every field quoted, embedded quotes not doubled, a trailing empty column, CRLF). A POST with
 * a missing or stale token gets the APX home page with HTTP 200, as the live site does.
 *
 * The route can only return text, which the test server sends as UTF-8; Windows-1252 bytes
 * are tested with a server of the encoding test's own (test/connectors/apx/fetch.test.ts).
 */
import { readFileSync } from 'node:fs';
import { TextDecoder } from 'node:util';
import { parse } from 'csv-parse/sync';
import { car } from '../../../connectors/car/index.ts';
import type { Reply, Route } from '../registry-server.ts';
import type { ConnectorFixture, ProjectTotals } from './types.ts';

export const carFixtureDir = 'test/fixtures/registries/climate-action-reserve';

export type Rows = Record<string, string>[];

/**
 * An export CSV as header + rows, read with a plain RFC-4180 reader (independent of the
 * connector). Reads the pandas-written fixtures and raw APX exports alike (the bench generator's,
 * bench/generate/car.ts): UTF-8 or Windows-1252 bytes, and a blank header cell (APX's trailing
 * empty column) named `Unnamed: <index>` as pandas names it, so `apxCsv` drops it again. Raw
 * APX text with an undoubled quote inside a field is beyond it (the connector repairs those).
 */
export function readRows(path: string): { header: string[]; rows: Rows } {
  const text = exportText(readFileSync(path));
  const [cells] = parse(text, { to_line: 1, bom: true }) as string[][];
  const header = cells!.map((name, index) => (name === '' ? `Unnamed: ${index}` : name));
  const rows = parse(text, { columns: () => header, bom: true, skip_empty_lines: true }) as Rows;
  return { header, rows };
}

export const CAR_REPORTS = {
  111: { file: 'projects.csv', title: 'Projects' },
  112: { file: 'issuances.csv', title: 'Project Offset Credits Issued' },
  206: { file: 'retirements.csv', title: 'Retired Offset Credits' },
  308: { file: 'cancellations.csv', title: 'Canceled Offset Credits' },
} as const;
export type CarReportId = keyof typeof CAR_REPORTS;

export const CAR_TOKEN = 'a769d346108b2013d43ad454c031778c';
export const CAR_SESSION_COOKIE = 'ASPSESSIONIDCQSDTQQD';
export const PAGE_PATH = '/myModule/rpt/myrpt.asp';
export const DOWNLOAD_PATH = '/myModule/include/rptdownload.asp';

/**
 * A report as the APX exporter writes it: pandas' `Unnamed: N` column becomes the exporter's
 * trailing empty column, every field is wrapped in quotes and quotes inside are left undoubled.
 */
export function apxCsv(header: readonly string[], rows: Rows): string {
  const columns = apxColumns(header);
  return [apxCsvLine(columns), ...rows.map((row) => apxCsvLine(columns.map((name) => row[name] ?? '')))].join('\r\n') + '\r\n';
}

/** The columns APX writes: the header without pandas' `Unnamed: N` (the exporter's trailing empty column). */
export function apxColumns(header: readonly string[]): string[] {
  return header.filter((name) => !/^Unnamed: \d+$/.test(name));
}

/** One line of an APX report export, without its CRLF: every cell quoted as is, then the trailing comma. */
export function apxCsvLine(cells: readonly string[]): string {
  return `${cells.map((cell) => `"${cell}"`).join(',')},`;
}

/** Windows-1252 characters of bytes 0x80–0x9F (WHATWG index), in byte order. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Text as Windows-1252 bytes, the APX exporter's encoding (throws on a character it cannot hold). */
export function windows1252(text: string): Buffer {
  return Buffer.from(
    Array.from(text, (ch) => {
      const code = ch.codePointAt(0)!;
      if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) return code;
      const high = CP1252_HIGH.indexOf(ch);
      if (high < 0) throw new Error(`${JSON.stringify(ch)} has no Windows-1252 byte`);
      return 0x80 + high;
    }),
  );
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes of an export as text: UTF-8 when they are valid UTF-8, else Windows-1252 (what APX writes). */
export function exportText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Latin-1 agrees with Windows-1252 except on bytes 0x80–0x9F.
    return Buffer.from(bytes).toString('latin1').replace(/[\u0080-\u009f]/g, (ch) => CP1252_HIGH[ch.charCodeAt(0) - 0x80]!);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The report page: what the live page carries that the fetcher reads (forms, token script, total). */
export function reportPage(reportId: CarReportId, header: readonly string[], total: number, token = CAR_TOKEN): string {
  const { title } = CAR_REPORTS[reportId];
  const headings = apxColumns(header).join('|');
  const hidden = (name: string, value: string, id = name) => `<input type="hidden" name="${name}" id="${id}" value="${escapeHtml(value)}">`;
  return `<html><head><title>Climate Action Reserve - ${title}</title>
<script language="javascript">
function addhiddenCsrfInputToQTable() {
    setTimeout(function () {
        const elements = document.querySelectorAll("[id='xxxx2']");
        for (var i = 0; i < elements.length; i++) {
            if (elements[i].querySelectorAll(":scope > [name='c16e']").length == 0) {
                const hiddenInput = document.createElement('input');
                hiddenInput.setAttribute('name', "c16e");
                hiddenInput.setAttribute('value', '${token}');
                elements[i].appendChild(hiddenInput);
            }
        }
    }, 1000);
}
</script></head><body onload="addhiddenCsrfInputToQTable()">
<form name="xxxx2" id="xxxx2" method="post" action="/myModule/rpt/myrpt.asp">
${hidden('r', String(reportId))}${hidden('X999paging', '')}${hidden('X999whichpage', '')}
</form>
<form name="frmDownload" id="frmDownload" method="post" action="${DOWNLOAD_PATH}">
${hidden('c16e', token)}
${hidden('myFilter', '')}
${hidden('Data', 'Stamp_0')}
${hidden('Title', title)}
${hidden('Exclude', '')}
${hidden('Columns', headings)}
${hidden('Masks', '')}
${hidden('ClassMasks', '')}
${hidden('Headings', headings)}
${hidden('Parameters', `r=${reportId}`)}
${hidden('ParametersOriginal', `r=${reportId}`)}
${hidden('SortORder', '', 'SortOrder')}
${hidden('FormatType', '')}
${hidden('ReplaceExpression', '')}
${hidden('ReplaceValue', '')}
</form>
<table><tr><td align="center">1 - ${Math.min(50, total)} : ${total}</td></tr></table>
</body></html>`;
}

/** What APX answers to a POST without a valid token: its public home page, HTTP 200. */
export const APX_HOME_PAGE =
  '<html><head><title>Climate Action Reserve</title></head><body><form name="Login" action="/mymodule/checkLogin.asp"></form>' +
  '<table><tr><th>Message Type</th><th>Message</th><th>Receive Date</th></tr><tr><td colspan="3">No Records!</td></tr></table></body></html>';

export interface CarRouteOptions {
  /** Rows per report, when a test changes them (default: the fixture files). */
  reports?: Partial<Record<CarReportId, { header: string[]; rows: Rows }>>;
  /** Token the POST accepts; a different one than the page's makes the page's token stale. */
  acceptToken?: string;
  /** Content type of the home page answer (the live site says text/html). */
  homePageContentType?: string;
}

/**
 * The exports of each report in `dir`, read once: the fixtures by default, or any folder of the
 * four files in raw APX form (the bench serves its generated data set this way).
 */
export function carReports(dir = carFixtureDir): Record<CarReportId, { header: string[]; rows: Rows }> {
  return Object.fromEntries(
    Object.entries(CAR_REPORTS).map(([id, { file }]) => [id, readRows(`${dir}/${file}`)]),
  ) as Record<CarReportId, { header: string[]; rows: Rows }>;
}

/** The APX report pages and downloads over the exports in `dir` (see `carReports`). */
export function carRoutes(dir = carFixtureDir, options: CarRouteOptions = {}): Route {
  const reports = { ...carReports(dir), ...options.reports };
  const byTitle = new Map<string, CarReportId>(Object.entries(CAR_REPORTS).map(([id, { title }]) => [title, Number(id) as CarReportId]));
  return ({ method, path, query, body }): Reply | null => {
    if (method === 'GET' && path === PAGE_PATH) {
      const reportId = Number(query.get('r')) as CarReportId;
      const report = reports[reportId];
      if (!report) return { headers: { 'content-type': 'text/html' }, body: APX_HOME_PAGE };
      return {
        headers: {
          'content-type': 'text/html',
          'set-cookie': `${CAR_SESSION_COOKIE}=NDPLKGHBJMOEKFNBAPGGLIEM; path=/; HttpOnly; SameSite=Strict`,
        },
        body: reportPage(reportId, report.header, report.rows.length),
      };
    }
    if (method === 'POST' && path === DOWNLOAD_PATH) {
      const form = new URLSearchParams(body);
      const reportId = byTitle.get(form.get('Title') ?? '');
      const valid = form.get('c16e') === (options.acceptToken ?? CAR_TOKEN) && form.get('Data') === 'Stamp_0' && form.get('FormatType') === 'csv';
      if (!valid || reportId === undefined) {
        return { headers: { 'content-type': options.homePageContentType ?? 'text/html' }, body: APX_HOME_PAGE };
      }
      const report = reports[reportId];
      return {
        headers: { 'content-type': 'application/save', 'content-disposition': 'attachment; filename=temp.csv;' },
        body: apxCsv(report.header, report.rows),
      };
    }
    return null;
  };
}

function credits(value: string | undefined): number {
  return Number((value ?? '').replaceAll(',', '')) || 0;
}

/** Per-project totals straight from CAR's raw files: issued = `Total Offset Credits Issued`. */
export function carTotalsFromCsv(fixtureDir = carFixtureDir): Map<string, ProjectTotals> {
  const totals = new Map<string, ProjectTotals>();
  const add = (project: string | undefined, field: keyof ProjectTotals, quantity: number) => {
    const entry = totals.get(project!) ?? { issued: 0, retired: 0, cancelled: 0 };
    entry[field] += quantity;
    totals.set(project!, entry);
  };
  for (const row of readRows(`${fixtureDir}/issuances.csv`).rows) add(row['Project ID'], 'issued', credits(row['Total Offset Credits Issued']));
  for (const row of readRows(`${fixtureDir}/retirements.csv`).rows) add(row['Project ID'], 'retired', credits(row['Quantity of Offset Credits']));
  for (const row of readRows(`${fixtureDir}/cancellations.csv`).rows) add(row['Project ID'], 'cancelled', credits(row['Quantity of Offset Credits']));
  return totals;
}

export const carFixture: ConnectorFixture = {
  connector: car,
  fixtureDir: carFixtureDir,
  routes: () => carRoutes(carFixtureDir),
  faultPath: DOWNLOAD_PATH,
  requiredField: { from: 'Project ID', to: 'Project Number' },
  malformedRecord() {
    const retirements = readRows(`${carFixtureDir}/retirements.csv`);
    const target = retirements.rows[5]!;
    const rows = retirements.rows.map((row) => (row === target ? { ...row, 'Quantity of Offset Credits': '999999999' } : row));
    return {
      routes: carRoutes(carFixtureDir, { reports: { 206: { header: retirements.header, rows } } }),
      naturalKey: `retirement:${target['Offset Credit Serial Numbers']}`,
      reason: 'quantity_mismatch',
    };
  },
  totalsFromRawFiles: () => carTotalsFromCsv(carFixtureDir),
};
