/** Small SQL building blocks for the query modules' filters. */
import { inArray, sql, type Column, type GetColumnData, type SQL } from 'drizzle-orm';

/**
 * `column in (values)`. An empty list matches nothing (as SQL's IN would), whereas a filter
 * left out (null/undefined) does not filter at all: callers skip it.
 */
export function inList<TColumn extends Column>(column: TColumn, values: readonly GetColumnData<TColumn, 'raw'>[]): SQL {
  return values.length === 0 ? sql`false` : inArray(column, values);
}

/** `%text%` for ILIKE, with LIKE's wildcards in `text` taken literally (backslash is the default escape). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
