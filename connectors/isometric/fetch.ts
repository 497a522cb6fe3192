/**
 * Isometric registry API (registries.md §5): `GET {base}/projects`, `/issuances` and
 * `/retirements` under `https://api.isometric.com/registry/v0`, each a Relay-style cursor
 * list: `?first=50&after=<end_cursor>` answers `{ nodes, page_info: { end_cursor,
 * has_next_page, … }, total_count }`, 50 being the documented maximum page size.
 *
 * Every request sends the account's client secret in `x-client-secret`; anonymous read access
 * is UNCONFIRMED (§13.5). Some routes also take a Bearer JWT; the list routes read here are
 * called with the secret alone, as the public client code does. The secret comes from the
 * `ISOMETRIC_CLIENT_SECRET` environment variable until the fetch context carries connector
 * settings; without it the run fails at once as a `config` error, before any request.
 *
 * Pages are read one at a time; each node is flattened into the dotted keys of CarbonPlan's
 * CSV exports (connectors/common/json-records.ts), so fetched records and exported rows have
 * one shape. There is no documented "changed since" filter, so every run reads the three
 * lists whole (no watermark).
 */
import { ConnectorError, type FetchContext, type RawRecord } from '../contract.ts';
import { flattenJson, requireFields, type Payload } from '../common/json-records.ts';
import { ISOMETRIC_SOURCES, REQUIRED_FIELDS, isometricNaturalKey, type IsometricSource } from './normalize.ts';

/** Environment variable holding the Isometric account's client secret. */
export const ISOMETRIC_SECRET_ENV = 'ISOMETRIC_CLIENT_SECRET';

/** The API's maximum page size (`first` ≤ 50, docs.isometric.com "standards"). */
export const PAGE_SIZE = 50;

/** The lists read, in order: projects first, so credits' projects exist as full records. */
const LISTS: readonly IsometricSource[] = [ISOMETRIC_SOURCES.projects, ISOMETRIC_SOURCES.issuances, ISOMETRIC_SOURCES.retirements];

interface Page {
  nodes: Payload[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the page envelope; anything else than `{ nodes: [...], page_info: {...} }` is a changed format. */
function readPage(body: unknown, where: string): Page {
  const describe = (value: unknown): string => (Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value);
  if (!isObject(body)) throw new ConnectorError('format', `${where}: expected a JSON object with "nodes" and "page_info", got ${describe(body)}`);
  const missing = ['nodes', 'page_info'].filter((key) => !Object.hasOwn(body, key));
  if (missing.length > 0) {
    throw new ConnectorError(
      'format',
      `${where}: missing ${missing.map((key) => `"${key}"`).join(' and ')} in the page (keys: ${Object.keys(body)
        .map((key) => `"${key}"`)
        .join(', ')}); has the API's paging changed?`,
    );
  }
  const { nodes, page_info: info, total_count: total } = body;
  if (!Array.isArray(nodes)) throw new ConnectorError('format', `${where}: "nodes" is ${describe(nodes)}, not a list`);
  if (!isObject(info) || typeof info.has_next_page !== 'boolean') {
    throw new ConnectorError('format', `${where}: "page_info.has_next_page" is missing or not true/false`);
  }
  const flattened = nodes.map((node, index) => {
    if (!isObject(node)) throw new ConnectorError('format', `${where}: node ${index + 1} is ${describe(node)}, not an object`);
    return flattenJson(node);
  });
  const cursor = info.end_cursor;
  return {
    nodes: flattened,
    hasNextPage: info.has_next_page,
    endCursor: typeof cursor === 'string' && cursor !== '' ? cursor : null,
    totalCount: typeof total === 'number' ? total : null,
  };
}

async function* fetchList(ctx: FetchContext, base: string, source: IsometricSource, secret: string): AsyncIterable<RawRecord> {
  const cursors = new Set<string>();
  let after: string | null = null;
  let pages = 0;
  let records = 0;
  let totalCount: number | null = null;
  for (;;) {
    ctx.signal?.throwIfAborted();
    const url = new URL(`${base}/${source}`);
    url.searchParams.set('first', String(PAGE_SIZE));
    if (after !== null) url.searchParams.set('after', after);
    const response = await ctx.http.request(url, {
      headers: { 'x-client-secret': secret, Accept: 'application/json' },
      signal: ctx.signal,
    });
    pages += 1;
    const where = `Isometric ${source} page ${pages} (${url.pathname}${url.search})`;
    if ((response.headers['content-type'] ?? '').toLowerCase().includes('text/html')) {
      response.body.destroy();
      throw new ConnectorError('format', `${where}: answered with an HTML page instead of JSON`);
    }
    const page = readPage(await response.json(), where);
    totalCount ??= page.totalCount;
    requireFields(page.nodes, REQUIRED_FIELDS[source], where);
    for (const payload of page.nodes) {
      records += 1;
      yield { sourceKind: source, naturalKey: isometricNaturalKey(source, payload), payload };
    }
    if (!page.hasNextPage) break;
    if (page.endCursor === null) throw new ConnectorError('format', `${where}: "page_info.has_next_page" is true but "end_cursor" is empty`);
    if (cursors.has(page.endCursor)) {
      throw new ConnectorError('format', `${where}: "end_cursor" ${JSON.stringify(page.endCursor)} was already read; the paging would not end`);
    }
    cursors.add(page.endCursor);
    after = page.endCursor;
  }
  // Records created while paging can make the counts differ; a gap is worth a look, not a failure.
  const log = totalCount !== null && totalCount !== records ? ctx.logger.warn.bind(ctx.logger) : ctx.logger.info.bind(ctx.logger);
  log({ list: source, pages, records, totalCount }, 'isometric: list read');
}

/** Streams projects, issuances and retirements, page by page. */
export async function* fetchIsometric(ctx: FetchContext): AsyncIterable<RawRecord> {
  const secret = ctx.secrets[ISOMETRIC_SECRET_ENV]?.trim();
  if (!secret) {
    throw new ConnectorError(
      'config',
      `${ISOMETRIC_SECRET_ENV} is not set: the Isometric registry API needs an account's client secret (sent as x-client-secret). ` +
        'Set it, or sync exports downloaded by hand with --from-dir.',
    );
  }
  const base = ctx.baseUrl.replace(/\/+$/, '');
  for (const source of LISTS) yield* fetchList(ctx, base, source, secret);
}
