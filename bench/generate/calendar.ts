/** Plain ISO dates (`YYYY-MM-DD`, UTC) for the generator. */

const dayMs = 86_400_000;

/** The day the bundled fixtures were exported (registries.md §0.2): nothing is issued or retired after it. */
export const snapshotDate = '2026-04-14';

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);
}

export function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

/** `MM-DD` in `year`, with 29 February moved to the 28th in common years. */
export function onYear(year: number, monthDay: string): string {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return `${year}-${monthDay === '02-29' && !leap ? '02-28' : monthDay}`;
}

/** `2020-01-31` → `31012020`, as Verra serials write vintage dates. */
export function ddmmyyyy(date: string): string {
  return `${date.slice(8, 10)}${date.slice(5, 7)}${date.slice(0, 4)}`;
}

/** `2026-03-19` → `03/19/2026`, as APX writes dates (registries.md §4.1). */
export function mmddyyyy(date: string): string {
  return `${date.slice(5, 7)}/${date.slice(8, 10)}/${date.slice(0, 4)}`;
}

/** `03/19/2026` → `2026-03-19`. */
export function fromMmddyyyy(text: string): string {
  const [month, day, year] = text.split('/');
  return `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
}
