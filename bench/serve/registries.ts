/**
 * Serves a generated data set over local HTTP the way each registry does, so the connectors'
 * real `fetch` reads it (paths, methods, paging, headers):
 *
 * - Verra: the test emulation's own route (`verraRoutes(dir)`: POST uiapi CSV exports, VCU
 *   blocks filtered by issuance month), pointed at the generated folder.
 * - Gold Standard: the public API's `/projects` and `/credits` pages (registries.md §3.1),
 *   served from the generated `api-*.ndjson`. The test route (`goldStandardRoutes`) cannot be
 *   reused at scale: its state is built from the CSV files by a scan of every retirement per
 *   issuance (quadratic) and it sums every block's credits on each page request; this one
 *   keeps each record's JSON text and answers a page by slicing.
 * - Climate Action Reserve: the test emulation's APX route (`carRoutes(dir)`: report page with
 *   the CSRF token and session cookie, then the POST download), pointed at the generated
 *   report exports. It serves them as UTF-8 text, as the connector tests do; the files on disk
 *   are Windows-1252, as APX writes them.
 * - ARB: the test emulation's route (`arbRoutes`: the page linking the workbook, then the
 *   workbook), with the workbook built once at start from the generated data sheet by the
 *   emulation's `buildArbWorkbook` (the data set holds the sheet as CSV, bench/generate/arb.ts).
 * - ACR and ART TREES: the test emulation's ICE GreenTrace API (`greenTraceRoutes`), one server
 *   per tenant (`ACR_REGISTRY`, `ART_REGISTRY`), with the book the emulation builds from the
 *   generated APX exports (`acrGreenTraceBook(dir)`, `artGreenTraceBook(dir)`). The book is held
 *   in memory: ACR at market size is about 17,000 ledger rows.
 * - Cercarbono: the test emulation's EcoRegistry feeds (`cercarbonoRoutes`: the CO2 standard's
 *   project list, `analytics/projects` with each project's serials embedded, the retirement
 *   ledger, another standard's records mixed in), built from the generated CSV files.
 * - Isometric: the test emulation's cursor pages (`isometricRoutes`, `first` ≤ 50), behind a
 *   check of the client secret the API wants in `x-client-secret` (`benchSecrets`).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { arbRoutes, buildArbWorkbook, readArbCsv } from '../../test/support/connectors/arb.ts';
import { acrGreenTraceBook, greenTraceRoutes } from '../../test/support/connectors/acr.ts';
import { artGreenTraceBook } from '../../test/support/connectors/art-trees.ts';
import { carRoutes } from '../../test/support/connectors/car.ts';
import { cercarbonoRoutes, readCercarbonoFiles } from '../../test/support/connectors/cercarbono.ts';
import { ISOMETRIC_TEST_SECRET, isometricRoutes, readIsometricFiles } from '../../test/support/connectors/isometric.ts';
import { startRegistryServer, verraRoutes, type RegistryServer, type Route } from '../../test/support/registry-server.ts';
import { arbFolder, arbSheetFile } from '../generate/arb.ts';
import { acrFolder, artTreesFolder, carFolder, cercarbonoFolder, isometricFolder } from '../generate/generate.ts';

/** Page sizes of the Gold Standard API (registries.md §3.1): projects clamp to 150, credits above 25 get a 403. */
const maxProjectsPage = 150;
const maxCreditsPage = 25;

/** The secrets each served registry wants (by the connector's variable name), for the sync's `SyncSource.secrets`. */
export const benchSecrets: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  isometric: { ISOMETRIC_CLIENT_SECRET: ISOMETRIC_TEST_SECRET },
};

export interface BenchRegistries {
  /** Base URL per program id, for `SyncSource.baseUrl` (or `<PROGRAM>_BASE_URL`). */
  baseUrls: { verra: string; 'gold-standard': string; car: string; acr: string; 'art-trees': string; arb: string; cercarbono: string; isometric: string };
  /** Requests served so far, per program. */
  requests(): Record<string, number>;
  close(): Promise<void>;
}

export async function startBenchRegistries(datasetDir: string): Promise<BenchRegistries> {
  const servers: [string, RegistryServer][] = [];
  try {
    servers.push(['verra', await startRegistryServer(verraRoutes(join(datasetDir, 'verra')))]);
    servers.push(['gold-standard', await startRegistryServer(await goldStandardApiRoutes(join(datasetDir, 'gold-standard')))]);
    servers.push(['car', await startRegistryServer(carRoutes(join(datasetDir, carFolder)))]);
    servers.push(['acr', await startRegistryServer(greenTraceRoutes('ACR_REGISTRY', acrGreenTraceBook(join(datasetDir, acrFolder))))]);
    servers.push(['art-trees', await startRegistryServer(greenTraceRoutes('ART_REGISTRY', artGreenTraceBook(join(datasetDir, artTreesFolder))))]);
    const arbSheet = readArbCsv(join(datasetDir, arbFolder, arbSheetFile));
    servers.push(['arb', await startRegistryServer(arbRoutes(await buildArbWorkbook(arbSheet), arbSheet))]);
    servers.push(['cercarbono', await startRegistryServer(cercarbonoRoutes(readCercarbonoFiles(join(datasetDir, cercarbonoFolder))))]);
    servers.push(['isometric', await startRegistryServer(withClientSecret(isometricRoutes(readIsometricFiles(join(datasetDir, isometricFolder)))))]);
  } catch (error) {
    await Promise.all(servers.map(([, server]) => server.close()));
    throw error;
  }
  const byProgram = Object.fromEntries(servers);
  return {
    baseUrls: {
      verra: byProgram.verra!.baseUrl,
      'gold-standard': byProgram['gold-standard']!.baseUrl,
      car: byProgram.car!.baseUrl,
      acr: byProgram.acr!.baseUrl,
      'art-trees': byProgram['art-trees']!.baseUrl,
      arb: byProgram.arb!.baseUrl,
      cercarbono: byProgram.cercarbono!.baseUrl,
      isometric: byProgram.isometric!.baseUrl,
    },
    requests: () => Object.fromEntries(servers.map(([program, server]) => [program, server.requests.length])),
    async close() {
      await Promise.all(servers.map(([, server]) => server.close()));
    },
  };
}

/** Lines of an NDJSON file, newest (last written) first, as the API orders by descending id. */
async function recordLines(path: string, onRecord?: (record: Record<string, unknown>) => void): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line === '') continue;
    lines.push(line);
    onRecord?.(JSON.parse(line) as Record<string, unknown>);
  }
  return lines.reverse();
}

async function goldStandardApiRoutes(dir: string): Promise<Route> {
  const projects = await recordLines(join(dir, 'api-projects.ndjson'));
  let units = 0;
  const credits = await recordLines(join(dir, 'api-credits.ndjson'), (record) => {
    units += Number(record.number_of_credits);
  });
  return ({ method, path, query }) => {
    if (method !== 'GET' || (path !== '/projects' && path !== '/credits')) return null;
    const lines = path === '/projects' ? projects : credits;
    const asked = Number(query.get('size') ?? '25');
    if (path === '/credits' && asked > maxCreditsPage) {
      return { status: 403, headers: { 'content-type': 'text/html' }, body: '<html><body>Forbidden</body></html>' };
    }
    const size = Math.max(1, Math.min(asked, maxProjectsPage));
    const page = Math.max(1, Number(query.get('page') ?? '1'));
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'x-total-count': String(lines.length) };
    if (path === '/credits') headers['x-total-number-of-credits'] = String(units);
    return { headers, body: `[${lines.slice((page - 1) * size, page * size).join(',')}]` };
  };
}

/** Isometric's routes, answering 401 to a request without the bench's client secret in `x-client-secret`. */
function withClientSecret(route: Route): Route {
  return (request) => {
    if (request.headers['x-client-secret'] !== ISOMETRIC_TEST_SECRET) {
      return { status: 401, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ detail: 'Invalid client secret' }) };
    }
    return route(request);
  };
}
