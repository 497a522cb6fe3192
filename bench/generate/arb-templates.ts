/**
 * What ARB's issuance table fixture (test/fixtures/registries/arb/nc-arboc_issuance_sheet3.csv,
 * the first 100 rows of the 2026-04 data sheet) gives the ARB generator (arb.ts): reporting
 * period shapes, invalidation timeframes and how long until they were reduced, verification
 * bodies, states, DEBS, forest buffer shares, and how an issuance's units were retired
 * (compliance periods, Québec, voluntary, reversals) as shares of what it issued.
 */
import { daysBetween } from './calendar.ts';
import { groupBy, numberOf, type Fixtures } from './fixtures.ts';
import { Empirical, type Random } from './random.ts';

type Row = Record<string, string>;

/** ARB's project type of a CARB project id prefix (registries.md §10.2); rice and urban forest have issued nothing. */
export const typeOfPrefix: Readonly<Record<string, string>> = { CAFR: 'Forest', CALS: 'Livestock', CAOD: 'ODS', CAMM: 'MMC', CARC: 'Rice', CAUF: 'Urban Forest' };

/** The retirement columns an issuance's units are spread over, in the sheet's order (the buffer pool's aside). */
export const retirementColumns = [
  'Retired for Intentional Reversal',
  'Retired Voluntarily',
  'Retired 1st Compliance Period (CA)',
  'Retired 2nd Compliance Period (CA)',
  'Retired 3rd Compliance Period (CA)',
  'Retired 4th Compliance Period (CA)',
  'Retired 5th Compliance Period (CA)',
  'Retired for Compliance in Quebec',
] as const;

/** Compliance period of each `Retired Nth Compliance Period (CA)` column, by its index in `retirementColumns`. */
const periodOfColumn: readonly (number | null)[] = [null, null, 1, 2, 3, 4, 5, null];

/**
 * Triennial surrender deadlines of California's compliance periods (§10.2; the 5th's is
 * 2027-11-01): an issuance can be surrendered for the first period whose deadline is after it.
 */
const surrenderDeadlines = ['2015-11-02', '2018-11-01', '2021-11-01', '2024-11-01', '2027-11-01'];

/** The first compliance period an issuance of `date` could be surrendered for (1–5; 6 once the 5th has closed). */
export function firstCompliancePeriod(date: string): number {
  const index = surrenderDeadlines.findIndex((deadline) => date < deadline);
  return index < 0 ? surrenderDeadlines.length + 1 : index + 1;
}

/** Retired shares of a fixture issuance (per column, of its units outside the forest buffer) and whether its buffer was retired. */
export interface RetirementPattern {
  /** By `retirementColumns` index; compliance-period shares are relative to `firstPeriod`. */
  shares: number[];
  firstPeriod: number;
  bufferRetired: boolean;
}

/** A reporting period's shape: the day it ends in its vintage year, and its length. */
export interface PeriodShape {
  endMonthDay: string;
  days: number;
}

export interface InvalidationTemplate {
  /** Days from issuance until a second verification reduced the timeframe to 3 years; null when it stayed at 8. */
  reducedAfter: number | null;
}

export interface ArbTemplates {
  periodShapes(type: string): Empirical<PeriodShape>;
  invalidations(type: string): Empirical<InvalidationTemplate>;
  verificationBodies(type: string): Empirical<string>;
  states(type: string): Empirical<string>;
  /** `DEBS` or `NO DEBS`, from rows of the type on the same side of the California line. */
  debs(type: string, inCalifornia: boolean): Empirical<string>;
  /** Forest buffer contribution as a share of `ARB Offset Credits Issued`. */
  forestBufferShares: Empirical<number>;
  /** How an issuance of `type` first surrenderable in `firstPeriod` was retired. */
  pattern(type: string, firstPeriod: number, random: Random): RetirementPattern;
  /** Share of CARB projects with a reporting period that credited nothing (a row without an issuance id). */
  zeroCreditShare: number;
}

const amount = (text: string | undefined): number => {
  const value = numberOf(text);
  return Number.isFinite(value) ? value : 0;
};

/** Rows of `type` when the fixture has them, else every row. */
function ofType(groups: Map<string, Row[]>, all: Row[], type: string): Row[] {
  return groups.get(type) ?? all;
}

function patternOf(row: Row): RetirementPattern {
  const issued = amount(row['ARB Offset Credits Issued']);
  const buffer = amount(row['Forest Buffer Account Contribution']);
  const base = Math.max(1, issued - buffer);
  const firstPeriod = firstCompliancePeriod(row['Issuance Date']!);
  let shares = retirementColumns.map((column) => amount(row[column]) / base);
  const total = shares.reduce((a, b) => a + b, 0);
  if (total > 1) shares = shares.map((share) => share / total);
  return { shares, firstPeriod, bufferRetired: amount(row['Buffer Pool Retired']) > 0 };
}

/** Memoized Empirical per key. */
function cached<T>(make: (key: string) => Empirical<T>): (key: string) => Empirical<T> {
  const cache = new Map<string, Empirical<T>>();
  return (key) => {
    let value = cache.get(key);
    if (!value) cache.set(key, (value = make(key)));
    return value;
  };
}

export function arbTemplates(fixtures: Fixtures['arb']): ArbTemplates {
  const rows = fixtures.issuances.rows;
  // Rows that issued credits: the zero-credit and reversal rows have no dates or quantities to sample.
  const issuing = rows.filter((row) => amount(row['ARB Offset Credits Issued']) > 0 && row['Issuance Date'] !== '');
  const byType = groupBy(issuing, 'Project Type');
  const patterns = issuing.map((row) => ({ type: row['Project Type']!, pattern: patternOf(row) }));
  const noCredit = new Set(rows.filter((row) => row['CARB Issuance ID']!.trim() === '').map((row) => row['CARB Project ID']));
  const projects = new Set(rows.map((row) => row['CARB Project ID']));

  return {
    periodShapes: cached(
      (type) =>
        new Empirical(
          ofType(byType, issuing, type).map((row) => ({
            endMonthDay: row['Reporting Period End Date']!.slice(5),
            days: daysBetween(row['Reporting Period Start Date']!, row['Reporting Period End Date']!),
          })),
        ),
    ),
    invalidations: cached(
      (type) =>
        new Empirical(
          ofType(byType, issuing, type).map((row) => ({
            reducedAfter: row['Date Invalidation Period Reduced'] === '' ? null : daysBetween(row['Issuance Date']!, row['Date Invalidation Period Reduced']!),
          })),
        ),
    ),
    verificationBodies: cached((type) => new Empirical(ofType(byType, issuing, type).map((row) => row['Verification Body']!).filter((body) => body !== ''))),
    states: cached((type) => new Empirical(ofType(byType, issuing, type).map((row) => row.State!))),
    debs: (type, inCalifornia) => {
      const sameType = ofType(byType, issuing, type);
      const sameSide = sameType.filter((row) => (row.State === 'CA') === inCalifornia);
      return new Empirical((sameSide.length > 0 ? sameSide : sameType).map((row) => row['Provides DEBS']!));
    },
    forestBufferShares: new Empirical(
      ofType(byType, issuing, 'Forest')
        .filter((row) => amount(row['Forest Buffer Account Contribution']) > 0)
        .map((row) => amount(row['Forest Buffer Account Contribution']) / amount(row['ARB Offset Credits Issued'])),
    ),
    pattern: (type, firstPeriod, random) => {
      // Same type and the same first period when the fixture has one, else the nearest first period.
      const candidates = patterns.filter((entry) => entry.type === type);
      const pool = candidates.length > 0 ? candidates : patterns;
      const distance = (entry: (typeof pool)[number]) => Math.abs(entry.pattern.firstPeriod - firstPeriod);
      const nearest = Math.min(...pool.map(distance));
      return random.pick(pool.filter((entry) => distance(entry) === nearest)).pattern;
    },
    zeroCreditShare: noCredit.size / projects.size,
  };
}

/**
 * The units of an issuance retired per column: the pattern's shares of `base` (its units
 * outside the forest buffer), compliance periods shifted by the issuance's own first period
 * (a share the fixture issuance surrendered in its first period goes to this one's first
 * period); shares that would fall in a period not yet open stay held. Never more than `base`.
 */
export function retiredUnits(pattern: RetirementPattern, firstPeriod: number, base: number): number[] {
  const units = retirementColumns.map(() => 0);
  pattern.shares.forEach((share, index) => {
    const period = periodOfColumn[index];
    if (period === null || period === undefined) {
      units[index]! += Math.floor(share * base);
      return;
    }
    const target = period - pattern.firstPeriod + firstPeriod;
    const column = periodOfColumn.indexOf(target);
    if (column >= 0) units[column]! += Math.floor(share * base);
  });
  return units;
}
