/**
 * Climate Action Reserve at scale (registries.md §4.3): the four APX report exports
 * (`projects.csv`, `issuances.csv`, `retirements.csv`, `cancellations.csv`) in the fixtures'
 * columns, written as the APX exporter writes them (every cell quoted, a trailing empty column,
 * CRLF, Windows-1252: writers.ts `CsvWriter.openApx`). `readExports` reads them from the folder and
 * the bench serves them through the test emulation's APX routes (bench/serve/registries.ts).
 *
 * Sampled from the fixtures (test/fixtures/registries/climate-action-reserve): issuing projects
 * as a whole (a fixture project's type, protocol and version, developer and owner, verification
 * body, flags, buffer shares and issued quantities), sites (location, state and the state code
 * of the serials, among those of the template's project type), serial segments (unit class and protocol code
 * by project type, segment 6 by project or protocol), names (varied, names.ts), issuance rows
 * per project and per vintage, vintages, the delay from the vintage to `Date Issued`, the delay
 * from issuance to cancellation, retirement quantities (by project type), holders, reasons and details,
 * cancellation reasons by project type, and project list rows (statuses, compliance ids).
 *
 * Set here, because the fixtures cannot give it (they are the newest 100 issuances and
 * retirements and the first 50 projects by name, §0.2): the share of issuing projects
 * (901 of 1,277, §4.3), vintages counting back one year at a time from the project's last one,
 * retirement dates (uniform between issuance and the snapshot date), and where a batch's
 * retirements fall (from its first unit, with gaps for units still held).
 *
 * Units, as the fixtures show them:
 * - Serial batches are numbered across the registry and units restart at 1 in each batch, so a
 *   batch is its own namespace (`CAR-<class>-<country>-<project>-<protocol>-<seg6>-<state>-
 *   <vintage>-<batch>`). Retirements and cancellations are slices of a batch that never
 *   overlap and never pass its usable units; the issuance export names no batch (APX issuance
 *   rows have no serial).
 * - Voluntary units (`CAR-1-…`) are retired. Their reserve buffer share (`Offset Credits
 *   Currently in Reserve Buffer Pool`) is held back: those last units of a batch are never used.
 * - Compliance units (`CAR-ROC-…`, ARB and WA ECO project types) are cancelled when converted:
 *   from the first unit not retired to the end of the batch (`1 to 260294`), with the reason
 *   `ARB` or `WA ECO`, and the issuance row's `Canceled for Compliance` says how many. An
 *   issuance with `Offset Credits Intended for Compliance Buffer Pool` (IFM) is two batches,
 *   the second being that buffer, both cancelled (the fixtures' consecutive batch pairs).
 */
import { join } from 'node:path';
import { addDays, daysBetween, fromMmddyyyy, minDate, mmddyyyy, snapshotDate } from './calendar.ts';
import { conversionDelaysOf, issuingTemplates, sitesByType, type IssuingTemplate } from './car-templates.ts';
import { groupBy, type Fixtures } from './fixtures.ts';
import type { CarCounts } from './manifest.ts';
import { nameVocabulary, variantName } from './names.ts';
import { allocate, allocateWithin, Empirical, ledgerBudgets, mean, type Random } from './random.ts';
import { ApxReports } from './writers.ts';

/** Share of projects that have issued units: 901 of 1,277 (registries.md §4.3). */
export const carIssuingShare = 901 / 1_277;

/** Vintages count back from a project's last one, but not before the Reserve's first years. */
const earliestVintage = 2005;

export interface CarPlan {
  dir: string;
  random: Random;
  fixtures: Fixtures['car'];
  projects: number;
  issuanceRows: number;
  retirementRows: number;
  cancellationRows: number;
}

type Row = Record<string, string>;

/** One serial batch of an issuance row. */
interface Batch {
  batch: number;
  quantity: number;
  /** Units that can be retired or cancelled: the quantity less the reserve buffer. */
  usable: number;
  retirements: number;
  cancellations: number;
}

interface IssuanceRow {
  vintage: number;
  issuedOn: string;
  quantity: number;
  reserve: number;
  complianceBuffer: number;
  batches: Batch[];
}

/** Units `first`–`last` of a batch, and when they were retired or cancelled. */
interface Slice {
  first: number;
  last: number;
  on: string;
}

/** A compliance id of the project list (`CAOD6458`, `ECYOD2278`) renumbered for project `number`, as most fixture rows number them. */
function complianceId(id: string, number: number): string {
  if (id.trim() === '' || id === 'N/A') return id;
  return id.replace(/\d+$/, String(id.startsWith('ECY') ? number : number + 5_000));
}

export async function writeCar(plan: CarPlan): Promise<{ counts: CarCounts }> {
  const { random, fixtures } = plan;
  const projectRows = fixtures.projects.rows;
  const issuances = fixtures.issuances.rows;
  const retirementRows = fixtures.retirements.rows;
  const cancellationRows = fixtures.cancellations.rows;

  const templates = issuingTemplates(fixtures);
  const complianceTemplates = templates.filter((template) => template.cancellationReason !== null);
  const voluntaryTemplates = templates.filter((template) => template.cancellationReason === null);
  const sites = sitesByType(fixtures);
  const transactionRows = [...issuances, ...retirementRows, ...cancellationRows];
  const rowsPerProject = new Empirical([...groupBy(transactionRows, 'Project ID').values()].map((group) => group.length));
  const rowsPerVintage = new Empirical([...groupBy(issuances.map((row) => ({ key: `${row['Project ID']} ${row.Vintage}` })), 'key').values()].map((group) => group.length));
  const lastVintages = new Empirical(transactionRows.map((row) => Number(row.Vintage)));
  const issueDelays = new Empirical(issuances.map((row) => daysBetween(`${row.Vintage}-01-01`, fromMmddyyyy(row['Date Issued']!))));
  const conversionDelays = new Empirical(conversionDelaysOf(fixtures));
  const retirementTexts = new Empirical(retirementRows);
  const otherReasons = new Empirical(cancellationRows.map((row) => row['Cancellation Reason']!));
  const vocabulary = nameVocabulary([...projectRows.map((row) => row['Project Name']!), ...transactionRows.map((row) => row['Project Name']!)]);

  // Who issues, and how much, is fixed up front (a few numbers per project) so the exports
  // hold exactly the planned rows while each project is written in one go.
  const issuing = random.sample(plan.projects, Math.min(plan.issuanceRows, Math.max(1, Math.round(plan.projects * carIssuingShare))));
  const positionOf = new Map(issuing.map((index, position) => [index, position]));
  const complianceCount = Math.min(
    Math.max(Math.round((issuing.length * complianceTemplates.length) / templates.length), plan.cancellationRows > 0 ? 1 : 0),
    issuing.length - (plan.retirementRows > 0 && issuing.length > 1 ? 1 : 0),
  );
  const compliant = new Set(random.sample(issuing.length, complianceCount));
  const templateOf = issuing.map((_, position) => {
    const ofKind = compliant.has(position) ? complianceTemplates : voluntaryTemplates;
    return random.pick(ofKind.length > 0 ? ofKind : templates);
  });
  const issuanceBudgets = allocate(plan.issuanceRows, issuing.map(() => rowsPerProject.draw(random)), random);
  // The units a project can retire: its issuance rows times its typical issuance, less the
  // reserve, so a nitric acid plant has many retirements and a small Mexican forest few.
  const usableUnits = issuing.map((_, position) => issuanceBudgets[position]! * mean(templateOf[position]!.quantities) * (1 - templateOf[position]!.reserveShare));
  const { retirementBudgets, cancellationBudgets } = ledgerBudgets(plan, { usableUnits, issuanceRows: issuanceBudgets, compliant: (position) => compliant.has(position) }, random);

  const reports = await ApxReports.open(plan.dir, fixtures);
  const counts: CarCounts = {
    projects: 0,
    issuingProjects: issuing.length,
    complianceProjects: compliant.size,
    issuanceRows: 0,
    retirementRows: 0,
    cancellationRows: 0,
    batches: 0,
    issuedUnits: 0,
    retiredUnits: 0,
    cancelledUnits: 0,
  };

  let number = 100;
  let nextBatch = 1_000;

  for (let index = 0; index < plan.projects; index++) {
    number += random.int(1, 2);
    const id = `CAR${number}`;
    const position = positionOf.get(index);

    if (position === undefined) {
      // A project without issuances: a varied copy of a row of the project list.
      const listing = random.pick(projectRows);
      await reports.projects.row({
        ...listing,
        ...renumbered(listing, number),
        'Project ID': id,
        'Project Name': variantName(listing['Project Name']!, random, vocabulary, null, null),
        'Total Number of Offset Credits Registered ': '',
      });
      counts.projects += 1;
      continue;
    }

    const template = templateOf[position]!;
    // The template's type has serials (its protocol code came from one), so it has sites.
    const site = sites.get(template.row['Project Type']!)!.draw(random);
    const name = variantName(template.row['Project Name']!, random, vocabulary, null, null);
    const segment6 = random.pick(template.segment6s);
    // The columns every export repeats for the project.
    const project: Row = {
      ...template.row,
      'Project ID': id,
      'Project Name': name,
      'Project Site Location': site.location,
      'Project Site State': site.state,
      'Project Site Country': site.country,
    };

    const rows = issuanceRowsOf(template, issuanceBudgets[position]!);
    placeSlices(rows.flatMap((row) => row.batches), retirementBudgets[position]!, cancellationBudgets[position]!);

    for (const row of rows) {
      const namespace = (batch: Batch) =>
        `CAR-${template.unitClass}-${site.country}-${number}-${template.protocol}-${segment6}-${site.stateCode}-${row.vintage}-${batch.batch}`;
      const vintage = { Vintage: String(row.vintage) };
      let cancelled = 0;
      for (const batch of row.batches) {
        const { retired, converted } = layOut(batch, row.issuedOn, template.retirementSizes);
        for (const slice of retired) {
          const text = retirementTexts.draw(random);
          await reports.retirements.row({
            ...project,
            ...vintage,
            'Offset Credit Serial Numbers': `${namespace(batch)}-${slice.first} to ${slice.last}`,
            'Quantity of Offset Credits': String(slice.last - slice.first + 1),
            'Status Effective': mmddyyyy(slice.on),
            'Account Holder': text['Account Holder']!,
            'Retirement Reason': text['Retirement Reason']!,
            'Retirement Reason Details': text['Retirement Reason Details']!,
          });
          counts.retirementRows += 1;
          counts.retiredUnits += slice.last - slice.first + 1;
        }
        for (const slice of converted) {
          await reports.cancellations.row({
            ...project,
            ...vintage,
            'Offset Credit Serial Numbers': `${namespace(batch)}-${slice.first} to ${slice.last}`,
            'Quantity of Offset Credits': String(slice.last - slice.first + 1),
            'Status Effective': mmddyyyy(slice.on),
            'Cancellation Reason': template.cancellationReason ?? otherReasons.draw(random),
            'Export Notes': '',
          });
          counts.cancellationRows += 1;
          cancelled += slice.last - slice.first + 1;
        }
      }
      await reports.issuances.row({
        ...project,
        ...vintage,
        'Date Issued': mmddyyyy(row.issuedOn),
        'Total Offset Credits Issued': String(row.quantity),
        'Offset Credits Currently in Reserve Buffer Pool': row.reserve > 0 ? String(row.reserve) : '',
        'Offset Credits Intended for Compliance Buffer Pool': row.complianceBuffer > 0 ? String(row.complianceBuffer) : '',
        'Canceled for Compliance': cancelled > 0 ? String(cancelled) : '',
      });
      counts.issuanceRows += 1;
      counts.batches += row.batches.length;
      counts.issuedUnits += row.quantity;
      counts.cancelledUnits += cancelled;
    }

    const issued = rows.reduce((sum, row) => sum + row.quantity, 0);
    const firstIssued = rows.map((row) => row.issuedOn).sort()[0]!;
    const registered = addDays(firstIssued, -random.int(0, 365));
    const listing = listingFor(template);
    await reports.projects.row({
      ...listing,
      ...renumbered(listing, number),
      ...project,
      'Cooperative/ Aggregate ID': template.row['Cooperative/ Aggregate ID']!,
      'Offset Project Operator': listing['Offset Project Operator']!.trim() === '' ? '' : template.row['Project Owner']!,
      // An issuing project has been registered, whatever the sampled listing row says.
      Status: listing.Status === 'Listed' ? 'Registered' : listing.Status!,
      'Additional Certification(s)': '',
      'Total Number of Offset Credits Registered ': String(issued),
      'Project Listed Date': mmddyyyy(addDays(registered, -random.int(60, 700))),
      'Project Registered Date': mmddyyyy(registered),
    });
    counts.projects += 1;
  }

  await reports.close();
  return { counts };

  /** A fixture row of the project list for an issuing project: one of the same project type when the list has one. */
  function listingFor(template: IssuingTemplate): Row {
    const sameType = projectRows.filter((row) => row['Project Type'] === template.row['Project Type']);
    const sameKind = projectRows.filter((row) => (row['Compliance Program ID']!.trim() !== '') === (template.cancellationReason !== null));
    return random.pick(sameType.length > 0 ? sameType : sameKind.length > 0 ? sameKind : projectRows);
  }

  /** `count` issuance rows, counting back one vintage at a time from the project's last one, each one or two serial batches. */
  function issuanceRowsOf(template: IssuingTemplate, count: number): IssuanceRow[] {
    const lastVintage = lastVintages.draw(random);
    const span = Math.max(1, Math.min(count, lastVintage - earliestVintage + 1));
    const perVintage = allocate(count, Array.from({ length: span }, () => rowsPerVintage.draw(random)), random);
    const rows: IssuanceRow[] = [];
    perVintage.forEach((rowsOfVintage, offset) => {
      const vintage = lastVintage - span + 1 + offset;
      const start = `${vintage}-01-01`;
      for (let i = 0; i < rowsOfVintage; i++) {
        const room = Math.max(0, daysBetween(start, snapshotDate));
        const delay = issueDelays.draw(random);
        const issuedOn = addDays(start, delay <= room ? delay : random.int(0, room));
        const quantity = Math.max(1, Math.round(random.pick(template.quantities) * random.jitter(0.4)));
        const complianceBuffer = quantity > 1 ? Math.min(quantity - 1, Math.round(quantity * template.complianceBufferShare)) : 0;
        const reserve = Math.min(quantity - 1, Math.round(quantity * template.reserveShare));
        const sizes = complianceBuffer > 0 ? [quantity - complianceBuffer, complianceBuffer] : [quantity];
        const batches = sizes.map((size, part) => ({
          batch: nextBatch++,
          quantity: size,
          // The reserve buffer is held back from the voluntary batch (compliance units have none).
          usable: part === 0 && complianceBuffer === 0 ? size - reserve : size,
          retirements: 0,
          cancellations: 0,
        }));
        rows.push({ vintage, issuedOn, quantity, reserve: complianceBuffer === 0 ? reserve : 0, complianceBuffer, batches });
      }
    });
    return rows;
  }

  /** Spreads a project's retirement and cancellation rows over its batches by usable units (at least one unit per row). */
  function placeSlices(batches: Batch[], retirements: number, cancellations: number): void {
    const retired = allocateWithin(retirements, batches.map((batch) => batch.usable), random);
    retired.forEach((count, index) => (batches[index]!.retirements = count));
    const cancelled = allocateWithin(cancellations, batches.map((batch) => batch.usable - batch.retirements), random);
    cancelled.forEach((count, index) => (batches[index]!.cancellations = count));
  }

  /**
   * Where a batch's rows fall: retirements from its first unit (sizes drawn from the fixtures,
   * shrunk to fit, with gaps for units still held), then cancellations over every usable unit
   * left (a conversion takes the rest of the batch).
   */
  function layOut(batch: Batch, issuedOn: string, retirementSizes: Empirical<number>): { retired: Slice[]; converted: Slice[] } {
    const room = batch.usable - batch.cancellations;
    let sizes = Array.from({ length: batch.retirements }, () => Math.max(1, Math.round(retirementSizes.draw(random) * random.jitter(0.3))));
    if (sizes.reduce((a, b) => a + b, 0) > room) sizes = allocate(Math.max(sizes.length, Math.round(room * (0.5 + 0.5 * random.next()))), sizes, random);
    let free = room - sizes.reduce((a, b) => a + b, 0);
    const retired: Slice[] = [];
    let unit = 1;
    for (const size of sizes) {
      const gap = free > 1 && random.chance(0.3) ? random.int(0, Math.floor(free / 2)) : 0;
      free -= gap;
      unit += gap;
      retired.push({ first: unit, last: unit + size - 1, on: addDays(issuedOn, random.int(0, Math.max(0, daysBetween(issuedOn, snapshotDate)))) });
      unit += size;
    }
    const converted: Slice[] = [];
    if (batch.cancellations > 0) {
      const convertedOn = minDate(addDays(issuedOn, conversionDelays.draw(random)), snapshotDate);
      const parts = allocate(batch.usable - unit + 1, Array.from({ length: batch.cancellations }, () => 0.2 + random.next()), random);
      for (const size of parts) {
        converted.push({ first: unit, last: unit + size - 1, on: convertedOn });
        unit += size;
      }
    }
    return { retired, converted };
  }
}

/** The compliance ids of a project list row, renumbered for project `number`. */
function renumbered(listing: Row, number: number): Row {
  return {
    'Compliance Program ID': complianceId(listing['Compliance Program ID']!, number),
    'ARB ID': complianceId(listing['ARB ID']!, number),
    'WA ECO': complianceId(listing['WA ECO']!, number),
  };
}
