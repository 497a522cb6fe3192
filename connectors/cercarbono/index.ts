/**
 * Cercarbono connector (registries.md §6): the EcoRegistry platform's public feeds (`fetch`,
 * connectors/cercarbono/fetch.ts) and CarbonPlan's CSV exports of them (`readExports`, the
 * layout of test/fixtures/registries/cercarbono).
 *
 * Both produce one payload shape: the platform's JSON record with nested objects flattened
 * into dotted keys (connectors/common/json-records.ts). An exported row keeps its cell text,
 * except list cells (Python reprs such as `[{'code': 8, 'description': …}]`), which are read
 * into the lists the API sends. CarbonPlan's issuances.csv is the `serials` embedded in each
 * project, exploded, without the project they were embedded in: `readExports` adds it back
 * as `project_id` from projects.csv, as `fetch` does from the feed.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Connector, RawRecord } from '../contract.ts';
import { MALFORMED, csvPayloads, requireColumns, requireExportFile } from '../common/csv.ts';
import { fieldText, parseListCells, type Payload } from '../common/json-records.ts';
import { fetchCercarbono } from './fetch.ts';
import {
  CERCARBONO_SOURCES,
  LIST_FIELDS,
  REQUIRED_FIELDS,
  cercarbonoNaturalKey,
  normalizeCercarbono,
  type CercarbonoSource,
} from './normalize.ts';

/** Export file names inside a `--from-dir` directory, in the order they are read. */
const EXPORT_FILES: readonly [CercarbonoSource, string][] = [
  [CERCARBONO_SOURCES.projects, 'projects.csv'],
  [CERCARBONO_SOURCES.issuances, 'issuances.csv'],
  [CERCARBONO_SOURCES.retirements, 'retirements.csv'],
];

async function* readFile(path: string, sourceKind: CercarbonoSource): AsyncIterable<Payload> {
  yield* csvPayloads(
    createReadStream(path),
    { source: path, onHeader: (header) => requireColumns(header, REQUIRED_FIELDS[sourceKind], path) },
    (record) => parseListCells(record, LIST_FIELDS[sourceKind]),
  );
}

async function* readExports(dir: string): AsyncIterable<RawRecord> {
  const paths = EXPORT_FILES.map(([sourceKind, file]) => [sourceKind, join(dir, file)] as const);
  for (const [, path] of paths) {
    await requireExportFile(path, `Cercarbono export ${path} not found: the directory must hold projects.csv, issuances.csv and retirements.csv`);
  }
  // serial → id of the project whose `serials` list it is in (a few thousand serials in all).
  const projectOfSerial = new Map<string, string>();
  for (const [sourceKind, path] of paths) {
    for await (let payload of readFile(path, sourceKind)) {
      if (sourceKind === CERCARBONO_SOURCES.projects && Array.isArray(payload.serials)) {
        for (const serial of payload.serials) {
          if (typeof serial === 'object' && serial !== null && typeof (serial as { serial?: unknown }).serial === 'string') {
            projectOfSerial.set((serial as { serial: string }).serial, fieldText(payload, 'id'));
          }
        }
      }
      if (sourceKind === CERCARBONO_SOURCES.issuances && payload[MALFORMED] === undefined && !Object.hasOwn(payload, 'project_id')) {
        const projectId = projectOfSerial.get(fieldText(payload, 'serial'));
        if (projectId !== undefined) payload = { ...payload, project_id: projectId };
      }
      yield { sourceKind, naturalKey: cercarbonoNaturalKey(sourceKind, payload), payload };
    }
  }
}

export const cercarbono: Connector = {
  id: 'cercarbono',
  displayName: 'Cercarbono (EcoRegistry)',
  kind: 'voluntary',
  homepage: 'https://registry.cercarbono.com',
  baseUrlEnv: 'CERCARBONO_BASE_URL',
  defaultBaseUrl: 'https://api-front.ecoregistry.io/platform',
  defaultSchedule: '40 3 * * *',
  normalizerVersion: 1,
  fetch: fetchCercarbono,
  readExports,
  normalize: normalizeCercarbono,
};
