/**
 * Gold Standard's public JSON API (registries.md §3.1, §3.2):
 *
 *   GET <base>/projects?page=<n>&size=150
 *   GET <base>/credits?page=<n>&size=25
 *
 * Both answer a bare JSON array, ordered by descending `id` and stable across pages, with the
 * counts in `X-Total-Count` (and `X-Total-Number-Of-Credits`). Pages are numbered from 1, as
 * every known client does. `projects` silently clamps `size` to 150 and `credits` answers 403
 * above 25, so those are the sizes asked for; paging ends on the first page shorter than the
 * size asked. Unknown filters are silently ignored by the API, so none is sent.
 *
 * Gold Standard's terms reportedly require downloads through its own interfaces and rule out
 * automated downloads (CarbonPlan, registries.md §3.1, §13 item 2): live polling must stay off
 * by default (`GOLD_STANDARD_ENABLED=false`) until that is cleared. The same `normalize` reads
 * the CSV exports a user downloads by hand (`readExports`).
 *
 * The API names the hub through the shared client's User-Agent; registries.md reports that a
 * browser-like User-Agent is needed to pass Cloudflare, which the hub does not fake.
 *
 * Each run reads everything again: `/credits` lists blocks in their current state and a
 * block changes when its units are retired, so there is no safe watermark.
 */
import { ConnectorError, type FetchContext, type RawRecord } from '../contract.ts';
import {
  API_CREDIT_FIELDS,
  API_EMBEDDED_PROJECT_FIELDS,
  API_PROJECT_FIELDS,
  GOLD_STANDARD_SOURCES,
  goldStandardNaturalKey,
} from './normalize.ts';

/** Largest page each resource serves (registries.md §3.1). */
export const PAGE_SIZES = { projects: 150, credits: 25 } as const;

type Resource = keyof typeof PAGE_SIZES;

const SOURCE_KIND: Record<Resource, string> = {
  projects: GOLD_STANDARD_SOURCES.apiProjects,
  credits: GOLD_STANDARD_SOURCES.apiCredits,
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The first field of `required` missing from `record` (null values count as present). */
function missingField(record: Record<string, unknown>, required: readonly string[]): string | null {
  return required.find((field) => !(field in record)) ?? null;
}

/** Checks one record's shape; a missing field means the API changed, so the run stops. */
function checkRecord(resource: Resource, record: unknown, where: string): Record<string, unknown> {
  if (!isObject(record)) {
    throw new ConnectorError('format', `${where}: an item of the array is not an object (${JSON.stringify(record)?.slice(0, 80)}): has the API changed?`);
  }
  let missing: string | null;
  if (resource === 'projects') missing = missingField(record, API_PROJECT_FIELDS);
  else {
    missing = missingField(record, API_CREDIT_FIELDS);
    // A credit whose `project` is null or not an object is a bad record, left to normalize to reject.
    const embedded = record.project;
    if (missing === null && isObject(embedded)) {
      const inProject = missingField(embedded, API_EMBEDDED_PROJECT_FIELDS);
      if (inProject !== null) missing = `project.${inProject}`;
    }
  }
  if (missing !== null) {
    const required = resource === 'projects' ? API_PROJECT_FIELDS : [...API_CREDIT_FIELDS, ...API_EMBEDDED_PROJECT_FIELDS.map((f) => `project.${f}`)];
    throw new ConnectorError(
      'format',
      `${where}: record ${JSON.stringify(record.id ?? null)} has no field "${missing}" (has the API renamed it?). Required: ${required.map((f) => `"${f}"`).join(', ')}`,
    );
  }
  return record;
}

function totalHeader(headers: Record<string, string>): number | null {
  const value = headers['x-total-count'];
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value);
}

/** Pages through one resource, one page in memory at a time. */
async function* pages(ctx: FetchContext, resource: Resource): AsyncIterable<RawRecord> {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  const size = PAGE_SIZES[resource];
  const sourceKind = SOURCE_KIND[resource];
  let read = 0;
  let total: number | null = null;
  let previousFirstId: unknown;
  for (let page = 1; ; page++) {
    ctx.signal?.throwIfAborted();
    const url = `${base}/${resource}?page=${page}&size=${size}`;
    const where = `Gold Standard ${url}`;
    const response = await ctx.http.request(url, { headers: { Accept: 'application/json' }, signal: ctx.signal });
    if ((response.headers['content-type'] ?? '').toLowerCase().includes('text/html')) {
      response.body.destroy();
      throw new ConnectorError('format', `${where} answered with an HTML page instead of JSON: has the API moved?`);
    }
    const body = await response.json();
    if (!Array.isArray(body)) {
      throw new ConnectorError('format', `${where}: expected a JSON array of ${resource}, got ${body === null ? 'null' : typeof body}`);
    }
    total = totalHeader(response.headers) ?? total;
    const first: unknown = isObject(body[0]) ? body[0].id : undefined;
    if (page > 1 && first !== undefined && first === previousFirstId) {
      // The API ignores parameters it does not know: without this the loop would never end.
      throw new ConnectorError('format', `${where} returned the same first record (id ${JSON.stringify(first)}) as page ${page - 1}: the API no longer honours "page"`);
    }
    previousFirstId = first;
    if (page === 1 && body.length < size && total !== null && total > body.length) {
      throw new ConnectorError(
        'format',
        `${where} returned ${body.length} records while X-Total-Count is ${total}: the API serves fewer than ${size} per page now, so paging would stop early`,
      );
    }
    for (const item of body) {
      const record = checkRecord(resource, item, where);
      read += 1;
      yield { sourceKind, naturalKey: goldStandardNaturalKey(sourceKind, record), payload: record };
    }
    ctx.logger.debug({ resource, page, records: body.length, total }, 'gold-standard: page read');
    if (body.length < size) break;
  }
  if (total !== null && read < total) {
    // Blocks split or vanish while a run pages (retirements happen all day), so a shortfall is
    // reported, not fatal; the next run reads everything again.
    ctx.logger.warn({ resource, read, total }, 'gold-standard: read fewer records than X-Total-Count');
  }
  ctx.logger.info({ resource, read, total }, 'gold-standard: resource read');
}

/** Projects first, then credit blocks: every credit embeds its project, so order is not required, only tidy. */
export async function* fetchGoldStandard(ctx: FetchContext): AsyncIterable<RawRecord> {
  yield* pages(ctx, 'projects');
  yield* pages(ctx, 'credits');
}
