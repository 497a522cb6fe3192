/**
 * Reading APX report exports (CSV) into raw records, from a response body or from files a user
 * downloaded: bytes are decoded (Windows-1252 or UTF-8), raw APX quoting is repaired, rows are
 * streamed one at a time, and the header is checked for the columns `normalize` reads.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { RawRecord } from '../contract.ts';
import { csvPayloads, requireExportFile } from '../common/csv.ts';
import { requireApxColumns } from './columns.ts';
import { apxNaturalKey } from './normalize.ts';
import { APX_SOURCES, type ApxRegistry, type ApxSource, type Column } from './registries.ts';
import { decodeExportText, repairApxQuoting } from './text.ts';

/** Columns an export must have for `normalize` to read it; a missing one stops the run (`format`). */
export function requiredColumns(config: ApxRegistry, source: ApxSource): Column[] {
  if (source === 'projects') {
    const columns = config.projects;
    return [columns.id, columns.name, columns.projectType, columns.country];
  }
  const columns = config[source];
  const required: (Column | undefined)[] = [columns.projectId, columns.project.name, columns.vintage, columns.transactionDate, columns.quantity];
  if (source !== 'issuances') required.push(columns.serial, columns.reason, columns.beneficiary);
  return required.filter((column): column is Column => column !== undefined);
}

/**
 * Raw records of one export's text. A row whose cell count differs from the header keeps what
 * was read plus `__malformed` (normalize rejects it). A key repeated inside the export (two
 * rows the key cannot tell apart) gets `#2`, `#3`… so neither row replaces the other.
 */
export async function* readApxCsv(
  text: AsyncIterable<string>,
  config: ApxRegistry,
  sourceKind: ApxSource,
  source: string,
  allowEmpty = false,
): AsyncGenerator<RawRecord> {
  const seen = new Map<string, number>();
  const payloads = csvPayloads(text, {
    source,
    allowEmpty,
    onHeader: (header) => requireApxColumns(header, requiredColumns(config, sourceKind), source),
  });
  for await (const payload of payloads) {
    const key = apxNaturalKey(config, sourceKind, payload);
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    yield { sourceKind, naturalKey: count === 1 ? key : `${key}#${count}`, payload };
  }
}

/** Export file of each source inside a `--from-dir` directory (the fixture layout). */
export const EXPORT_FILES: Readonly<Record<ApxSource, string>> = {
  projects: 'projects.csv',
  issuances: 'issuances.csv',
  retirements: 'retirements.csv',
  cancellations: 'cancellations.csv',
};

/**
 * Reads `projects.csv`, `issuances.csv`, `retirements.csv` and `cancellations.csv` from `dir`
 * (APX report exports, as downloaded or as in test/fixtures/registries/<registry>), in that
 * order. A missing file is a `config` error naming it.
 */
export async function* readApxExports(config: ApxRegistry, dir: string): AsyncGenerator<RawRecord> {
  for (const sourceKind of APX_SOURCES) {
    const path = join(dir, EXPORT_FILES[sourceKind]);
    await requireExportFile(path, `${config.label} export ${path} not found: the directory must hold ${Object.values(EXPORT_FILES).join(', ')} (APX report exports)`);
    const text = repairApxQuoting(decodeExportText(createReadStream(path), null, path));
    yield* readApxCsv(text, config, sourceKind, path);
  }
}
