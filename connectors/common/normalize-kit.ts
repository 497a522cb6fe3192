/**
 * Building blocks every connector's `normalize` is made of: leaving a record with a rejection,
 * reading named values out of a payload (rejecting the record, with the value's place and text,
 * when one cannot be read), the empty project and credit a normalizer fills in, the columns it
 * does not map, and natural keys that fall back to a hash of the record.
 *
 * Pure, like the normalizers that use it. The rejection details these helpers write are part
 * of each connector's behaviour (stored with the rejected raw record, asserted by tests): a
 * helper's wording changes every connector at once.
 */
import { createHash } from 'node:crypto';
import type {
  CreditKind,
  NormalizeResult,
  NormalizedCredit,
  NormalizedProject,
  ProgramId,
  RawRecord,
  Rejection,
  RejectionReason,
} from '../contract.ts';
import { MALFORMED } from './csv.ts';
import { fieldList, fieldTextOrNull, scalarText, type Payload } from './json-records.ts';
import type { JsonValue } from './python-repr.ts';
import { parseDate, parseQuantity, type DateFormat, type Parsed } from './values.ts';

export type { Payload } from './json-records.ts';

// ---------------------------------------------------------------------------------------------
// Rejections

/** Thrown inside a normalizer to leave it with a rejection; `catchRejection` turns it into a result. */
export class RowRejected extends Error {
  constructor(readonly rejection: Rejection) {
    super(rejection.detail);
  }
}

/** Leaves the record being normalized with `reason` and a detail naming the value's place and text. */
export function reject(reason: RejectionReason, detail: string): never {
  throw new RowRejected({ reason, detail });
}

/**
 * Runs a normalizer's body and returns its result, or `{ ok: false, rejection }` when the body
 * called `reject`. Any other error passes through: a normalizer never throws on bad data, so
 * anything else is a bug.
 */
export function catchRejection(normalize: () => NormalizeResult): NormalizeResult {
  try {
    return normalize();
  } catch (error) {
    if (error instanceof RowRejected) return { ok: false, rejection: error.rejection };
    throw error;
  }
}

/**
 * Rejects (`malformed_row`) a row the CSV reader marked `MALFORMED` (its cells may have shifted
 * into the wrong columns): `<source kind>: <what the reader said>`, the reader's text rendered
 * with `render`.
 */
export function rejectMalformedRow(raw: RawRecord, render: (value: unknown) => string = String): void {
  const malformed = raw.payload[MALFORMED];
  if (malformed !== undefined) reject('malformed_row', `${raw.sourceKind}: ${render(malformed)}`);
}

/**
 * A connector's `normalize`: rejects a `MALFORMED` row (`rejectMalformedRow`, with `render`),
 * then hands the record to the normalizer of its source kind; a source kind without one is
 * rejected as `unknown <registry> source kind "<kind>"`. Never throws on bad data
 * (`catchRejection`).
 */
export function normalizeBySource(
  raw: RawRecord,
  registry: string,
  normalizers: Readonly<Record<string, (raw: RawRecord) => NormalizeResult>>,
  render: (value: unknown) => string = String,
): NormalizeResult {
  return catchRejection(() => {
    rejectMalformedRow(raw, render);
    const normalize = Object.hasOwn(normalizers, raw.sourceKind) ? normalizers[raw.sourceKind] : undefined;
    if (normalize === undefined) return reject('malformed_row', `unknown ${registry} source kind "${raw.sourceKind}"`);
    return normalize(raw);
  });
}

// ---------------------------------------------------------------------------------------------
// Reading values

/** Text of a stored cell: strings as they are, null/missing as '', anything else `String()`-ed. */
export function renderCell(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return String(value);
}

/** Cell text of a CSV payload; stored payloads are JSON, so a non-string value is rendered, a missing one is ''. */
export function cellText(payload: Payload, column: string): string {
  return renderCell(payload[column]);
}

/**
 * Named access to one record, for the readers below: `get` gives a value's text, `label` how a
 * rejection names its place (`column "Serial Number"`, `field "project.sustaincert_id"`).
 */
export interface Fields<Name = string> {
  get(name: Name): string;
  label(name: Name): string;
}

/** The cells of a CSV row by column (`column "<name>"` in rejections), rendered with `render`. */
export function columnFields(payload: Payload, render: (value: unknown) => string = renderCell): Fields {
  return { get: (name) => render(payload[name]), label: (name) => `column "${name}"` };
}

/**
 * The fields of a JSON record (`field "<prefix><name>"` in rejections; `prefix` names an
 * embedded object, e.g. `project.`), rendered with `render`: by default scalars as text and
 * null, missing values and objects as '' (connectors/common/json-records.ts).
 */
export function jsonFields(payload: Payload, prefix = '', render: (value: unknown) => string = scalarText): Fields {
  return { get: (name) => render(payload[name]), label: (name) => `field "${prefix}${name}"` };
}

/** Text as published, or null when blank. */
export function textOf<Name>(fields: Fields<Name>, name: Name): string | null {
  const value = fields.get(name);
  return value.trim() === '' ? null : value;
}

/** Trimmed text; a blank value rejects the record (`missing_field`). */
export function requireText<Name>(fields: Fields<Name>, name: Name): string {
  const value = fields.get(name).trim();
  if (value === '') reject('missing_field', `${fields.label(name)} is blank`);
  return value;
}

/**
 * A date as `YYYY-MM-DD` (null when blank), in the registry's `format` or read by the
 * registry's own parser; anything else rejects the record (`invalid_date`).
 */
export function dateOf<Name>(fields: Fields<Name>, name: Name, format: DateFormat | ((text: string) => Parsed<string | null>)): string | null {
  const text = fields.get(name);
  const parsed = typeof format === 'function' ? format(text) : parseDate(text, format);
  if (!parsed.ok) reject('invalid_date', `${fields.label(name)}: ${parsed.error}`);
  return parsed.value;
}

/** A quantity (null when blank, see `parseQuantity`); anything else rejects the record (`invalid_number`). */
export function numberOf<Name>(fields: Fields<Name>, name: Name): number | null {
  const parsed = parseQuantity(fields.get(name));
  if (!parsed.ok) reject('invalid_number', `${fields.label(name)}: ${parsed.error}`);
  return parsed.value;
}

/**
 * A positive whole number of credits (pandas may have written `550369.0`, registries.md §0.2);
 * blank rejects the record as `missing_field`, anything else that is not one as `invalid_number`.
 */
export function positiveWholeNumber<Name>(fields: Fields<Name>, name: Name): number {
  const value = numberOf(fields, name);
  if (value === null) reject('missing_field', `${fields.label(name)} is blank`);
  if (!Number.isSafeInteger(value) || value <= 0) {
    reject('invalid_number', `${fields.label(name)} is "${fields.get(name)}": not a positive whole number of credits`);
  }
  return value;
}

/**
 * A list field of a flattened JSON payload: the array as fetched, or the Python repr of
 * CarbonPlan's CSV (`fieldList`); text that is not a list rejects the record (`malformed_row`).
 */
export function listField(payload: Payload, field: string): JsonValue[] {
  const parsed = fieldList(payload, field);
  if (!parsed.ok) reject('malformed_row', `field "${field}": ${parsed.error}`);
  return parsed.value;
}

// ---------------------------------------------------------------------------------------------
// What a normalizer does not map

/** Which payload keys a normalizer maps itself: a list, a set, or a test. */
export type MappedKeys = readonly string[] | ReadonlySet<string> | ((key: string) => boolean);

function isMapped(mapped: MappedKeys, key: string): boolean {
  if (typeof mapped === 'function') return mapped(key);
  return 'has' in mapped ? mapped.has(key) : mapped.includes(key);
}

/**
 * CSV columns the normalizer does not map, kept verbatim in `attributes` (non-blank only,
 * rendered with `render`), so a column the registry adds is not lost. `MALFORMED` is never kept.
 */
export function otherColumns(payload: Payload, mapped: MappedKeys, render: (value: unknown) => string = renderCell): Record<string, string> {
  const others: Record<string, string> = {};
  for (const [column, value] of Object.entries(payload)) {
    if (isMapped(mapped, column) || column === MALFORMED) continue;
    const rendered = render(value);
    if (rendered.trim() !== '') others[column] = rendered;
  }
  return others;
}

/**
 * Fields of a flattened JSON payload the normalizer does not map, kept (non-blank only) in
 * `attributes` under their dotted names: scalars as text, so a fetched record (JSON numbers)
 * and an exported row (cell text) give the same attributes; non-empty lists as lists.
 * `MALFORMED` is never kept.
 */
export function otherFields(payload: Payload, mapped: MappedKeys): Record<string, unknown> {
  const others: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(payload)) {
    if (isMapped(mapped, field) || field === MALFORMED) continue;
    const kept = Array.isArray(value) ? (value.length > 0 ? value : null) : fieldTextOrNull(payload, field);
    if (kept !== null) others[field] = kept;
  }
  return others;
}

// ---------------------------------------------------------------------------------------------
// Empty results a normalizer fills in

/** A project of `programId` that states nothing but its id and completeness. */
export function emptyProject(programId: ProgramId, registryProjectId: string, completeness: NormalizedProject['completeness']): NormalizedProject {
  return {
    programId,
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

/** A credit of `programId` that states nothing but its key, project, kind and quantity. */
export function emptyCredit(programId: ProgramId, naturalKey: string, registryProjectId: string, kind: CreditKind, quantity: number): NormalizedCredit {
  return {
    programId,
    naturalKey,
    registryProjectId,
    kind,
    kindAmbiguous: false,
    quantity,
    vintageYear: null,
    vintageStart: null,
    vintageEnd: null,
    transactionDate: null,
    issuanceDate: null,
    serialNumber: null,
    serialBlock: null,
    countryCode: null,
    beneficiary: null,
    retirementReason: null,
    retirementNote: null,
    useCase: null,
    article6Authorization: null,
    labels: [],
    attributes: {},
  };
}

// ---------------------------------------------------------------------------------------------
// Natural keys

/** `sha256:<hex>` of `content`'s JSON: the key of a record that has no usable key of its own. */
export function contentKey(content: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(content)).digest('hex')}`;
}

/**
 * A raw record's natural key: `key` when there is one (not null or ''), else `contentKey(content)`,
 * so a record whose key cells are blank, or whose cells may have shifted (`MALFORMED`), is still
 * stored (and rejected) rather than lost or mistaken for another.
 */
export function keyOrContentKey(key: string | null, content: unknown): string {
  return key === null || key === '' ? contentKey(content) : key;
}
