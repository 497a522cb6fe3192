/**
 * Gold Standard for the shared connector suites: a local stand-in for the public JSON API
 * (registries.md §3.1–3.4) built from the real CSV exports, and per-project totals computed
 * straight from those CSV files, never through the connector.
 *
 * The emulated registry is the state the three CSV files describe, in the API's terms: the
 * API lists blocks of units in their current state (§3.4), so each issuance row (a whole batch)
 * is served as the blocks its batch is split into by the retirement rows of the same batch
 * (`RETIRED`/`CANCELLED` blocks, and `ISSUED` blocks for the units left), and every other
 * retirement-file row as a `RETIRED`/`CANCELLED` block of a batch whose issuance row is not in
 * the sample (the fixtures are samples, §0.2).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { countryCode } from '../../../connectors/common/countries.ts';
import { goldStandard } from '../../../connectors/gold-standard/index.ts';
import type { Route } from '../registry-server.ts';
import type { ConnectorFixture, ProjectTotals } from './types.ts';

const fixtureDir = 'test/fixtures/registries/gold-standard';

/** Page sizes the real API allows (§3.1): projects silently clamp to 150, credits above 25 get a 403. */
const MAX_PROJECTS_PAGE = 150;
const MAX_CREDITS_PAGE = 25;

type Row = Record<string, string>;
export type ApiRecord = Record<string, unknown>;

export interface GoldStandardCsvFiles {
  projects: Row[];
  issuances: Row[];
  retirements: Row[];
}

export function readGoldStandardCsv(dir = fixtureDir): GoldStandardCsvFiles {
  const read = (file: string) => parse(readFileSync(join(dir, file)), { columns: true, bom: true, skip_empty_lines: true }) as Row[];
  return { projects: read('projects.csv'), issuances: read('issuances.csv'), retirements: read('retirements.csv') };
}

/** A serial's unit range inside its namespace, by plain string work (GS and CDM formats). */
export function serialRange(serial: string): { namespace: string; first: number; last: number } {
  const sides = serial.split(' - ');
  if (sides.length === 2) {
    // CDM: party-type-unit-cp-cp-lulucf-project on each side; the unit is the third segment.
    const left = sides[0]!.split('-');
    const right = sides[1]!.split('-');
    return { namespace: `CDM-${left[0]}-${left[1]}-${left[6]}`, first: Number(left[2]), last: Number(right[2]) };
  }
  const segments = serial.split('-');
  return { namespace: segments.slice(0, -2).join('-'), first: Number(segments.at(-2)), last: Number(segments.at(-1)) };
}

function withinRange(inner: { namespace: string; first: number; last: number }, outer: { namespace: string; first: number; last: number }): boolean {
  return inner.namespace === outer.namespace && inner.first >= outer.first && inner.last <= outer.last;
}

const blank = (value: string | undefined) => (value ?? '').trim() === '';
const orNull = (value: string | undefined) => (blank(value) ? null : value!);
/** `12856.0` (pandas) → 12856. */
const gsidNumber = (value: string | undefined) => (blank(value) ? null : Math.round(Number(value)));
/** The API's enum style: `Emission Reduction` → `EMISSION_REDUCTION`, `Listed` → `LISTED`. */
const apiEnum = (value: string) => value.trim().toUpperCase().replace(/[^A-Z0-9]+/g, '_');
/** The API's own id differs from the GSID (§3.2); any deterministic number does here. */
const internalProjectId = (gsid: string) => String(1_000_000 + Number(gsid));
/** `International` projects carry `XZ` in the API (§3.5). */
const apiCountryCode = (country: string) => countryCode(country) ?? 'XZ';

function apiProjectRecord(row: Row): ApiRecord {
  const gsid = row.GSID!;
  return {
    id: internalProjectId(gsid),
    sustaincert_id: Number(gsid),
    name: row['Project Name'],
    status: apiEnum(row.Status!),
    type: row['Project Type'],
    methodology: orNull(row.Methodology),
    size: row.Size,
    country: row.Country,
    country_code: apiCountryCode(row.Country!),
    state: null,
    project_developer: row['Project Developer Name'],
    carbon_stream: 'GS_VER',
    gsf_standards_version: null,
    crediting_period_start_date: null,
    crediting_period_end_date: null,
    estimated_annual_credits: blank(row['Estimated Annual Credits']) ? null : Number(row['Estimated Annual Credits']),
    programme_of_activities: row['Programme of Activities'],
    poa_project_id: blank(row['POA GSID']) ? null : internalProjectId(String(gsidNumber(row['POA GSID']))),
    poa_project_sustaincert_id: gsidNumber(row['POA GSID']),
    poa_project_name: null,
    sustaincert_url: `https://assurance-platform.goldstandard.org/project-documents/GS${gsid}`,
    labels: [],
    sustainable_development_goals: row['Sustainable Development Goals']!
      .split(',')
      .filter((goal) => goal.trim() !== '')
      .map((goal) => ({ name: `Goal ${goal.trim()}` })),
    description: row.Description,
  };
}

/** The project object a credit embeds, from the project columns repeated on a CSV transaction row. */
function embeddedProject(row: Row): ApiRecord {
  return {
    id: internalProjectId(row.GSID!),
    sustaincert_id: Number(row.GSID),
    name: row['Project Name'],
    status: null,
    type: row['Project Type'],
    methodology: orNull(row.Methodology),
    country: row.Country,
    country_code: apiCountryCode(row.Country!),
    project_developer: row['Project Developer'],
    programme_of_activities: row['Programme of Activities'],
    poa_project_sustaincert_id: gsidNumber(row['POA GSID']),
  };
}

function creditRecord(row: Row, serial: string, status: string): Omit<ApiRecord, 'id'> {
  const range = serialRange(serial);
  const isCdm = serial.includes(' - ');
  return {
    serial_number: serial,
    number_of_credits: range.last - range.first + 1,
    batch_number: isCdm ? null : Number(serial.split('-')[6]),
    starting_credit_number: range.first,
    ending_credit_number: range.last,
    vintage: row.Vintage,
    status,
    certified_date: row['Issuance Date']!.slice(0, 10),
    monitoring_period_start_date: orNull(row['Monitoring Period Start']),
    monitoring_period_end_date: orNull(row['Monitoring Period End']),
    product: { name: row['Product Type'] === 'CER' ? 'Certified Emission Reduction' : 'Verified Emission Reduction', abbreviation: row['Product Type'] },
    labels: (row.Label ?? '').split(',').filter((label) => label.trim() !== '').map(apiEnum),
    retirement_use_case: status === 'ISSUED' ? null : orNull(row['Use Case']),
    note: status === 'ISSUED' ? null : orNull(row.Note),
    project: embeddedProject(row),
  };
}

const RETIREMENT_STATUS: Record<string, string> = { Retired: 'RETIRED', Canceled: 'CANCELLED' };

/**
 * The registry state the CSV files describe, as the API would list it: projects and credit
 * blocks, each in descending `id` order.
 */
export function goldStandardApiState(files: GoldStandardCsvFiles = readGoldStandardCsv()): { projects: ApiRecord[]; credits: ApiRecord[] } {
  const blocks: Omit<ApiRecord, 'id'>[] = [];
  for (const issuance of files.issuances) {
    const batch = serialRange(issuance['Serial Number']!);
    const carved = files.retirements
      .map((row) => ({ row, range: serialRange(row['Serial Number']!) }))
      .filter(({ row, range }) => row.GSID === issuance.GSID && withinRange(range, batch))
      .sort((a, b) => a.range.first - b.range.first);
    // The units of the batch nobody retired or cancelled are still `ISSUED`, in the gaps.
    let next = batch.first;
    const gaps: [number, number][] = [];
    for (const { range } of carved) {
      if (range.first > next) gaps.push([next, range.first - 1]);
      next = range.last + 1;
    }
    if (next <= batch.last) gaps.push([next, batch.last]);
    if (issuance['Serial Number']!.includes(' - ')) {
      // CDM blocks of the sample have no retirements; splitting them is not emulated.
      if (carved.length > 0) throw new Error(`fixture: retirements inside CDM block ${issuance['Serial Number']} are not emulated`);
      blocks.push(creditRecord(issuance, issuance['Serial Number']!, 'ISSUED'));
      continue;
    }
    for (const [first, last] of gaps) blocks.push(creditRecord(issuance, `${batch.namespace}-${first}-${last}`, 'ISSUED'));
  }
  for (const row of files.retirements) {
    const status = RETIREMENT_STATUS[row['Credit Status']!];
    if (!status) throw new Error(`fixture: unknown Credit Status "${row['Credit Status']}"`);
    blocks.push(creditRecord(row, row['Serial Number']!, status));
  }
  const credits = blocks.map((block, index) => ({ id: String(600_000 + blocks.length - index), ...block }));
  const projects = files.projects.map(apiProjectRecord).sort((a, b) => Number(b.id) - Number(a.id));
  return { projects, credits };
}

/** Serves `/projects` and `/credits` pages as the public API does (§3.1): bare JSON arrays, totals in headers. */
export function goldStandardRoutes(state = goldStandardApiState()): Route {
  return ({ method, path, query }) => {
    if (method !== 'GET' || (path !== '/projects' && path !== '/credits')) return null;
    const records = path === '/projects' ? state.projects : state.credits;
    const asked = Number(query.get('size') ?? '25');
    if (path === '/credits' && asked > MAX_CREDITS_PAGE) {
      return { status: 403, headers: { 'content-type': 'text/html' }, body: '<html><body>Forbidden</body></html>' };
    }
    const size = Math.max(1, Math.min(asked, MAX_PROJECTS_PAGE));
    const page = Math.max(1, Number(query.get('page') ?? '1'));
    const items = records.slice((page - 1) * size, page * size);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'x-total-count': String(records.length) };
    if (path === '/credits') {
      headers['x-total-number-of-credits'] = String(records.reduce((sum, record) => sum + Number(record.number_of_credits), 0));
    }
    // Compact JSON, as the API sends it (the fault suite renames `"field":` keys in the text).
    return { headers, body: JSON.stringify(items) };
  };
}

function add(totals: Map<string, ProjectTotals>, gsid: string, kind: keyof ProjectTotals, quantity: number): void {
  const entry = totals.get(gsid) ?? { issued: 0, retired: 0, cancelled: 0 };
  entry[kind] += quantity;
  totals.set(gsid, entry);
}

/**
 * Per-GSID totals of the CSV ledgers themselves, which is what a sync of the exports
 * (`readExports`) must reproduce: issued = Σ `Quantity` of the issuance rows; retired and
 * cancelled = Σ `Quantity` of the `Retired` and `Canceled` rows of the retirement file.
 */
export function goldStandardLedgerTotals(dir = fixtureDir): Map<string, ProjectTotals> {
  const files = readGoldStandardCsv(dir);
  const totals = new Map<string, ProjectTotals>();
  for (const row of files.issuances) add(totals, row.GSID!, 'issued', Number(row.Quantity));
  for (const row of files.retirements) add(totals, row.GSID!, row['Credit Status'] === 'Canceled' ? 'cancelled' : 'retired', Number(row.Quantity));
  return totals;
}

/**
 * Per-GSID totals of the registry state the CSV files describe, which is what a sync over the
 * API must reproduce. As the ledger totals, except that every retired or cancelled unit was
 * issued: a retirement-file row whose batch has no issuance row in the files (the issuance
 * export is a sample, §0.2) adds its quantity to `issued` too, because the API counts every
 * block as issued whatever its status (§3.4).
 */
export function goldStandardRegistryTotals(dir = fixtureDir): Map<string, ProjectTotals> {
  const files = readGoldStandardCsv(dir);
  const totals = goldStandardLedgerTotals(dir);
  const batches = files.issuances.map((row) => ({ gsid: row.GSID!, range: serialRange(row['Serial Number']!) }));
  for (const row of files.retirements) {
    const range = serialRange(row['Serial Number']!);
    if (!batches.some((batch) => batch.gsid === row.GSID && withinRange(range, batch.range))) add(totals, row.GSID!, 'issued', Number(row.Quantity));
  }
  return totals;
}

export const goldStandardFixture: ConnectorFixture = {
  connector: goldStandard,
  fixtureDir,
  routes: () => goldStandardRoutes(),
  faultPath: '/credits',
  requiredField: { from: 'serial_number', to: 'serialNumber' },
  totalsFromRawFiles: () => goldStandardRegistryTotals(),
  malformedRecord() {
    const state = goldStandardApiState();
    const target = state.credits[5]!;
    // A block whose count disagrees with its serial's unit range.
    const credits = state.credits.map((record) => (record === target ? { ...record, number_of_credits: 999_999_999 } : record));
    return { routes: goldStandardRoutes({ projects: state.projects, credits }), naturalKey: String(target.id), reason: 'quantity_mismatch' };
  },
};
