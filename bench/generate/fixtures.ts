/**
 * The real fixture exports (test/fixtures/registries) the generator samples from: their
 * columns in the order the registry writes them, and their rows as text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

export interface FixtureTable {
  /** Header cells in file order: the generated file writes the same header. */
  columns: string[];
  rows: Record<string, string>[];
}

export function readTable(path: string): FixtureTable {
  const cells = parse(readFileSync(path), { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  const [columns, ...records] = cells;
  if (!columns) throw new Error(`${path} is empty`);
  const rows = records.map((record) => Object.fromEntries(columns.map((column, index) => [column, record[index] ?? ''])));
  return { columns, rows };
}

export interface Fixtures {
  verra: FixtureTables<'projects' | 'transactions'>;
  goldStandard: FixtureTables<'projects' | 'issuances' | 'retirements'>;
  car: ApxFixtureTables;
  acr: ApxFixtureTables;
  artTrees: ApxFixtureTables;
  /** ARB's issuance table: the data sheet of the workbook, as the bundled snapshot CSV. */
  arb: { issuances: FixtureTable };
  cercarbono: FixtureTables<'projects' | 'issuances' | 'retirements'>;
  isometric: FixtureTables<'projects' | 'issuances' | 'retirements'>;
}

/** Tables of one fixture folder, by file name (`projects` is `projects.csv`). */
export type FixtureTables<Name extends string> = Record<Name, FixtureTable>;

/** The four APX report exports of a registry's fixture folder. */
export type ApxFixtureTables = FixtureTables<'projects' | 'issuances' | 'retirements' | 'cancellations'>;

function tablesIn<Name extends string>(dir: string, names: readonly Name[]): FixtureTables<Name> {
  return Object.fromEntries(names.map((name) => [name, readTable(join(dir, `${name}.csv`))])) as FixtureTables<Name>;
}

const apxReports = ['projects', 'issuances', 'retirements', 'cancellations'] as const;
const listsAndLedgers = ['projects', 'issuances', 'retirements'] as const;

export const defaultFixturesDir = 'test/fixtures/registries';

export function loadFixtures(dir = defaultFixturesDir): Fixtures {
  return {
    verra: tablesIn(join(dir, 'verra'), ['projects', 'transactions']),
    goldStandard: tablesIn(join(dir, 'gold-standard'), listsAndLedgers),
    car: tablesIn(join(dir, 'climate-action-reserve'), apxReports),
    acr: tablesIn(join(dir, 'american-carbon-registry'), apxReports),
    artTrees: tablesIn(join(dir, 'art-trees'), apxReports),
    arb: { issuances: readTable(join(dir, 'arb', 'nc-arboc_issuance_sheet3.csv')) },
    cercarbono: tablesIn(join(dir, 'cercarbono'), listsAndLedgers),
    isometric: tablesIn(join(dir, 'isometric'), listsAndLedgers),
  };
}

/** Rows grouped by a column's value, in first-seen order. */
export function groupBy(rows: readonly Record<string, string>[], column: string): Map<string, Record<string, string>[]> {
  const groups = new Map<string, Record<string, string>[]>();
  for (const row of rows) {
    const key = row[column] ?? '';
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

/** `"1,454,054"` or `12856.0` → 1454054 / 12856; NaN when not a number. */
export function numberOf(text: string | undefined): number {
  return Number((text ?? '').replaceAll(',', '').trim() || 'NaN');
}
