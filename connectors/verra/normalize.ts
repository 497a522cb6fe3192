/**
 * Verra's old-platform CSV exports (registries.md §2.2) → normalized projects and credits.
 * Pure: no I/O, so stored raw records can be normalized again after a fix.
 *
 * - `projects`: one row of the project list (`allprojects.csv`) → one full project.
 * - `transactions`: one row of the VCU export (`vcus.csv`) = one block of units in its current
 *   state, not an event (§2.2). It always yields the block's issuance, plus a retirement when
 *   `Retirement/Cancellation Date` is filled, plus a partial project from the repeated project
 *   columns so every credit has a project.
 */
import type { NormalizeResult, NormalizedCredit, NormalizedProject, RawRecord } from '../contract.ts';
import { countryCode } from '../common/countries.ts';
import { MALFORMED } from '../common/csv.ts';
import {
  cellText,
  columnFields,
  dateOf,
  emptyProject,
  keyOrContentKey,
  normalizeBySource,
  numberOf,
  otherColumns,
  reject,
  requireText,
  textOf,
  type Fields,
  type Payload,
} from '../common/normalize-kit.ts';
import { parseDate, parseSdgs, splitList, type Parsed } from '../common/values.ts';
import { blockQuantity, parseVerraSerial } from './serial.ts';

/** Source kinds of the Verra connector's raw records. */
export const VERRA_SOURCES = { projects: 'projects', transactions: 'transactions' } as const;

export { MALFORMED } from '../common/csv.ts';

/** Columns of the project list that `normalize` reads; an export without one of them stops the run. */
export const PROJECT_COLUMNS = [
  'ID',
  'Name',
  'Proponent',
  'Project Type',
  'AFOLU Activities',
  'Methodology',
  'Status',
  'Country/Area',
  'Estimated Annual Emission Reductions',
  'Region',
  'Project Registration Date',
  'Crediting Period Start Date',
  'Crediting Period End Date',
] as const;

/** Columns of the VCU export that `normalize` reads. */
export const TRANSACTION_COLUMNS = [
  'Issuance Date',
  'Sustainable Development Goals',
  'Vintage Start',
  'Vintage End',
  'ID',
  'Name',
  'Country/Area',
  'Project Type',
  'Methodology',
  'Total Vintage Quantity',
  'Quantity Issued',
  'Serial Number',
  'Additional Certifications',
  'Retirement/Cancellation Date',
  'Retirement Beneficiary',
  'Retirement Reason',
  'Retirement Details',
] as const;

/** The label prefix Verra uses for Article 6 authorization (registries.md §2.6). */
const ARTICLE6_PREFIX = 'Article 6 Authorized';

/**
 * Verra dates are ISO in the 2026 exports; CarbonPlan's reader tries `DD/MM/YYYY` first,
 * which suggests older exports used it (registries.md §2.4). The two cannot be confused
 * (dashes, year first vs slashes, year last), so both are accepted.
 */
function verraDate(value: string): Parsed<string | null> {
  return parseDate(value, value.includes('/') ? 'dmy' : 'iso');
}

/** A date column of a Verra export (`verraDate`); rejects the row when the cell is not a date. */
function dateColumn(cells: Fields, column: string): string | null {
  return dateOf(cells, column, verraDate);
}

function methodologies(value: string): NormalizedProject['methodologies'] {
  // Verra's CSV names methodologies without versions (`VM0007; VM0033`).
  return splitList(value, ';').map((id) => ({ id, version: null }));
}

function normalizeProjectRow(payload: Payload): NormalizeResult {
  const cells = columnFields(payload);
  const id = requireText(cells, 'ID');
  const countryName = textOf(cells, 'Country/Area');
  const region = textOf(cells, 'Region');
  const project: NormalizedProject = {
    ...emptyProject('verra', id, 'full'),
    name: textOf(cells, 'Name'),
    proponent: textOf(cells, 'Proponent'),
    countryCode: countryCode(countryName),
    countryName,
    region,
    // Project types contain commas ("Livestock, enteric fermentation, and manure management"): split on `;` only.
    projectTypes: splitList(cells.get('Project Type'), ';'),
    methodologies: methodologies(cells.get('Methodology')),
    status: textOf(cells, 'Status'),
    registrationDate: dateColumn(cells, 'Project Registration Date'),
    creditingPeriodStart: dateColumn(cells, 'Crediting Period Start Date'),
    creditingPeriodEnd: dateColumn(cells, 'Crediting Period End Date'),
    estimatedAnnualCredits: numberOf(cells, 'Estimated Annual Emission Reductions'),
    attributes: {
      afoluActivities: splitList(cells.get('AFOLU Activities'), ';'),
      // Verra's world region (Asia, Africa…); also in `region`, kept here with the other
      // Verra-only fields so `attributes` reads as the registry published them.
      region,
      ...otherColumns(payload, PROJECT_COLUMNS),
    },
  };
  return { ok: true, projects: [project], credits: [] };
}

function normalizeTransactionRow(payload: Payload): NormalizeResult {
  const cells = columnFields(payload);
  const id = requireText(cells, 'ID');
  const serial = requireText(cells, 'Serial Number');

  const block = parseVerraSerial(serial);
  if ('error' in block) reject('invalid_serial', `column "Serial Number": ${block.error}`);

  const issuedText = cells.get('Quantity Issued');
  const issued = numberOf(cells, 'Quantity Issued');
  if (issued === null) reject('missing_field', 'column "Quantity Issued" is blank');
  if (!Number.isInteger(issued) || issued <= 0) {
    reject('invalid_number', `column "Quantity Issued" is "${issuedText}": not a positive whole number of VCUs`);
  }
  const inSerial = blockQuantity(block);
  if (inSerial !== issued) {
    reject(
      'quantity_mismatch',
      `serial "${serial}" covers units ${block.firstUnit}–${block.lastUnit}, i.e. ${inSerial} VCUs, but column "Quantity Issued" says ${issued}`,
    );
  }
  if (block.parts.projectId !== id) {
    reject('inconsistent_reference', `serial "${serial}" names project ${String(block.parts.projectId)} but column "ID" is "${id}"`);
  }

  const issuanceDate = dateColumn(cells, 'Issuance Date');
  const retirementDate = dateColumn(cells, 'Retirement/Cancellation Date');
  const vintageStart = dateColumn(cells, 'Vintage Start') ?? (block.parts.vintageStart as string);
  const vintageEnd = dateColumn(cells, 'Vintage End') ?? (block.parts.vintageEnd as string);
  for (const [column, value, inSerialDate] of [
    ['Vintage Start', vintageStart, block.parts.vintageStart],
    ['Vintage End', vintageEnd, block.parts.vintageEnd],
  ] as const) {
    if (value !== inSerialDate) {
      reject(
        'inconsistent_reference',
        `serial "${serial}" dates the vintage ${String(inSerialDate)} but column "${column}" is "${cells.get(column)}"`,
      );
    }
  }
  const totalVintageQuantity = numberOf(cells, 'Total Vintage Quantity');

  const countryName = textOf(cells, 'Country/Area');
  const sdgs = parseSdgs(cells.get('Sustainable Development Goals'));
  const project: NormalizedProject = {
    ...emptyProject('verra', id, 'partial'),
    name: textOf(cells, 'Name'),
    countryCode: countryCode(countryName),
    countryName,
    projectTypes: splitList(cells.get('Project Type'), ';'),
    methodologies: methodologies(cells.get('Methodology')),
    sdgs,
  };

  // Labels verbatim, as published: Verra mixes en dash and hyphen (`CORSIA – Pilot Phase…`
  // vs `CORSIA - First Phase…`, registries.md §2.6) and the hub does not rewrite them.
  const labels = splitList(cells.get('Additional Certifications'), ';');
  const article6 = labels.filter((label) => label.startsWith(ARTICLE6_PREFIX));

  const issuance: NormalizedCredit = {
    programId: 'verra',
    naturalKey: `issuance:${serial}`,
    registryProjectId: id,
    kind: 'issuance',
    kindAmbiguous: false,
    quantity: issued,
    // The vintage year is the year of `Vintage End`, the year the monitoring period closed;
    // ARB's table and CarbonPlan's Verra code do the same (CarbonPlan's docs say "earliest
    // vintage year" but its code takes the end, registries.md §2.4). A vintage spanning two
    // years (2021-06-24 – 2022-06-30) is therefore vintage 2022; start and end are kept.
    vintageYear: Number(vintageEnd.slice(0, 4)),
    vintageStart,
    vintageEnd,
    transactionDate: issuanceDate,
    issuanceDate,
    serialNumber: serial,
    serialBlock: block,
    countryCode: block.parts.country as string,
    beneficiary: null,
    retirementReason: null,
    retirementNote: null,
    useCase: null,
    article6Authorization: article6.length > 0 ? article6.join('; ') : null,
    labels,
    attributes: {
      sdgs,
      totalVintageQuantity,
      ...otherColumns(payload, TRANSACTION_COLUMNS),
    },
  };
  const credits = [issuance];
  if (retirementDate !== null) {
    credits.push({
      ...issuance,
      naturalKey: `retirement:${serial}`,
      kind: 'retirement',
      // The old export has one date column for retirements and cancellations (§2.4).
      kindAmbiguous: true,
      transactionDate: retirementDate,
      issuanceDate,
      beneficiary: textOf(cells, 'Retirement Beneficiary'),
      retirementReason: textOf(cells, 'Retirement Reason'),
      retirementNote: textOf(cells, 'Retirement Details'),
    });
  }
  return { ok: true, projects: [project], credits };
}

const NORMALIZERS = {
  [VERRA_SOURCES.projects]: (raw: RawRecord) => normalizeProjectRow(raw.payload),
  [VERRA_SOURCES.transactions]: (raw: RawRecord) => normalizeTransactionRow(raw.payload),
};

/**
 * Normalizes one Verra raw record. Never throws on bad data: a row that cannot be read
 * returns `{ ok: false, rejection }` whose detail names the column and the value.
 */
export function normalizeVerra(raw: RawRecord): NormalizeResult {
  return normalizeBySource(raw, 'Verra', NORMALIZERS);
}

/**
 * Natural key of a Verra raw record: the project `ID` for `projects`, the `Serial Number`
 * for `transactions`. When that cell is blank, or the row is malformed (its cells may have
 * shifted into the wrong columns), the key is `sha256:<hex>` of the row's JSON, so the row is
 * still stored (and rejected) rather than lost or mistaken for another.
 */
export function verraNaturalKey(sourceKind: string, row: Record<string, unknown>): string {
  const column = sourceKind === VERRA_SOURCES.projects ? 'ID' : sourceKind === VERRA_SOURCES.transactions ? 'Serial Number' : null;
  return keyOrContentKey(column === null || row[MALFORMED] !== undefined ? '' : cellText(row, column).trim(), row);
}
