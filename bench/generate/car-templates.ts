/**
 * What the CAR fixtures (test/fixtures/registries/climate-action-reserve) give the generator
 * (car.ts): issuing projects to repeat, the sites of each project type, and the delay from
 * issuance to conversion. Serial segments are read with the connector's own parser.
 */
import { CAR, parseApxSerial } from '../../connectors/apx/index.ts';
import { daysBetween, fromMmddyyyy } from './calendar.ts';
import { groupBy, numberOf, type Fixtures } from './fixtures.ts';
import { Empirical } from './random.ts';

type Row = Record<string, string>;

export interface Site {
  location: string;
  state: string;
  /** ISO alpha-2, as `Project Site Country` and the serials write it. */
  country: string;
  /** The state segment of the serials (`KS`, `QR`, `EM`). */
  stateCode: string;
}

/** A fixture project seen through its issuance rows: what a generated project repeats. */
export interface IssuingTemplate {
  /** Its first issuance row: the project columns every transaction row repeats. */
  row: Row;
  quantities: number[];
  unitClass: string;
  protocol: string;
  /** Candidates for serial segment 6: the project's own, else those of its protocol. */
  segment6s: string[];
  /** `ARB` or `WA ECO` for compliance units (cancelled when converted), null for voluntary ones. */
  cancellationReason: string | null;
  /** Share of each issuance held in the reserve buffer pool (never retired). */
  reserveShare: number;
  /** Share of each issuance issued as a second batch for the compliance buffer pool. */
  complianceBufferShare: number;
  /** Quantities of the fixtures' retirements of its project type (of all types when there are none). */
  retirementSizes: Empirical<number>;
}

/** The segments of a fixture serial the generator repeats. */
function serialParts(serial: string): { unitClass: string; protocol: string; segment6: string; state: string } {
  const block = parseApxSerial(serial, CAR.serial);
  if ('error' in block) throw new Error(`CAR fixture: ${block.error}`);
  const part = (name: string) => String(block.parts[name]);
  return { unitClass: part('unitClass'), protocol: part('protocol'), segment6: part('segment6'), state: part('state') };
}

/** A quantity column's share of `Total Offset Credits Issued` on a fixture row (0 when blank). */
function shareOf(row: Row, column: string): number {
  const share = numberOf(row[column]) / numberOf(row['Total Offset Credits Issued']);
  return Number.isFinite(share) ? Math.min(0.9, share) : 0;
}

/**
 * One template per fixture project with issuances: its first issuance row, its issued
 * quantities, and its serial codes, taken from serials of the same project type.
 */
export function issuingTemplates(fixtures: Fixtures['car']): IssuingTemplate[] {
  const serialRows = [...fixtures.retirements.rows, ...fixtures.cancellations.rows].map((row) => ({ row, ...serialParts(row['Offset Credit Serial Numbers']!) }));
  const codesByType = new Map(serialRows.map(({ row, unitClass, protocol }) => [row['Project Type']!, { unitClass, protocol }]));
  const segment6OfProject = new Map(serialRows.map(({ row, segment6 }) => [row['Project ID']!, segment6]));
  const segment6sOfProtocol = groupBy(serialRows.map(({ protocol, segment6 }) => ({ protocol, segment6 })), 'protocol');
  const reasonByType = new Map(fixtures.cancellations.rows.map((row) => [row['Project Type']!, row['Cancellation Reason']!]));
  const quantityOf = (row: Row) => numberOf(row['Quantity of Offset Credits']);
  const retirementsByType = groupBy(fixtures.retirements.rows, 'Project Type');
  const allRetirementSizes = new Empirical(fixtures.retirements.rows.map(quantityOf));

  return [...groupBy(fixtures.issuances.rows, 'Project ID').values()].map((group) => {
    const row = group[0]!;
    const codes = codesByType.get(row['Project Type']!);
    if (!codes) throw new Error(`CAR fixture: no serial of project type "${row['Project Type']}" gives its unit class and protocol code`);
    const own = segment6OfProject.get(row['Project ID']!);
    const compliance = codes.unitClass === 'ROC';
    return {
      row,
      quantities: group.map((issuance) => numberOf(issuance['Total Offset Credits Issued'])),
      ...codes,
      // The protocol code came from a serial, so its segment 6 values are there.
      segment6s: own ? [own] : segment6sOfProtocol.get(codes.protocol)!.map((entry) => entry.segment6!),
      cancellationReason: compliance ? (reasonByType.get(row['Project Type']!) ?? 'ARB') : null,
      reserveShare: shareOf(row, 'Offset Credits Currently in Reserve Buffer Pool'),
      complianceBufferShare: shareOf(row, 'Offset Credits Intended for Compliance Buffer Pool'),
      // Retirements scale with the project type (adipic acid units go by the ten thousand, Mexican forest units by the hundred).
      retirementSizes: retirementsByType.has(row['Project Type']!) ? new Empirical(retirementsByType.get(row['Project Type']!)!.map(quantityOf)) : allRetirementSizes,
    };
  });
}

/**
 * Sites by project type, as often as the fixtures' serial-bearing rows name them (there the
 * state codes are known), so a mine methane project stays in coal country and Forestry - MX in
 * Mexico.
 */
export function sitesByType(fixtures: Fixtures['car']): Map<string, Empirical<Site>> {
  const rows = [...fixtures.retirements.rows, ...fixtures.cancellations.rows];
  return new Map(
    [...groupBy(rows, 'Project Type')].map(([type, group]) => [
      type,
      new Empirical(
        group.map((row) => ({
          location: row['Project Site Location']!,
          state: row['Project Site State']!,
          country: row['Project Site Country']!,
          stateCode: serialParts(row['Offset Credit Serial Numbers']!).state,
        })),
      ),
    ]),
  );
}

/**
 * Days from issuance to conversion, from the fixtures' cancellations whose issuance row is
 * there too (same project and vintage, `Canceled for Compliance` equal to the cancelled
 * quantity); 30–180 days when none is.
 */
export function conversionDelaysOf(fixtures: Fixtures['car']): number[] {
  const issuedOn = new Map(
    fixtures.issuances.rows
      .filter((row) => numberOf(row['Canceled for Compliance']) > 0)
      .map((row) => [`${row['Project ID']} ${row.Vintage} ${numberOf(row['Canceled for Compliance'])}`, fromMmddyyyy(row['Date Issued']!)]),
  );
  const delays = fixtures.cancellations.rows.flatMap((row) => {
    const issued = issuedOn.get(`${row['Project ID']} ${row.Vintage} ${numberOf(row['Quantity of Offset Credits'])}`);
    return issued === undefined ? [] : [Math.max(0, daysBetween(issued, fromMmddyyyy(row['Status Effective']!)))];
  });
  return delays.length > 0 ? delays : [30, 90, 180];
}
