/**
 * Reading APX export rows by column, tolerant of the spellings the exports use for one column
 * (registries.md §0.2, §4): doubled or trailing spaces and case are ignored, and a column may
 * have several names over time. Also knows which columns are export artefacts: the APX
 * exporter's trailing unnamed column (header `""` in a raw download, `Unnamed: 21` after
 * CarbonPlan's pandas round trip) and the literal `View` of hyperlink columns.
 */
import { ConnectorError } from '../contract.ts';
import { MALFORMED } from '../common/csv.ts';
import { renderCell, type Fields } from '../common/normalize-kit.ts';
import type { Column } from './registries.ts';

export { MALFORMED } from '../common/csv.ts';

/** Comparison form of a column name: trimmed, inner whitespace collapsed, lower case. */
export function foldColumn(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The trailing unnamed column of the APX exporter, raw (`""`) or renamed by pandas (`Unnamed: 21`). */
export function isArtefactColumn(name: string): boolean {
  return name.trim() === '' || /^Unnamed: \d+$/.test(name.trim()) || name === MALFORMED;
}

/** Hyperlink columns whose CSV text is the literal `View` (registries.md §4.1). */
const LINK_COLUMNS = new Set(['documents', 'data']);

/**
 * One export row with lookups by column (any of its names, spelling-tolerant). As `Fields`, a
 * rejection names a column as the row spells it (`column "Quantity of Credits"`).
 */
export class ApxRow implements Fields<Column> {
  readonly #payload: Record<string, unknown>;
  #index: Map<string, string> | undefined;

  constructor(payload: Record<string, unknown>) {
    this.#payload = payload;
  }

  /** Folded name → key as it appears in the payload (the first of equal folded names wins). */
  #keys(): Map<string, string> {
    if (!this.#index) {
      this.#index = new Map();
      for (const key of Object.keys(this.#payload)) {
        const folded = foldColumn(key);
        if (!this.#index.has(folded)) this.#index.set(folded, key);
      }
    }
    return this.#index;
  }

  /** The payload key of the column, under whichever of its names the row uses; null when absent. */
  key(column: Column | undefined): string | null {
    if (!column) return null;
    const keys = this.#keys();
    for (const name of column) {
      const key = keys.get(foldColumn(name));
      if (key !== undefined) return key;
    }
    return null;
  }

  /** The column's header as this export spells it, whitespace tidied (for labels), or null. */
  header(column: Column | undefined): string | null {
    const key = this.key(column);
    return key === null ? null : key.trim().replace(/\s+/g, ' ');
  }

  /** The column's name for messages: as this export spells it, else its first name. */
  name(column: Column): string {
    return this.header(column) ?? column[0];
  }

  /** Cell text verbatim ('' when the column is absent). */
  cell(column: Column | undefined): string {
    const key = this.key(column);
    return key === null ? '' : renderCell(this.#payload[key]);
  }

  /** `Fields`: the cell text. */
  get(column: Column): string {
    return this.cell(column);
  }

  /** `Fields`: how a rejection names the column. */
  label(column: Column): string {
    return `column "${this.name(column)}"`;
  }

  /** Cell text verbatim, or null when blank or absent. */
  text(column: Column | undefined): string | null {
    const value = this.cell(column);
    return value.trim() === '' ? null : value;
  }

  /**
   * Non-blank cells of every column not in `used`, keyed by their tidied header: what the
   * registry publishes that has no field of its own. Artefact columns and `View` links are left out.
   */
  others(used: readonly (Column | undefined)[]): Record<string, string> {
    const skip = new Set(used.map((column) => this.key(column)).filter((key): key is string => key !== null));
    const others: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.#payload)) {
      if (skip.has(key) || isArtefactColumn(key)) continue;
      const rendered = renderCell(value);
      if (rendered.trim() === '') continue;
      if (LINK_COLUMNS.has(foldColumn(key)) && rendered.trim() === 'View') continue;
      others[key.trim().replace(/\s+/g, ' ')] = rendered;
    }
    return others;
  }
}

/**
 * Checks that an export header has every required column (under any of its names). Throws
 * `ConnectorError('format')` naming each missing column, so a renamed column stops the run
 * before a row is stored instead of producing blank fields.
 */
export function requireApxColumns(header: readonly string[], required: readonly Column[], source: string): void {
  const present = new Set(header.map(foldColumn));
  const missing = required.filter((column) => !column.some((name) => present.has(foldColumn(name))));
  if (missing.length === 0) return;
  const list = missing
    .map((column) => (column.length === 1 ? `"${column[0]}"` : `"${column[0]}" (or ${column.slice(1).map((n) => `"${n}"`).join(', ')})`))
    .join(', ');
  throw new ConnectorError(
    'format',
    `${source}: missing required column${missing.length === 1 ? '' : 's'} ${list} (has the registry renamed them?). Header: ${header
      .map((column) => `"${column}"`)
      .join(', ')}`,
  );
}
