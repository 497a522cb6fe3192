/**
 * Rebuilds the JSON a registry API sent from a row of CarbonPlan's flattened CSV export
 * (registries.md §0.2): dotted column names become nested objects again, Python-repr list
 * cells become lists, and cells get back their JSON types. Test registry routes use it to
 * answer with JSON built from the real fixture rows.
 */
import { parsePythonLiteral } from '../../../connectors/common/python-repr.ts';

export type CellType = 'string' | 'number' | 'boolean' | 'list';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function cellValue(text: string, type: CellType, column: string): Json {
  // A blank cell is pandas' NaN: the JSON had null (or no such object) there.
  if (text.trim() === '') return null;
  switch (type) {
    case 'number': {
      const value = Number(text);
      if (!Number.isFinite(value)) throw new Error(`column ${column}: "${text}" is not a number`);
      return value;
    }
    case 'boolean':
      if (text === 'True' || text === 'False') return text === 'True';
      throw new Error(`column ${column}: "${text}" is not True/False`);
    case 'list': {
      const parsed = parsePythonLiteral(text);
      if (!parsed.ok) throw new Error(`column ${column}: ${parsed.error}`);
      return parsed.value;
    }
    default:
      return text;
  }
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object all of whose leaves are null was a null object in the JSON (`"location": null`). */
function collapse(value: Json): Json {
  if (!isObject(value)) return value;
  const entries = Object.entries(value).map(([key, inner]) => [key, collapse(inner)] as const);
  if (entries.length > 0 && entries.every(([, inner]) => inner === null)) return null;
  return Object.fromEntries(entries);
}

/** One CSV row (column → cell text) → the JSON object it was flattened from. */
export function jsonFromRow(row: Record<string, string>, typeOf: (column: string) => CellType): Record<string, Json> {
  const root: { [key: string]: Json } = {};
  // Parents first, so `location.country_code` replaces a blank `location` and not the reverse.
  const columns = Object.keys(row).sort((a, b) => a.split('.').length - b.split('.').length);
  for (const column of columns) {
    const path = column.split('.');
    let node = root;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (!isObject(next)) node[part] = {};
      node = node[part] as { [key: string]: Json };
    }
    const leaf = path.at(-1)!;
    const value = cellValue(row[column]!, typeOf(column), column);
    if (!(value === null && isObject(node[leaf]))) node[leaf] = value;
  }
  // Keep the export's column order for the top-level keys.
  const ordered: { [key: string]: Json } = {};
  for (const column of Object.keys(row)) {
    const top = column.split('.')[0]!;
    if (!Object.hasOwn(ordered, top)) ordered[top] = collapse(root[top]!);
  }
  return ordered;
}
