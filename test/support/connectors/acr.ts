/**
 * American Carbon Registry on ICE GreenTrace (registries.md §4.2), emulated over the real APX
 * fixture exports, plus the GreenTrace API emulation ART TREES shares (art-trees.ts).
 *
 * The API: `POST /api/greentraceservice/v1/project/registry/<tenant>/project-summaries/results`
 * and `…/credit/registry/<tenant>/holding-summaries/results`, form-encoded `offset`,
 * `pageNumber`, `max` (clamped, silently, to 2000 — or to a smaller `pageLimit` so tests page),
 * `holdingStatus`; a JSON body or a query string answers 500, as on the live API. Envelope
 * `{ datasets: { <key>: { rows, totalCount } } }`.
 *
 * Field mapping assumed from the APX rows (fields the fixtures do not have are built
 * deterministically from the row's position):
 * - project list row: `projectId` = `ACR` + the number zero-padded to 4 digits (`ACR0586`);
 *   `projectKey` = `P<number>`; `projectName`, `projectDeveloper`, `projectType`,
 *   `projectMethodology` from the same-named APX columns; `projectStatus` = `Voluntary Status`,
 *   else the compliance status, upper-cased; `creditingProgram` from the compliance id's prefix
 *   (`California Air Resources Board`, `Washington Department of Ecology`, else `ACR`);
 *   `country` = `Project Site Country`; `issuedCredits` = `Total Number of Credits Registered`;
 *   `projectExtensionMap.complianceProjectId` = `Compliance Program ID (ARB or Ecology)`.
 * - issued ledger: one block per APX issuance row, two when the row has buffer pool units
 *   (`Credits Issued to Project` and `Credits Issued to Buffer Pool`, the buffer block with
 *   `isReserve: true`), each restating the row's `Total Credits Issued` as `issuanceQuantity`
 *   (as GreenTrace repeats the parent issuance's total on every block); serial
 *   `ACR-<country>-<number>-<vintage>-<synthetic batch>-1 to <block>`; `issuanceDate` and
 *   `issuanceVintageStartDate` from `Date Issued (GMT)` and `ReportingPeriodBegin`.
 * - retired / cancelled ledgers: one row per APX row; `holdingSerialNumber` = `Credit Serial
 *   Numbers`, `holdingQuantity` = `Quantity of Credits`, `retirementDate` / `cancellationDate` =
 *   `Status Effective (GMT)`, `retirementReason` the upper-snake enum of `Retirement Reason`
 *   with the text as `retirementReasonDisplayName`, `retirementPurpose` = `Purpose of
 *   Retirement`, `retirementOnBehalfOfName` = `Retired on Behalf of`,
 *   `accountHolderProfileName` = `registryAccountName` = `Account Holder`,
 *   `cancellationReasonDisplayName` = `Cancellation Type`, `cancellationReasonDescription` =
 *   `Cancellation Details`; `corsiaEligible` = `CORSIA Eligible` = Yes; `registryLabels` name
 *   the Yes flags (`CCP Approved`, CORSIA phases).
 */
import { acr } from '../../../connectors/acr/index.ts';
import type { Route } from '../registry-server.ts';
import { readRows, type Rows } from './car.ts';
import type { ConnectorFixture, ProjectTotals } from './types.ts';

export const acrFixtureDir = 'test/fixtures/registries/american-carbon-registry';

export type Json = Record<string, unknown>;

/** The rows a GreenTrace tenant serves. */
export interface GreenTraceBook {
  projects: Json[];
  issued: Json[];
  retired: Json[];
  cancelled: Json[];
}

export const GREENTRACE_API = '/api/greentraceservice/v1';

export function greenTracePaths(registryKey: string) {
  return {
    projects: `${GREENTRACE_API}/project/registry/${registryKey}/project-summaries/results`,
    holdings: `${GREENTRACE_API}/credit/registry/${registryKey}/holding-summaries/results`,
  };
}

/** Serves a GreenTrace tenant's book with the API's paging (`offset`/`max`, clamped) and envelope. */
export function greenTraceRoutes(registryKey: string, book: GreenTraceBook, options: { pageLimit?: number } = {}): Route {
  const paths = greenTracePaths(registryKey);
  const limit = Math.min(2000, options.pageLimit ?? 2000);
  return ({ method, path, query, body }) => {
    if (path !== paths.projects && path !== paths.holdings) return null;
    const spring500 = { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 500, message: 'No static resource.', path }) };
    // Only a form body works; a query string or a JSON body answers 500 (registries.md §4.2).
    if (method !== 'POST' || [...query.keys()].length > 0 || body.trimStart().startsWith('{')) return spring500;
    const form = new URLSearchParams(body);
    const offset = Number(form.get('offset') ?? '0');
    const max = Math.min(limit, Number(form.get('max') ?? '20'));
    let dataset: string;
    let rows: Json[];
    if (path === paths.projects) {
      dataset = 'projects';
      rows = book.projects;
    } else {
      const status = form.get('holdingStatus');
      if (status === 'ISSUED') [dataset, rows] = ['issuedCredits', book.issued];
      else if (status === 'RETIRED') [dataset, rows] = ['retiredCredits', book.retired];
      else if (status === 'CANCELED') [dataset, rows] = ['cancelledCredits', book.cancelled];
      else if (status === null) [dataset, rows] = ['holdings', [...book.issued, ...book.retired, ...book.cancelled]];
      else [dataset, rows] = ['holdings', []];
    }
    return {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ datasets: { [dataset]: { rows: rows.slice(offset, offset + max), totalCount: rows.length } } }),
    };
  };
}

/** `3/24/2026 9:08:01 PM` or `03/09/2026` → `2026-03-24`; blank → null. */
export function mdyToIso(text: string | undefined): string | null {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec((text ?? '').trim());
  if (!match) return null;
  return `${match[3]}-${match[1]!.padStart(2, '0')}-${match[2]!.padStart(2, '0')}`;
}

/** `ACR934` → `ACR0934`, GreenTrace's zero-padded reference id. */
export function padded(projectId: string): string {
  const match = /^([A-Z]+)(\d+)$/.exec(projectId.trim());
  return match ? `${match[1]}${match[2]!.padStart(4, '0')}` : projectId;
}

function enumOf(text: string | undefined): string | null {
  const value = (text ?? '').trim();
  return value === '' ? null : value.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');
}

function blank(text: string | undefined): string | null {
  return text === undefined || text.trim() === '' ? null : text;
}

function yes(text: string | undefined): boolean {
  return (text ?? '').trim().toLowerCase() === 'yes';
}

function link(url: string, label: string | null): Json {
  return { type: 'link', url, method: 'GET', params: [], label };
}

/** `registryLabels` objects for the Yes flags of an APX row. */
export function labelsOf(row: Record<string, string>, columns: readonly string[]): Json[] | null {
  const labels = columns
    .filter((column) => yes(row[column]))
    .map((column) => ({
      registryLabelKey: enumOf(column),
      registryLabelDisplayName: column,
      labelCategoryName: 'Registry Labels',
      labelDisplayName: column,
      links: [],
    }));
  return labels.length > 0 ? labels : null;
}

const credits = (text: string | undefined) => Number((text ?? '').replaceAll(',', '')) || 0;

const LABEL_COLUMNS = [
  'CCP Approved',
  'Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase)',
  'Eligible for CORSIA 2024-2026 Compliance Period (First Phase)',
];

/** The fields every GreenTrace credit row has, from the APX columns ACR and ART share in spirit. */
function creditRow(tenant: string, projectId: string, extra: Json): Json {
  const number = /\d+$/.exec(projectId)?.[0] ?? '';
  return {
    holdingKey: null,
    holdingSerialNumber: null,
    holdingStatus: null,
    holdingStatusEffectiveTimestamp: null,
    holdingQuantity: null,
    isEscrowed: null,
    isReserve: null,
    isTokenized: null,
    isSequestered: null,
    projectKey: `P${number}`,
    projectReferenceId: padded(projectId),
    projectIsPublic: true,
    accountHolderProfileName: null,
    registryAccountName: null,
    issuanceKey: null,
    issuanceVintageStartDate: null,
    vintage: null,
    issuanceDate: null,
    issuanceQuantity: null,
    cancellationKey: null,
    cancellationDate: null,
    cancellationReason: null,
    cancellationReasonDisplayName: null,
    cancellationReasonDescription: null,
    cancellationOnBehalfOfName: null,
    retirementKey: null,
    retirementDate: null,
    retirementReason: null,
    retirementReasonDisplayName: null,
    retirementPurpose: null,
    retirementOnBehalfOfName: null,
    registryCode: tenant,
    correspondingAdjustment: null,
    corsiaEligible: null,
    registryLabels: null,
    projectLink: link(`/${tenant.toLowerCase()}/projects/registry/${tenant}_REGISTRY/project/P${number}`, null),
    ...extra,
  };
}

/** ACR's GreenTrace book built from the APX fixture exports (mapping in the module comment). */
export function acrGreenTraceBook(fixtureDir = acrFixtureDir): GreenTraceBook {
  const projects = readRows(`${fixtureDir}/projects.csv`).rows.map((row): Json => {
    const id = row['Project ID']!;
    const compliance = blank(row['Compliance Program ID (ARB or Ecology)']);
    const creditingProgram = compliance?.startsWith('ECY')
      ? 'Washington Department of Ecology'
      : compliance?.startsWith('CA')
        ? 'California Air Resources Board'
        : 'ACR';
    return {
      details: link(`/acr/projects/registry/ACR_REGISTRY/project/P${id.slice(3)}`, row['Project Name'] ?? null),
      projectId: padded(id),
      projectKey: `P${id.slice(3)}`,
      projectName: row['Project Name'],
      projectStatus: (blank(row['Voluntary Status']) ?? row['Compliance Program Status (ARB or Ecology)'] ?? '').toUpperCase(),
      projectMethodology: row['Project Methodology/Protocol'],
      projectType: row['Project Type'],
      projectDeveloper: row['Project Developer'],
      creditingProgram,
      country: row['Project Site Country'],
      issuedCredits: credits(row['Total Number of Credits Registered ']),
      projectExtensionMap: { timingOfPublicDisplay: 'LISTING', ...(compliance ? { complianceProjectId: compliance } : {}) },
    };
  });

  const issued: Json[] = [];
  readRows(`${fixtureDir}/issuances.csv`).rows.forEach((row, index) => {
    const id = row['Project ID']!;
    const total = credits(row['Total Credits Issued']);
    const buffer = credits(row['Credits Issued to Buffer Pool']);
    const blocks = buffer > 0 ? [credits(row['Credits Issued to Project']), buffer] : [total];
    blocks.forEach((quantity, block) => {
      const batch = 900_000 + index * 2 + block;
      issued.push(
        creditRow('ACR', id, {
          holdingKey: `S${index}B${block}`,
          holdingSerialNumber: `ACR-${row['Project Site Country']}-${id.slice(3)}-${row.Vintage}-${batch}-1 to ${quantity}`,
          holdingQuantity: quantity,
          isReserve: block === 1 ? true : null,
          projectName: row['Project Name'],
          projectSiteLocationState: blank(row['Project Site State']),
          projectSiteLocationCountry: row['Project Site Country'],
          projectTypeName: row['Project Type'],
          developerProfileName: row['Project Developer'],
          issuanceKey: `I${index}`,
          issuanceVintageStartDate: mdyToIso(row.ReportingPeriodBegin),
          vintage: row.Vintage,
          issuanceDate: mdyToIso(row['Date Issued (GMT)']),
          issuanceQuantity: total,
          arbEligible: row['ARB Eligible'],
          ecologyEligible: row['Ecology Eligible'],
          registryLabels: labelsOf(row, LABEL_COLUMNS),
        }),
      );
    });
  });

  const ledger = (file: string, status: 'RETIRED' | 'CANCELED'): Json[] =>
    readRows(`${fixtureDir}/${file}`).rows.map((row, index) => {
      const date = mdyToIso(row['Status Effective (GMT)'] ?? row['Status Effective  (GMT)']);
      return creditRow('ACR', row['Project ID']!, {
        holdingKey: `H${status[0]}${index}`,
        holdingSerialNumber: row['Credit Serial Numbers'],
        holdingStatus: status,
        holdingQuantity: credits(row['Quantity of Credits']),
        isReserve: false,
        projectName: row['Project Name'],
        projectSiteLocationState: blank(row['Project Site State']),
        projectSiteLocationCountry: row['Project Site Country'],
        projectTypeName: row['Project Type'],
        accountHolderProfileName: row['Account Holder'],
        registryAccountName: row['Account Holder'],
        issuanceVintageStartDate: mdyToIso(row['Vintage Assignment Period Start Date']),
        vintage: row.Vintage,
        issuanceDate: mdyToIso(row['Date Issued (GMT)']),
        corsiaEligible: yes(row['CORSIA Eligible']),
        arbEligible: row['ARB Eligible'],
        ecologyEligible: row['Ecology Eligible'],
        registryLabels: labelsOf(row, LABEL_COLUMNS),
        ...(status === 'RETIRED'
          ? {
              retirementKey: `R${index}`,
              retirementDate: date,
              retirementReason: enumOf(row['Retirement Reason']),
              retirementReasonDisplayName: blank(row['Retirement Reason']),
              retirementPurpose: blank(row['Purpose of Retirement']),
              retirementOnBehalfOfName: blank(row['Retired on Behalf of']),
            }
          : {
              cancellationKey: `C${index}`,
              cancellationDate: date,
              cancellationReason: enumOf(row['Cancellation Type']),
              cancellationReasonDisplayName: blank(row['Cancellation Type']),
              cancellationReasonDescription: blank(row['Cancellation Details']),
            }),
      });
    });

  return { projects, issued, retired: ledger('retirements.csv', 'RETIRED'), cancelled: ledger('cancellations.csv', 'CANCELED') };
}

/**
 * Per-project totals straight from ACR's raw APX files: issued = `Total Credits Issued`,
 * retired and cancelled = `Quantity of Credits` of each ledger.
 */
export function acrTotalsFromCsv(fixtureDir = acrFixtureDir): Map<string, ProjectTotals> {
  return totalsOf([
    [readRows(`${fixtureDir}/issuances.csv`).rows, 'Project ID', 'Total Credits Issued', 'issued'],
    [readRows(`${fixtureDir}/retirements.csv`).rows, 'Project ID', 'Quantity of Credits', 'retired'],
    [readRows(`${fixtureDir}/cancellations.csv`).rows, 'Project ID', 'Quantity of Credits', 'cancelled'],
  ]);
}

/** Sums a quantity column per project over each (rows, project column, quantity column, total) given. */
export function totalsOf(sources: readonly [Rows, string, string, keyof ProjectTotals][]): Map<string, ProjectTotals> {
  const totals = new Map<string, ProjectTotals>();
  for (const [rows, projectColumn, quantityColumn, field] of sources) {
    for (const row of rows) {
      const project = row[projectColumn]!.trim();
      const entry = totals.get(project) ?? { issued: 0, retired: 0, cancelled: 0 };
      entry[field] += credits(row[quantityColumn]);
      totals.set(project, entry);
    }
  }
  return totals;
}

/** A book with the `index`-th retirement's quantity no longer matching its serial. */
export function brokenRetirement(book: GreenTraceBook, index = 3): { book: GreenTraceBook; serial: string } {
  const target = book.retired[index]!;
  return {
    book: { ...book, retired: book.retired.map((row) => (row === target ? { ...row, holdingQuantity: Number(row.holdingQuantity) + 1 } : row)) },
    serial: String(target.holdingSerialNumber),
  };
}

export const acrFixture: ConnectorFixture = {
  connector: acr,
  fixtureDir: acrFixtureDir,
  routes: () => greenTraceRoutes('ACR_REGISTRY', acrGreenTraceBook()),
  faultPath: greenTracePaths('ACR_REGISTRY').holdings,
  requiredField: { from: 'holdingQuantity', to: 'quantity' },
  malformedRecord() {
    const { book, serial } = brokenRetirement(acrGreenTraceBook());
    return { routes: greenTraceRoutes('ACR_REGISTRY', book), naturalKey: `retirement:${serial}`, reason: 'quantity_mismatch' };
  },
  totalsFromRawFiles: () => acrTotalsFromCsv(),
};
