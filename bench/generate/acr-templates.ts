/**
 * What the ACR fixtures (test/fixtures/registries/american-carbon-registry) give the generator
 * (acr.ts): issuing projects to repeat, sites by project type, reporting periods, delays, and
 * the retirement and cancellation rows whose texts are drawn.
 */
import { apxDate, fromApxDate } from './apx-ledger.ts';
import { addDays, daysBetween } from './calendar.ts';
import { groupBy, numberOf, type Fixtures } from './fixtures.ts';
import { Empirical } from './random.ts';

type Row = Record<string, string>;

/** The compliance program a project's units are converted into, by its issuance flags. */
export type AcrCompliance = 'ARB' | 'Ecology' | null;

/** A fixture project seen through its issuance rows: what a generated project repeats. */
export interface AcrTemplate {
  /** Its first issuance row: the project columns every export repeats. */
  row: Row;
  /** `Total Credits Issued` of its rows. */
  quantities: number[];
  /** `Credits Issued to Buffer Pool` / `Total Credits Issued` on its rows that have one (0 when none: no buffer batch). */
  bufferShare: number;
  /** `Credits Transferred to Buffer Pool` / `Total Credits Issued` on its rows that have one (held back, never used). */
  transferredShare: number;
  compliance: AcrCompliance;
  /** Rows per issuance event (same `Date Issued (GMT)`): IFM projects issue two rows at once. */
  rowsPerEvent: number[];
  /** Quantities of the fixtures' retirements of its project type (of all types when there are none). */
  retirementSizes: Empirical<number>;
}

export interface Site {
  location: string;
  state: string;
  /** ISO alpha-2, as `Project Site Country` and the serials write it. */
  country: string;
}

const quantityOf = (row: Row) => numberOf(row['Quantity of Credits']);
const typeOf = (row: Row) => row['Project Type']!;

/** Mean share of `column` in `Total Credits Issued` over the rows where it is positive (0 when none is). */
function shareOf(rows: readonly Row[], column: string): number {
  const shares = rows.filter((row) => numberOf(row[column]) > 0).map((row) => numberOf(row[column]) / numberOf(row['Total Credits Issued']));
  return shares.length === 0 ? 0 : Math.min(0.9, shares.reduce((a, b) => a + b, 0) / shares.length);
}

/** `ARB` or `Ecology` when the issuance row says its units are eligible there (ARB and ECY compliance protocols). */
export function complianceOf(row: Row): AcrCompliance {
  if (row['ARB Eligible'] === 'Yes') return 'ARB';
  if (row['Ecology Eligible'] === 'Yes') return 'Ecology';
  return null;
}

export function acrTemplates(fixtures: Fixtures['acr']): AcrTemplate[] {
  const retirementsByType = groupBy(fixtures.retirements.rows, 'Project Type');
  const allRetirementSizes = new Empirical(fixtures.retirements.rows.map(quantityOf));
  return [...groupBy(fixtures.issuances.rows, 'Project ID').values()].map((group) => {
    const row = group[0]!;
    return {
      row,
      quantities: group.map((issuance) => numberOf(issuance['Total Credits Issued'])),
      bufferShare: shareOf(group, 'Credits Issued to Buffer Pool'),
      transferredShare: shareOf(group, 'Credits Transferred to Buffer Pool'),
      compliance: complianceOf(row),
      rowsPerEvent: [...groupBy(group, 'Date Issued (GMT)').values()].map((event) => event.length),
      retirementSizes: retirementsByType.has(typeOf(row)) ? new Empirical(retirementsByType.get(typeOf(row))!.map(quantityOf)) : allRetirementSizes,
    };
  });
}

/** Sites by project type, as often as the fixtures' transaction rows name them. */
export function acrSites(fixtures: Fixtures['acr']): Map<string, Empirical<Site>> {
  const rows = [...fixtures.issuances.rows, ...fixtures.retirements.rows, ...fixtures.cancellations.rows];
  return new Map(
    [...groupBy(rows, 'Project Type')].map(([type, group]) => [
      type,
      new Empirical(group.map((row) => ({ location: row['Project Site Location']!, state: row['Project Site State']!, country: row['Project Site Country']! }))),
    ]),
  );
}

/** Days from a reporting period's end to `Date Issued (GMT)` (at least 0). */
export function issueDelaysOf(fixtures: Fixtures['acr']): number[] {
  return fixtures.issuances.rows.map((row) => Math.max(0, daysBetween(fromApxDate(row.ReportingPeriodEnd!), fromApxDate(row['Date Issued (GMT)']!))));
}

/** Reporting period lengths in days (`ReportingPeriodBegin` to `ReportingPeriodEnd`). */
export function periodLengthsOf(fixtures: Fixtures['acr']): number[] {
  return fixtures.issuances.rows.map((row) => Math.max(0, daysBetween(fromApxDate(row.ReportingPeriodBegin!), fromApxDate(row.ReportingPeriodEnd!))));
}

/** Days from issuance to a cancellation (conversion), from the fixtures' cancellations (`Date Issued (GMT)` to `Status Effective  (GMT)`). */
export function cancellationDelaysOf(fixtures: Fixtures['acr']): number[] {
  const delays = fixtures.cancellations.rows.map((row) => Math.max(0, daysBetween(fromApxDate(row['Date Issued (GMT)']!), fromApxDate(row['Status Effective  (GMT)']!))));
  return delays.length > 0 ? delays : [30, 90, 180];
}

/** Crediting period lengths in days, from the project list (`Current Crediting Period Start Date` to `… End Date`). */
export function creditingLengthsOf(fixtures: Fixtures['acr']): number[] {
  const lengths = fixtures.projects.rows.flatMap((row) => {
    const [start, end] = [row['Current Crediting Period Start Date']!, row['Current Crediting Period End Date']!];
    return start.trim() === '' || end.trim() === '' ? [] : [daysBetween(fromApxDate(start), fromApxDate(end))];
  });
  return lengths.length > 0 ? lengths : [3_652];
}

/** `start` plus `days`, as an APX date. */
export function apxDateAfter(start: string, days: number): string {
  return apxDate(addDays(start, days));
}
