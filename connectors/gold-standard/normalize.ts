/**
 * Gold Standard (Impact Registry) records → normalized projects and credits (registries.md §3).
 * Pure: no I/O, so stored raw records can be normalized again after a fix.
 *
 * Two families of source kinds:
 *
 * - The web UI's CSV exports, the format of the fixtures and of `hub sync --from-dir`:
 *   - `projects`: one row of the project list → one full project.
 *   - `issuances`: one row per issuance batch → one `issuance` credit, plus a partial project
 *     from the project columns repeated on the row.
 *   - `retirements`: one row per retired or cancelled block (`Credit Status` `Retired` or
 *     `Canceled`) → one `retirement` or `cancellation` credit, plus a partial project.
 * - The public JSON API (`fetch`), records stored verbatim:
 *   - `api-projects`: one `/projects` record → one full project.
 *   - `api-credits`: one `/credits` record, a block of units in its *current* state
 *     (registries.md §3.4): the block was issued whatever its status, so it always yields an
 *     `issuance` credit for its units, plus a `retirement` (status `RETIRED`) or `cancellation`
 *     (status `CANCELLED`/`CANCELED`, not yet observed) credit, plus a partial project from the
 *     embedded `project` object.
 *
 * The CSV issuance export lists whole batches (`…-30256-1-5463`) while the API lists the
 * blocks a batch has been split into (`…-30256-110-5463` retired, `…-30256-1-109` still
 * issued), so issuance natural keys of the two sources differ: do not load both sources into
 * one database. Retirement keys (`retirement:<serial>`) are the same in both.
 */
import type { CreditKind, CrossReference, MethodologyRef, NormalizeResult, NormalizedCredit, NormalizedProject, RawRecord } from '../contract.ts';
import { countryCode } from '../common/countries.ts';
import { MALFORMED } from '../common/csv.ts';
import {
  columnFields,
  dateOf,
  emptyCredit,
  emptyProject,
  jsonFields,
  keyOrContentKey,
  normalizeBySource,
  numberOf,
  otherColumns,
  positiveWholeNumber,
  reject,
  requireText,
  textOf,
  type Fields,
  type Payload,
} from '../common/normalize-kit.ts';
import { parseSdgs, splitList } from '../common/values.ts';
import { blockQuantity, parseGoldStandardSerial, type GoldStandardSerial } from './serial.ts';

/** Source kinds of the Gold Standard connector's raw records. */
export const GOLD_STANDARD_SOURCES = {
  projects: 'projects',
  issuances: 'issuances',
  retirements: 'retirements',
  apiProjects: 'api-projects',
  apiCredits: 'api-credits',
} as const;

export type GoldStandardSource = (typeof GOLD_STANDARD_SOURCES)[keyof typeof GOLD_STANDARD_SOURCES];

export { MALFORMED } from '../common/csv.ts';

/** Columns of the project list export that `normalize` reads; an export without one stops the run. */
export const PROJECT_COLUMNS = [
  'GSID',
  'Project Name',
  'Project Developer Name',
  'Status',
  'Sustainable Development Goals',
  'Project Type',
  'Country',
  'Description',
  'Estimated Annual Credits',
  'Methodology',
  'Size',
  'Programme of Activities',
  'POA GSID',
] as const;

/** Columns of the issuance export that `normalize` reads. */
export const ISSUANCE_COLUMNS = [
  'Vintage',
  'Credit Status',
  'Quantity',
  'GSID',
  'Project Name',
  'Project Developer',
  'Country',
  'Project Type',
  'Methodology',
  'Programme of Activities',
  'POA GSID',
  'Product Type',
  'Issuance Date',
  'Monitoring Period Start',
  'Monitoring Period End',
  'Serial Number',
  'Label',
  'Article Six Authorization',
] as const;

/** Columns of the retirement export that `normalize` reads: the issuance columns and five more. */
export const RETIREMENT_COLUMNS = [
  ...ISSUANCE_COLUMNS,
  'Retirement Date',
  'Note',
  'Aeroplane Operator Name',
  'Use Case',
  'Using Entity',
] as const;

/**
 * Fields every `/projects` record must carry (null allowed) for `normalize` to read it; `fetch`
 * stops with a `format` error naming the first one missing. Other fields of §3.2 are read when
 * present (the API has no published schema, so they are not demanded).
 */
export const API_PROJECT_FIELDS = ['id', 'sustaincert_id', 'name', 'type', 'country', 'country_code'] as const;

/** Fields every `/credits` record must carry (see API_PROJECT_FIELDS). */
export const API_CREDIT_FIELDS = ['id', 'serial_number', 'number_of_credits', 'vintage', 'status', 'certified_date', 'product', 'project'] as const;

/** Fields the project object embedded in every `/credits` record must carry. */
export const API_EMBEDDED_PROJECT_FIELDS = ['sustaincert_id'] as const;

/**
 * `Article Six Authorization` says `Not Applicable` on every fixture row (§3.2): that is the
 * absence of an authorization, so it becomes null; the text as published stays in
 * `attributes.articleSixAuthorization`.
 */
const NOT_APPLICABLE = /^not applicable$/i;

/** `Using Entity` placeholder for an undisclosed beneficiary (§3.2). Kept verbatim, and flagged. */
const NOT_DISCLOSED = /^not disclosed$/i;

/** `Methodology` placeholders that name no methodology. */
const NO_METHODOLOGY = /^(not provided|n\/?a|none|-)$/i;

/** Text of a stored value: strings as they are, numbers and booleans rendered, null/missing as ''. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * Named access to one record: CSV cells by column, JSON fields by name (under `prefix` for the
 * project embedded in a credit), both rendered with `render`. Dates in either are ISO:
 * `2026-04-13T12:35:58.842275` (issuances, no zone) or `2026-01-07` (§3.4).
 */
function csvFields(payload: Payload): Fields {
  return columnFields(payload, render);
}

function apiFields(object: Payload, prefix = ''): Fields {
  return jsonFields(object, prefix, render);
}

/**
 * A GSID as a string of digits. `POA GSID` holds pandas float renderings (`12856.0`) in the
 * fixtures (registries.md §0.2); any whole number is accepted and written without the `.0`.
 */
function gsidOf(fields: Fields, name: string, required: boolean): string | null {
  const raw = fields.get(name).trim();
  if (raw === '') {
    if (required) reject('missing_field', `${fields.label(name)} is blank`);
    return null;
  }
  const match = /^(\d+)(?:\.0+)?$/.exec(raw);
  if (!match) reject('invalid_number', `${fields.label(name)} is "${raw}": not a GSID (a whole number)`);
  return String(Number(match[1]));
}

function yearOf(fields: Fields, name: string): number | null {
  const value = numberOf(fields, name);
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 1990 || value > 2200) reject('invalid_number', `${fields.label(name)} is "${fields.get(name)}": not a year`);
  return value;
}

const CDM_CODE = /^(?:AR-)?(?:AMS-[IVX]+\.[A-Z]+(?:\.[A-Z]+)*\.?|A?CM\d{4}|AM\d{4})/i;
const VERSION = /\b(?:version|ver\.?|v)\s*[-:.]?\s*(\d+(?:\.\d+)*)/i;

/**
 * Methodologies from Gold Standard's free text (one per `;`-separated item):
 * - a CDM code leads the text (`ACM0002 Grid-connected…`, `AMS-I.E. Switch from…`): the id is
 *   the code, the version is read from `version 21.0` / `v21` when written;
 * - otherwise a name with a version (`GS TPDDTEC v3.1`, `GS TPDDTEC V4.0: REDUCED EMISSIONS…`):
 *   the id is the name before the version;
 * - otherwise the text before any colon is the id, without a version.
 * Blank and `Not provided` give no methodology. The text as published is kept in attributes.
 */
export function parseMethodologies(value: string | null): MethodologyRef[] {
  const refs: MethodologyRef[] = [];
  for (const item of splitList(value, ';')) {
    if (NO_METHODOLOGY.test(item)) continue;
    const code = CDM_CODE.exec(item)?.[0];
    if (code !== undefined) {
      refs.push({ id: code.toUpperCase(), version: VERSION.exec(item.slice(code.length))?.[1] ?? null });
      continue;
    }
    const named = /^(.+?)\s+(?:version|ver\.?|v)\s*(\d+(?:\.\d+)*)\b/i.exec(item);
    if (named) {
      refs.push({ id: named[1]!.trim(), version: named[2]! });
      continue;
    }
    refs.push({ id: item.split(':')[0]!.trim(), version: null });
  }
  return refs;
}

/**
 * SDG numbers from the API's `sustainable_development_goals`, whose shape is UNCONFIRMED:
 * numbers, numeric strings, or objects whose `name` holds the goal (`Goal 13: …`, as a
 * third-party scraper reads it) are accepted. An object's `id` is not used: it may be an
 * internal id rather than the goal number.
 */
function apiSdgs(value: unknown): number[] {
  if (typeof value === 'string') return parseSdgs(value);
  if (!Array.isArray(value)) return [];
  const goals = new Set<number>();
  for (const item of value) {
    let goal: number | null = null;
    if (typeof item === 'number') goal = item;
    else if (typeof item === 'string') goal = parseSdgs(item)[0] ?? null;
    else if (item !== null && typeof item === 'object') {
      const record = item as Payload;
      const name = render(record.name);
      const fromName = /(?:goal|sdg)\s*#?\s*(\d{1,2})(?!\d)/i.exec(name) ?? /^\s*(\d{1,2})(?!\d)/.exec(name);
      if (fromName) goal = Number(fromName[1]);
      else if (typeof record.number === 'number') goal = record.number;
      else if (typeof record.goal === 'number') goal = record.goal;
    }
    if (goal !== null && Number.isInteger(goal) && goal >= 1 && goal <= 17) goals.add(goal);
  }
  return [...goals].sort((a, b) => a - b);
}

/** Labels as the API publishes them (`["EMISSION_REDUCTION"]`), verbatim; objects by their `name`. */
function apiLabels(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const labels: string[] = [];
  for (const item of value) {
    const label = typeof item === 'string' ? item : item !== null && typeof item === 'object' ? render((item as Payload).name) : render(item);
    if (label.trim() !== '') labels.push(label);
  }
  return labels;
}

/** Only the entries whose value is not null, undefined or blank text. */
function present(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== null && value !== undefined && !(typeof value === 'string' && value.trim() === '')));
}

/** The CDM project a CER block belongs to, read from its serial (registries.md §9.3, §11). */
function cdmReference(serial: GoldStandardSerial): CrossReference[] {
  return serial.format === 'cdm' ? [{ programId: 'cdm', registryProjectId: serial.cdmProjectRef, relation: 'cdm-serial' }] : [];
}

/**
 * Parses a serial and checks it against the record: the units it covers must equal the
 * quantity, and a Gold Standard serial must name the record's GSID and vintage.
 */
function checkedSerial(
  fields: Fields,
  names: { serial: string; quantity: string; vintage: string },
  gsid: { value: string; label: string },
  quantity: number,
  vintage: number | null,
): { serial: string; parsed: GoldStandardSerial } {
  const serial = requireText(fields, names.serial);
  const parsed = parseGoldStandardSerial(serial);
  if ('error' in parsed) reject('invalid_serial', `${fields.label(names.serial)}: ${parsed.error}`);
  const { block } = parsed;
  const inSerial = blockQuantity(block);
  if (inSerial !== quantity) {
    reject(
      'quantity_mismatch',
      `serial "${serial}" covers units ${block.firstUnit}–${block.lastUnit}, i.e. ${inSerial} credits, but ${fields.label(names.quantity)} says ${quantity}`,
    );
  }
  if (parsed.format === 'gs') {
    if (block.parts.gsid !== gsid.value) {
      reject('inconsistent_reference', `serial "${serial}" names project GS${String(block.parts.gsid)} but ${gsid.label} is "${gsid.value}"`);
    }
    if (vintage !== null && block.parts.vintage !== vintage) {
      reject('inconsistent_reference', `serial "${serial}" has vintage ${String(block.parts.vintage)} but ${fields.label(names.vintage)} is "${fields.get(names.vintage)}"`);
    }
  }
  return { serial, parsed };
}

/** ISO 3166-1 alpha-2 of the units, from the serial's country (GS) or host party (CDM). */
function serialCountry(parsed: GoldStandardSerial): string | null {
  const code = parsed.format === 'gs' ? parsed.block.parts.country : parsed.block.parts.party;
  return typeof code === 'string' ? countryCode(code) : null;
}

/** A `kind` credit of the serial's block, keyed `<kind>:<serial>`, with the vintage, block and country the serial states. */
function creditBase(
  kind: CreditKind,
  registryProjectId: string,
  serial: string,
  parsed: GoldStandardSerial,
  quantity: number,
  vintage: number | null,
): NormalizedCredit {
  return {
    ...emptyCredit('gold-standard', `${kind}:${serial}`, registryProjectId, kind, quantity),
    vintageYear: vintage ?? (parsed.format === 'gs' ? (parsed.block.parts.vintage as number) : null),
    serialNumber: serial,
    serialBlock: parsed.block,
    countryCode: serialCountry(parsed),
  };
}

// ---------------------------------------------------------------------------------------------
// CSV exports

function normalizeProjectRow(payload: Payload): NormalizeResult {
  const fields = csvFields(payload);
  const gsid = gsidOf(fields, 'GSID', true)!;
  const countryName = textOf(fields, 'Country');
  const methodology = textOf(fields, 'Methodology');
  const project: NormalizedProject = {
    ...emptyProject('gold-standard', gsid, 'full'),
    name: textOf(fields, 'Project Name'),
    proponent: textOf(fields, 'Project Developer Name'),
    // `International` (multi-country) maps to null; the name stays in countryName.
    countryCode: countryCode(countryName),
    countryName,
    // One type per project; types contain commas (`Biomass, or Liquid Biofuel - Heat`).
    projectTypes: textOf(fields, 'Project Type') === null ? [] : [fields.get('Project Type').trim()],
    methodologies: parseMethodologies(methodology),
    status: textOf(fields, 'Status'),
    sdgs: parseSdgs(fields.get('Sustainable Development Goals')),
    estimatedAnnualCredits: numberOf(fields, 'Estimated Annual Credits'),
    parentRegistryProjectId: gsidOf(fields, 'POA GSID', false),
    attributes: present({
      description: textOf(fields, 'Description'),
      size: textOf(fields, 'Size'),
      programmeOfActivities: textOf(fields, 'Programme of Activities'),
      methodology,
      ...otherColumns(payload, PROJECT_COLUMNS, render),
    }),
  };
  return { ok: true, projects: [project], credits: [] };
}

/** The partial project of a transaction row: only project-level columns, so every row of a project gives the same one. */
function csvPartialProject(fields: Fields, gsid: string, parsed: GoldStandardSerial): NormalizedProject {
  const countryName = textOf(fields, 'Country');
  const methodology = textOf(fields, 'Methodology');
  return {
    ...emptyProject('gold-standard', gsid, 'partial'),
    name: textOf(fields, 'Project Name'),
    proponent: textOf(fields, 'Project Developer'),
    countryCode: countryCode(countryName),
    countryName,
    projectTypes: textOf(fields, 'Project Type') === null ? [] : [fields.get('Project Type').trim()],
    methodologies: parseMethodologies(methodology),
    parentRegistryProjectId: gsidOf(fields, 'POA GSID', false),
    crossReferences: cdmReference(parsed),
    attributes: present({ programmeOfActivities: textOf(fields, 'Programme of Activities'), methodology }),
  };
}

/** Kind of a retirement-export row from its `Credit Status`. */
function retirementKind(fields: Fields): CreditKind {
  const status = requireText(fields, 'Credit Status');
  if (/^retired$/i.test(status)) return 'retirement';
  if (/^cancell?ed$/i.test(status)) return 'cancellation';
  return reject('malformed_row', `${fields.label('Credit Status')} is "${status}": expected "Retired" or "Canceled" in the retirement export`);
}

function normalizeTransactionRow(payload: Payload, source: 'issuances' | 'retirements'): NormalizeResult {
  const fields = csvFields(payload);
  const kind: CreditKind = source === 'issuances' ? 'issuance' : retirementKind(fields);
  const gsid = gsidOf(fields, 'GSID', true)!;
  const quantity = positiveWholeNumber(fields, 'Quantity');
  const vintage = yearOf(fields, 'Vintage');
  const { serial, parsed } = checkedSerial(
    fields,
    { serial: 'Serial Number', quantity: 'Quantity', vintage: 'Vintage' },
    { value: gsid, label: fields.label('GSID') },
    quantity,
    vintage,
  );
  const issuanceDate = dateOf(fields, 'Issuance Date', 'iso');
  const article6 = textOf(fields, 'Article Six Authorization');
  const base = creditBase(kind, gsid, serial, parsed, quantity, vintage);
  const known = source === 'issuances' ? ISSUANCE_COLUMNS : RETIREMENT_COLUMNS;
  const common = {
    ...base,
    vintageStart: dateOf(fields, 'Monitoring Period Start', 'iso'),
    vintageEnd: dateOf(fields, 'Monitoring Period End', 'iso'),
    issuanceDate,
    // `ICVCM CCP, Emission Reduction` → two labels, verbatim.
    labels: splitList(fields.get('Label'), ','),
    article6Authorization: article6 === null || NOT_APPLICABLE.test(article6.trim()) ? null : article6,
  };
  const attributes = {
    productType: textOf(fields, 'Product Type'),
    creditStatus: textOf(fields, 'Credit Status'),
    articleSixAuthorization: article6,
  };

  let credit: NormalizedCredit;
  if (kind === 'issuance') {
    credit = {
      ...common,
      naturalKey: `issuance:${serial}`,
      kind,
      transactionDate: issuanceDate,
      attributes: present({ ...attributes, ...otherColumns(payload, known, render) }),
    };
  } else {
    const beneficiary = textOf(fields, 'Using Entity');
    const aeroplaneOperator = textOf(fields, 'Aeroplane Operator Name');
    credit = {
      ...common,
      // The serial names the units, and units leave the registry once: the kind and the serial
      // identify the row. The date is left out on purpose: cancelled rows have none, and a date
      // filled in or corrected later must update the row, not add a second one.
      naturalKey: `${kind}:${serial}`,
      kind,
      // Cancelled rows have a blank `Retirement Date` (§3.2); the row has no other date of the
      // cancellation (`Issuance Date` is when the units were issued), so it stays null.
      transactionDate: dateOf(fields, 'Retirement Date', 'iso'),
      // Verbatim, `Not Disclosed` included; it is flagged so matching does not treat every
      // undisclosed beneficiary as one and the same buyer.
      beneficiary,
      retirementNote: textOf(fields, 'Note'),
      useCase: textOf(fields, 'Use Case'),
      attributes: present({
        ...attributes,
        beneficiaryNotDisclosed: beneficiary !== null && NOT_DISCLOSED.test(beneficiary.trim()) ? true : null,
        aeroplaneOperatorName: aeroplaneOperator,
        // An aeroplane operator is named for CORSIA use by an airline (§3.6): a hint, not a
        // published use case, so `useCase` keeps what the registry wrote.
        impliedUse: aeroplaneOperator !== null ? 'CORSIA' : null,
        ...otherColumns(payload, known, render),
      }),
    };
  }
  return { ok: true, projects: [csvPartialProject(fields, gsid, parsed)], credits: [credit] };
}

// ---------------------------------------------------------------------------------------------
// JSON API

function isObject(value: unknown): value is Payload {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A `/projects` record, or the project embedded in a `/credits` record (field names under `prefix`). */
function apiProject(object: Payload, completeness: NormalizedProject['completeness'], prefix: string): NormalizedProject {
  const fields = apiFields(object, prefix);
  const gsid = gsidOf(fields, 'sustaincert_id', true)!;
  const countryName = textOf(fields, 'country');
  const methodology = textOf(fields, 'methodology');
  const start = dateOf(fields, 'crediting_period_start_date', 'iso');
  const end = dateOf(fields, 'crediting_period_end_date', 'iso');
  return {
    ...emptyProject('gold-standard', gsid, completeness),
    name: textOf(fields, 'name'),
    proponent: textOf(fields, 'project_developer'),
    // `XZ` / `International` for multi-country projects (§3.5) map to null.
    countryCode: countryCode(textOf(fields, 'country_code')) ?? countryCode(countryName),
    countryName,
    projectTypes: textOf(fields, 'type') === null ? [] : [fields.get('type').trim()],
    methodologies: parseMethodologies(methodology),
    status: textOf(fields, 'status'),
    creditingPeriodStart: start,
    creditingPeriodEnd: end,
    sdgs: apiSdgs(object.sustainable_development_goals),
    estimatedAnnualCredits: numberOf(fields, 'estimated_annual_credits'),
    parentRegistryProjectId: gsidOf(fields, 'poa_project_sustaincert_id', false),
    attributes: present({
      // The API's own id differs from the GSID (`sustaincert_id`) and keys the project pages.
      internalId: textOf(fields, 'id'),
      description: textOf(fields, 'description'),
      size: textOf(fields, 'size'),
      programmeOfActivities: textOf(fields, 'programme_of_activities'),
      methodology,
      carbonStream: textOf(fields, 'carbon_stream'),
      gsfStandardsVersion: textOf(fields, 'gsf_standards_version'),
      poaProjectId: textOf(fields, 'poa_project_id'),
      poaProjectName: textOf(fields, 'poa_project_name'),
      sustaincertUrl: textOf(fields, 'sustaincert_url'),
      state: textOf(fields, 'state'),
      labels: Array.isArray(object.labels) && object.labels.length > 0 ? object.labels : null,
      createdAt: textOf(fields, 'created_at'),
      updatedAt: textOf(fields, 'updated_at'),
    }),
  };
}

/** API block status → the credits it yields besides its issuance. */
function apiStatusKind(fields: Fields): 'issued' | 'retirement' | 'cancellation' {
  const status = requireText(fields, 'status').toUpperCase();
  if (status === 'ISSUED') return 'issued';
  if (status === 'RETIRED') return 'retirement';
  if (status === 'CANCELLED' || status === 'CANCELED') return 'cancellation';
  return reject('malformed_row', `${fields.label('status')} is "${fields.get('status')}": expected ISSUED or RETIRED (or CANCELLED)`);
}

function normalizeApiCredit(payload: Payload): NormalizeResult {
  const fields = apiFields(payload);
  const status = apiStatusKind(fields);
  const embedded = payload.project;
  if (!isObject(embedded)) reject('missing_field', `${fields.label('project')} is not a project object`);
  const projectFields = apiFields(embedded, 'project.');
  const gsid = gsidOf(projectFields, 'sustaincert_id', true)!;
  const quantity = positiveWholeNumber(fields, 'number_of_credits');
  const vintage = yearOf(fields, 'vintage');
  const { serial, parsed } = checkedSerial(
    fields,
    { serial: 'serial_number', quantity: 'number_of_credits', vintage: 'vintage' },
    { value: gsid, label: projectFields.label('sustaincert_id') },
    quantity,
    vintage,
  );
  // The block's own unit range and batch, when given, must be the serial's (§3.3).
  const checks: [string, unknown][] = [
    ['starting_credit_number', parsed.block.firstUnit],
    ['ending_credit_number', parsed.block.lastUnit],
    ['batch_number', parsed.format === 'gs' ? parsed.block.parts.batch : undefined],
  ];
  for (const [name, expected] of checks) {
    const value = numberOf(fields, name);
    if (value !== null && expected !== undefined && value !== expected) {
      reject('inconsistent_reference', `serial "${serial}" gives ${String(expected)} but ${fields.label(name)} is "${fields.get(name)}"`);
    }
  }

  const product = payload.product;
  const productType = isObject(product) ? textOf(apiFields(product), 'abbreviation') : textOf(fields, 'product');
  const issuanceDate = dateOf(fields, 'certified_date', 'iso');
  const base = {
    ...creditBase('issuance', gsid, serial, parsed, quantity, vintage),
    vintageStart: dateOf(fields, 'monitoring_period_start_date', 'iso'),
    vintageEnd: dateOf(fields, 'monitoring_period_end_date', 'iso'),
    issuanceDate,
    // The block's product class (`EMISSION_REDUCTION`), verbatim (§3.2).
    labels: apiLabels(payload.labels),
  };
  const attributes = present({
    internalId: textOf(fields, 'id'),
    status: textOf(fields, 'status'),
    productType,
    productName: isObject(product) ? textOf(apiFields(product), 'name') : null,
    createdAt: textOf(fields, 'created_at'),
    updatedAt: textOf(fields, 'updated_at'),
  });

  // Every block was issued, whatever its current status (§3.4).
  const credits: NormalizedCredit[] = [
    { ...base, naturalKey: `issuance:${serial}`, kind: 'issuance', transactionDate: issuanceDate, attributes },
  ];
  if (status !== 'issued') {
    credits.push({
      ...base,
      naturalKey: `${status}:${serial}`,
      kind: status,
      // The API publishes no retirement date (§3.2): null rather than a guess from `updated_at`.
      transactionDate: null,
      // `Using Entity`, `Aeroplane Operator Name` and `Article Six Authorization` are not known
      // to be in the API (UNCONFIRMED), so beneficiary and authorization stay null.
      retirementNote: textOf(fields, 'note'),
      useCase: textOf(fields, 'retirement_use_case'),
      attributes,
    });
  }
  const project = apiProject(embedded, 'partial', 'project.');
  project.crossReferences = cdmReference(parsed);
  return { ok: true, projects: [project], credits };
}

function normalizeApiProject(payload: Payload): NormalizeResult {
  return { ok: true, projects: [apiProject(payload, 'full', '')], credits: [] };
}

const NORMALIZERS: Record<GoldStandardSource, (raw: RawRecord) => NormalizeResult> = {
  projects: (raw) => normalizeProjectRow(raw.payload),
  issuances: (raw) => normalizeTransactionRow(raw.payload, 'issuances'),
  retirements: (raw) => normalizeTransactionRow(raw.payload, 'retirements'),
  'api-projects': (raw) => normalizeApiProject(raw.payload),
  'api-credits': (raw) => normalizeApiCredit(raw.payload),
};

/**
 * Normalizes one Gold Standard raw record. Never throws on bad data: a record that cannot be
 * read returns `{ ok: false, rejection }` whose detail names the column (or field) and value.
 */
export function normalizeGoldStandard(raw: RawRecord): NormalizeResult {
  return normalizeBySource(raw, 'Gold Standard', NORMALIZERS, render);
}

/**
 * Natural key of a Gold Standard raw record:
 * - `projects`: the `GSID`; `issuances`: the `Serial Number`;
 * - `retirements`: `<Credit Status>:<Serial Number>` (`Retired:GS1-1-…`), since a block's
 *   retirement and a cancellation of the same units would be different records;
 * - `api-projects`, `api-credits`: the API's record `id`.
 * When a part is blank, or the CSV row is malformed (its cells may have shifted), the key is
 * `sha256:<hex>` of the record's JSON, so the record is still stored (and rejected).
 */
export function goldStandardNaturalKey(sourceKind: string, payload: Record<string, unknown>): string {
  const cell = (name: string) => render(payload[name]).trim();
  let key = '';
  if (payload[MALFORMED] === undefined) {
    switch (sourceKind) {
      case GOLD_STANDARD_SOURCES.projects:
        key = cell('GSID');
        break;
      case GOLD_STANDARD_SOURCES.issuances:
        key = cell('Serial Number');
        break;
      case GOLD_STANDARD_SOURCES.retirements:
        key = cell('Credit Status') !== '' && cell('Serial Number') !== '' ? `${cell('Credit Status')}:${cell('Serial Number')}` : '';
        break;
      case GOLD_STANDARD_SOURCES.apiProjects:
      case GOLD_STANDARD_SOURCES.apiCredits:
        key = cell('id');
        break;
    }
  }
  return keyOrContentKey(key, payload);
}
