/**
 * Gold Standard (Impact Registry) connector (registries.md §3).
 *
 * - `readExports(dir)` reads the CSV exports of the registry's web UI (`projects.csv`,
 *   `issuances.csv`, `retirements.csv`), the format of the bundled fixtures. This is the
 *   lawful path today: Gold Standard's terms reportedly require downloads through its own
 *   interfaces, which do not allow automated downloads (registries.md §3.1).
 * - `fetch(ctx)` pages through the public JSON API (`fetch.ts`). It must be off by default
 *   for scheduled polling (`GOLD_STANDARD_ENABLED=false`) until that legal check is done;
 *   `defaultSchedule` only applies once someone enables it.
 *
 * See `normalize.ts` for how each source becomes projects and credits, and why the two
 * sources must not be mixed in one database.
 */
import type { Connector, RawRecord } from '../contract.ts';
import { readCsvExports, type CsvExportFile } from '../common/csv.ts';
import { fetchGoldStandard } from './fetch.ts';
import {
  GOLD_STANDARD_SOURCES,
  ISSUANCE_COLUMNS,
  PROJECT_COLUMNS,
  RETIREMENT_COLUMNS,
  goldStandardNaturalKey,
  normalizeGoldStandard,
} from './normalize.ts';

type CsvSource = 'projects' | 'issuances' | 'retirements';

/** Export files inside a `--from-dir` directory, in the order they are read, with the columns each must have. */
const EXPORT_FILES: readonly CsvExportFile<CsvSource>[] = [
  { sourceKind: GOLD_STANDARD_SOURCES.projects, file: 'projects.csv', columns: PROJECT_COLUMNS },
  { sourceKind: GOLD_STANDARD_SOURCES.issuances, file: 'issuances.csv', columns: ISSUANCE_COLUMNS },
  { sourceKind: GOLD_STANDARD_SOURCES.retirements, file: 'retirements.csv', columns: RETIREMENT_COLUMNS },
];

function readExports(dir: string): AsyncIterable<RawRecord> {
  // A row with the wrong cell count keeps what was read plus `__malformed`; normalize rejects it.
  return readCsvExports(dir, EXPORT_FILES, {
    missing: (path) =>
      `Gold Standard export ${path} not found: the directory must hold projects.csv, issuances.csv and retirements.csv, as downloaded from registry.goldstandard.org`,
    naturalKey: goldStandardNaturalKey,
  });
}

export const goldStandard: Connector = {
  id: 'gold-standard',
  displayName: 'Gold Standard (Impact Registry)',
  kind: 'voluntary',
  homepage: 'https://registry.goldstandard.org',
  baseUrlEnv: 'GOLD_STANDARD_BASE_URL',
  defaultBaseUrl: 'https://public-api.goldstandard.org',
  // Daily; a full read is ~7,400 requests (~2 h at the default 1 request/s, registries.md §3.7).
  defaultSchedule: '0 4 * * *',
  pollByDefault: false,
  pollingNote:
    "Gold Standard's terms reportedly require downloads through its own interfaces (registries.md §3.1): live polling is off unless GOLD_STANDARD_ENABLED=true; load exports downloaded by hand with `hub sync --program gold-standard --from-dir DIR`.",
  normalizerVersion: 1,
  fetch: fetchGoldStandard,
  readExports,
  normalize: normalizeGoldStandard,
};
