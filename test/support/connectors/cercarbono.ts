/**
 * Cercarbono's EcoRegistry feeds emulated over the real fixture exports (registries.md §6):
 * each endpoint answers its whole list in one JSON body rebuilt from CarbonPlan's CSV rows.
 *
 * - `GET /project/public-by-standard/cercarbono-co2`: `{ standardName, standardId,
 *   creditUnit, projects: [...] }` in the list's own shape (`projectStage`, `sectors`,
 *   `methodology`, `protocols`, `locationText`, §6 [rb]), built from projects.csv.
 * - `GET /analytics/projects`: `{ project: [...] }`, projects.csv rows with their `serials`.
 *   The fixture's issuance ledger is issuances.csv, the first 100 of the 890 serials that
 *   projects.csv embeds; each project embeds exactly its serials from issuances.csv, so the
 *   feed and the files describe one registry and the totals agree.
 * - `GET /analytics/get-retirements`: `{ retirements: [...] }`, retirements.csv in the
 *   fixture's shape (the live record shape is UNCONFIRMED to match it, §6).
 *
 * The bulk feeds mix in another standard's records, as the platform does: one project and
 * one retirement copied from real rows under a `cercarbono-biodiversity` project id that the
 * CO2 list does not have. A sync must leave them out.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { cercarbono } from '../../../connectors/cercarbono/index.ts';
import { parsePythonLiteral } from '../../../connectors/common/python-repr.ts';
import { readCsvExport, type CsvExport, type Route } from '../registry-server.ts';
import { jsonFromRow, type CellType } from './flattened-json.ts';
import type { ConnectorFixture, ProjectTotals } from './types.ts';

const fixtureDir = 'test/fixtures/registries/cercarbono';

export const CERCARBONO_PATHS = {
  standardProjects: '/project/public-by-standard/cercarbono-co2',
  projects: '/analytics/projects',
  retirements: '/analytics/get-retirements',
} as const;

/** The body EcoRegistry answers, with HTTP 200, to a request without its `platform`/`lng` headers (§6 [rb]). */
export const ECOREGISTRY_ERROR_401 = JSON.stringify({
  status: 0,
  codeMessages: [{ codeMessage: 'ERROR_401', param: 'invalid', message: 'No autorizado' }],
});

/** Id of the other standard's project the bulk feeds mix in. */
export const OTHER_STANDARD_PROJECT_ID = 900001;

export interface CercarbonoFiles {
  projects: CsvExport;
  issuances: CsvExport;
  retirements: CsvExport;
}

export function readCercarbonoFiles(dir = fixtureDir): CercarbonoFiles {
  return {
    projects: readCsvExport(`${dir}/projects.csv`),
    issuances: readCsvExport(`${dir}/issuances.csv`),
    retirements: readCsvExport(`${dir}/retirements.csv`),
  };
}

const CELL_TYPES: Record<string, CellType> = {
  id: 'number',
  is_public: 'boolean',
  sector: 'list',
  locations: 'list',
  serials: 'list',
  annualEstimated: 'number',
  verification: 'number',
  issued_quantity: 'number',
  year: 'number',
  is_buffer: 'boolean',
  global_goals: 'list',
  elegible: 'list',
  project_id: 'number',
  vintage: 'number',
  quantity: 'number',
  from: 'number',
  to: 'number',
};

const cercarbonoCellType = (column: string): CellType => CELL_TYPES[column] ?? 'string';

export interface CercarbonoRouteOptions {
  /** Project ids `analytics/projects` leaves out while the CO2 list has them (CDC-106 and CDC-107 live). */
  missingFromAnalytics?: number[];
  /** Mix another standard's project and retirement into the bulk feeds (default true). */
  otherStandard?: boolean;
}

type Json = Record<string, unknown>;

/** The numeric project id in a serial's segment 2 (CarbonPlan's rule, §6). */
export const serialProjectId = (serial: string): string => serial.split('_')[1]!;

export function cercarbonoRoutes(files: CercarbonoFiles = readCercarbonoFiles(), options: CercarbonoRouteOptions = {}): Route {
  const { missingFromAnalytics = [], otherStandard = true } = options;
  const projectRows = files.projects.rows.map((row) => row.record);

  // Which project embeds which serial, from projects.csv's own `serials` lists.
  const projectOfSerial = new Map<string, string>();
  for (const row of projectRows) {
    const parsed = parsePythonLiteral(row.serials);
    if (!parsed.ok || !Array.isArray(parsed.value)) throw new Error(`project ${row.id}: serials unreadable`);
    for (const serial of parsed.value) projectOfSerial.set((serial as { serial: string }).serial, row.id!);
  }
  const serialsOf = new Map<string, Json[]>();
  for (const { record } of files.issuances.rows) {
    const project = projectOfSerial.get(record.serial!) ?? serialProjectId(record.serial!);
    serialsOf.set(project, [...(serialsOf.get(project) ?? []), jsonFromRow(record, cercarbonoCellType)]);
  }

  const analyticsProjects: Json[] = projectRows.map((row) => ({ ...jsonFromRow(row, cercarbonoCellType), serials: serialsOf.get(row.id!) ?? [] }));
  const standardList: Json[] = analyticsProjects.map((project) => ({
    id: project.id,
    code: project.code,
    name: project.name,
    projectStage: project.stage,
    sectors: ((project.sector as Json[] | null) ?? []).map((sector) => ({ description: sector.description })),
    methodology: project.quantification_method === 'Not defined' ? [] : [{ description: project.quantification_method }],
    protocols: [{ description: project.evaluation_criteria }],
    locationText: ((project.locations as Json[] | null) ?? [])[0]?.country ?? null,
    developer: project.developer,
  }));
  const retirements: Json[] = files.retirements.rows.map((row) => jsonFromRow(row.record, cercarbonoCellType));

  const feedProjects = analyticsProjects.filter((project) => !missingFromAnalytics.includes(project.id as number));
  const feedRetirements = [...retirements];
  // The other standard's project copies a project with serials, and its retirement the first
  // retirement: a data set without either (a small generated one can have no serials) has
  // nothing to mix.
  const donor = analyticsProjects.find((project) => (project.serials as Json[]).length > 0);
  const firstRetirement = retirements[0];
  if (otherStandard && donor && firstRetirement) {
    const serials = (donor.serials as Json[]).map((serial) => ({ ...serial, serial: `CBD_${OTHER_STANDARD_PROJECT_ID}_${serial.serial}` }));
    feedProjects.splice(1, 0, { ...donor, id: OTHER_STANDARD_PROJECT_ID, code: 'CBD-1', standard: 'Cercarbono Biodiversity', serials });
    feedRetirements.splice(2, 0, { ...firstRetirement, project_id: OTHER_STANDARD_PROJECT_ID, serial: serials[0]!.serial });
  }

  const json = (body: unknown) => ({ headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
  return ({ method, path }) => {
    if (method !== 'GET') return null;
    if (path === CERCARBONO_PATHS.standardProjects) {
      return json({ standardName: 'Carbono', standardId: 1, creditUnit: 'tCO2e', projects: standardList });
    }
    if (path === CERCARBONO_PATHS.projects) return json({ project: feedProjects });
    if (path === CERCARBONO_PATHS.retirements) return json({ retirements: feedRetirements });
    return null;
  };
}

function rows(file: string): Record<string, string>[] {
  return parse(readFileSync(`${fixtureDir}/${file}`, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/**
 * Issued and retired credits per numeric project id, straight from the CSV files: issuances by
 * the project id in each serial's segment 2, retirements by their `project_id`. Buffer serials
 * are issuances too. No cancellation ledger.
 */
export function cercarbonoTotalsFromCsv(): Map<string, ProjectTotals> {
  const totals = new Map<string, ProjectTotals>();
  const entry = (project: string): ProjectTotals => {
    const found = totals.get(project) ?? { issued: 0, retired: 0, cancelled: 0 };
    totals.set(project, found);
    return found;
  };
  for (const row of rows('issuances.csv')) entry(serialProjectId(row.serial!)).issued += Number(row.issued_quantity);
  for (const row of rows('retirements.csv')) entry(row.project_id!).retired += Number(row.quantity);
  return totals;
}

export const cercarbonoFixture: ConnectorFixture = {
  connector: cercarbono,
  fixtureDir,
  routes: () => cercarbonoRoutes(),
  faultPath: CERCARBONO_PATHS.retirements,
  requiredField: { from: 'quantity', to: 'amount' },
  totalsFromRawFiles: cercarbonoTotalsFromCsv,
  malformedRecord() {
    const files = readCercarbonoFiles();
    const target = files.retirements.rows[4]!;
    // The unit range no longer covers the published quantity.
    const record = { ...target.record, quantity: '999999' };
    const retirements = { ...files.retirements, rows: files.retirements.rows.map((row) => (row === target ? { record, raw: row.raw } : row)) };
    const { serial, from, to } = target.record;
    return { routes: cercarbonoRoutes({ ...files, retirements }), naturalKey: `${serial}:${from}-${to}`, reason: 'quantity_mismatch' };
  },
};
