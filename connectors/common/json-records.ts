/**
 * One payload shape for registries that publish JSON but whose bundled exports are
 * CarbonPlan's CSV flattenings of that JSON (Isometric, Cercarbono; registries.md §0.2).
 *
 * A raw record's payload is the registry's JSON object with nested objects flattened into
 * dotted keys, the way pandas' `json_normalize` wrote CarbonPlan's CSV headers
 * (`{"supplier": {"organisation": {"name": "X"}}}` → `"supplier.organisation.name": "X"`).
 * Lists stay lists (pandas does not flatten inside them either), and a null object stays
 * under its own key (`"location": null`, the CSV's blank `location` column). So a record
 * fetched from the API and a row read from the export have the same keys, and one
 * `normalize` reads both. The values differ only in encoding: JSON numbers and booleans from
 * the API, cell text (`"2765.37"`, `"True"`, `""`) from the CSV, and the accessors below read
 * either. The flattening is lossless (nothing is dropped or renamed), so the payload is still
 * the registry's record verbatim.
 */
import { ConnectorError } from '../contract.ts';
import { parsePythonLiteral, type JsonValue } from './python-repr.ts';
import type { Parsed } from './values.ts';

export type Payload = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Flattens nested objects into dotted keys (pandas `json_normalize`, separator `.`).
 * Arrays and scalars are kept as they are; an empty object is kept as `{}` under its key.
 */
export function flattenJson(record: Record<string, unknown>): Payload {
  const out: Payload = {};
  const visit = (prefix: string, value: unknown): void => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, inner] of Object.entries(value)) visit(prefix === '' ? key : `${prefix}.${key}`, inner);
      return;
    }
    Object.defineProperty(out, prefix, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const [key, value] of Object.entries(record)) visit(key, value);
  return out;
}

/**
 * True when the payload has `field`, or has one of its dotted ancestors set to null/blank
 * (`beneficiary: null` stands for every `beneficiary.*` field).
 */
export function hasField(payload: Payload, field: string): boolean {
  if (Object.hasOwn(payload, field)) return true;
  let cut = field.lastIndexOf('.');
  while (cut > 0) {
    const ancestor = field.slice(0, cut);
    if (Object.hasOwn(payload, ancestor)) {
      const value = payload[ancestor];
      return value === null || value === '' || (isPlainObject(value) && Object.keys(value).length === 0);
    }
    cut = field.lastIndexOf('.', cut - 1);
  }
  return false;
}

/**
 * Checks that every required field appears in at least one of `records` (a page or the
 * first records of a feed): a registry renaming or dropping a field stops the run with a
 * `format` error naming it, as `requireColumns` does for a CSV header. A field may be
 * missing from single records (APIs that omit nulls); `normalize` rejects those.
 */
export function requireFields(records: readonly Payload[], required: readonly string[], source: string): void {
  if (records.length === 0) return;
  const missing = required.filter((field) => !records.some((record) => hasField(record, field)));
  if (missing.length === 0) return;
  const list = missing.map((field) => `"${field}"`).join(', ');
  const seen = [...new Set(records.flatMap((record) => Object.keys(record)))].map((key) => `"${key}"`).join(', ');
  throw new ConnectorError(
    'format',
    `${source}: missing required field${missing.length === 1 ? '' : 's'} ${list} (has the registry renamed them?). Fields: ${seen}`,
  );
}

/** Text of a value: strings as they are, numbers and booleans rendered, null/missing/objects as ''. */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return '';
}

/** Text of a field: strings as they are, numbers and booleans rendered, null/missing/objects as ''. */
export function fieldText(payload: Payload, field: string): string {
  return scalarText(payload[field]);
}

/** Text of a field as published, or null when blank. */
export function fieldTextOrNull(payload: Payload, field: string): string | null {
  const value = fieldText(payload, field);
  return value.trim() === '' ? null : value;
}

/**
 * A boolean field: JSON `true`/`false`, or the cell text pandas wrote (`True`/`False`), or
 * `1`/`0`. Blank → null; anything else → an error.
 */
export function fieldBoolean(payload: Payload, field: string): Parsed<boolean | null> {
  const value = payload[field];
  if (typeof value === 'boolean') return { ok: true, value };
  const text = fieldText(payload, field).trim().toLowerCase();
  if (text === '') return { ok: true, value: null };
  if (text === 'true' || text === '1') return { ok: true, value: true };
  if (text === 'false' || text === '0') return { ok: true, value: false };
  return { ok: false, error: `"${fieldText(payload, field)}" is not true or false` };
}

/**
 * A list field: a JSON array as fetched, or the Python repr CarbonPlan's CSV holds
 * (`['corporate_targets']`). Blank or null → `[]`; text that is not a list → an error.
 */
export function fieldList(payload: Payload, field: string): Parsed<JsonValue[]> {
  const value = payload[field];
  if (Array.isArray(value)) return { ok: true, value: value as JsonValue[] };
  if (value === null || value === undefined) return { ok: true, value: [] };
  if (typeof value !== 'string') return { ok: false, error: `expected a list, got ${JSON.stringify(value)}` };
  const parsed = parsePythonLiteral(value);
  if (!parsed.ok) return parsed;
  if (parsed.value === null) return { ok: true, value: [] };
  if (!Array.isArray(parsed.value)) return { ok: false, error: `expected a list, got ${value.slice(0, 80)}` };
  return { ok: true, value: parsed.value };
}

/**
 * For `readExports`: replaces the Python-repr text of the given list columns by the list it
 * stands for, so an exported row stores the same JSON a fetched record does. A cell that
 * does not parse is left as text; `normalize` then rejects the row naming the column.
 */
export function parseListCells(row: Record<string, string>, columns: readonly string[]): Payload {
  const payload: Payload = { ...row };
  for (const column of columns) {
    // A blank cell is pandas' NaN (a null list in the JSON): kept blank, read as [].
    if (!Object.hasOwn(row, column) || row[column]!.trim() === '') continue;
    const parsed = fieldList(row, column);
    if (parsed.ok) payload[column] = parsed.value;
  }
  return payload;
}
