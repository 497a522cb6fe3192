/**
 * California ARB offset credit issuance table (registries.md §10) → normalized projects and
 * credits. Pure: no I/O, so stored raw records can be normalized again after a fix.
 *
 * One row of the data sheet is one ARB issuance: a reporting period of one project
 * (`CARB Issuance ID` `CAFR5305-A`; its first 8 characters are the CARB project id). A row
 * yields:
 * - a `partial` ARB project from the project columns the row repeats (ARB publishes no
 *   project list): name, operator, type, state, early action or compliance, and the
 *   offset-project-registry project it came from (`OPR Project ID`, further OPR ids in the
 *   comment and the documentation link) as cross references;
 * - an `issuance` credit of `ARB Offset Credits Issued`, when the row issued any (rows of
 *   zero-credit reporting periods, and rows that only record a reversal, have no quantity:
 *   they still give the project, and no credit);
 * - one `retirement` credit per non-zero retirement column (voluntary, California compliance
 *   periods, Québec, forest buffer pool, intentional reversal) and a `cancellation` for
 *   `Invalidated or Canceled`. These columns hold the cumulative quantity of the issuance
 *   retired that way so far, not dated events (§10.2): each credit says so in `attributes`,
 *   and its key (`<issuance id>:<column>`) makes a later edition update it in place.
 */
import type { CreditKind, CrossReference, NormalizeResult, NormalizedCredit, NormalizedProject, RawRecord } from '../contract.ts';
import { MALFORMED } from '../common/csv.ts';
import { cellText, emptyProject, keyOrContentKey, normalizeBySource, otherColumns, reject, type Payload } from '../common/normalize-kit.ts';
import { parseDate, parseQuantity, type Parsed } from '../common/values.ts';
import { commentCarbIds, commentReferences, documentationReference, oprReferences, rowReferences } from './references.ts';

/** Source kind of the ARB connector's raw records: rows of the issuance table's data sheet. */
export const ARB_SOURCE = 'issuances';

export { MALFORMED } from '../common/csv.ts';

/** The data sheet of the workbook, by name, and its position in the 2024-11 and 2026-04 editions. */
export const DATA_SHEET = 'ARB Offset Credit Issuance';
export const DATA_SHEET_INDEX = 3;

/** Column names of the data sheet (2026-04 edition, registries.md §10.2). */
export const COLUMNS = {
  issuanceId: 'CARB Issuance ID',
  projectId: 'CARB Project ID',
  oprProjectId: 'OPR Project ID',
  reportingPeriod: 'Reporting Period',
  projectType: 'Project Type',
  earlyActionOrCompliance: 'Early Action/ Compliance',
  periodStart: 'Reporting Period Start Date',
  periodEnd: 'Reporting Period End Date',
  vintage: 'Vintage',
  issued: 'ARB Offset Credits Issued',
  forestBuffer: 'Forest Buffer Account Contribution',
  issuanceDate: 'Issuance Date',
  invalidationTimeframe: 'Invalidation Timeframe',
  invalidationPeriodReduced: 'Date Invalidation Period Reduced',
  invalidationStart: 'Start of Invalidation Timeframe',
  name: 'Offset Project Name',
  operator: 'Offset Project Operator',
  verificationBody: 'Verification Body',
  state: 'State',
  debs: 'Provides DEBS',
  section95989b: 'Section 95989(b) Documentation, if applicable',
  documentation: 'Project Documentation',
  intentionalReversal: 'Intentional Reversal',
  unintentionalReversal: 'Unintentional Reversal',
  invalidated: 'Invalidated or Canceled',
  bufferRetired: 'Buffer Pool Retired',
  retiredIntentionalReversal: 'Retired for Intentional Reversal',
  retiredVoluntarily: 'Retired Voluntarily',
  retiredQuebec: 'Retired for Compliance in Quebec',
  comment: 'Comment',
} as const;

const compliancePeriodColumn = (ordinal: string): string => `Retired ${ordinal} Compliance Period (CA)`;

/**
 * Columns without which the table cannot be read correctly: the issuance id, the project
 * columns the hub maps, every quantity and date of the 2024-11 edition. Columns added in the
 * 2026-04 edition (`CARB Project ID`, `Reporting Period`, `Invalidated or Canceled`, the 5th
 * compliance period, the reversal columns) are read when present but not required, so both
 * editions load (§10.2).
 */
export const REQUIRED_COLUMNS: readonly string[] = [
  COLUMNS.issuanceId,
  COLUMNS.oprProjectId,
  COLUMNS.projectType,
  COLUMNS.earlyActionOrCompliance,
  COLUMNS.periodStart,
  COLUMNS.periodEnd,
  COLUMNS.vintage,
  COLUMNS.issued,
  COLUMNS.forestBuffer,
  COLUMNS.issuanceDate,
  COLUMNS.name,
  COLUMNS.operator,
  COLUMNS.state,
  COLUMNS.bufferRetired,
  COLUMNS.retiredIntentionalReversal,
  COLUMNS.retiredVoluntarily,
  compliancePeriodColumn('1st'),
  compliancePeriodColumn('2nd'),
  compliancePeriodColumn('3rd'),
  compliancePeriodColumn('4th'),
  COLUMNS.retiredQuebec,
];

/** Columns holding Excel dates (the XLSX reader renders them `YYYY-MM-DD`). */
export const DATE_COLUMNS: ReadonlySet<string> = new Set([
  COLUMNS.periodStart,
  COLUMNS.periodEnd,
  COLUMNS.issuanceDate,
  COLUMNS.invalidationPeriodReduced,
  COLUMNS.invalidationStart,
]);

/** `Retired 3rd Compliance Period (CA)` → 3; any later period's column is read the same way. */
const COMPLIANCE_PERIOD = /^Retired (\d+)(?:st|nd|rd|th) Compliance Period \(CA\)$/;

/** Years of each California compliance period (§10.2; the 5th is 2024–2026 under the regulation). */
const COMPLIANCE_PERIOD_YEARS: Record<number, string> = {
  1: '2013–2014',
  2: '2015–2017',
  3: '2018–2020',
  4: '2021–2023',
  5: '2024–2026',
};

/**
 * Date given to a compliance period's cumulative retirements: the day by which that
 * period's surrenders had been made.
 * - 1st–3rd: CarbonPlan OffsetsDB's dates (`offsets_db_data/arb.py`, registries.md §10.2),
 *   kept so the hub's yearly totals compare with OffsetsDB.
 * - 4th: the period's triennial surrender deadline, 2024-11-01. CarbonPlan uses 2022-11-01,
 *   the first annual surrender of the 2021–2023 period, which would date most 4th-period
 *   surrenders before they happened.
 * - 5th and later: undated while the period is open (its column still grows until the
 *   2027-11-01 deadline; a date in the future would be wrong).
 */
const COMPLIANCE_PERIOD_DATES: Record<number, { date: string; basis: string }> = {
  1: { date: '2016-03-21', basis: 'CarbonPlan OffsetsDB date for the 1st compliance period' },
  2: { date: '2018-11-01', basis: 'CarbonPlan OffsetsDB date for the 2nd compliance period (its triennial surrender deadline)' },
  3: { date: '2021-11-01', basis: 'CarbonPlan OffsetsDB date for the 3rd compliance period (its triennial surrender deadline)' },
  4: { date: '2024-11-01', basis: 'triennial surrender deadline of the 4th compliance period (CarbonPlan uses 2022-11-01)' },
};

/** What a non-compliance-period retirement column means. */
const OTHER_RETIREMENTS: readonly { column: string; kind: CreditKind; useCase: string | null; basis: string }[] = [
  { column: COLUMNS.retiredVoluntarily, kind: 'retirement', useCase: 'voluntary', basis: 'undated: updated quarterly by ARB (§10.2)' },
  { column: COLUMNS.retiredQuebec, kind: 'retirement', useCase: 'Québec cap-and-trade', basis: 'undated: Québec compliance use' },
  {
    column: COLUMNS.bufferRetired,
    kind: 'retirement',
    useCase: 'ARB forest buffer account: reversal compensation',
    basis: 'undated: the comment may name the date and the reversal covered',
  },
  {
    column: COLUMNS.retiredIntentionalReversal,
    kind: 'retirement',
    useCase: 'ARB intentional reversal compensation',
    basis: 'undated: the comment may name the date and the reversal covered',
  },
  { column: COLUMNS.invalidated, kind: 'cancellation', useCase: null, basis: 'undated: the comment may name the invalidation' },
];

const QUANTITY_BASIS = 'cumulative quantity of this issuance in the issuance table column, not a dated transaction';

/**
 * The ARB Compliance Offset Protocol a compliance (`COP`) project of each `Project Type`
 * follows, named as CarbonPlan's protocol map knows it (so the hub's category applies). The
 * table gives no protocol version. Early-action (`EA`) projects used their OPR's methodology,
 * which the table does not name.
 */
const COMPLIANCE_PROTOCOLS: Record<string, string> = {
  forest: 'ARB Compliance Offset Protocol: U.S. Forest Projects',
  'u.s. forest': 'ARB Compliance Offset Protocol: U.S. Forest Projects',
  livestock: 'ARB Compliance Offset Protocol: Capturing and Destroying Methane from Manure Management Systems',
  ods: 'ARB Compliance Offset Protocol: Destruction of U.S. Ozone Depleting Substances Banks',
  mmc: 'ARB Compliance Offset Protocol: Mine Methane Capture Projects',
  'mine methane capture': 'ARB Compliance Offset Protocol: Mine Methane Capture Projects',
  rice: 'ARB Compliance Offset Protocol: Rice Cultivation Projects',
  'urban forest': 'ARB Compliance Offset Protocol: Urban Forest Projects',
  urban: 'ARB Compliance Offset Protocol: Urban Forest Projects',
};

/** US state and territory postal codes: `State` → ISO 3166-2 `US-XX`. */
const US_STATES = new Set(
  (
    'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC ' +
    'SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI UM'
  ).split(' '),
);

/** Text placeholders the table puts in numeric and date columns (§10.3). */
const PLACEHOLDER = /^(?:n\/?a|-\s*-|-|–|—)$/i;

/** Columns mapped to a field or a named attribute; the rest go to `attributes` verbatim. */
const MAPPED = new Set<string>([...Object.values(COLUMNS), MALFORMED]);

/** Cell text trimmed, or null when blank. */
function text(payload: Payload, column: string): string | null {
  const value = cellText(payload, column).trim();
  return value === '' ? null : value;
}

/** A number cell; blank and placeholders (`n/a`, `- -`, `–`) are null. */
function numberColumn(payload: Payload, column: string): number | null {
  const value = cellText(payload, column).trim();
  if (PLACEHOLDER.test(value)) return null;
  const parsed: Parsed<number | null> = parseQuantity(value);
  if (!parsed.ok) reject('invalid_number', `column "${column}": ${parsed.error}`);
  return parsed.value;
}

/** A count of ARB offset credits: a whole number, not negative. */
function creditsColumn(payload: Payload, column: string): number | null {
  const value = numberColumn(payload, column);
  if (value !== null && (!Number.isInteger(value) || value < 0)) {
    reject('invalid_number', `column "${column}" is "${cellText(payload, column)}": not a whole, non-negative number of ARB offset credits`);
  }
  return value;
}

/** A date cell: `YYYY-MM-DD` as the XLSX reader and the snapshot write it; US `M/D/YYYY` text is accepted too. */
function dateColumn(payload: Payload, column: string): string | null {
  const value = cellText(payload, column).trim();
  if (PLACEHOLDER.test(value)) return null;
  const parsed = parseDate(value, value.includes('/') ? 'mdy' : 'iso');
  if (!parsed.ok) reject('invalid_date', `column "${column}": ${parsed.error}`);
  return parsed.value;
}

function vintageColumn(payload: Payload): number | null {
  const value = numberColumn(payload, COLUMNS.vintage);
  if (value !== null && (!Number.isInteger(value) || value < 1990 || value > 2100)) {
    reject('invalid_number', `column "${COLUMNS.vintage}" is "${cellText(payload, COLUMNS.vintage)}": not a vintage year`);
  }
  return value;
}

/** `Reporting Period` as published (`4`), or null. */
function reportingPeriod(payload: Payload): string | null {
  return text(payload, COLUMNS.reportingPeriod);
}

/** `CAFR5305-A` → `CAFR5305`: the CARB project id is the first 8 characters (4 letters, 4 digits). */
const ISSUANCE_ID = /^([A-Z]{4}\d{4})(?:-|$)/i;

/**
 * The CARB project id of a row: from `CARB Issuance ID`, else from `CARB Project ID` (2026-04
 * edition). Both present and different → the row is inconsistent.
 */
function projectIdOf(payload: Payload): string {
  const issuanceId = text(payload, COLUMNS.issuanceId);
  const projectColumn = text(payload, COLUMNS.projectId)?.toUpperCase() ?? null;
  let fromIssuance: string | null = null;
  if (issuanceId !== null) {
    const match = ISSUANCE_ID.exec(issuanceId);
    if (!match) {
      reject('malformed_row', `column "${COLUMNS.issuanceId}" is "${issuanceId}": not a CARB issuance id (4 letters, 4 digits, e.g. CAFR5305-A)`);
    }
    fromIssuance = match[1]!.toUpperCase();
  }
  if (fromIssuance !== null && projectColumn !== null && fromIssuance !== projectColumn) {
    reject(
      'inconsistent_reference',
      `column "${COLUMNS.issuanceId}" is "${issuanceId}" (project ${fromIssuance}) but column "${COLUMNS.projectId}" is "${projectColumn}"`,
    );
  }
  const id = fromIssuance ?? projectColumn;
  if (id === null) reject('missing_field', `columns "${COLUMNS.issuanceId}" and "${COLUMNS.projectId}" are both blank`);
  return id;
}

/**
 * Stable key of a row: its `CARB Issuance ID`; for a row without one (a zero-credit period, a
 * reversal) `<CARB project id>:RP<reporting period>` when the edition has those columns; else
 * null.
 */
function stableRowKey(payload: Payload): string | null {
  const issuanceId = text(payload, COLUMNS.issuanceId);
  if (issuanceId !== null) return issuanceId;
  const project = text(payload, COLUMNS.projectId);
  const period = reportingPeriod(payload);
  return project !== null && period !== null ? `${project.toUpperCase()}:RP${period}` : null;
}

/** `Retired 3rd Compliance Period (CA)` → `retired-3rd-compliance-period-ca`. */
export function columnSlug(column: string): string {
  return column
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Columns the issuance's `attributes` leave out: the mapped ones and the compliance periods' (credits of their own). */
const isMappedColumn = (column: string): boolean => MAPPED.has(column) || COMPLIANCE_PERIOD.test(column);

function subdivisionOf(state: string | null): string | null {
  if (state === null) return null;
  const code = state.toUpperCase();
  return US_STATES.has(code) ? `US-${code}` : state;
}

function project(payload: Payload, id: string, references: CrossReference[], unrecognizedOpr: string[]): NormalizedProject {
  const type = text(payload, COLUMNS.projectType);
  const earlyActionOrCompliance = text(payload, COLUMNS.earlyActionOrCompliance);
  const protocol = earlyActionOrCompliance?.toUpperCase() === 'COP' && type !== null ? COMPLIANCE_PROTOCOLS[type.toLowerCase()] : undefined;
  const state = text(payload, COLUMNS.state);
  return {
    ...emptyProject('arb', id, 'partial'),
    name: text(payload, COLUMNS.name),
    proponent: text(payload, COLUMNS.operator),
    // The table has no country column: ARB's compliance offset protocols credit projects in
    // the United States, and `State` holds US postal codes.
    countryCode: 'US',
    subdivision: subdivisionOf(state),
    projectTypes: type === null ? [] : [type],
    methodologies: protocol === undefined ? [] : [{ id: protocol, version: null }],
    crossReferences: references,
    attributes: {
      earlyActionOrCompliance,
      oprProjectId: text(payload, COLUMNS.oprProjectId),
      ...(unrecognizedOpr.length > 0 ? { unrecognizedOprIds: unrecognizedOpr } : {}),
      state,
      projectDocumentation: text(payload, COLUMNS.documentation),
    },
  };
}

function normalizeRow(payload: Payload): NormalizeResult {
  const projectId = projectIdOf(payload);
  const issuanceId = text(payload, COLUMNS.issuanceId);
  const comment = text(payload, COLUMNS.comment);
  const opr = oprReferences(text(payload, COLUMNS.oprProjectId));
  const references = rowReferences(
    opr.references,
    commentReferences(comment),
    documentationReference(text(payload, COLUMNS.documentation)),
  );

  const issued = creditsColumn(payload, COLUMNS.issued);
  const periodStart = dateColumn(payload, COLUMNS.periodStart);
  const periodEnd = dateColumn(payload, COLUMNS.periodEnd);
  const issuanceDate = dateColumn(payload, COLUMNS.issuanceDate);
  const publishedVintage = vintageColumn(payload);
  // ARB's vintage is the year the reporting period ended (§10.2): used when the cell is blank.
  const vintageYear = publishedVintage ?? (periodEnd === null ? null : Number(periodEnd.slice(0, 4)));
  const forestBuffer = creditsColumn(payload, COLUMNS.forestBuffer);
  const intentionalReversal = numberColumn(payload, COLUMNS.intentionalReversal);
  const unintentionalReversal = numberColumn(payload, COLUMNS.unintentionalReversal);
  const invalidationPeriodReduced = dateColumn(payload, COLUMNS.invalidationPeriodReduced);
  const invalidationStart = dateColumn(payload, COLUMNS.invalidationStart);
  const earlyActionOrCompliance = text(payload, COLUMNS.earlyActionOrCompliance);
  const providesDebs = text(payload, COLUMNS.debs);

  const retirements: { column: string; kind: CreditKind; quantity: number; useCase: string | null; date: string | null; basis: string; period: number | null }[] = [];
  for (const column of Object.keys(payload)) {
    const match = COMPLIANCE_PERIOD.exec(column);
    if (!match) continue;
    const quantity = creditsColumn(payload, column);
    if (quantity === null || quantity === 0) continue;
    const period = Number(match[1]);
    const dated = COMPLIANCE_PERIOD_DATES[period];
    retirements.push({
      column,
      kind: 'retirement',
      quantity,
      useCase: `California cap-and-trade, compliance period ${period}`,
      date: dated?.date ?? null,
      basis: dated?.basis ?? `undated: compliance period ${period} is still open`,
      period,
    });
  }
  for (const other of OTHER_RETIREMENTS) {
    const quantity = creditsColumn(payload, other.column);
    if (quantity === null || quantity === 0) continue;
    retirements.push({ ...other, quantity, date: null, period: null });
  }
  retirements.sort((a, b) => a.column.localeCompare(b.column));

  const hasCredits = (issued !== null && issued > 0) || retirements.length > 0;
  const key = stableRowKey(payload);
  if (hasCredits && key === null) {
    reject(
      'missing_field',
      `column "${COLUMNS.issuanceId}" is blank on a row with credits, and the row has no "${COLUMNS.projectId}" and "${COLUMNS.reportingPeriod}" to key them by`,
    );
  }

  // Labels ARB reports on the units: compliance (COP) or early action (EA), DEBS or NO DEBS.
  const labels = [earlyActionOrCompliance, providesDebs].filter((label): label is string => label !== null);
  const base: Omit<NormalizedCredit, 'naturalKey' | 'kind' | 'quantity' | 'transactionDate' | 'useCase' | 'retirementReason' | 'attributes'> = {
    programId: 'arb',
    registryProjectId: projectId,
    kindAmbiguous: false,
    vintageYear,
    vintageStart: periodStart,
    vintageEnd: periodEnd,
    issuanceDate,
    // ARB offset credits carry no published serial numbers; the issuance id is in attributes.
    serialNumber: null,
    serialBlock: null,
    countryCode: 'US',
    beneficiary: null,
    retirementNote: null,
    article6Authorization: null,
    labels,
  };
  const identity = {
    carbIssuanceId: issuanceId,
    carbProjectId: projectId,
    reportingPeriod: reportingPeriod(payload),
    oprProjectId: text(payload, COLUMNS.oprProjectId),
    oprReferences: opr.references,
    // The operator and the OPR project can change between reporting periods (CAFR5003,
    // CAMM1009): each credit keeps those of its own row; the project shows one row's.
    offsetProjectOperator: text(payload, COLUMNS.operator),
  };

  const credits: NormalizedCredit[] = [];
  if (issued !== null && issued > 0) {
    credits.push({
      ...base,
      naturalKey: key!,
      kind: 'issuance',
      quantity: issued,
      transactionDate: issuanceDate,
      useCase: null,
      retirementReason: null,
      attributes: {
        ...identity,
        ...(publishedVintage === null && vintageYear !== null ? { vintageSource: 'year of the reporting period end date' } : {}),
        // Part of `ARB Offset Credits Issued` that went to the forest buffer account (§10.2).
        forestBufferAccountContribution: forestBuffer,
        earlyActionOrCompliance,
        providesDebs,
        invalidationTimeframe: text(payload, COLUMNS.invalidationTimeframe),
        dateInvalidationPeriodReduced: invalidationPeriodReduced,
        startOfInvalidationTimeframe: invalidationStart,
        verificationBody: text(payload, COLUMNS.verificationBody),
        section95989bDocumentation: text(payload, COLUMNS.section95989b),
        projectDocumentation: text(payload, COLUMNS.documentation),
        intentionalReversal,
        unintentionalReversal,
        comment,
        commentCarbIds: commentCarbIds(comment),
        ...otherColumns(payload, isMappedColumn),
      },
    });
  }
  for (const retirement of retirements) {
    credits.push({
      ...base,
      naturalKey: `${key!}:${columnSlug(retirement.column)}`,
      kind: retirement.kind,
      quantity: retirement.quantity,
      transactionDate: retirement.date,
      useCase: retirement.useCase,
      // The column is the reason ARB publishes; kept verbatim.
      retirementReason: retirement.column,
      attributes: {
        ...identity,
        sourceColumn: retirement.column,
        cumulative: true,
        quantityBasis: QUANTITY_BASIS,
        transactionDateBasis: retirement.basis,
        ...(retirement.period === null
          ? {}
          : { compliancePeriod: retirement.period, compliancePeriodYears: COMPLIANCE_PERIOD_YEARS[retirement.period] ?? null }),
        comment,
        commentCarbIds: commentCarbIds(comment),
      },
    });
  }

  // A row without credits (a zero-credit period, a reversal such as CAFR5012's 4th period)
  // gives the project only; the row itself stays queryable as an accepted raw record. The
  // credits that compensate a reversal appear on other rows as `Retired for Intentional
  // Reversal` / `Buffer Pool Retired`.
  return { ok: true, projects: [project(payload, projectId, references, opr.unrecognized)], credits };
}

/**
 * Normalizes one row of the ARB issuance table. Never throws on bad data: a row that cannot
 * be read returns `{ ok: false, rejection }` whose detail names the column and the value.
 */
export function normalizeArb(raw: RawRecord): NormalizeResult {
  return normalizeBySource(raw, 'ARB', { [ARB_SOURCE]: ({ payload }) => normalizeRow(payload) });
}

/**
 * Natural key of a raw row: `CARB Issuance ID`; for a row without one (a zero-credit period,
 * a reversal) `<CARB Project ID>:RP<Reporting Period>`, stable across editions; failing both,
 * or for a malformed row, `sha256:<hex>` of the row's JSON, so the row is still stored (and
 * rejected or kept as project-only) rather than lost or mistaken for another.
 */
export function arbNaturalKey(row: Record<string, unknown>): string {
  return keyOrContentKey(row[MALFORMED] === undefined ? stableRowKey(row) : null, row);
}
