/**
 * Credited periods and their overlap (double-counting.md §4.2 "Time", §4.4 quantity at risk).
 * A credit's period is its monitoring period when the registry publishes one; otherwise the
 * calendar year of its vintage, marked `year` so evidence says how precise the comparison was.
 */

export interface Period {
  start: string;
  end: string;
  precision: 'day' | 'year';
}

const DAY_MS = 86_400_000;

/**
 * Days since 1970-01-01 of an ISO date, remembered: overlap checks prorate every issuance pair
 * of every candidate project pair, and parsing the same few thousand dates again was most of
 * the cross-program detector's own time at market size (docs/benchmarks.md). Bounded by the
 * distinct dates credits carry (at most a few tens of thousands).
 */
const epochDays = new Map<string, number>();

function epochDay(date: string): number {
  let day = epochDays.get(date);
  if (day === undefined) {
    day = Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
    epochDays.set(date, day);
  }
  return day;
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function creditPeriod(credit: { vintageStart: string | null; vintageEnd: string | null; vintageYear: number | null }): Period | null {
  if (credit.vintageStart && credit.vintageEnd && credit.vintageStart <= credit.vintageEnd) {
    return { start: credit.vintageStart, end: credit.vintageEnd, precision: 'day' };
  }
  if (credit.vintageYear !== null) return { start: `${credit.vintageYear}-01-01`, end: `${credit.vintageYear}-12-31`, precision: 'year' };
  return null;
}

/** Days in the period, both ends included. */
export function periodDays(period: Period): number {
  return epochDay(period.end) - epochDay(period.start) + 1;
}

export function overlap(a: Period, b: Period): Period | null {
  const start = a.start > b.start ? a.start : b.start;
  const end = a.end < b.end ? a.end : b.end;
  if (start > end) return null;
  return { start, end, precision: a.precision === 'day' && b.precision === 'day' ? 'day' : 'year' };
}

/** The share of `quantity`, spread evenly over `period`, that falls in `window`. */
export function prorate(quantity: number, period: Period, window: Period): number {
  const shared = overlap(period, window);
  if (!shared) return 0;
  return (quantity * periodDays(shared)) / periodDays(period);
}

/** Days between the end of the earlier period and the start of the later one (0 when they touch or overlap). */
export function gapDays(a: Period, b: Period): number {
  const [first, second] = a.start <= b.start ? [a, b] : [b, a];
  return Math.max(0, epochDay(second.start) - epochDay(first.end) - 1);
}

/** The smallest period covering all of them. */
export function span(periods: readonly Period[]): Period | null {
  if (periods.length === 0) return null;
  let start = periods[0]!.start;
  let end = periods[0]!.end;
  for (const p of periods) {
    if (p.start < start) start = p.start;
    if (p.end > end) end = p.end;
  }
  return { start, end, precision: periods.every((p) => p.precision === 'day') ? 'day' : 'year' };
}

export function addDays(date: string, days: number): string {
  return isoDay(epochDay(date) + days);
}

export const formatPeriod = (p: Period): string => `${p.start}–${p.end}`;

interface PeriodSource {
  id: number;
  projectId: number;
  vintageStart: string | null;
  vintageEnd: string | null;
  vintageYear: number | null;
}

/**
 * Each credit's period, narrowed to its vintage year where one monitoring period was split by
 * vintage: when several credits of a project share the same multi-year period but carry
 * different vintage years inside it (Gold Standard issues one batch per vintage of a monitoring
 * period), each is credited for its year's part of the period only. Otherwise the period is the
 * credit's own (creditPeriod). Judgement: the data shows the split, not which days each vintage
 * covers.
 */
export function creditPeriods<T extends PeriodSource>(credits: readonly T[]): Map<number, Period | null> {
  const periods = new Map<number, Period | null>();
  const groups = new Map<string, T[]>();
  for (const credit of credits) {
    const period = creditPeriod(credit);
    periods.set(credit.id, period);
    if (period?.precision !== 'day' || credit.vintageYear === null) continue;
    const key = `${credit.projectId}|${period.start}|${period.end}`;
    groups.set(key, [...(groups.get(key) ?? []), credit]);
  }
  for (const group of groups.values()) {
    const years = new Set(group.map((c) => c.vintageYear));
    if (years.size < 2) continue;
    for (const credit of group) {
      const period = periods.get(credit.id)!;
      const year = credit.vintageYear!;
      const narrowed = overlap(period, { start: `${year}-01-01`, end: `${year}-12-31`, precision: 'day' });
      if (narrowed) periods.set(credit.id, narrowed);
    }
  }
  return periods;
}
