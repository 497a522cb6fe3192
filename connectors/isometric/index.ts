/**
 * Isometric connector (registries.md §5): the registry API's project, issuance and
 * retirement lists (`fetch`, connectors/isometric/fetch.ts), and CarbonPlan's CSV exports of
 * the same lists (`readExports`, the layout of test/fixtures/registries/isometric).
 *
 * Both produce one payload shape: the API's JSON record with nested objects flattened into
 * the dotted keys CarbonPlan's CSV headers use (`supplier.organisation.name`), see
 * connectors/common/json-records.ts. An exported row keeps its cell text, except list cells
 * (Python reprs such as `['corporate_targets']`), which are read into the lists the API sends.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectorError, type Connector, type RawRecord } from '../contract.ts';
import { parseCsv, requireColumns } from '../common/csv.ts';
import { parseListCells, type Payload } from '../common/json-records.ts';
import { ISOMETRIC_SECRET_ENV, fetchIsometric } from './fetch.ts';
import {
  ISOMETRIC_SOURCES,
  LIST_FIELDS,
  MALFORMED,
  REQUIRED_FIELDS,
  isometricNaturalKey,
  normalizeIsometric,
  type IsometricSource,
} from './normalize.ts';

/** Export file names inside a `--from-dir` directory, in the order they are read. */
const EXPORT_FILES: readonly [IsometricSource, string][] = [
  [ISOMETRIC_SOURCES.projects, 'projects.csv'],
  [ISOMETRIC_SOURCES.issuances, 'issuances.csv'],
  [ISOMETRIC_SOURCES.retirements, 'retirements.csv'],
];

async function* readExports(dir: string): AsyncIterable<RawRecord> {
  for (const [sourceKind, file] of EXPORT_FILES) {
    const path = join(dir, file);
    const found = await stat(path).catch(() => null);
    if (!found?.isFile()) {
      throw new ConnectorError(
        'config',
        `Isometric export ${path} not found: the directory must hold projects.csv, issuances.csv and retirements.csv`,
      );
    }
    const items = parseCsv(createReadStream(path), {
      source: path,
      onHeader: (header) => requireColumns(header, REQUIRED_FIELDS[sourceKind], path),
    });
    for await (const item of items) {
      const payload: Payload =
        'record' in item
          ? parseListCells(item.record, LIST_FIELDS[sourceKind])
          : { ...(typeof item.raw === 'string' ? { __raw: item.raw } : item.raw), [MALFORMED]: item.error };
      yield { sourceKind, naturalKey: isometricNaturalKey(sourceKind, payload), payload };
    }
  }
}

export const isometric: Connector = {
  id: 'isometric',
  displayName: 'Isometric',
  kind: 'voluntary',
  homepage: 'https://registry.isometric.com',
  baseUrlEnv: 'ISOMETRIC_BASE_URL',
  secrets: [ISOMETRIC_SECRET_ENV],
  defaultBaseUrl: 'https://api.isometric.com/registry/v0',
  defaultSchedule: '20 3 * * *',
  normalizerVersion: 1,
  fetch: fetchIsometric,
  readExports,
  normalize: normalizeIsometric,
};
