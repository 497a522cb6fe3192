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
import type { Connector, RawRecord } from '../contract.ts';
import { readCsvExports, type CsvExportFile } from '../common/csv.ts';
import { parseListCells } from '../common/json-records.ts';
import { ISOMETRIC_SECRET_ENV, fetchIsometric } from './fetch.ts';
import {
  ISOMETRIC_SOURCES,
  LIST_FIELDS,
  REQUIRED_FIELDS,
  isometricNaturalKey,
  normalizeIsometric,
  type IsometricSource,
} from './normalize.ts';

/** Export files inside a `--from-dir` directory, in the order they are read, with the columns each must have. */
const EXPORT_FILES: readonly CsvExportFile<IsometricSource>[] = [
  { sourceKind: ISOMETRIC_SOURCES.projects, file: 'projects.csv', columns: REQUIRED_FIELDS.projects },
  { sourceKind: ISOMETRIC_SOURCES.issuances, file: 'issuances.csv', columns: REQUIRED_FIELDS.issuances },
  { sourceKind: ISOMETRIC_SOURCES.retirements, file: 'retirements.csv', columns: REQUIRED_FIELDS.retirements },
];

function readExports(dir: string): AsyncIterable<RawRecord> {
  return readCsvExports(dir, EXPORT_FILES, {
    missing: (path) => `Isometric export ${path} not found: the directory must hold projects.csv, issuances.csv and retirements.csv`,
    naturalKey: isometricNaturalKey,
    toPayload: (sourceKind, record) => parseListCells(record, LIST_FIELDS[sourceKind]),
  });
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
