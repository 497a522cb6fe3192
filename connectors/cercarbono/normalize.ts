/**
 * Cercarbono (EcoRegistry platform) records (registries.md §6) → normalized projects and
 * credits. Pure: no I/O, so stored raw records can be normalized again after a fix.
 *
 * Payloads are the platform's JSON records, nested objects flattened into dotted keys
 * (connectors/common/json-records.ts); lists are JSON arrays when fetched and CarbonPlan's
 * Python reprs when a stored CSV cell could not be read, and both are accepted.
 *
 * - `projects`: one `analytics/projects` record → one full project keyed by its numeric `id`
 *   (serials carry that id; the human-facing `code`, `CDC-1`, differs from it and is kept in
 *   attributes). Its embedded `serials` are not read here: each arrives as an `issuances`
 *   record too, so nothing is counted twice.
 * - `standard-projects`: a `project/public-by-standard/cercarbono-co2` record, fetched only
 *   for projects that `analytics/projects` leaves out (CDC-106, CDC-107 converted from
 *   BioCarbon, §6) → one full project with what that list publishes.
 * - `issuances`: one serial (`serial`, `issued_quantity`, `vintage_of_credits`…) with the
 *   `project_id` of the project it was published under → one issuance credit.
 * - `retirements`: one retirement → one retirement credit. Two shapes are read: CarbonPlan's
 *   (the fixtures: `from`/`to` unit range, `certificate_destination`, `end_user`,
 *   `passive_subject`), whose live endpoint is UNCONFIRMED, and the live
 *   `analytics/get-retirements` record as a third-party scraper documents it (`id`,
 *   `final_user`, `reason_using`, `is_kg`, `vintage` as a date; §6), which has no unit range.
 */
import type { MethodologyRef, NormalizeResult, NormalizedCredit, NormalizedProject, RawRecord } from '../contract.ts';
import { countryCode } from '../common/countries.ts';
import { MALFORMED } from '../common/csv.ts';
import { fieldBoolean, fieldText, fieldTextOrNull, type Payload } from '../common/json-records.ts';
import { dateOf, emptyCredit, emptyProject, jsonFields, keyOrContentKey, listField, normalizeBySource, numberOf, otherFields, reject, requireText } from '../common/normalize-kit.ts';
import type { JsonValue } from '../common/python-repr.ts';
import { parseDate, parseQuantity } from '../common/values.ts';
import { parseCercarbonoSerial, type CercarbonoSerialParts } from './serial.ts';

/** Source kinds of the Cercarbono connector's raw records. */
export const CERCARBONO_SOURCES = {
  projects: 'projects',
  standardProjects: 'standard-projects',
  issuances: 'issuances',
  retirements: 'retirements',
} as const;

export type CercarbonoSource = (typeof CERCARBONO_SOURCES)[keyof typeof CERCARBONO_SOURCES];

export { MALFORMED } from '../common/csv.ts';

/** Fields without which a source cannot be read: their absence stops the run as a changed format. */
export const REQUIRED_FIELDS: Record<CercarbonoSource, readonly string[]> = {
  projects: ['id', 'name', 'owner', 'stage', 'quantification_method', 'locations'],
  'standard-projects': ['id', 'code', 'name'],
  issuances: ['serial', 'issued_quantity', 'issuance_date', 'vintage_of_credits'],
  // Common to both retirement shapes (CarbonPlan's and the live ledger's).
  retirements: ['project_id', 'serial', 'quantity', 'date'],
};

/** List-valued fields (Python reprs in CarbonPlan's CSV, arrays in the API). */
export const LIST_FIELDS: Record<CercarbonoSource, readonly string[]> = {
  projects: ['sector', 'locations', 'serials'],
  'standard-projects': ['sectors', 'methodology', 'protocols'],
  issuances: ['global_goals', 'elegible'],
  retirements: [],
};

/** Values the platform writes where it has none (`Not defined`, §6 [rb]). */
const NOT_DEFINED = /^(not defined|no definido(\/not defined)?)$/i;
/** A beneficiary the platform withholds. */
const NOT_PUBLIC = /^(not public|no p[uú]blico)$/i;
/** Region and city placeholder EcoRegistry stores when none was entered (§6). */
const WORLDWIDE = /^worldwide$/i;
/** Owner of the platform's test projects (Spanish "Tests 1"), always with name `-` (§6). */
const TEST_OWNER = /^pruebas\b/i;

/** A whole number ≥ 0 (unit numbers, quantities); pandas may have written it as `4426.0`. */
function wholeField(payload: Payload, field: string): number | null {
  const value = numberOf(jsonFields(payload), field);
  if (value !== null && (!Number.isSafeInteger(value) || value < 0)) {
    reject('invalid_number', `field "${field}" is ${fieldText(payload, field)}: not a whole number ≥ 0`);
  }
  return value;
}

function booleanField(payload: Payload, field: string): boolean | null {
  const parsed = fieldBoolean(payload, field);
  if (!parsed.ok) reject('malformed_row', `field "${field}": ${parsed.error}`);
  return parsed.value;
}

/** The platform's numeric ids, with pandas' float rendering (`7.0`, registries.md §0.2) undone. */
function projectIdField(payload: Payload, field: string): string {
  const value = requireText(jsonFields(payload), field);
  return /^\d+(\.0+)?$/.test(value) ? String(Number(value)) : value;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `item[key]` as text ('' when absent or not a scalar). */
function itemText(item: JsonValue | undefined, key: string): string {
  if (!isObject(item)) return '';
  const value = item[key];
  return typeof value === 'string' ? value.trim() : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** Distinct non-blank `key` texts of a list of objects, in order. */
function distinctTexts(items: readonly JsonValue[], key: string): string[] {
  return [...new Set(items.map((item) => itemText(item, key)).filter((text) => text !== ''))];
}

const VERSION = /^(.*?)[\s_-]+v(?:er(?:sion)?)?\.?\s*(\d+(?:\.\d+)*)$/i;

/**
 * Methodology references as the platform writes them, `<family> - <id>: <title>`:
 * `CDM - AR-ACM0003: Afforestation…` → `AR-ACM0003`, `CDM - AMS-I.D.: Grid…` → `AMS-I.D.`,
 * `CCB - M/LU-REDD+: …` → `M/LU-REDD+`; a title without an id (`NTC 6208 - Mitigation
 * actions…`) → the family, `NTC 6208`. A version is read when the id carries one
 * (`AR-ACM0003 v2.0`); none of the published texts seen do. `Not defined` → none.
 */
export function parseMethodology(text: string | null): MethodologyRef[] {
  const value = (text ?? '').trim();
  if (value === '' || NOT_DEFINED.test(value)) return [];
  const dash = value.indexOf(' - ');
  const family = dash > 0 ? value.slice(0, dash).trim() : null;
  const rest = dash > 0 ? value.slice(dash + 3).trim() : value;
  const code = /^([^\s:]+(?:\s+v(?:er(?:sion)?)?\.?\s*\d+(?:\.\d+)*)?)\s*:/i.exec(rest)?.[1] ?? family ?? value;
  const versioned = VERSION.exec(code);
  return [versioned ? { id: versioned[1]!, version: versioned[2]! } : { id: code, version: null }];
}

function dedupeMethodologies(refs: readonly MethodologyRef[]): MethodologyRef[] {
  const seen = new Map<string, MethodologyRef>();
  for (const ref of refs) seen.set(`${ref.id}\u0000${ref.version ?? ''}`, ref);
  return [...seen.values()];
}

interface Place {
  city: string | null;
  region: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
}

function coordinate(value: JsonValue | undefined, limit: number): number | null {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? parseQuantity(value) : null;
  const number = typeof parsed === 'number' ? parsed : parsed?.ok ? parsed.value : null;
  return number !== null && Math.abs(number) <= limit ? number : null;
}

/**
 * Distinct `locations` entries (the feed repeats them once per verification, like sectors),
 * with the `Worldwide` region/city placeholder read as blank.
 */
function places(items: readonly JsonValue[]): Place[] {
  const all = items.filter(isObject).map((item): Place => {
    const text = (key: string): string | null => {
      const value = itemText(item, key);
      return value === '' || WORLDWIDE.test(value) ? null : value;
    };
    const map = item.data_map;
    return {
      city: text('city'),
      region: text('region'),
      country: text('country'),
      latitude: isObject(map) ? coordinate(map.latitude, 90) : null,
      longitude: isObject(map) ? coordinate(map.longitude, 180) : null,
    };
  });
  return [...new Map(all.map((place) => [JSON.stringify(place), place])).values()];
}

/** SDG numbers from `global_goals` (`[{code: 8, description: 'Economic growth'}]`). */
function sdgCodes(goals: readonly JsonValue[]): number[] {
  const codes = new Set<number>();
  for (const goal of goals) {
    const code = Number(itemText(goal, 'code'));
    if (Number.isInteger(code) && code >= 1 && code <= 17) codes.add(code);
  }
  return [...codes].sort((a, b) => a - b);
}

/** Why a record looks like one of the platform's test projects, or null. */
function placeholderReason(owner: string | null, name: string | null): string | null {
  if (owner !== null && TEST_OWNER.test(owner)) return `owner "${owner}" is the platform's test account`;
  if (name === null || /^[-\s.]*$/.test(name)) return `name "${name ?? ''}" is a placeholder`;
  return null;
}

const PROJECT_MAPPED = new Set([
  'id',
  'code',
  'is_public',
  'name',
  'owner',
  'stage',
  'sector',
  'quantification_method',
  'locations',
  'serials',
  'annualEstimated',
]);

function normalizeProject(payload: Payload): NormalizeResult {
  const id = projectIdField(payload, 'id');
  const name = fieldTextOrNull(payload, 'name');
  const owner = fieldTextOrNull(payload, 'owner');
  const locations = places(listField(payload, 'locations'));
  const first = locations.find((place) => place.country !== null) ?? null;
  const located = locations.find((place) => place.latitude !== null && place.longitude !== null) ?? null;
  const countries = [...new Set(locations.flatMap((place) => (place.country === null ? [] : [place.country])))];
  const serials = listField(payload, 'serials');
  const placeholder = placeholderReason(owner, name);
  const methodologyText = fieldTextOrNull(payload, 'quantification_method');

  const project: NormalizedProject = {
    ...emptyProject('cercarbono', id, 'full'),
    name,
    // The project owner; the developer (often a consultancy) is kept in attributes.
    proponent: owner,
    countryCode: countryCode(first?.country),
    countryName: first?.country ?? null,
    subdivision: first?.region ?? null,
    latitude: located?.latitude ?? null,
    longitude: located?.longitude ?? null,
    // Sectors repeat once per verification (§6): distinct descriptions, e.g. `Land use (AFOLU)`.
    projectTypes: distinctTexts(listField(payload, 'sector'), 'description'),
    methodologies: parseMethodology(methodologyText),
    status: fieldTextOrNull(payload, 'stage'),
    sdgs: sdgCodes(serials.flatMap((serial) => (isObject(serial) && Array.isArray(serial.global_goals) ? serial.global_goals : []))),
    estimatedAnnualCredits: numberOf(jsonFields(payload), 'annualEstimated'),
    attributes: {
      // Human-facing reference (`CDC-1`); prefixes CDC, CP, CGS, CDB, CBA share numbers (§6).
      code: fieldTextOrNull(payload, 'code'),
      isPublic: booleanField(payload, 'is_public'),
      quantificationMethod: methodologyText,
      sectors: listField(payload, 'sector'),
      locations,
      countries,
      issuanceSerials: serials.length,
      // The platform's test projects (owner `Pruebas 1`, name `-`, stage `Not assigned`, §6)
      // are kept, as the registry lists them, and marked so listings can leave them out.
      placeholder: placeholder === null ? null : { reason: placeholder },
      ...otherFields(payload, PROJECT_MAPPED),
    },
  };
  return { ok: true, projects: [project], credits: [] };
}

const STANDARD_PROJECT_MAPPED = new Set(['id', 'code', 'name', 'developer', 'projectStage', 'sectors', 'methodology', 'locationText']);

function normalizeStandardProject(payload: Payload): NormalizeResult {
  const id = projectIdField(payload, 'id');
  const name = fieldTextOrNull(payload, 'name');
  const place = fieldTextOrNull(payload, 'locationText');
  const methodologies = listField(payload, 'methodology').flatMap((item) => parseMethodology(itemText(item, 'description')));
  const placeholder = placeholderReason(null, name);
  const project: NormalizedProject = {
    ...emptyProject('cercarbono', id, 'full'),
    name,
    countryCode: countryCode(place),
    countryName: place,
    projectTypes: distinctTexts(listField(payload, 'sectors'), 'description'),
    methodologies: dedupeMethodologies(methodologies),
    status: fieldTextOrNull(payload, 'projectStage'),
    attributes: {
      code: fieldTextOrNull(payload, 'code'),
      // This list names the developer only, not the owner.
      developer: fieldTextOrNull(payload, 'developer'),
      placeholder: placeholder === null ? null : { reason: placeholder },
      source: 'project/public-by-standard (absent from analytics/projects)',
      ...otherFields(payload, STANDARD_PROJECT_MAPPED),
    },
  };
  return { ok: true, projects: [project], credits: [] };
}

/**
 * The partial project every credit carries. Only the id: issuances and retirements publish
 * different project fields (`project_name` on retirements only), and partials that differ by
 * record kind would overwrite each other on every sync. The retirement's `project_name` stays
 * in its attributes.
 */
function creditProject(registryProjectId: string): NormalizedProject {
  return emptyProject('cercarbono', registryProjectId, 'partial');
}

/** `2010-01-01 / 2018-09-30` → its two dates. */
function vintageRange(payload: Payload, field: string): { start: string | null; end: string | null } {
  const text = fieldText(payload, field).trim();
  if (text === '') return { start: null, end: null };
  const parts = text.split('/').map((part) => part.trim());
  const [start, end] = parts.map((part) => parseDate(part, 'iso'));
  if (parts.length !== 2 || !start?.ok || !end?.ok || start.value === null || end.value === null) {
    reject('invalid_date', `field "${field}" is "${text}": not a "YYYY-MM-DD / YYYY-MM-DD" range`);
  }
  if (start.value > end.value) reject('invalid_date', `field "${field}" is "${text}": the range ends before it starts`);
  return { start: start.value, end: end.value };
}

/** A 4-digit year (`2015`, pandas' `2015.0`), or null when blank. */
function yearField(payload: Payload, field: string): number | null {
  const text = fieldText(payload, field).trim();
  if (text === '') return null;
  if (!/^(19|20)\d{2}(\.0+)?$/.test(text)) reject('invalid_number', `field "${field}" is "${text}": not a year`);
  return Math.trunc(Number(text));
}

function serialPartsRecord(parts: CercarbonoSerialParts): Record<string, string | number | null> {
  return {
    prefix: parts.prefix,
    projectId: parts.projectId,
    country: parts.country,
    vintageYear: parts.vintageYear,
    buffer: parts.buffer ? 'buffer' : null,
    revision: parts.revision,
  };
}

const ISSUANCE_MAPPED = new Set([
  'serial',
  'project_id',
  'issued_quantity',
  'issuance_date',
  'year',
  'is_buffer',
  'vintage_of_credits',
  'global_goals',
  'elegible',
]);

function normalizeIssuance(payload: Payload): NormalizeResult {
  const fields = jsonFields(payload);
  const serial = requireText(fields, 'serial');
  const parts = parseCercarbonoSerial(serial);
  // The project the serial was published under; a record without it (a serial read on its
  // own) falls back to the id the serial carries in segment 2 (§6, CarbonPlan does the same).
  const projectId = fieldText(payload, 'project_id').trim() !== '' ? projectIdField(payload, 'project_id') : parts.projectId;
  if (projectId === null) reject('missing_field', `field "project_id" is blank and serial "${serial}" names no project id`);

  const quantity = wholeField(payload, 'issued_quantity');
  if (quantity === null) reject('missing_field', 'field "issued_quantity" is blank');
  if (quantity === 0) reject('invalid_number', 'field "issued_quantity" is 0: not a positive number of credits');
  const issued = dateOf(fields, 'issuance_date', 'iso');
  const range = vintageRange(payload, 'vintage_of_credits');
  const year = yearField(payload, 'year');
  const eligibility = listField(payload, 'elegible');
  const sdgs = sdgCodes(listField(payload, 'global_goals'));

  const credit: NormalizedCredit = {
    ...emptyCredit('cercarbono', `issuance:${serial}`, projectId, 'issuance', quantity),
    // The platform's own `year`, which its retirements repeat as `vintage` (100/100 fixture
    // rows); it is the year `vintage_of_credits` ends on 876 of 890 serials. The end year
    // (ARB's rule, used for Verra) would put 70 of the 100 fixture retirements in another
    // vintage than their issuance, so it is only the fallback when `year` is blank.
    vintageYear: year ?? (range.end === null ? null : Number(range.end.slice(0, 4))),
    vintageStart: range.start,
    vintageEnd: range.end,
    transactionDate: issued,
    issuanceDate: issued,
    serialNumber: serial,
    // A serial has no unit range; its retirements give theirs (`from`/`to`), numbered from 0
    // in some early serials and from 1 elsewhere (§6), so the issuance's own range is unknown.
    serialBlock: null,
    countryCode: parts.country,
    // Markets the units are eligible for, verbatim: `Colombian Carbon Tax`, `Voluntary compensation`.
    labels: distinctTexts(eligibility, 'description'),
    attributes: {
      issuanceDateTime: fieldTextOrNull(payload, 'issuance_date'),
      vintageOfCredits: fieldTextOrNull(payload, 'vintage_of_credits'),
      year,
      isBuffer: booleanField(payload, 'is_buffer'),
      eligibility,
      sdgs,
      serialParts: serialPartsRecord(parts),
      ...otherFields(payload, ISSUANCE_MAPPED),
    },
  };
  return { ok: true, projects: [creditProject(projectId)], credits: [credit] };
}

/** The beneficiary: the final user the platform names, else the carbon-tax payer. */
function beneficiaryOf(payload: Payload): { name: string | null; source: string | null } {
  for (const field of ['end_user', 'final_user', 'passive_subject']) {
    const value = fieldTextOrNull(payload, field);
    if (value !== null && !NOT_PUBLIC.test(value.trim()) && !NOT_DEFINED.test(value.trim())) return { name: value, source: field };
  }
  return { name: null, source: null };
}

const RETIREMENT_MAPPED = new Set([
  'project_id',
  'project_name',
  'serial',
  'quantity',
  'date',
  'vintage',
  'from',
  'to',
  'certificate_destination',
  'end_user',
  'final_user',
  'passive_subject',
  'reason_using.description',
  'is_kg',
]);

function normalizeRetirement(raw: RawRecord): NormalizeResult {
  const payload = raw.payload;
  const fields = jsonFields(payload);
  const projectId = projectIdField(payload, 'project_id');
  const serial = requireText(fields, 'serial');
  const parts = parseCercarbonoSerial(serial);

  const published = numberOf(fields, 'quantity');
  if (published === null) reject('missing_field', 'field "quantity" is blank');
  if (published <= 0) reject('invalid_number', `field "quantity" is ${fieldText(payload, 'quantity')}: not a positive quantity`);
  // The live ledger flags kilogram retirements (`is_kg`, none seen yet, §0.3): kept in tonnes.
  const inKg = booleanField(payload, 'is_kg') === true;
  const quantity = inKg ? published / 1000 : published;

  const from = wholeField(payload, 'from');
  const to = wholeField(payload, 'to');
  if ((from === null) !== (to === null)) {
    reject('missing_field', `field "${from === null ? 'from' : 'to'}" is blank but "${from === null ? 'to' : 'from'}" is set`);
  }
  let block: NormalizedCredit['serialBlock'] = null;
  if (from !== null && to !== null) {
    if (to < from) reject('invalid_serial', `fields "from" ${from} and "to" ${to}: the unit range ends before it starts`);
    if (inKg || to - from + 1 !== quantity) {
      reject(
        'quantity_mismatch',
        `serial "${serial}" units ${from}–${to} are ${to - from + 1} credits, but field "quantity" says ${fieldText(payload, 'quantity')}${inKg ? ' kg' : ''}`,
      );
    }
    // Units are numbered inside each serial, so the serial is the namespace.
    block = { namespace: serial, firstUnit: from, lastUnit: to, parts: serialPartsRecord(parts) };
  }

  // CarbonPlan's shape publishes the vintage as the serial's `year`; the live ledger as a date
  // whose meaning is UNCONFIRMED (kept in attributes; the serial's trailing year stands in).
  const vintageText = fieldText(payload, 'vintage').trim();
  const vintageIsDate = /^\d{4}-\d{2}-\d{2}/.test(vintageText);
  const vintageYear = vintageIsDate ? parts.vintageYear : yearField(payload, 'vintage');
  const beneficiary = beneficiaryOf(payload);
  const projectName = fieldTextOrNull(payload, 'project_name');

  const credit: NormalizedCredit = {
    ...emptyCredit('cercarbono', `retirement:${raw.naturalKey}`, projectId, 'retirement', quantity),
    vintageYear,
    transactionDate: dateOf(fields, 'date', 'iso'),
    serialNumber: serial,
    serialBlock: block,
    countryCode: parts.country,
    // `end_user` (live: `final_user`) is who the credits were retired for; `passive_subject`
    // is the Colombian carbon-tax payer that presents them. The final user when the platform
    // names one (`Not public` is common), else the tax payer; both are kept in attributes.
    beneficiary: beneficiary.name,
    // `reason_using.description` of the live ledger; its values are UNCONFIRMED.
    retirementReason: fieldTextOrNull(payload, 'reason_using.description'),
    // `Colombian Carbon Tax` (a compliance use) or `Voluntary compensation`, verbatim.
    useCase: fieldTextOrNull(payload, 'certificate_destination'),
    attributes: {
      dateTime: fieldTextOrNull(payload, 'date'),
      beneficiarySource: beneficiary.source,
      endUser: fieldTextOrNull(payload, 'end_user') ?? fieldTextOrNull(payload, 'final_user'),
      passiveSubject: fieldTextOrNull(payload, 'passive_subject'),
      vintage: vintageText === '' ? null : vintageText,
      quantityKg: inKg ? published : null,
      projectName,
      serialParts: serialPartsRecord(parts),
      ...otherFields(payload, RETIREMENT_MAPPED),
    },
  };
  return { ok: true, projects: [creditProject(projectId)], credits: [credit] };
}

const NORMALIZERS: Record<CercarbonoSource, (raw: RawRecord) => NormalizeResult> = {
  projects: (raw) => normalizeProject(raw.payload),
  'standard-projects': (raw) => normalizeStandardProject(raw.payload),
  issuances: (raw) => normalizeIssuance(raw.payload),
  retirements: normalizeRetirement,
};

/**
 * Normalizes one Cercarbono raw record. Never throws on bad data: a record that cannot be
 * read returns `{ ok: false, rejection }` whose detail names the field and the value.
 */
export function normalizeCercarbono(raw: RawRecord): NormalizeResult {
  return normalizeBySource(raw, 'Cercarbono', NORMALIZERS);
}

/**
 * Natural key of a Cercarbono raw record: the numeric `id` for projects, the `serial` for
 * issuances, and for retirements `<serial>:<from>-<to>` (a unit range is retired once, so it
 * names the retirement; unique over the fixtures) or, for the live ledger's records without
 * a range, `id:<id>`. When those are blank, or the row is malformed, the key is
 * `sha256:<hex>` of the record's JSON, so it is still stored (and rejected), never lost.
 */
export function cercarbonoNaturalKey(sourceKind: string, payload: Payload): string {
  const text = (field: string): string => (payload[MALFORMED] !== undefined ? '' : fieldText(payload, field).trim());
  let key = '';
  if (sourceKind === CERCARBONO_SOURCES.projects || sourceKind === CERCARBONO_SOURCES.standardProjects) key = text('id');
  else if (sourceKind === CERCARBONO_SOURCES.issuances) key = text('serial');
  else if (sourceKind === CERCARBONO_SOURCES.retirements) {
    const [serial, from, to, id] = [text('serial'), text('from'), text('to'), text('id')];
    if (serial !== '' && from !== '' && to !== '') key = `${serial}:${from}-${to}`;
    else if (id !== '') key = `id:${id}`;
  }
  return keyOrContentKey(key, payload);
}
