/**
 * California ARB's offset credit issuance table at scale (registries.md §10): the data sheet
 * `ARB Offset Credit Issuance` in the form of the bundled snapshot,
 * `arb/nc-arboc_issuance_sheet3.csv` (the fixture's header and column order; pandas' CSV: cells
 * quoted only when needed, `\n`, UTF-8, Excel dates as `YYYY-MM-DD`, numbers of columns with
 * blanks as floats `79565.0`). The connector's `readExports` reads it as the snapshot; the bench
 * serves it as ARB does, a page linking the workbook, the workbook being built from this sheet
 * by the test emulation's `buildArbWorkbook` when the server starts (bench/serve/registries.ts).
 * The generator does not write the .xlsx: exceljs stamps creation times into the zip, so the
 * data set would no longer be the same bytes for the same seed, and one workbook builder (the
 * emulation's) keeps the bench and the connector tests on the same workbook shape.
 *
 * ARB's rows are the registries' own conversions. Each compliance project of the offset
 * project registries already in the data set (CAR; ACR once its generator is merged; read back
 * through their connectors, arb-sources.ts) gets one ARB issuance per vintage it converted:
 * `CARB Project ID` is the registry's compliance id (CAR's `ARB ID`), `OPR Project ID` the
 * registry's id, `ARB Offset Credits Issued` the units the registry cancelled for ARB for that
 * project and vintage, `Forest Buffer Account Contribution` the part of them issued to CAR's
 * compliance buffer pool. So the cross-references the matcher follows and the quantities it
 * compares agree with the registries, project by project and vintage by vintage.
 *
 * Sampled from the fixture (arb-templates.ts): reporting period shapes by project type (the day
 * a period ends and its length; annual periods of a project follow one another), invalidation
 * timeframes and the delay until a second verification reduced 8 years to 3, verification
 * bodies and states where the registry gives none, DEBS by type and by whether the site is in
 * California, forest buffer shares where the registry issued no compliance buffer, how an
 * issuance's units were retired (shares per compliance period, Québec, voluntary, intentional
 * reversal; whether the forest buffer was retired for a reversal), and the share of projects
 * with a reporting period that credited nothing.
 *
 * Set here, because the fixture cannot give it:
 * - `Issuance Date` is a day to a week before the registry cancelled the units (the fixture's
 *   three pairs: CAMM1009-B 1 day before CAR2111's cancellation, CAOD1007-A 3 days and
 *   CAOD1042-A 7 days before ACR's); `Vintage` is the registry's vintage and the reporting period
 *   ends in it (ARB's vintage is the year the period ended), never after the issuance.
 * - Compliance-period retirements are shifted to the periods an issuance could be surrendered
 *   for (its first is the one whose triennial deadline follows its issuance date), and shares
 *   falling after the 5th period stay held.
 * - Every row is `COP`: the registries' conversions are compliance-protocol credits (the 449
 *   early-action rows of 2013–2015 have no counterpart in the generated registries).
 *   `Invalidated or Canceled` is 0 (one fixture row of 100 has 466 units) and reversal rows are
 *   not written; a project's zero-credit period follows its last issuance.
 * - The table's size is not §12's 1,918 rows scaled: it is as many rows as the registries'
 *   conversions (`planned.arb` keeps the market figure for comparison). At scale 100 CAR alone
 *   converts about 1,650 project-vintages (the 2024 table had 1,225 CAR and 676 ACR rows).
 */
import { join } from 'node:path';
import { addDays, daysBetween, minDate, onYear, snapshotDate } from './calendar.ts';
import type { Fixtures } from './fixtures.ts';
import type { ArbCounts } from './manifest.ts';
import { arbTemplates, firstCompliancePeriod, retiredUnits, retirementColumns, typeOfPrefix, type PeriodShape } from './arb-templates.ts';
import type { ComplianceProject, ConvertedVintage } from './arb-sources.ts';
import { Empirical, type Random } from './random.ts';
import { CsvWriter } from './writers.ts';

/** ARB's folder in a data set, and the sheet's file name there: the connector's snapshot name. */
export const arbFolder = 'arb';
export const arbSheetFile = 'nc-arboc_issuance_sheet3.csv';

/** Days from ARB's issuance to the registry's cancellation of the same units (the fixture's pairs, see above). */
const issuedBeforeConversion = new Empirical([1, 3, 7]);

/** Where each registry shows a project, as ARB's `Project Documentation` links it (§10.3). */
const documentationHosts: Readonly<Record<string, string>> = { car: 'thereserve2.apx.com', acr: 'acr2.apx.com' };

export interface ArbPlan {
  dir: string;
  random: Random;
  fixtures: Fixtures['arb'];
  /** The registries' compliance projects with their conversions (arb-sources.ts). */
  sources: readonly ComplianceProject[];
}

type Row = Record<string, string>;

/** A pandas float cell: `79565.0`. */
const float = (value: number): string => `${value}.0`;

const maxDate = (a: string, b: string): string => (a > b ? a : b);

/** `2023-12-12` → `12/12/2023`, as ARB's comments write dates. */
const usDate = (date: string): string => `${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}/${date.slice(0, 4)}`;

const ordinals = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'];
const ordinal = (n: number): string => ordinals[n - 1] ?? `${n}th`;

/** The letter(s) of a CARB issuance id's reporting period: A–Z, then AA, AB… (ARB's table has reached L). */
function periodLetters(n: number): string {
  let text = '';
  for (let rest = n; rest > 0; rest = Math.floor((rest - 1) / 26)) text = String.fromCharCode(65 + ((rest - 1) % 26)) + text;
  return text;
}

/** The CARB project's number, for ARB's order (`CAOD1007` before `CAOD5001`, whatever the prefix). */
const carbNumber = (id: string): number => Number(/\d+/.exec(id)?.[0] ?? '0');

/** One issuance of a CARB project: a converted vintage of one of its registry listings. */
interface Issuance {
  project: ComplianceProject;
  converted: ConvertedVintage;
}

export async function writeArb(plan: ArbPlan): Promise<{ counts: ArbCounts }> {
  const { random } = plan;
  const templates = arbTemplates(plan.fixtures);
  const sheet = await CsvWriter.open(join(plan.dir, arbSheetFile), plan.fixtures.issuances.columns);
  const counts: ArbCounts = {
    issuanceRows: 0,
    creditRows: 0,
    zeroCreditRows: 0,
    projects: 0,
    fromRegistry: {},
    issuedUnits: 0,
    forestBufferUnits: 0,
    retiredUnits: 0,
  };
  /** Forest issuances written so far: a buffer retirement's comment names the reversal it covered. */
  const forestIssuances: string[] = [];

  // A CARB project is usually one registry listing; two listings with the same CARB id (a
  // project that moved registry, CAMM1009) share its reporting periods.
  const byCarbId = new Map<string, Issuance[]>();
  for (const project of plan.sources) {
    const issuances = byCarbId.get(project.carbProjectId) ?? [];
    for (const converted of project.vintages) issuances.push({ project, converted });
    byCarbId.set(project.carbProjectId, issuances);
  }
  const carbIds = [...byCarbId.keys()].sort((a, b) => carbNumber(a) - carbNumber(b) || a.localeCompare(b));

  for (const carbId of carbIds) {
    const issuances = byCarbId.get(carbId)!.sort((a, b) => a.converted.vintage - b.converted.vintage || a.converted.convertedOn.localeCompare(b.converted.convertedOn));
    const type = typeOfPrefix[carbId.slice(0, 4)] ?? random.pick(plan.fixtures.issuances.rows)['Project Type']!;
    const shape = templates.periodShapes(type).draw(random);
    counts.projects += 1;
    let previousEnd: string | null = null;
    let period = 0;

    for (const { project, converted } of issuances) {
      period += 1;
      // Within the vintage year: the period ends in it, before the issuance.
      const issuedOn = minDate(maxDate(`${converted.vintage}-01-01`, addDays(converted.convertedOn, -issuedBeforeConversion.draw(random))), snapshotDate);
      const { start, end } = periodDates(converted, shape, previousEnd, issuedOn);
      previousEnd = end;
      const issuanceId = `${carbId}-${periodLetters(period)}`;
      const listing = projectColumns(project, carbId, type, period);

      const issued = converted.units;
      const buffer = type === 'Forest' ? converted.complianceBuffer || Math.min(issued - 1, Math.round(issued * templates.forestBufferShares.draw(random))) : 0;
      const firstPeriod = firstCompliancePeriod(issuedOn);
      const pattern = templates.pattern(type, firstPeriod, random);
      const retired = retiredUnits(pattern, firstPeriod, issued - buffer);
      const bufferRetired = buffer > 0 && pattern.bufferRetired ? buffer : 0;
      const invalidation = templates.invalidations(type).draw(random);
      const reducedOn = invalidation.reducedAfter === null ? null : addDays(issuedOn, invalidation.reducedAfter);
      // A reduction not yet due by the snapshot has not happened: the timeframe is still 8 years.
      const reduced = reducedOn !== null && reducedOn <= snapshotDate ? reducedOn : null;

      const row: Row = {
        ...listing,
        'Reporting Period Start Date': start,
        'Reporting Period End Date': end,
        Vintage: float(converted.vintage),
        'ARB Offset Credits Issued': float(issued),
        'Forest Buffer Account Contribution': buffer > 0 ? float(buffer) : '',
        'Issuance Date': issuedOn,
        'Invalidation Timeframe': reduced === null ? '8 years' : '3 years',
        'Date Invalidation Period Reduced': reduced ?? '',
        'Start of Invalidation Timeframe': end,
        'CARB Issuance ID': issuanceId,
        'Invalidated or Canceled': float(0),
        'Buffer Pool Retired': type === 'Forest' ? float(bufferRetired) : '',
        Comment: bufferRetired > 0 ? bufferComment(bufferRetired, issuedOn, carbId) : '',
      };
      retirementColumns.forEach((column, index) => (row[column] = float(retired[index]!)));
      await sheet.row(row);
      if (type === 'Forest') forestIssuances.push(issuanceId);

      counts.issuanceRows += 1;
      counts.creditRows += 1;
      counts.fromRegistry[project.programId] = (counts.fromRegistry[project.programId] ?? 0) + 1;
      counts.issuedUnits += issued;
      counts.forestBufferUnits += buffer;
      counts.retiredUnits += bufferRetired + retired.reduce((a, b) => a + b, 0);
    }

    // A reporting period that credited nothing: ARB lists it without an issuance id (CALS5014's sixth).
    const zeroStart = previousEnd === null ? null : addDays(previousEnd, 1);
    if (zeroStart !== null && random.chance(templates.zeroCreditShare)) {
      const zeroEnd = addDays(zeroStart, 364);
      if (daysBetween(zeroEnd, snapshotDate) > 90) {
        period += 1;
        await sheet.row({
          ...projectColumns(issuances.at(-1)!.project, carbId, type, period),
          'Verification Body': '',
          'Reporting Period Start Date': zeroStart,
          'Reporting Period End Date': zeroEnd,
          Comment: `No GHG emission reductions were credited for the ${ordinal(period)} reporting period.`,
        });
        counts.issuanceRows += 1;
        counts.zeroCreditRows += 1;
      }
    }
  }

  await sheet.close();
  return { counts };

  /** The columns every row of a CARB project repeats. */
  function projectColumns(project: ComplianceProject, carbId: string, type: string, period: number): Row {
    const state = project.state ?? templates.states(type).draw(random);
    return {
      'CARB Project ID': carbId,
      'OPR Project ID': project.registryProjectId,
      'Reporting Period': String(period),
      'Project Type': type,
      'Early Action/ Compliance': 'COP',
      'Offset Project Name': project.name ?? '',
      'Offset Project Operator': project.operator ?? '',
      'Verification Body': project.verificationBody ?? templates.verificationBodies(type).draw(random),
      State: state,
      'Provides DEBS': templates.debs(type, state === 'CA').draw(random),
      'Section 95989(b) Documentation, if applicable': '–',
      'Project Documentation': documentation(project),
    };
  }

  /** `On 12/12/2023, CARB retired all 3,084 credits from the buffer pool for the CAFR5225-A unintentional reversal.` */
  function bufferComment(units: number, issuedOn: string, carbId: string): string {
    const on = addDays(issuedOn, random.int(0, Math.max(0, daysBetween(issuedOn, snapshotDate))));
    const others = forestIssuances.filter((id) => !id.startsWith(`${carbId}-`));
    const reversal = others.length > 0 ? `the ${random.pick(others)} unintentional reversal` : 'an unintentional reversal';
    return `On ${usDate(on)}, CARB retired all ${units.toLocaleString('en-US')} credits from the buffer pool for ${reversal}.`;
  }

  /**
   * A reporting period ending in the vintage year, on or before the issuance: the registry's
   * own period where it publishes one (ACR), else the project's shape, following the previous
   * period when the shape is a year long.
   */
  function periodDates(converted: ConvertedVintage, shape: PeriodShape, previousEnd: string | null, issuedOn: string): { start: string; end: string } {
    if (converted.periodStart !== null && converted.periodEnd !== null && converted.periodEnd.startsWith(String(converted.vintage))) {
      return { start: converted.periodStart.slice(0, 10), end: converted.periodEnd.slice(0, 10) };
    }
    const yearStart = `${converted.vintage}-01-01`;
    const shaped = onYear(converted.vintage, shape.endMonthDay);
    const end = shaped <= issuedOn ? shaped : addDays(issuedOn, -random.int(0, Math.max(0, Math.min(90, daysBetween(yearStart, issuedOn)))));
    const follows = previousEnd !== null && shape.days >= 300 && addDays(previousEnd, 1) < end && daysBetween(previousEnd, end) <= 400;
    return { start: follows ? addDays(previousEnd!, 1) : addDays(end, -shape.days), end };
  }
}

/** The registry's project page (`…/prjView.asp?id1=993`), as ARB links it. */
function documentation(project: ComplianceProject): string {
  const host = documentationHosts[project.programId];
  const number = /\d+$/.exec(project.registryProjectId)?.[0];
  return host && number ? `https://${host}/mymodule/reg/prjView.asp?id1=${number}` : '';
}
