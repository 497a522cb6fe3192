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
import { createHash } from 'node:crypto';
import type {
  NormalizeResult,
  NormalizedCredit,
  NormalizedProject,
  RawRecord,
  Rejection,
  RejectionReason,
} from '../contract.ts';
import { countryCode } from '../common/countries.ts';
import { parseDate, parseQuantity, parseSdgs, splitList, type Parsed } from '../common/values.ts';
import { blockQuantity, parseVerraSerial } from './serial.ts';

/** Source kinds of the Verra connector's raw records. */
export const VERRA_SOURCES = { projects: 'projects', transactions: 'transactions' } as const;

/** Payload key set on rows whose cell count did not match the header (see `readExports`). */
export const MALFORMED = '__malformed';

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

type Payload = Record<string, unknown>;

/** Cell text; stored payloads are JSON, so a non-string value is rendered, a missing one is ''. */
function cell(payload: Payload, column: string): string {
  const value = payload[column];
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return String(value);
}

/** Cell text as published, or null when blank. */
function text(payload: Payload, column: string): string | null {
  const value = cell(payload, column);
  return value.trim() === '' ? null : value;
}

/**
 * Verra dates are ISO in the 2026 exports; CarbonPlan's reader tries `DD/MM/YYYY` first,
 * which suggests older exports used it (registries.md §2.4). The two cannot be confused
 * (dashes, year first vs slashes, year last), so both are accepted.
 */
function verraDate(value: string): Parsed<string | null> {
  return parseDate(value, value.includes('/') ? 'dmy' : 'iso');
}

/** Columns this normalizer does not map, kept verbatim (non-blank only) in `attributes`. */
function otherColumns(payload: Payload, known: readonly string[]): Record<string, string> {
  const others: Record<string, string> = {};
  for (const [column, value] of Object.entries(payload)) {
    if (known.includes(column) || column === MALFORMED) continue;
    const rendered = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
    if (rendered.trim() !== '') others[column] = rendered;
  }
  return others;
}

class RowRejected extends Error {
  constructor(readonly rejection: Rejection) {
    super(rejection.detail);
  }
}

function reject(reason: RejectionReason, detail: string): never {
  throw new RowRejected({ reason, detail });
}

function requireText(payload: Payload, column: string): string {
  const value = cell(payload, column).trim();
  if (value === '') reject('missing_field', `column "${column}" is blank`);
  return value;
}

function dateColumn(payload: Payload, column: string): string | null {
  const parsed = verraDate(cell(payload, column));
  if (!parsed.ok) reject('invalid_date', `column "${column}": ${parsed.error}`);
  return parsed.value;
}

function numberColumn(payload: Payload, column: string): number | null {
  const parsed = parseQuantity(cell(payload, column));
  if (!parsed.ok) reject('invalid_number', `column "${column}": ${parsed.error}`);
  return parsed.value;
}

function methodologies(value: string): NormalizedProject['methodologies'] {
  // Verra's CSV names methodologies without versions (`VM0007; VM0033`).
  return splitList(value, ';').map((id) => ({ id, version: null }));
}

function emptyProject(registryProjectId: string, completeness: NormalizedProject['completeness']): NormalizedProject {
  return {
    programId: 'verra',
    registryProjectId,
    completeness,
    name: null,
    proponent: null,
    countryCode: null,
    countryName: null,
    subdivision: null,
    region: null,
    latitude: null,
    longitude: null,
    projectTypes: [],
    methodologies: [],
    status: null,
    registrationDate: null,
    creditingPeriodStart: null,
    creditingPeriodEnd: null,
    sdgs: [],
    additionalCertifications: [],
    estimatedAnnualCredits: null,
    parentRegistryProjectId: null,
    crossReferences: [],
    attributes: {},
  };
}

function normalizeProjectRow(payload: Payload): NormalizeResult {
  const id = requireText(payload, 'ID');
  const countryName = text(payload, 'Country/Area');
  const region = text(payload, 'Region');
  const project: NormalizedProject = {
    ...emptyProject(id, 'full'),
    name: text(payload, 'Name'),
    proponent: text(payload, 'Proponent'),
    countryCode: countryCode(countryName),
    countryName,
    region,
    // Project types contain commas ("Livestock, enteric fermentation, and manure management"): split on `;` only.
    projectTypes: splitList(cell(payload, 'Project Type'), ';'),
    methodologies: methodologies(cell(payload, 'Methodology')),
    status: text(payload, 'Status'),
    registrationDate: dateColumn(payload, 'Project Registration Date'),
    creditingPeriodStart: dateColumn(payload, 'Crediting Period Start Date'),
    creditingPeriodEnd: dateColumn(payload, 'Crediting Period End Date'),
    estimatedAnnualCredits: numberColumn(payload, 'Estimated Annual Emission Reductions'),
    attributes: {
      afoluActivities: splitList(cell(payload, 'AFOLU Activities'), ';'),
      // Verra's world region (Asia, Africa…); also in `region`, kept here with the other
      // Verra-only fields so `attributes` reads as the registry published them.
      region,
      ...otherColumns(payload, PROJECT_COLUMNS),
    },
  };
  return { ok: true, projects: [project], credits: [] };
}

function normalizeTransactionRow(payload: Payload): NormalizeResult {
  const id = requireText(payload, 'ID');
  const serial = requireText(payload, 'Serial Number');

  const block = parseVerraSerial(serial);
  if ('error' in block) reject('invalid_serial', `column "Serial Number": ${block.error}`);

  const issuedText = cell(payload, 'Quantity Issued');
  const issued = numberColumn(payload, 'Quantity Issued');
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

  const issuanceDate = dateColumn(payload, 'Issuance Date');
  const retirementDate = dateColumn(payload, 'Retirement/Cancellation Date');
  const vintageStart = dateColumn(payload, 'Vintage Start') ?? (block.parts.vintageStart as string);
  const vintageEnd = dateColumn(payload, 'Vintage End') ?? (block.parts.vintageEnd as string);
  for (const [column, value, inSerialDate] of [
    ['Vintage Start', vintageStart, block.parts.vintageStart],
    ['Vintage End', vintageEnd, block.parts.vintageEnd],
  ] as const) {
    if (value !== inSerialDate) {
      reject(
        'inconsistent_reference',
        `serial "${serial}" dates the vintage ${String(inSerialDate)} but column "${column}" is "${cell(payload, column)}"`,
      );
    }
  }
  const totalVintageQuantity = numberColumn(payload, 'Total Vintage Quantity');

  const countryName = text(payload, 'Country/Area');
  const sdgs = parseSdgs(cell(payload, 'Sustainable Development Goals'));
  const project: NormalizedProject = {
    ...emptyProject(id, 'partial'),
    name: text(payload, 'Name'),
    countryCode: countryCode(countryName),
    countryName,
    projectTypes: splitList(cell(payload, 'Project Type'), ';'),
    methodologies: methodologies(cell(payload, 'Methodology')),
    sdgs,
  };

  // Labels verbatim, as published: Verra mixes en dash and hyphen (`CORSIA – Pilot Phase…`
  // vs `CORSIA - First Phase…`, registries.md §2.6) and the hub does not rewrite them.
  const labels = splitList(cell(payload, 'Additional Certifications'), ';');
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
      beneficiary: text(payload, 'Retirement Beneficiary'),
      retirementReason: text(payload, 'Retirement Reason'),
      retirementNote: text(payload, 'Retirement Details'),
    });
  }
  return { ok: true, projects: [project], credits };
}

/**
 * Normalizes one Verra raw record. Never throws on bad data: a row that cannot be read
 * returns `{ ok: false, rejection }` whose detail names the column and the value.
 */
export function normalizeVerra(raw: RawRecord): NormalizeResult {
  const payload = raw.payload;
  try {
    const malformed = payload[MALFORMED];
    if (malformed !== undefined) {
      reject('malformed_row', `${raw.sourceKind}: ${String(malformed)}`);
    }
    switch (raw.sourceKind) {
      case VERRA_SOURCES.projects:
        return normalizeProjectRow(payload);
      case VERRA_SOURCES.transactions:
        return normalizeTransactionRow(payload);
      default:
        return reject('malformed_row', `unknown Verra source kind "${raw.sourceKind}"`);
    }
  } catch (error) {
    if (error instanceof RowRejected) return { ok: false, rejection: error.rejection };
    throw error;
  }
}

/**
 * Natural key of a Verra raw record: the project `ID` for `projects`, the `Serial Number`
 * for `transactions`. When that cell is blank, or the row is malformed (its cells may have
 * shifted into the wrong columns), the key is `sha256:<hex>` of the row's JSON, so the row is
 * still stored (and rejected) rather than lost or mistaken for another.
 */
export function verraNaturalKey(sourceKind: string, row: Record<string, unknown>): string {
  const column = sourceKind === VERRA_SOURCES.projects ? 'ID' : sourceKind === VERRA_SOURCES.transactions ? 'Serial Number' : null;
  const value = column === null || row[MALFORMED] !== undefined ? '' : cell(row, column).trim();
  if (value !== '') return value;
  return `sha256:${createHash('sha256').update(JSON.stringify(row)).digest('hex')}`;
}
