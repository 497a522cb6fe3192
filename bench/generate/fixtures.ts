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
  verra: { projects: FixtureTable; transactions: FixtureTable };
  goldStandard: { projects: FixtureTable; issuances: FixtureTable; retirements: FixtureTable };
  car: { projects: FixtureTable; issuances: FixtureTable; retirements: FixtureTable; cancellations: FixtureTable };
  acr: ApxFixtureTables;
  artTrees: ApxFixtureTables;
  /** ARB's issuance table: the data sheet of the workbook, as the bundled snapshot CSV. */
  arb: { issuances: FixtureTable };
  cercarbono: { projects: FixtureTable; issuances: FixtureTable; retirements: FixtureTable };
  isometric: { projects: FixtureTable; issuances: FixtureTable; retirements: FixtureTable };
}

/** The four APX report exports of a registry's fixture folder. */
export interface ApxFixtureTables {
  projects: FixtureTable;
  issuances: FixtureTable;
  retirements: FixtureTable;
  cancellations: FixtureTable;
}

function apxTables(dir: string): ApxFixtureTables {
  return {
    projects: readTable(join(dir, 'projects.csv')),
    issuances: readTable(join(dir, 'issuances.csv')),
    retirements: readTable(join(dir, 'retirements.csv')),
    cancellations: readTable(join(dir, 'cancellations.csv')),
  };
}

export const defaultFixturesDir = 'test/fixtures/registries';

export function loadFixtures(dir = defaultFixturesDir): Fixtures {
  return {
    verra: {
      projects: readTable(join(dir, 'verra', 'projects.csv')),
      transactions: readTable(join(dir, 'verra', 'transactions.csv')),
    },
    goldStandard: {
      projects: readTable(join(dir, 'gold-standard', 'projects.csv')),
      issuances: readTable(join(dir, 'gold-standard', 'issuances.csv')),
      retirements: readTable(join(dir, 'gold-standard', 'retirements.csv')),
    },
    car: {
      projects: readTable(join(dir, 'climate-action-reserve', 'projects.csv')),
      issuances: readTable(join(dir, 'climate-action-reserve', 'issuances.csv')),
      retirements: readTable(join(dir, 'climate-action-reserve', 'retirements.csv')),
      cancellations: readTable(join(dir, 'climate-action-reserve', 'cancellations.csv')),
    },
    acr: apxTables(join(dir, 'american-carbon-registry')),
    artTrees: apxTables(join(dir, 'art-trees')),
    arb: { issuances: readTable(join(dir, 'arb', 'nc-arboc_issuance_sheet3.csv')) },
    cercarbono: {
      projects: readTable(join(dir, 'cercarbono', 'projects.csv')),
      issuances: readTable(join(dir, 'cercarbono', 'issuances.csv')),
      retirements: readTable(join(dir, 'cercarbono', 'retirements.csv')),
    },
    isometric: {
      projects: readTable(join(dir, 'isometric', 'projects.csv')),
      issuances: readTable(join(dir, 'isometric', 'issuances.csv')),
      retirements: readTable(join(dir, 'isometric', 'retirements.csv')),
    },
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
