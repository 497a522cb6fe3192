/**
 * ICE GreenTrace, where ACR (tenant `ACR_REGISTRY`) and ART TREES (`ART_REGISTRY`) moved from
 * APX in 2026 (registries.md §0.1, §4.2; measured by rb on 2026-08-04):
 *
 *   POST {api}/project/registry/<tenant>/project-summaries/results      project list
 *   POST {api}/credit/registry/<tenant>/holding-summaries/results       ledgers, by holdingStatus
 *
 * with `{api}` = `<base>/api/greentraceservice/v1`. The body must be form-urlencoded (`offset`,
 * `pageNumber`, `max`, `holdingStatus`); a JSON body or a query string answers HTTP 500. `max`
 * is silently clamped to 2000, so paging advances `offset` by the rows actually received,
 * against the `totalCount` every page restates. The envelope is
 * `{ datasets: { <projects|issuedCredits|retiredCredits|cancelledCredits>: { rows, totalCount } } }`.
 * Without `holdingStatus` the API returns the whole holdings book, whose retired and cancelled
 * rows repeat the ledgers, so it is never read.
 *
 * Each ledger row is one serial block. `holdingQuantity` is the block; `issuanceQuantity` is the
 * total of the parent issuance repeated on each of its blocks and must never be summed (it is
 * kept in attributes). `projectReferenceId` is zero-padded (`ACR0934`) and is normalized to the
 * APX/ARB form (`ACR934`) so projects and credits line up with the APX exports and ARB's table.
 * Keys: `retirement:<serial>` / `cancellation:<serial>`, the same as the APX exports' keys for
 * the same blocks; `issuance:<serial>` for issuance blocks (the APX issuance export has no
 * serials, so those cannot share keys with it).
 */
import {
  ConnectorError,
  type CreditKind,
  type CrossReference,
  type FetchContext,
  type NormalizeResult,
  type NormalizedCredit,
  type NormalizedProject,
  type RawRecord,
} from '../contract.ts';
import { countryCode } from '../common/countries.ts';
import { catchRejection, contentKey, emptyProject, reject } from '../common/normalize-kit.ts';
import { parseDate } from '../common/values.ts';
import type { ApxRegistry } from './registries.ts';
import { blockQuantity, parseApxSerial, tidySerial } from './serial.ts';
import { catsReference, complianceProgram, statedUse, unpadProjectId } from './values.ts';

/** Source kinds of GreenTrace raw records: the project list and the three ledgers. */
export const GREENTRACE_SOURCES = {
  projects: 'greentrace-projects',
  issued: 'greentrace-issued',
  retired: 'greentrace-retired',
  cancelled: 'greentrace-cancelled',
} as const;

/** The largest page GreenTrace serves; larger `max` values are clamped silently. */
export const GREENTRACE_MAX_PAGE = 2000;

interface Ledger {
  sourceKind: (typeof GREENTRACE_SOURCES)[Exclude<keyof typeof GREENTRACE_SOURCES, 'projects'>];
  holdingStatus: 'ISSUED' | 'RETIRED' | 'CANCELED';
  dataset: 'issuedCredits' | 'retiredCredits' | 'cancelledCredits';
  kind: CreditKind;
  /** The transaction date of the ledger's rows. */
  dateField: 'issuanceDate' | 'retirementDate' | 'cancellationDate';
}

const LEDGERS: readonly Ledger[] = [
  { sourceKind: GREENTRACE_SOURCES.issued, holdingStatus: 'ISSUED', dataset: 'issuedCredits', kind: 'issuance', dateField: 'issuanceDate' },
  { sourceKind: GREENTRACE_SOURCES.retired, holdingStatus: 'RETIRED', dataset: 'retiredCredits', kind: 'retirement', dateField: 'retirementDate' },
  { sourceKind: GREENTRACE_SOURCES.cancelled, holdingStatus: 'CANCELED', dataset: 'cancelledCredits', kind: 'cancellation', dateField: 'cancellationDate' },
];

/** Fields every project row must carry (the value may be null); a missing one stops the run. */
export const GREENTRACE_PROJECT_FIELDS = ['projectId', 'projectName', 'projectType', 'country'] as const;
/** Fields every ledger row must carry, besides the ledger's date field. */
export const GREENTRACE_CREDIT_FIELDS = ['holdingSerialNumber', 'holdingQuantity', 'projectReferenceId', 'vintage'] as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar field as text ('' for null or missing). */
function str(row: Json, field: string): string {
  const value = row[field];
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function textOrNull(row: Json, field: string): string | null {
  const value = str(row, field).trim();
  return value === '' ? null : value;
}

/** One page: its rows and the registry's total for the whole report. */
interface Page {
  rows: Json[];
  totalCount: number;
}

function readEnvelope(body: unknown, dataset: string, url: string): Page {
  const datasets = isObject(body) ? body.datasets : undefined;
  const set = isObject(datasets) ? datasets[dataset] : undefined;
  const rows = isObject(set) ? set.rows : undefined;
  const totalCount = isObject(set) ? set.totalCount : undefined;
  if (!Array.isArray(rows) || typeof totalCount !== 'number') {
    const has = isObject(datasets) ? Object.keys(datasets).map((key) => `"${key}"`).join(', ') || 'none' : 'no "datasets" object';
    throw new ConnectorError(
      'format',
      `GreenTrace ${url}: expected "datasets.${dataset}.rows" and "datasets.${dataset}.totalCount" in the response (datasets: ${has}); the API has changed`,
    );
  }
  return { rows: rows.filter(isObject), totalCount };
}

function requireFields(rows: readonly Json[], fields: readonly string[], url: string, offset: number): void {
  for (const [index, row] of rows.entries()) {
    const missing = fields.filter((field) => !(field in row));
    if (missing.length > 0) {
      throw new ConnectorError(
        'format',
        `GreenTrace ${url}: row ${offset + index + 1} has no field ${missing.map((f) => `"${f}"`).join(', ')} (has the registry renamed it?). Fields: ${Object.keys(row)
          .map((f) => `"${f}"`)
          .join(', ')}`,
      );
    }
  }
}

/**
 * GreenTrace answers sustained polling with a blanket 401 `Invalid API Key` on every route,
 * although the API takes no key and the block clears with time (registries.md §4.2). The HTTP
 * client reports 401 as a `config` failure (check the credentials), which would send someone
 * looking for a key that does not exist; it is reported as `transient` instead.
 */
function blockedAsTransient(error: unknown, url: string): unknown {
  if (!(error instanceof ConnectorError) || (error as { status?: unknown }).status !== 401) return error;
  return new ConnectorError(
    'transient',
    `GreenTrace ${url} answered 401 although its API takes no key: GreenTrace blocks clients that poll it for a while ` +
      '("Invalid API Key") and lifts the block with time; the next scheduled run tries again (registries.md §4.2)',
    { cause: error },
  );
}

/** Streams one report page by page; memory holds one page (≤ 2000 rows) at a time. */
async function* pages(
  ctx: FetchContext,
  url: string,
  dataset: string,
  filter: Record<string, string>,
  required: readonly string[],
): AsyncGenerator<Json[]> {
  let offset = 0;
  for (let pageNumber = 1; ; pageNumber++) {
    ctx.signal?.throwIfAborted();
    const form = new URLSearchParams({ offset: String(offset), pageNumber: String(pageNumber), max: String(GREENTRACE_MAX_PAGE), ...filter });
    ctx.logger.debug({ url, offset, pageNumber, ...filter }, 'greentrace: requesting page');
    const response = await ctx.http
      .request(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: form.toString(),
        signal: ctx.signal,
      })
      .catch((error: unknown) => {
        throw blockedAsTransient(error, url);
      });
    if (/text\/html/i.test(response.headers['content-type'] ?? '')) {
      response.body.destroy();
      throw new ConnectorError('format', `GreenTrace ${url} answered with an HTML page instead of JSON: the API has moved or changed`);
    }
    const page = readEnvelope(await response.json(), dataset, url);
    requireFields(page.rows, required, url, offset);
    if (page.rows.length > 0) yield page.rows;
    offset += page.rows.length;
    if (offset >= page.totalCount) return;
    if (page.rows.length === 0) {
      throw new ConnectorError('format', `GreenTrace ${url}: an empty page at offset ${offset} while totalCount is ${page.totalCount}`);
    }
  }
}

function sha256Key(sourceKind: string, row: Json): string {
  return contentKey([sourceKind, row]);
}

function ledgerOf(sourceKind: string): Ledger | undefined {
  return LEDGERS.find((ledger) => ledger.sourceKind === sourceKind);
}

/**
 * Natural key of a GreenTrace raw record: the normalized project id for projects;
 * `<kind>:<serial>` for ledger rows, `<kind>:greentrace:<holdingKey>` when a row has no serial,
 * `sha256:` of the row when it has neither.
 */
export function greenTraceNaturalKey(sourceKind: string, row: Json): string {
  if (sourceKind === GREENTRACE_SOURCES.projects) {
    const id = str(row, 'projectId').trim();
    return id === '' ? sha256Key(sourceKind, row) : unpadProjectId(id);
  }
  const ledger = ledgerOf(sourceKind);
  if (!ledger) return sha256Key(sourceKind, row);
  const serial = tidySerial(str(row, 'holdingSerialNumber'));
  if (serial !== '') return `${ledger.kind}:${serial}`;
  const holding = str(row, 'holdingKey').trim();
  return holding === '' ? sha256Key(sourceKind, row) : `${ledger.kind}:greentrace:${holding}`;
}

/** Streams a GreenTrace tenant: the project list, then the issued, retired and cancelled ledgers. */
export async function* fetchGreenTrace(config: ApxRegistry, ctx: FetchContext): AsyncGenerator<RawRecord> {
  const tenant = config.greenTrace?.registryKey;
  if (!tenant) throw new ConnectorError('config', `${config.label}: no GreenTrace tenant is configured`);
  const api = `${ctx.baseUrl.replace(/\/+$/, '')}/api/greentraceservice/v1`;

  let count = 0;
  const projectsUrl = `${api}/project/registry/${tenant}/project-summaries/results`;
  for await (const rows of pages(ctx, projectsUrl, 'projects', {}, GREENTRACE_PROJECT_FIELDS)) {
    for (const row of rows) {
      count += 1;
      yield { sourceKind: GREENTRACE_SOURCES.projects, naturalKey: greenTraceNaturalKey(GREENTRACE_SOURCES.projects, row), payload: row };
    }
  }
  ctx.logger.debug({ tenant, rows: count }, 'greentrace: project list read');

  const ledgerUrl = `${api}/credit/registry/${tenant}/holding-summaries/results`;
  for (const ledger of LEDGERS) {
    const seen = new Map<string, number>();
    count = 0;
    const required = [...GREENTRACE_CREDIT_FIELDS, ledger.dateField];
    for await (const rows of pages(ctx, ledgerUrl, ledger.dataset, { holdingStatus: ledger.holdingStatus }, required)) {
      for (const row of rows) {
        const key = greenTraceNaturalKey(ledger.sourceKind, row);
        const repeat = (seen.get(key) ?? 0) + 1;
        seen.set(key, repeat);
        count += 1;
        yield { sourceKind: ledger.sourceKind, naturalKey: repeat === 1 ? key : `${key}#${repeat}`, payload: row };
      }
    }
    ctx.logger.debug({ tenant, holdingStatus: ledger.holdingStatus, rows: count }, 'greentrace: ledger read');
  }
}

/** Scalar fields verbatim (links and label objects left out). */
function scalars(row: Json, skip: readonly string[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [field, value] of Object.entries(row)) {
    if (skip.includes(field)) continue;
    if (typeof value === 'string' ? value.trim() !== '' : typeof value === 'number' || typeof value === 'boolean') out[field] = value as string | number | boolean;
  }
  return out;
}

function isoDay(row: Json, field: string): string | null {
  const text = str(row, field);
  const parsed = parseDate(text, 'iso');
  if (!parsed.ok) reject('invalid_date', `field "${field}": ${parsed.error}`);
  return parsed.value;
}

const LINK_FIELDS = ['details', 'developerLink', 'creditLink', 'projectLink', 'registryLabels', 'projectExtensionMap'];

function normalizeProjectRow(config: ApxRegistry, row: Json): NormalizeResult {
  const rawId = str(row, 'projectId').trim();
  if (rawId === '') reject('missing_field', 'field "projectId" is blank');
  const id = unpadProjectId(rawId);
  const extension = isObject(row.projectExtensionMap) ? row.projectExtensionMap : {};
  const complianceId = textOrNull(extension, 'complianceProjectId');
  const country = textOrNull(row, 'country');
  const code = countryCode(country);
  const creditingProgram = textOrNull(row, 'creditingProgram');
  const references: CrossReference[] = [];
  const target = complianceId === null ? null : complianceProgram(complianceId);
  if (complianceId !== null && target !== null) references.push({ programId: target, registryProjectId: complianceId, relation: 'compliance-program-id' });
  const cats = catsReference(creditingProgram, code ?? country);
  if (cats) references.push(cats);
  const methodology = textOrNull(row, 'projectMethodology');
  const project: NormalizedProject = {
    ...emptyProject(config.programId, id, 'full'),
    name: textOrNull(row, 'projectName'),
    proponent: textOrNull(row, 'projectDeveloper'),
    countryCode: code,
    countryName: country,
    projectTypes: textOrNull(row, 'projectType') === null ? [] : [textOrNull(row, 'projectType')!],
    methodologies: methodology === null ? [] : [{ id: methodology, version: null }],
    status: textOrNull(row, 'projectStatus'),
    crossReferences: references,
    attributes: {
      ...scalars(row, [...LINK_FIELDS, 'projectId', 'projectName', 'projectDeveloper', 'country', 'projectType', 'projectMethodology', 'projectStatus']),
      ...(rawId !== id ? { projectReferenceId: rawId } : {}),
      ...(Object.keys(extension).length > 0 ? { projectExtensionMap: extension } : {}),
    },
  };
  return { ok: true, projects: [project], credits: [] };
}

/** Label names from `registryLabels` objects, as displayed. */
function registryLabels(row: Json): string[] {
  const labels = Array.isArray(row.registryLabels) ? row.registryLabels.filter(isObject) : [];
  return labels
    .map((label) => textOrNull(label, 'registryLabelDisplayName') ?? textOrNull(label, 'labelDisplayName') ?? textOrNull(label, 'labelKey'))
    .filter((name): name is string => name !== null);
}

function normalizeCreditRow(config: ApxRegistry, ledger: Ledger, raw: RawRecord): NormalizeResult {
  const row = raw.payload;
  const rawProject = str(row, 'projectReferenceId').trim();
  if (rawProject === '') reject('missing_field', 'field "projectReferenceId" is blank');
  const projectId = unpadProjectId(rawProject);

  const quantityText = str(row, 'holdingQuantity');
  const quantity = Number(quantityText);
  if (quantityText.trim() === '') reject('missing_field', 'field "holdingQuantity" is blank');
  if (!Number.isSafeInteger(quantity) || quantity <= 0) reject('invalid_number', `field "holdingQuantity" is ${JSON.stringify(row.holdingQuantity)}: not a positive whole number of credits`);

  const vintageText = str(row, 'vintage').trim();
  const vintage = Number(vintageText);
  if (vintageText === '') reject('missing_field', 'field "vintage" is blank');
  if (!/^\d{4}$/.test(vintageText)) reject('invalid_number', `field "vintage" is "${vintageText}": not a vintage year`);

  const serialNumber = tidySerial(str(row, 'holdingSerialNumber'));
  if (serialNumber === '') reject('missing_field', 'field "holdingSerialNumber" is blank');
  const block = parseApxSerial(serialNumber, config.serial);
  if ('error' in block) reject('invalid_serial', `field "holdingSerialNumber": ${block.error}`);
  if (blockQuantity(block) !== quantity) {
    reject(
      'quantity_mismatch',
      `serial "${serialNumber}" covers units ${block.firstUnit}–${block.lastUnit}, i.e. ${blockQuantity(block)} credits, but field "holdingQuantity" says ${quantity}`,
    );
  }
  const number = /\d+$/.exec(projectId)?.[0];
  if (number !== undefined && String(Number(block.parts.projectNumber)) !== String(Number(number))) {
    reject('inconsistent_reference', `serial "${serialNumber}" names project number ${String(block.parts.projectNumber)} but field "projectReferenceId" is "${rawProject}"`);
  }
  if (block.parts.vintage !== vintage) {
    reject('inconsistent_reference', `serial "${serialNumber}" names vintage ${String(block.parts.vintage)} but field "vintage" is "${vintageText}"`);
  }

  const transactionDate = isoDay(row, ledger.dateField);
  if (transactionDate === null) reject('missing_field', `field "${ledger.dateField}" is blank`);

  const country = textOrNull(row, 'projectSiteLocationCountry');
  const project: NormalizedProject = {
    ...emptyProject(config.programId, projectId, 'partial'),
    name: textOrNull(row, 'projectName'),
    proponent: textOrNull(row, 'developerProfileName'),
    countryCode: countryCode(country),
    countryName: country,
    subdivision: textOrNull(row, 'projectSiteLocationState'),
    projectTypes: textOrNull(row, 'projectTypeName') === null ? [] : [textOrNull(row, 'projectTypeName')!],
  };

  const reasonField = ledger.kind === 'cancellation' ? 'cancellationReason' : 'retirementReason';
  const reason = ledger.kind === 'issuance' ? null : (textOrNull(row, `${reasonField}DisplayName`) ?? textOrNull(row, reasonField));
  const note =
    ledger.kind === 'retirement'
      ? textOrNull(row, 'retirementPurpose')
      : ledger.kind === 'cancellation'
        ? textOrNull(row, 'cancellationReasonDescription')
        : null;
  const beneficiary =
    ledger.kind === 'retirement'
      ? textOrNull(row, 'retirementOnBehalfOfName')
      : ledger.kind === 'cancellation'
        ? textOrNull(row, 'cancellationOnBehalfOfName')
        : null;
  const use = ledger.kind === 'issuance' ? { useCase: null, convertedTo: null } : statedUse(reason);

  // Labels as published: the registry's label objects, plus its eligibility flags.
  const labels = registryLabels(row);
  if (row.corsiaEligible === true) labels.push('CORSIA Eligible');
  if (/^yes$/i.test(str(row, 'arbEligible'))) labels.push('ARB Eligible');
  if (/^yes$/i.test(str(row, 'ecologyEligible'))) labels.push('Ecology Eligible');
  const adjustment = textOrNull(row, 'correspondingAdjustment');
  const authorization = textOrNull(row, 'hostCountryLetterOfAuthorization');
  const article6 = [
    authorization !== null && /^yes$/i.test(authorization) ? `Host Country Letter of Authorization: ${authorization}` : null,
    adjustment !== null && /^yes$/i.test(adjustment) ? `Corresponding Adjustment: ${adjustment}` : null,
  ].filter((value): value is string => value !== null);

  const credit: NormalizedCredit = {
    programId: config.programId,
    naturalKey: raw.naturalKey.startsWith(`${ledger.kind}:`) ? raw.naturalKey : greenTraceNaturalKey(ledger.sourceKind, row),
    registryProjectId: projectId,
    kind: ledger.kind,
    kindAmbiguous: false,
    quantity,
    vintageYear: vintage,
    vintageStart: isoDay(row, 'issuanceVintageStartDate'),
    vintageEnd: null,
    transactionDate,
    issuanceDate: isoDay(row, 'issuanceDate'),
    serialNumber,
    serialBlock: block,
    countryCode: block.parts.country as string,
    beneficiary,
    retirementReason: reason,
    retirementNote: note,
    useCase: use.useCase,
    article6Authorization: article6.length > 0 ? article6.join('; ') : null,
    labels: [...new Set(labels)],
    attributes: {
      ...(use.convertedTo === null ? {} : { convertedToProgram: use.convertedTo }),
      // Everything else verbatim: holding and issuance keys, `issuanceQuantity` (the parent
      // issuance's total, repeated on each block: never to be summed), reserve/escrow flags,
      // account holder and registry account (often an intermediary, not the beneficiary)…
      ...scalars(row, [...LINK_FIELDS, 'holdingSerialNumber', 'holdingQuantity', 'projectReferenceId', 'vintage']),
      ...(rawProject !== projectId ? { projectReferenceId: rawProject } : {}),
    },
  };
  // FCPF-prefixed serials are units first issued in the World Bank's CATS (registries.md §4.4).
  const creditingProgram = block.parts.prefix === 'FCPF' ? 'FCPF' : textOrNull(row, 'creditingProgram');
  const cats = catsReference(creditingProgram, project.countryCode ?? country);
  if (cats) project.crossReferences = [cats];
  return { ok: true, projects: [project], credits: [credit] };
}

/** Normalizes one GreenTrace raw record; never throws on bad data. */
export function normalizeGreenTrace(config: ApxRegistry, raw: RawRecord): NormalizeResult {
  return catchRejection(() => {
    if (raw.sourceKind === GREENTRACE_SOURCES.projects) return normalizeProjectRow(config, raw.payload);
    const ledger = ledgerOf(raw.sourceKind);
    if (!ledger) return reject('malformed_row', `unknown GreenTrace source kind "${raw.sourceKind}"`);
    return normalizeCreditRow(config, ledger, raw);
  });
}
