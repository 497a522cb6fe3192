/**
 * The APX report exports of ACR, CAR and ART (registries.md §4) → normalized projects and
 * credits, one parser for the three registries driven by their configuration
 * (`registries.ts`). Pure: no I/O, so stored raw records can be normalized again after a fix.
 *
 * - `projects`: one row of the project list → one full project.
 * - `issuances`: one issuance row → one `issuance` credit. The APX issuance export has no
 *   serials; the credit's key is built from project, vintage, issuance date and what else
 *   tells rows apart (`apxNaturalKey`).
 * - `retirements`, `cancellations`: one serial block → one `retirement` / `cancellation` credit,
 *   kept apart as the registries keep them (separate ledgers, §1). The serial's range must
 *   cover exactly the quantity column, name the row's project and vintage.
 *
 * Every credit comes with a `partial` project from the project columns the row repeats, so a
 * credit always has its project even when the project list does not list it.
 */
import type {
  CreditKind,
  CrossReference,
  MethodologyRef,
  NormalizeResult,
  NormalizedCredit,
  NormalizedProject,
  RawRecord,
} from '../contract.ts';
import { countryCode } from '../common/countries.ts';
import { MALFORMED } from '../common/csv.ts';
import { contentKey, dateOf, emptyProject, normalizeBySource, numberOf, positiveWholeNumber, reject, requireText } from '../common/normalize-kit.ts';
import { parseQuantity, parseSdgs, splitList } from '../common/values.ts';
import { ApxRow } from './columns.ts';
import type { ApxRegistry, ApxSource, Column, CreditColumns, ProjectOnCreditColumns } from './registries.ts';
import { blockQuantity, parseApxSerial, tidySerial } from './serial.ts';
import {
  catsReference,
  complianceProgram,
  isPlaceholder,
  keyNumber,
  keyTimestamp,
  methodologyVersion,
  splitProtocolAndVersion,
  statedUse,
  uniqueReferences,
} from './values.ts';

const CREDIT_KIND: Record<Exclude<ApxSource, 'projects'>, CreditKind> = {
  issuances: 'issuance',
  retirements: 'retirement',
  cancellations: 'cancellation',
};

/** A date column a registry may not have (null then). */
function dateColumn(row: ApxRow, column: Column | undefined): string | null {
  // `MM/DD/YYYY` (CAR, ART) or `M/D/YYYY h:mm:ss AM` (ACR, ART `Date Approved`), §4.1.
  return column ? dateOf(row, column, 'mdy') : null;
}

/** A number column a registry may not have (null then). */
function numberColumn(row: ApxRow, column: Column | undefined): number | null {
  return column ? numberOf(row, column) : null;
}

function vintageYear(row: ApxRow, column: Column): number {
  const text = requireText(row, column);
  const parsed = parseQuantity(text);
  if (!parsed.ok || parsed.value === null || !Number.isInteger(parsed.value) || parsed.value < 1900 || parsed.value > 2200) {
    reject('invalid_number', `${row.label(column)} is "${text}": not a vintage year`);
  }
  return parsed.value;
}

/** Id-like cell, with registry placeholders (`N/A`) read as blank. */
function idText(row: ApxRow, column: Column | undefined): string | null {
  const value = row.text(column)?.trim() ?? null;
  return value === null || isPlaceholder(value) ? null : value;
}

function methodologiesOf(row: ApxRow, columns: ProjectOnCreditColumns): MethodologyRef[] {
  const combined = row.text(columns.protocolAndVersion);
  if (combined !== null) return [splitProtocolAndVersion(combined)];
  const id = row.text(columns.methodology)?.trim().replace(/\s+/g, ' ');
  if (!id) return [];
  return [{ id, version: methodologyVersion(row.text(columns.methodologyVersion)) }];
}

/** The columns a project is read from, so they are not repeated in `attributes`. */
function projectColumnsUsed(columns: ProjectOnCreditColumns): (Column | undefined)[] {
  return [
    columns.name,
    columns.projectType,
    columns.proponent,
    columns.methodology,
    columns.methodologyVersion,
    columns.protocolAndVersion,
    columns.country,
    columns.subdivision,
    columns.location,
    columns.sdgs,
    columns.creditingProgram,
  ];
}

/** The project as the row describes it (both the project list and the transaction exports). */
function describedProject(
  config: ApxRegistry,
  row: ApxRow,
  columns: ProjectOnCreditColumns,
  registryProjectId: string,
  completeness: NormalizedProject['completeness'],
): NormalizedProject {
  const countryName = row.text(columns.country)?.trim() ?? null;
  const code = countryCode(countryName);
  const location = row.text(columns.location)?.trim() ?? null;
  const creditingProgram = row.text(columns.creditingProgram)?.trim() ?? null;
  const cats = catsReference(creditingProgram, code ?? countryName);
  return {
    ...emptyProject(config.programId, registryProjectId, completeness),
    name: row.text(columns.name)?.trim() ?? null,
    proponent: row.text(columns.proponent)?.trim() ?? null,
    countryCode: code,
    countryName,
    // ACR/CAR write upper-case state names (`OHIO; TEXAS`), ART its jurisdictions: kept verbatim.
    subdivision: row.text(columns.subdivision)?.trim() ?? null,
    projectTypes: splitList(row.cell(columns.projectType), /;/),
    methodologies: methodologiesOf(row, columns),
    sdgs: parseSdgs(row.cell(columns.sdgs)),
    crossReferences: cats ? [cats] : [],
    attributes: {
      ...(location === null ? {} : { siteLocation: location }),
      ...(creditingProgram === null ? {} : { creditingProgram }),
    },
  };
}

function normalizeProjectRow(config: ApxRegistry, row: ApxRow): NormalizeResult {
  const columns = config.projects;
  const id = requireText(row, columns.id);
  const project = describedProject(config, row, columns, id, 'full');

  const references: CrossReference[] = [];
  const unmatched: Record<string, string> = {};
  for (const { column, programId, relation } of columns.crossReferences) {
    const value = idText(row, column);
    if (value === null) continue;
    const target = programId === 'by-prefix' ? complianceProgram(value) : programId;
    if (target === null) unmatched[row.name(column)] = value;
    else references.push({ programId: target, registryProjectId: value, relation });
  }

  const statusColumn = columns.status.find((column) => row.text(column) !== null);
  const used = [
    columns.id,
    ...projectColumnsUsed(columns),
    ...columns.status,
    columns.registrationDate,
    columns.creditingPeriodStart,
    columns.creditingPeriodEnd,
    columns.additionalCertifications,
    columns.parent,
  ];
  const full: NormalizedProject = {
    ...project,
    status: statusColumn ? row.text(statusColumn)!.trim() : null,
    registrationDate: dateColumn(row, columns.registrationDate),
    creditingPeriodStart: dateColumn(row, columns.creditingPeriodStart),
    creditingPeriodEnd: dateColumn(row, columns.creditingPeriodEnd),
    additionalCertifications: splitList(row.cell(columns.additionalCertifications), ';'),
    parentRegistryProjectId: idText(row, columns.parent),
    crossReferences: uniqueReferences([...references, ...project.crossReferences]),
    attributes: {
      ...project.attributes,
      ...(statusColumn ? { statusColumn: row.name(statusColumn) } : {}),
      ...(Object.keys(unmatched).length > 0 ? { unmatchedProgramIds: unmatched } : {}),
      // Every other column verbatim: statuses per program, dates, VVBs, registered totals…
      ...row.others(used),
    },
  };
  return { ok: true, projects: [full], credits: [] };
}

/**
 * CAR has no beneficiary column; `Retirement Reason Details` is free text ("Retired on behalf of
 * Kinaxis Inc. F2024 period") in which a name's extent cannot be told reliably, so it stays in
 * `retirementNote` and the beneficiary stays null, except when the text labels the name itself:
 * `Beneficiary: LGT Portfolio Management SICAV. Retirement reason details: …`.
 */
function labelledBeneficiary(note: string | null): string | null {
  if (note === null) return null;
  const match = /^\s*Beneficiary\s*:\s*(.+?)(?:\.\s|\.$|\s+Retirement\s+reason\b|$)/i.exec(note);
  const name = match?.[1]?.trim();
  return name ? name : null;
}

function normalizeCreditRow(config: ApxRegistry, source: Exclude<ApxSource, 'projects'>, raw: RawRecord): NormalizeResult {
  const row = new ApxRow(raw.payload);
  const columns: CreditColumns = config[source];
  const kind = CREDIT_KIND[source];
  const projectId = requireText(row, columns.projectId);
  const vintage = vintageYear(row, columns.vintage);
  const quantity = positiveWholeNumber(row, columns.quantity);
  const transactionDate = dateColumn(row, columns.transactionDate);
  if (transactionDate === null) reject('missing_field', `${row.label(columns.transactionDate)} is blank`);
  const issuanceDate = kind === 'issuance' ? transactionDate : dateColumn(row, columns.issuanceDate);
  const vintageStart = dateColumn(row, columns.vintageStart);
  const vintageEnd = dateColumn(row, columns.vintageEnd);

  const project = describedProject(config, row, columns.project, projectId, 'partial');

  let serialNumber: string | null = null;
  let serialBlock: NormalizedCredit['serialBlock'] = null;
  if (columns.serial) {
    serialNumber = tidySerial(requireText(row, columns.serial));
    const block = parseApxSerial(serialNumber, config.serial);
    if ('error' in block) reject('invalid_serial', `${row.label(columns.serial)}: ${block.error}`);
    const inSerial = blockQuantity(block);
    if (inSerial !== quantity) {
      reject(
        'quantity_mismatch',
        `serial "${serialNumber}" covers units ${block.firstUnit}–${block.lastUnit}, i.e. ${inSerial} credits, but ${row.label(columns.quantity)} says ${quantity}`,
      );
    }
    const number = /\d+$/.exec(projectId)?.[0];
    if (number !== undefined && String(Number(block.parts.projectNumber)) !== String(Number(number))) {
      reject('inconsistent_reference', `serial "${serialNumber}" names project number ${String(block.parts.projectNumber)} but ${row.label(columns.projectId)} is "${projectId}"`);
    }
    if (block.parts.vintage !== vintage) {
      reject('inconsistent_reference', `serial "${serialNumber}" names vintage ${String(block.parts.vintage)} but ${row.label(columns.vintage)} is "${row.cell(columns.vintage)}"`);
    }
    serialBlock = block;
  }

  // Flags as published: a `Yes` becomes a label named after the column as this export spells
  // it (`CCP Approved`, later `ICVCM CCP Eligible`; the CORSIA phase columns), so the CCP engine
  // sees exactly what the registry states.
  const labels: string[] = [];
  for (const column of columns.flags) {
    if (/^\s*yes\s*$/i.test(row.cell(column))) labels.push(row.name(column));
  }
  labels.push(...splitList(row.cell(columns.additionalCertifications), ';'));
  const adjustment = row.text(columns.correspondingAdjustment)?.trim() ?? null;

  const reason = row.text(columns.reason)?.trim() ?? null;
  const note = row.text(columns.note)?.trim() ?? null;
  const use = kind === 'issuance' ? { useCase: null, convertedTo: null } : statedUse(reason);
  const beneficiary = columns.beneficiary
    ? (row.text(columns.beneficiary)?.trim() ?? null)
    : kind === 'retirement'
      ? labelledBeneficiary(note)
      : null;

  const quantities: Record<string, number> = {};
  for (const [name, column] of Object.entries(columns.quantities ?? {})) {
    const value = numberColumn(row, column);
    if (value !== null) quantities[name] = value;
  }

  const used = [
    columns.projectId,
    ...projectColumnsUsed(columns.project),
    columns.vintage,
    columns.transactionDate,
    columns.issuanceDate,
    columns.vintageStart,
    columns.vintageEnd,
    columns.quantity,
    columns.serial,
    columns.beneficiary,
    columns.reason,
    columns.note,
    columns.additionalCertifications,
  ];
  const credit: NormalizedCredit = {
    programId: config.programId,
    naturalKey: raw.naturalKey.startsWith(`${kind}:`) ? raw.naturalKey : apxNaturalKey(config, source, raw.payload),
    registryProjectId: projectId,
    kind,
    kindAmbiguous: false,
    quantity,
    vintageYear: vintage,
    vintageStart,
    vintageEnd,
    transactionDate,
    issuanceDate,
    serialNumber,
    serialBlock,
    countryCode: (serialBlock?.parts.country as string | undefined) ?? project.countryCode,
    beneficiary,
    retirementReason: reason,
    retirementNote: note,
    useCase: use.useCase,
    // CAR publishes `Corresponding Adjustment` Yes/No (§4.3); only a Yes states an authorization.
    article6Authorization: adjustment !== null && /^yes$/i.test(adjustment) ? `Corresponding Adjustment: ${adjustment}` : null,
    labels: [...new Set(labels)],
    attributes: {
      ...(Object.keys(quantities).length > 0 ? { quantities } : {}),
      ...(use.convertedTo === null ? {} : { convertedToProgram: use.convertedTo }),
      ...(project.attributes.creditingProgram === undefined ? {} : { creditingProgram: project.attributes.creditingProgram }),
      // Every other column verbatim: account holder, flags, CORSIA columns, buffer columns…
      ...row.others(used),
    },
  };
  return { ok: true, projects: [project], credits: [credit] };
}

/**
 * Normalizes one raw record of an APX export of `config`'s registry. Never throws on bad data:
 * a row that cannot be read returns `{ ok: false, rejection }` naming the column and value.
 */
export function normalizeApx(config: ApxRegistry, raw: RawRecord): NormalizeResult {
  return normalizeBySource(raw, config.label, {
    projects: (record) => normalizeProjectRow(config, new ApxRow(record.payload)),
    issuances: (record) => normalizeCreditRow(config, 'issuances', record),
    retirements: (record) => normalizeCreditRow(config, 'retirements', record),
    cancellations: (record) => normalizeCreditRow(config, 'cancellations', record),
  });
}

/** Key of an issuance row: project, vintage, issuance date, the registry's key parts, quantity. */
function issuanceKey(config: ApxRegistry, row: ApxRow): string | null {
  const columns = config.issuances;
  const project = row.cell(columns.projectId).trim();
  const date = row.cell(columns.transactionDate).trim();
  if (project === '' || date === '') return null;
  const parts = [project, `v${keyNumber(row.cell(columns.vintage))}`, keyTimestamp(date)];
  const { period } = columns.keyParts;
  if (period) parts.push(`${keyTimestamp(row.cell(period[0]))}/${keyTimestamp(row.cell(period[1]))}`);
  parts.push(`q${keyNumber(row.cell(columns.quantity))}`);
  return `issuance:${parts.join(':')}`;
}

/**
 * Natural key of a raw record of an APX export:
 * - `projects`: the project id (`ACR586`, `CAR1957`, `ART102`);
 * - `issuances`: `issuance:<project>:v<vintage>:<issued at>[:<period>]:q<quantity>`, e.g.
 *   `issuance:ACR731:v2026:2026-03-24T21:08:01:2025-02-01/2026-01-31:q74344` (ACR's issuance time
 *   to the second and reporting period), `issuance:CAR1568:v2025:2025-12-31:q118084`,
 *   `issuance:ART130:v2023:2026-03-09:q109796`;
 * - `retirements` / `cancellations`: `retirement:<serial>` / `cancellation:<serial>`, the same
 *   keys the GreenTrace fetcher gives the same blocks.
 * A blank key cell or a malformed row gives `sha256:<hex>` of the row, so the row is still
 * stored (and rejected) rather than lost or taken for another. Repeats inside one export are
 * told apart by the reader (`#2`, `#3`…).
 */
export function apxNaturalKey(config: ApxRegistry, sourceKind: string, payload: Record<string, unknown>): string {
  if (payload[MALFORMED] === undefined) {
    const row = new ApxRow(payload);
    let key: string | null = null;
    if (sourceKind === 'projects') key = row.cell(config.projects.id).trim() || null;
    else if (sourceKind === 'issuances') key = issuanceKey(config, row);
    else if (sourceKind === 'retirements' || sourceKind === 'cancellations') {
      const serial = tidySerial(row.cell(config[sourceKind].serial));
      key = serial === '' ? null : `${CREDIT_KIND[sourceKind]}:${serial}`;
    }
    if (key !== null) return key;
  }
  return contentKey([sourceKind, payload]);
}
