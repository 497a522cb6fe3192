/**
 * Isometric registry records (registries.md §5) → normalized projects and credits.
 * Pure: no I/O, so stored raw records can be normalized again after a fix.
 *
 * Payloads are the API's JSON objects flattened into the dotted keys of CarbonPlan's CSV
 * exports (`credit_batch_size_total.credits`), see connectors/common/json-records.ts; the
 * fields below read both the API's JSON values and the CSV's cell text.
 *
 * - `projects`: one project of `GET /projects` → one full project, keyed by its `prj_…` id
 *   (credits name their project by that id; `short_code` is kept in attributes).
 * - `issuances`: one `GET /issuances` node → one issuance credit keyed by its `iss_…` id,
 *   plus a partial project.
 * - `retirements`: one `GET /retirements` node → one retirement credit keyed by its
 *   `ret_…` id, plus a partial project.
 *
 * Quantities are tonnes with decimals (`2765.37`), published with an integer kilogram twin
 * (`2765370`) that must equal tonnes × 1000 (100/100 fixture rows, registries.md §0.3).
 * Isometric publishes no serial numbers and no cancellation ledger.
 */
import type { NormalizeResult, NormalizedCredit, NormalizedProject, RawRecord } from '../contract.ts';
import { alpha3ToAlpha2, countryCode } from '../common/countries.ts';
import { MALFORMED } from '../common/csv.ts';
import { fieldText, fieldTextOrNull, type Payload } from '../common/json-records.ts';
import { dateOf, emptyCredit, emptyProject, jsonFields, keyOrContentKey, listField, normalizeBySource, numberOf, otherFields, reject, requireText } from '../common/normalize-kit.ts';
import type { JsonValue } from '../common/python-repr.ts';
import { parseDate, parseQuantity } from '../common/values.ts';

/** Source kinds of the Isometric connector's raw records: one per API list endpoint. */
export const ISOMETRIC_SOURCES = { projects: 'projects', issuances: 'issuances', retirements: 'retirements' } as const;

export type IsometricSource = (typeof ISOMETRIC_SOURCES)[keyof typeof ISOMETRIC_SOURCES];

export { MALFORMED } from '../common/csv.ts';

/**
 * Fields each source must have (CSV header / at least one record of each API page); without
 * them nothing can be normalized, so their absence stops the run as a changed format.
 */
export const REQUIRED_FIELDS: Record<IsometricSource, readonly string[]> = {
  projects: ['id', 'name', 'status', 'short_code', 'protocol_slug', 'country_code'],
  issuances: ['id', 'issued_at', 'project_id', 'credit_batch_size_total.credits', 'credit_batch_size_total.credit_kgs'],
  // `project_id` and `sequestered_on` are top-level in the 2026-04 export; CarbonPlan's
  // earlier code read them from a `credit_batches` list instead, so neither is required here.
  retirements: ['retirement_id', 'retired_at', 'credit_batch_size_total.credits', 'credit_batch_size_total.credit_kgs'],
};

/** List-valued fields (Python reprs in CarbonPlan's CSV, arrays in the API). */
export const LIST_FIELDS: Record<IsometricSource, readonly string[]> = {
  projects: [],
  issuances: [],
  retirements: ['purposes', 'credit_batches'],
};

/** Field holding each source's registry id (the raw record's natural key). */
export const ID_FIELDS: Record<IsometricSource, string> = {
  projects: 'id',
  issuances: 'id',
  retirements: 'retirement_id',
};

/** `<prefix>.credits` (tonnes) and `<prefix>.credit_kgs` (its kilogram twin). */
const amountFields = (...prefixes: string[]): string[] => prefixes.flatMap((prefix) => [`${prefix}.credits`, `${prefix}.credit_kgs`]);

/** The registry's own running totals on a project, each in tonnes with a kilogram twin. */
const PROJECT_TOTALS = [
  'issued_credits_total',
  'retired_credits_total',
  'issued_buffer_pool_credits_total',
  'retired_buffer_pool_credits_total',
] as const;

/** Fields mapped to columns of their own; every other non-blank field goes to `attributes`. */
const PROJECT_MAPPED = new Set([
  'id',
  'name',
  'short_code',
  'status',
  'pathway',
  'protocol_slug',
  'country_code',
  'crediting_period_start',
  'crediting_period_end',
  'supplier.organisation.name',
  'location.country_code',
  'location.country_name',
  'location.latitude',
  'location.longitude',
  ...amountFields(...PROJECT_TOTALS),
]);

/**
 * Supplier profile texts repeated on every issuance: they describe the supplier, not the
 * credits, and the project record keeps them.
 */
const SUPPLIER_PROFILE = new Set(['supplier.short_description', 'supplier.long_description']);

const ISSUANCE_MAPPED = new Set([
  'id',
  'issued_at',
  'project_id',
  'sequestered_on',
  ...amountFields('credit_batch_size_total', 'supplier_credit_batch_size_total', 'buffer_pool_credit_batch_size_total'),
  ...SUPPLIER_PROFILE,
]);
const RETIREMENT_MAPPED = new Set([
  'retirement_id',
  'retired_at',
  'project_id',
  'purposes',
  'notes',
  'beneficiary.name',
  'sequestered_on',
  ...amountFields('credit_batch_size_total'),
]);

/** A coordinate, or null when blank or out of range (a range error is not worth a rejection). */
function coordinate(payload: Payload, field: string, limit: number): number | null {
  const parsed = parseQuantity(fieldText(payload, field));
  return parsed.ok && parsed.value !== null && Math.abs(parsed.value) <= limit ? parsed.value : null;
}

/**
 * An amount of credits: `<prefix>.credits` (tonnes, decimals) checked against its
 * `<prefix>.credit_kgs` twin. Null when both are blank.
 */
function amount(payload: Payload, prefix: string): { tonnes: number; kgs: number | null } | null {
  const tonnesField = `${prefix}.credits`;
  const kgsField = `${prefix}.credit_kgs`;
  const fields = jsonFields(payload);
  const tonnes = numberOf(fields, tonnesField);
  const kgs = numberOf(fields, kgsField);
  if (tonnes === null) {
    if (kgs !== null) reject('missing_field', `field "${tonnesField}" is blank but "${kgsField}" is ${kgs}`);
    return null;
  }
  if (tonnes < 0) reject('invalid_number', `field "${tonnesField}" is ${fieldText(payload, tonnesField)}: a negative quantity`);
  // Tonnes carry at most three decimals (whole kilograms), so rounding tonnes × 1000 is exact.
  if (kgs !== null && Math.round(tonnes * 1000) !== kgs) {
    reject(
      'quantity_mismatch',
      `field "${tonnesField}" is ${fieldText(payload, tonnesField)} t but "${kgsField}" is ${fieldText(payload, kgsField)} kg (expected tonnes × 1000)`,
    );
  }
  return { tonnes, kgs };
}

function normalizeProject(payload: Payload): NormalizeResult {
  const fields = jsonFields(payload);
  const id = requireText(fields, 'id');
  // `country_code` is the project's country (ISO alpha-3, §5); `location.*` repeats it with
  // a name and coordinates when the supplier entered a location.
  const alpha3 = fieldTextOrNull(payload, 'country_code') ?? fieldTextOrNull(payload, 'location.country_code');
  const countryName = fieldTextOrNull(payload, 'location.country_name');
  const pathway = fieldTextOrNull(payload, 'pathway');
  const protocol = fieldTextOrNull(payload, 'protocol_slug');
  const project: NormalizedProject = {
    ...emptyProject('isometric', id, 'full'),
    name: fieldTextOrNull(payload, 'name'),
    proponent: fieldTextOrNull(payload, 'supplier.organisation.name'),
    countryCode: alpha3ToAlpha2(alpha3) ?? countryCode(countryName),
    countryName: countryName ?? alpha3,
    latitude: coordinate(payload, 'location.latitude', 90),
    longitude: coordinate(payload, 'location.longitude', 180),
    // The removal pathway (`biomass_carbon_removal_and_storage`, `enhanced_weathering`…).
    projectTypes: pathway === null ? [] : [pathway],
    // Projects name their protocol by slug (`biochar`); no protocol version is published.
    methodologies: protocol === null ? [] : [{ id: protocol, version: null }],
    status: fieldTextOrNull(payload, 'status'),
    creditingPeriodStart: dateOf(fields, 'crediting_period_start', 'iso'),
    creditingPeriodEnd: dateOf(fields, 'crediting_period_end', 'iso'),
    attributes: {
      // Isometric's own short reference (`TS26`), used on its registry pages.
      shortCode: fieldTextOrNull(payload, 'short_code'),
      // Isometric's totals in tonnes (kilogram twins checked), e.g. `issued_credits_total`.
      registryTotals: Object.fromEntries(PROJECT_TOTALS.map((prefix) => [prefix, amount(payload, prefix)?.tonnes ?? null])),
      ...otherFields(payload, PROJECT_MAPPED),
    },
  };
  return { ok: true, projects: [project], credits: [] };
}

/**
 * The partial project every credit carries (its project is in the project list too). Only
 * the id: issuances and retirements publish different project fields, and partials that
 * differ by record kind would overwrite each other on every sync.
 */
function creditProject(registryProjectId: string): NormalizedProject {
  return emptyProject('isometric', registryProjectId, 'partial');
}

function positiveAmount(payload: Payload, prefix: string): { tonnes: number; kgs: number | null } {
  const total = amount(payload, prefix);
  if (total === null) reject('missing_field', `field "${prefix}.credits" is blank`);
  if (total.tonnes <= 0) reject('invalid_number', `field "${prefix}.credits" is ${fieldText(payload, `${prefix}.credits`)}: not a positive quantity`);
  return total;
}

/** The year of `sequestered_on`, Isometric's vintage (CarbonPlan takes its year, §5). */
function sequesteredOn(payload: Payload, batches: readonly JsonValue[]): { date: string | null; year: number | null } {
  const date = dateOf(jsonFields(payload), 'sequestered_on', 'iso');
  if (date !== null) return { date, year: Number(date.slice(0, 4)) };
  // Earlier API shape: one `sequestered_on` per credit batch; CarbonPlan took the earliest year.
  const years = batches
    .map((batch) => (typeof batch === 'object' && batch !== null && !Array.isArray(batch) ? batch.sequestered_on : null))
    .map((value) => (typeof value === 'string' ? parseDate(value, 'iso') : null))
    .flatMap((parsed) => (parsed?.ok && parsed.value !== null ? [Number(parsed.value.slice(0, 4))] : []));
  return { date: null, year: years.length > 0 ? Math.min(...years) : null };
}

/** The credit's project: `project_id`, or the one project all `credit_batches` name. */
function creditProjectId(payload: Payload, batches: readonly JsonValue[]): string {
  const direct = fieldText(payload, 'project_id').trim();
  if (direct !== '') return direct;
  const named = new Set(
    batches.flatMap((batch) =>
      typeof batch === 'object' && batch !== null && !Array.isArray(batch) && typeof batch.project_id === 'string' ? [batch.project_id] : [],
    ),
  );
  if (named.size === 1) return [...named][0]!;
  if (named.size > 1) reject('inconsistent_reference', `field "project_id" is blank and "credit_batches" name ${named.size} projects: ${[...named].join(', ')}`);
  return reject('missing_field', 'field "project_id" is blank');
}

function normalizeIssuance(payload: Payload): NormalizeResult {
  const fields = jsonFields(payload);
  const id = requireText(fields, 'id');
  const projectId = requireText(fields, 'project_id');
  const total = positiveAmount(payload, 'credit_batch_size_total');
  const supplier = amount(payload, 'supplier_credit_batch_size_total');
  const buffer = amount(payload, 'buffer_pool_credit_batch_size_total');
  const issuedAt = dateOf(fields, 'issued_at', 'iso');
  if (issuedAt === null) reject('missing_field', 'field "issued_at" is blank');
  // `sequestered_on` is absent from the 2026-04 issuance export but optional in CarbonPlan's code.
  const vintage = sequesteredOn(payload, []);

  const credit: NormalizedCredit = {
    ...emptyCredit('isometric', id, projectId, 'issuance', total.tonnes),
    vintageYear: vintage.year,
    transactionDate: issuedAt,
    issuanceDate: issuedAt,
    attributes: {
      issuedAt: fieldText(payload, 'issued_at'),
      creditKgs: total.kgs,
      // Part of each issuance goes to Isometric's buffer pool; the total is both (100/100, §5).
      supplierCredits: supplier?.tonnes ?? null,
      supplierCreditKgs: supplier?.kgs ?? null,
      bufferPoolCredits: buffer?.tonnes ?? null,
      bufferPoolCreditKgs: buffer?.kgs ?? null,
      ...otherFields(payload, ISSUANCE_MAPPED),
    },
  };
  return { ok: true, projects: [creditProject(projectId)], credits: [credit] };
}

function normalizeRetirement(payload: Payload): NormalizeResult {
  const fields = jsonFields(payload);
  const id = requireText(fields, 'retirement_id');
  const batches = listField(payload, 'credit_batches');
  const projectId = creditProjectId(payload, batches);
  const total = positiveAmount(payload, 'credit_batch_size_total');
  const retiredAt = dateOf(fields, 'retired_at', 'iso');
  if (retiredAt === null) reject('missing_field', 'field "retired_at" is blank');
  const vintage = sequesteredOn(payload, batches);
  const purposes = listField(payload, 'purposes').map((purpose) => (typeof purpose === 'string' ? purpose : JSON.stringify(purpose)));

  const credit: NormalizedCredit = {
    ...emptyCredit('isometric', id, projectId, 'retirement', total.tonnes),
    vintageYear: vintage.year,
    transactionDate: retiredAt,
    // The beneficiary the credits were retired for; `owner` is the retiring account, often an
    // intermediary such as Stripe or Watershed (§5), kept in attributes.
    beneficiary: fieldTextOrNull(payload, 'beneficiary.name'),
    // Claim purposes as published (`corporate_targets; public_environmental_claims`).
    retirementReason: purposes.length > 0 ? purposes.join('; ') : null,
    retirementNote: fieldTextOrNull(payload, 'notes'),
    attributes: {
      retiredAt: fieldText(payload, 'retired_at'),
      creditKgs: total.kgs,
      purposes,
      sequesteredOn: vintage.date,
      ...otherFields(payload, RETIREMENT_MAPPED),
    },
  };
  return { ok: true, projects: [creditProject(projectId)], credits: [credit] };
}

const NORMALIZERS: Record<IsometricSource, (raw: RawRecord) => NormalizeResult> = {
  projects: (raw) => normalizeProject(raw.payload),
  issuances: (raw) => normalizeIssuance(raw.payload),
  retirements: (raw) => normalizeRetirement(raw.payload),
};

/**
 * Normalizes one Isometric raw record. Never throws on bad data: a record that cannot be
 * read returns `{ ok: false, rejection }` whose detail names the field and the value.
 */
export function normalizeIsometric(raw: RawRecord): NormalizeResult {
  return normalizeBySource(raw, 'Isometric', NORMALIZERS);
}

/**
 * Natural key of an Isometric raw record: its registry id (`prj_…`, `iss_…`, `ret_…`).
 * When that is blank, or the row is malformed, the key is `sha256:<hex>` of the record's
 * JSON, so the record is still stored (and rejected) rather than lost.
 */
export function isometricNaturalKey(sourceKind: string, payload: Payload): string {
  const field = (ID_FIELDS as Record<string, string | undefined>)[sourceKind];
  return keyOrContentKey(field === undefined || payload[MALFORMED] !== undefined ? '' : fieldText(payload, field).trim(), payload);
}
