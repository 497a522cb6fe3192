/**
 * ART TREES on ICE GreenTrace (tenant `ART_REGISTRY`, registries.md §4.4), emulated over the
 * real APX fixture exports with the GreenTrace API of acr.ts.
 *
 * Field mapping assumed from the APX rows: project `projectId` = `ART` + the number padded to
 * 4 digits, `projectName` = `Program Name`, `projectDeveloper` = `Sovereign Program Developer`,
 * `projectType` = `Program Type`, `projectMethodology` = `creditingProgram` = `Crediting Program
 * and Standard`, `projectStatus` = `Status` upper-cased, `country` = ISO alpha-2 of `Program
 * Country`. Issued ledger: one block per APX issuance row of `Credits Verified` units, serial
 * `<ART|FCPF>-<country>-<number>-<vintage>-<synthetic batch>-1 to <n>` (`FCPF` for FCPF Carbon
 * Fund programs); the buffer deposit is assumed to sit in ART's buffer account, outside the
 * program's issuance ledger (UNCONFIRMED). Retired and cancelled ledgers: as ACR's, with
 * `Status Effective` as the date, `Date Approved` as `issuanceDate`, `Cancellation Reason` /
 * `Cancellation Details` as `cancellationReasonDisplayName` / `cancellationReasonDescription`.
 */
import { artTrees } from '../../../connectors/art-trees/index.ts';
import { countryCode } from '../../../connectors/common/countries.ts';
import {
  brokenRetirement,
  greenTracePaths,
  greenTraceRoutes,
  labelsOf,
  mdyToIso,
  padded,
  totalsOf,
  type GreenTraceBook,
  type Json,
} from './acr.ts';
import { readRows } from './car.ts';
import type { ConnectorFixture, ProjectTotals } from './types.ts';

export const artTreesFixtureDir = 'test/fixtures/registries/art-trees';

const LABEL_COLUMNS = [
  'CCP Approved',
  'Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase)',
  'Eligible for CORSIA 2024-2026 Compliance Period (First Phase)',
];

const credits = (text: string | undefined) => Number((text ?? '').replaceAll(',', '')) || 0;
const blank = (text: string | undefined) => (text === undefined || text.trim() === '' ? null : text);

function artRow(projectId: string, row: Record<string, string>, extra: Json): Json {
  const number = projectId.slice(3);
  return {
    holdingKey: null,
    holdingStatus: null,
    isReserve: false,
    projectKey: `P${number}`,
    projectReferenceId: padded(projectId),
    projectName: row['Program Name'],
    projectSiteLocationState: blank(row['Program Jurisdiction(s)']),
    projectSiteLocationCountry: countryCode(row['Program  Country']),
    projectTypeName: row['Program Type'],
    developerProfileName: blank(row['Sovereign Program Developer']),
    creditingProgram: row['Crediting Program and Standard'],
    vintage: row.Vintage,
    corsiaEligible: (row['CORSIA Eligible'] ?? '').trim().toLowerCase() === 'yes',
    registryLabels: labelsOf(row, LABEL_COLUMNS),
    registryCode: 'ART',
    ...extra,
  };
}

/** ART's GreenTrace book built from the APX fixture exports (mapping in the module comment). */
export function artGreenTraceBook(fixtureDir = artTreesFixtureDir): GreenTraceBook {
  const projects = readRows(`${fixtureDir}/projects.csv`).rows.map((row): Json => {
    const id = row['Program ID']!;
    return {
      projectId: padded(id),
      projectKey: `P${id.slice(3)}`,
      projectName: row['Program Name'],
      projectStatus: (row.Status ?? '').toUpperCase(),
      projectMethodology: row['Crediting Program and Standard'],
      projectType: row['Program Type'],
      projectDeveloper: row['Sovereign Program Developer'],
      creditingProgram: row['Crediting Program and Standard'],
      country: countryCode(row['Program  Country']),
      issuedCredits: 0,
      projectExtensionMap: { timingOfPublicDisplay: 'LISTING' },
    };
  });
  const issued = readRows(`${fixtureDir}/issuances.csv`).rows.map((row, index): Json => {
    const id = row['Program ID']!;
    const quantity = credits(row['Credits Verified']);
    const prefix = /^\s*FCPF/i.test(row['Crediting Program and Standard'] ?? '') ? 'FCPF' : 'ART';
    return artRow(id, row, {
      holdingKey: `S${index}`,
      holdingSerialNumber: `${prefix}-${countryCode(row['Program  Country'])}-${id.slice(3)}-${row.Vintage}-${800_000 + index}-1 to ${quantity}`,
      holdingQuantity: quantity,
      issuanceKey: `I${index}`,
      issuanceDate: mdyToIso(row['Date Approved']),
      issuanceQuantity: quantity,
    });
  });
  const ledger = (file: string, status: 'RETIRED' | 'CANCELED'): Json[] =>
    readRows(`${fixtureDir}/${file}`).rows.map((row, index) =>
      artRow(row['Program ID']!, row, {
        holdingKey: `H${status[0]}${index}`,
        holdingSerialNumber: row['Credit Serial Numbers'],
        holdingStatus: status,
        holdingQuantity: credits(row['Quantity of Credits']),
        accountHolderProfileName: blank(row['Account Holder']),
        registryAccountName: blank(row['Account Holder']),
        issuanceDate: mdyToIso(row['Date Approved']),
        ...(status === 'RETIRED'
          ? {
              retirementKey: `R${index}`,
              retirementDate: mdyToIso(row['Status Effective']),
              retirementReasonDisplayName: blank(row['Retirement Reason']),
              retirementPurpose: blank(row['Purpose of Retirement']),
              retirementOnBehalfOfName: blank(row['Retired on Behalf of']),
            }
          : {
              cancellationKey: `C${index}`,
              cancellationDate: mdyToIso(row['Status Effective']),
              cancellationReasonDisplayName: blank(row['Cancellation Reason']),
              cancellationReasonDescription: blank(row['Cancellation Details']),
            }),
      }),
    );
  return { projects, issued, retired: ledger('retirements.csv', 'RETIRED'), cancelled: ledger('cancellations.csv', 'CANCELED') };
}

/**
 * Per-program totals straight from ART's raw APX files: issued = `Credits Verified` (see
 * connectors/apx/index.ts for why not `Total Emission Reductions/Removals`).
 */
export function artTotalsFromCsv(fixtureDir = artTreesFixtureDir): Map<string, ProjectTotals> {
  return totalsOf([
    [readRows(`${fixtureDir}/issuances.csv`).rows, 'Program ID', 'Credits Verified', 'issued'],
    [readRows(`${fixtureDir}/retirements.csv`).rows, 'Program ID', 'Quantity of Credits', 'retired'],
    [readRows(`${fixtureDir}/cancellations.csv`).rows, 'Program ID', 'Quantity of Credits', 'cancelled'],
  ]);
}

export const artTreesFixture: ConnectorFixture = {
  connector: artTrees,
  fixtureDir: artTreesFixtureDir,
  routes: () => greenTraceRoutes('ART_REGISTRY', artGreenTraceBook()),
  faultPath: greenTracePaths('ART_REGISTRY').holdings,
  requiredField: { from: 'holdingQuantity', to: 'quantity' },
  malformedRecord() {
    const { book, serial } = brokenRetirement(artGreenTraceBook(), 1);
    return { routes: greenTraceRoutes('ART_REGISTRY', book), naturalKey: `retirement:${serial}`, reason: 'quantity_mismatch' };
  },
  totalsFromRawFiles: () => artTotalsFromCsv(),
};
