/**
 * Cercarbono's public data on the EcoRegistry platform (registries.md §6), base
 * `https://api-front.ecoregistry.io/platform`:
 *
 * 1. `GET /project/public-by-standard/cercarbono-co2` — `{ projects: [...] }`, the CO2
 *    standard's authoritative project list;
 * 2. `GET /analytics/projects` — `{ project: [...] }`, every standard's projects with their
 *    locations and their issued serials embedded (`serials`);
 * 3. `GET /analytics/get-retirements` — `{ retirements: [...] }`, every standard's retirements.
 *
 * No paging: each answer is the whole list. They are parsed as streams (@streamparser/json),
 * one array element at a time, so memory holds one record, not the ledger. What is held is
 * the CO2 standard's project list (≈231 summaries in 2026-07): it is the filter for the two
 * bulk feeds, which mix in the platform's other standards (`cercarbono-biodiversity`,
 * `cercarbono-circular-economy`, not tCO2e), and the source of the projects that
 * `analytics/projects` leaves out (CDC-106, CDC-107, converted from BioCarbon).
 *
 * The platform answers HTTP 200 with `{"codeMessages":[{"codeMessage":"ERROR_401",…}]}` when
 * its `platform` and `lng` headers are missing, and HTTP 500 when `Origin` is not
 * Cercarbono's site (§6 [rb]); both headers and Origin/Referer are always sent, and an
 * ERROR_401 body is a `config` failure, never an empty registry.
 *
 * Records are flattened into dotted keys (connectors/common/json-records.ts). Each embedded
 * serial becomes an `issuances` record carrying the `project_id` of the project it was
 * published under, the same shape `readExports` builds from CarbonPlan's issuances.csv.
 * Retirements are stored as the platform sends them: the shape of CarbonPlan's retirements
 * file (`from`/`to`, `passive_subject`) is UNCONFIRMED to come from this endpoint, and the
 * shape documented for it (`final_user`, `reason_using`, `is_kg`) is read by `normalize` too.
 */
import { JSONParser } from '@streamparser/json';
import { ConnectorError, type FetchContext, type RawRecord } from '../contract.ts';
import { fieldText, flattenJson, requireFields, type Payload } from '../common/json-records.ts';
import { CERCARBONO_SOURCES, REQUIRED_FIELDS, cercarbonoNaturalKey } from './normalize.ts';

/** The CO2 standard's slug on the platform. */
export const CERCARBONO_STANDARD = 'cercarbono-co2';

/** Endpoint paths under the base URL, and the key of the list each answers with. */
export const CERCARBONO_ENDPOINTS = {
  standardProjects: { path: `/project/public-by-standard/${CERCARBONO_STANDARD}`, key: 'projects' },
  projects: { path: '/analytics/projects', key: 'project' },
  retirements: { path: '/analytics/get-retirements', key: 'retirements' },
} as const;

/** Cercarbono's own registry front end, which the platform expects as Origin/Referer. */
const SITE = 'https://registry.cercarbono.com';

/** Headers the platform requires (§6): without `platform`/`lng` it answers ERROR_401, without this Origin HTTP 500. */
export const CERCARBONO_HEADERS: Readonly<Record<string, string>> = {
  Accept: 'application/json',
  platform: 'ecoregistry',
  lng: 'en',
  Origin: SITE,
  Referer: `${SITE}/`,
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error a non-empty `codeMessages` list stands for. */
function codeMessagesError(where: string, messages: unknown): ConnectorError {
  const list = Array.isArray(messages) ? messages : [messages];
  const codes = list.map((item) => (isObject(item) ? String(item.codeMessage ?? item.message ?? JSON.stringify(item)) : String(item)));
  const shown = JSON.stringify(messages).slice(0, 300);
  if (codes.some((code) => /ERROR_401/i.test(code))) {
    return new ConnectorError(
      'config',
      `${where} answered HTTP 200 with ERROR_401 (${shown}): EcoRegistry refuses requests without its ` +
        '"platform: ecoregistry" and "lng" headers (registries.md §6); check that they reach the API ' +
        '(a proxy may strip them). The data is public: this is not a missing credential.',
    );
  }
  return new ConnectorError('format', `${where} answered with error messages instead of data: ${shown}`);
}

/**
 * Streams the objects of the list under `key` in the JSON object a GET of `url` answers, one
 * at a time. A non-empty `codeMessages` fails (ERROR_401 → `config`); a body that is not
 * JSON, not an object, or holds no records under `key` fails as `format`: every feed read
 * here lists hundreds of records, so an empty one is a changed format, not an empty registry.
 */
async function* streamList(ctx: FetchContext, url: string, key: string, where: string): AsyncGenerator<Record<string, unknown>> {
  const response = await ctx.http.request(url, { headers: { ...CERCARBONO_HEADERS }, signal: ctx.signal });
  const body = response.body;
  try {
    if ((response.headers['content-type'] ?? '').toLowerCase().includes('text/html')) {
      throw new ConnectorError('format', `${where}: answered with an HTML page instead of JSON`);
    }
    const parser = new JSONParser({ paths: [`$.${key}.*`, '$.codeMessages'], keepStack: false });
    const ready: Record<string, unknown>[] = [];
    let failure: Error | null = null;
    let records = 0;
    parser.onValue = ({ value, key: name, stack }) => {
      if (failure !== null) return;
      if (stack.length === 1 && name === 'codeMessages') {
        if (!Array.isArray(value) || value.length > 0) failure = codeMessagesError(where, value);
        return;
      }
      if (!isObject(value)) {
        failure = new ConnectorError('format', `${where}: element ${String(name)} of "${key}" is ${JSON.stringify(value)?.slice(0, 80)}, not an object`);
        return;
      }
      records += 1;
      ready.push(value);
    };
    parser.onError = (error) => {
      failure ??= new ConnectorError('format', `${where}: the response is not valid JSON (${error.message})`, { cause: error });
    };
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      if (parser.isEnded) break;
      parser.write(chunk);
      if (failure !== null) throw failure;
      yield* ready.splice(0);
    }
    if (!parser.isEnded) parser.end();
    if (failure !== null) throw failure;
    yield* ready.splice(0);
    if (records === 0) {
      throw new ConnectorError('format', `${where}: no records under "${key}"; expected a JSON object {"${key}": [...]} (has the API changed?)`);
    }
    ctx.logger.debug({ url, records }, 'cercarbono: list read');
  } finally {
    if (!body.destroyed) body.destroy();
  }
}

/** A numeric id as text (`274`), for comparing ids across feeds. */
function idOf(payload: Payload, field: string): string {
  const text = fieldText(payload, field).trim();
  return /^\d+(\.0+)?$/.test(text) ? String(Number(text)) : text;
}

/** Streams the CO2 standard's projects, their issued serials and their retirements. */
export async function* fetchCercarbono(ctx: FetchContext): AsyncIterable<RawRecord> {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  const endpoint = (which: keyof typeof CERCARBONO_ENDPOINTS) => {
    const { path, key } = CERCARBONO_ENDPOINTS[which];
    return { url: `${base}${path}`, key, where: `Cercarbono ${path}` };
  };

  // 1. The standard's own list: which project ids are CO2 projects.
  const listed = new Map<string, Payload>();
  const standard = endpoint('standardProjects');
  for await (const record of streamList(ctx, standard.url, standard.key, standard.where)) {
    const payload = flattenJson(record);
    if (listed.size === 0) requireFields([payload], REQUIRED_FIELDS['standard-projects'], standard.where);
    listed.set(idOf(payload, 'id') || cercarbonoNaturalKey(CERCARBONO_SOURCES.standardProjects, payload), payload);
  }

  // 2. Projects with their serials; other standards' projects are left out.
  const seen = new Set<string>();
  let otherStandards = 0;
  let serialsChecked = false;
  const projects = endpoint('projects');
  for await (const record of streamList(ctx, projects.url, projects.key, projects.where)) {
    const payload = flattenJson(record);
    if (seen.size === 0 && otherStandards === 0) requireFields([payload], REQUIRED_FIELDS.projects, projects.where);
    const id = idOf(payload, 'id');
    // A project without an id cannot be told apart: it is kept, and normalize rejects it.
    if (id !== '' && !listed.has(id)) {
      otherStandards += 1;
      continue;
    }
    seen.add(id);
    yield { sourceKind: CERCARBONO_SOURCES.projects, naturalKey: cercarbonoNaturalKey(CERCARBONO_SOURCES.projects, payload), payload };
    const serials = Array.isArray(record.serials) ? record.serials : [];
    const issuances = serials.map((serial): Payload => {
      const flat = isObject(serial) ? flattenJson(serial) : { serial };
      return Object.hasOwn(flat, 'project_id') ? flat : { ...flat, project_id: record.id };
    });
    if (!serialsChecked && issuances.length > 0) {
      requireFields(issuances, REQUIRED_FIELDS.issuances, `${projects.where} (serials of project ${id})`);
      serialsChecked = true;
    }
    for (const issuance of issuances) {
      yield { sourceKind: CERCARBONO_SOURCES.issuances, naturalKey: cercarbonoNaturalKey(CERCARBONO_SOURCES.issuances, issuance), payload: issuance };
    }
  }

  // 3. Listed projects the analytics feed leaves out: the standard's list is all there is of them.
  let listedOnly = 0;
  for (const [id, payload] of listed) {
    if (seen.has(id)) continue;
    listedOnly += 1;
    yield {
      sourceKind: CERCARBONO_SOURCES.standardProjects,
      naturalKey: cercarbonoNaturalKey(CERCARBONO_SOURCES.standardProjects, payload),
      payload,
    };
  }

  // 4. The retirement ledger, other standards left out.
  let retirements = 0;
  let otherRetirements = 0;
  const ledger = endpoint('retirements');
  for await (const record of streamList(ctx, ledger.url, ledger.key, ledger.where)) {
    const payload = flattenJson(record);
    if (retirements === 0 && otherRetirements === 0) requireFields([payload], REQUIRED_FIELDS.retirements, ledger.where);
    const projectId = idOf(payload, 'project_id');
    if (projectId !== '' && !listed.has(projectId)) {
      otherRetirements += 1;
      continue;
    }
    retirements += 1;
    yield { sourceKind: CERCARBONO_SOURCES.retirements, naturalKey: cercarbonoNaturalKey(CERCARBONO_SOURCES.retirements, payload), payload };
  }
  ctx.logger.info(
    { listed: listed.size, projects: seen.size, listedOnly, otherStandards, retirements, otherRetirements },
    'cercarbono: feeds read',
  );
}
