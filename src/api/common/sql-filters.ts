/** Small SQL building blocks for the query modules' filters. */
import { inArray, sql, type Column, type GetColumnData, type SQL } from 'drizzle-orm';

/**
 * `column in (values)`. An empty list matches nothing (as SQL's IN would), whereas a filter
 * left out (null/undefined) does not filter at all: callers skip it.
 */
export function inList<TColumn extends Column>(column: TColumn, values: readonly GetColumnData<TColumn, 'raw'>[]): SQL {
  return values.length === 0 ? sql`false` : inArray(column, values);
}

/**
 * An array literal (`{"a","b"}`) with every element quoted, to send as ONE text parameter the
 * server casts (`$1::text::bigint[]`): a JS array parameter would be serialized differently by
 * each driver, and a statement with one parameter has the same text however many values it has.
 */
export function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.map((value) => `"${String(value).replace(/[\\"]/g, (character) => `\\${character}`)}"`).join(',')}}`;
}

/**
 * `column = any(values)` for a text column, the values as one parameter (see `arrayLiteral`):
 * cheaper for the server to bind and plan than an IN list of 100 parameters.
 */
export function inTextArray(column: Column | SQL, values: readonly string[]): SQL {
  return values.length === 0 ? sql`false` : sql`${column} = any(${arrayLiteral(values)}::text[])`;
}

/** `%text%` for ILIKE, with LIKE's wildcards in `text` taken literally (backslash is the default escape). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
