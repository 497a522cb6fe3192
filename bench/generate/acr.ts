/**
 * American Carbon Registry at scale (registries.md §4.2): the four APX report exports
 * (`projects.csv`, `issuances.csv`, `retirements.csv`, `cancellations.csv`) in the fixtures'
 * columns and order, written as the APX exporter writes them (every cell quoted, a trailing empty
 * column, CRLF, Windows-1252: writers.ts `CsvWriter.openApx`), as car.ts writes CAR's. The
 * fixtures are CarbonPlan's pandas copies of those exports (§0.2); the test emulation's
 * `readRows` and the connector's `readExports` read both forms. The bench serves the folder
 * through the GreenTrace emulation (`acrGreenTraceBook(dir)`, tenant `ACR_REGISTRY`), which makes
 * one issued block per issuance row and a second for a row with `Credits Issued to Buffer Pool`.
 *
 * Sampled from the fixtures: issuing projects as a whole (a fixture project's type, methodology
 * and version, developer, VVB, flags, SDGs, website, buffer and transferred shares, issued
 * quantities, rows per issuance event), sites by project type, names (varied, names.ts), the
 * share of listed projects that have issued, the reporting period length, the delay from a
 * period's end to `Date Issued (GMT)`, the delay from issuance to cancellation, retirement sizes
 * by project type, holders, beneficiaries, reasons and purposes, CORSIA flags, cancellation
 * holders and the removal reasons and details, crediting period lengths and project list rows.
 *
 * Set here, because the fixtures cannot give it (the newest 100 issuances and retirements,
 * the first 50 projects by name, §0.2):
 * - the issuance rows: §12 counts GreenTrace's issued blocks (3,358), and the emulation makes
 *   one block per row plus one per row with buffer pool units, so the rows are the blocks less
 *   the buffer rows, with buffer rows in the fixtures' share (10 of 100 rows). The buffer rows
 *   go to projects whose fixture rows have buffer units; when those drew fewer rows than that,
 *   rows move to them from the other projects. Only a data set with no such project (none at
 *   scale 1 or more) would have fewer blocks, and the manifest says how many;
 * - conversions are 1,166 of 1,358 cancellations (§4.2); the others are removals (`Removal of
 *   credits from the registry`, the fixtures' details) of the same compliance batches, before
 *   the conversion in the batch as the fixtures show (ACR806: units 1–33 removed, 34–74,424
 *   converted);
 * - vintages one a year back from the project's last one (not before 2003), periods ending
 *   within the vintage year and before the later period begins (a project's periods do not
 *   overlap, as in the fixtures; a long period pushes the earlier ones back a year, and rows that
 *   no longer fit after 2003 are further issuances of the earliest period), retirement dates
 *   uniform between issuance and the snapshot date, where a batch's retirements fall (from its
 *   first unit, with gaps for units still held);
 * - ARB ids: ARB names ACR projects numbered from 1000 by the ACR number (`CAOD1042`, `CAMM1051`)
 *   and older ones in a 5000 series it shares with CAR (`CAOD5052` for ACR206). car.ts puts its
 *   CAR projects at 5000 + number, so older generated ACR projects get 4000 + number, keeping
 *   every generated ARB id unique across the CAR and ACR lists. Ecology ids are `ECY` + the
 *   type code + the ACR number, as in the fixtures (`ECYOD1185` for ACR1185).
 *
 * Units, as the fixtures show them:
 * - Batches are numbered across the registry and units restart at 1 in each, so a batch is its
 *   own namespace (`ACR-<country>-<project>-<vintage>-<batch>`). A row with buffer pool units
 *   is two consecutive batches, project then buffer (ACR554: 2974 and 2975).
 * - Voluntary units are retired from the project batch; buffer units and units transferred to
 *   the buffer pool are held back. Compliance units (`ARB Eligible` or `Ecology Eligible` =
 *   Yes) are cancelled: each cancelled batch from the first unit to its end, both batches of a
 *   buffered row (ACR554's two batches were both converted).
 */
import { join } from 'node:path';
import {
  acrSites,
  acrTemplates,
  apxDateAfter,
  cancellationDelaysOf,
  creditingLengthsOf,
  issueDelaysOf,
  periodLengthsOf,
  type AcrCompliance,
  type AcrTemplate,
} from './acr-templates.ts';
import { apxDate, apxTimestamp, dayAfter, fromApxDate, layOut, placeSlices, type Batch } from './apx-ledger.ts';
import { addDays, minDate, snapshotDate } from './calendar.ts';
import { groupBy, numberOf, type Fixtures } from './fixtures.ts';
import type { AcrCounts } from './manifest.ts';
import { nameVocabulary, variantName } from './names.ts';
import { allocate, allocateWithin, Empirical, ledgerBudgets, mean, type Random } from './random.ts';
import { ApxReports } from './writers.ts';

/** Cancellations that are conversions to ARB or Ecology credits: 1,166 of 1,358 (registries.md §4.2). */
export const acrConversionShare = 1_166 / 1_358;

/** ACR's first vintages: nothing is generated before. */
const earliestVintage = 2003;

/** ARB's type code in compliance ids (`CAOD…`, `CAMM…`, `CAFR…`, `CALS…`). */
const arbTypeCodes: Readonly<Record<string, string>> = {
  'Ozone Depleting Substances': 'OD',
  'Coal Mine Methane': 'MM',
  'Forest Carbon': 'FR',
  'Livestock Waste Management': 'LS',
};

export interface AcrPlan {
  dir: string;
  random: Random;
  fixtures: Fixtures['acr'];
  projects: number;
  /** GreenTrace issued blocks (§12): issuance rows plus rows with buffer pool units. */
  issuanceBlocks: number;
  retirementRows: number;
  cancellationRows: number;
}

type Row = Record<string, string>;

interface IssuanceRow {
  vintage: number;
  periodBegin: string;
  periodEnd: string;
  issuedOn: string;
  /** `Date Issued (GMT)`, shared by the rows of one event and repeated on their retirements and cancellations. */
  issuedAt: string;
  quantity: number;
  buffer: number;
  transferred: number;
  batches: Batch[];
}

/** The compliance id of project `number` (mapping in the module comment). */
export function acrComplianceId(kind: Exclude<AcrCompliance, null>, projectType: string, number: number): string {
  const code = arbTypeCodes[projectType] ?? 'OD';
  return kind === 'Ecology' ? `ECY${code}${number}` : `CA${code}${number >= 1_000 ? number : 4_000 + number}`;
}

export async function writeAcr(plan: AcrPlan): Promise<{ counts: AcrCounts }> {
  const { random, fixtures } = plan;
  const projectRows = fixtures.projects.rows;
  const issuances = fixtures.issuances.rows;
  const retirementRows = fixtures.retirements.rows;
  const cancellationRows = fixtures.cancellations.rows;

  const templates = acrTemplates(fixtures);
  const sites = acrSites(fixtures);
  const transactionRows = [...issuances, ...retirementRows, ...cancellationRows];
  const rowsPerProject = new Empirical([...groupBy(transactionRows, 'Project ID').values()].map((group) => group.length));
  const lastVintages = new Empirical(transactionRows.map((row) => Number(row.Vintage)));
  const issueDelays = new Empirical(issueDelaysOf(fixtures));
  const periodLengths = new Empirical(periodLengthsOf(fixtures));
  const cancellationDelays = new Empirical(cancellationDelaysOf(fixtures));
  const creditingLengths = new Empirical(creditingLengthsOf(fixtures));
  const retirementTexts = new Empirical(retirementRows);
  const retirementProfiles = groupBy(retirementRows, 'Project Type');
  const cancellationHolders = groupBy(cancellationRows, 'Project Type');
  const removals = cancellationRows.filter((row) => !row['Cancellation Type']!.startsWith('Convert'));
  const removalTexts = new Empirical(removals.length > 0 ? removals : [{ 'Cancellation Type': 'Removal of credits from the registry', 'Cancellation Details': 'Premature issuance' }]);
  const issuingShare = projectRows.filter((row) => numberOf(row['Total Number of Credits Registered ']) > 0).length / projectRows.length;
  const bufferRowShare = issuances.filter((row) => numberOf(row['Credits Issued to Buffer Pool']) > 0).length / issuances.length;
  const vocabulary = nameVocabulary([...projectRows.map((row) => row['Project Name']!), ...transactionRows.map((row) => row['Project Name']!)]);

  // Rows and buffer rows so that rows + buffer rows = the planned blocks.
  const bufferTarget = Math.round((plan.issuanceBlocks * bufferRowShare) / (1 + bufferRowShare));
  const issuanceRows = plan.issuanceBlocks - bufferTarget;

  // Who issues, and how much, is fixed up front (a few numbers per project).
  const issuing = random.sample(plan.projects, Math.min(issuanceRows, Math.max(1, Math.round(plan.projects * issuingShare))));
  const positionOf = new Map(issuing.map((index, position) => [index, position]));
  const complianceTemplates = templates.filter((template) => template.compliance !== null);
  const voluntaryTemplates = templates.filter((template) => template.compliance === null);
  const complianceCount = Math.min(
    Math.max(Math.round((issuing.length * complianceTemplates.length) / templates.length), plan.cancellationRows > 0 ? 1 : 0),
    issuing.length - (plan.retirementRows > 0 && issuing.length > 1 ? 1 : 0),
  );
  const compliant = new Set(random.sample(issuing.length, complianceCount));
  const templateOf = issuing.map((_, position) => {
    const ofKind = compliant.has(position) ? complianceTemplates : voluntaryTemplates;
    return random.pick(ofKind.length > 0 ? ofKind : templates);
  });
  // Buffer rows need a project whose template has them: one voluntary project gets such a template when none drew one.
  if (bufferTarget > 0 && !templateOf.some((template) => template.bufferShare > 0)) {
    const buffered = voluntaryTemplates.filter((template) => template.bufferShare > 0);
    const position = issuing.findIndex((_, index) => !compliant.has(index));
    if (buffered.length > 0 && position >= 0) templateOf[position] = random.pick(buffered);
  }
  const issuanceBudgets = allocate(issuanceRows, issuing.map(() => rowsPerProject.draw(random)), random);
  // When the buffered projects drew fewer rows than there are buffer rows to place, rows move to
  // them from the others (one at a time, from projects keeping at least one), so the blocks come
  // out as planned.
  const bufferable = issuing.flatMap((_, position) => (templateOf[position]!.bufferShare > 0 ? [position] : []));
  const capacity = () => bufferable.reduce((sum, position) => sum + issuanceBudgets[position]!, 0);
  let donors = issuing.flatMap((_, position) => (templateOf[position]!.bufferShare > 0 || issuanceBudgets[position]! < 2 ? [] : [position]));
  while (bufferable.length > 0 && capacity() < bufferTarget && donors.length > 0) {
    const donor = random.pick(donors);
    issuanceBudgets[donor]! -= 1;
    issuanceBudgets[random.pick(bufferable)]! += 1;
    if (issuanceBudgets[donor]! < 2) donors = donors.filter((position) => position !== donor);
  }
  const bufferBudgets = allocateWithin(
    Math.min(bufferTarget, capacity()),
    issuing.map((_, position) => (templateOf[position]!.bufferShare > 0 ? issuanceBudgets[position]! : 0)),
    random,
  );
  // The units a project can retire: its issuance rows times its typical issuance, less what it transfers to the buffer.
  const usableUnits = issuing.map((_, position) => issuanceBudgets[position]! * mean(templateOf[position]!.quantities) * (1 - templateOf[position]!.transferredShare));
  const { retirementBudgets, cancellationBudgets } = ledgerBudgets(plan, { usableUnits, issuanceRows: issuanceBudgets, compliant: (position) => compliant.has(position) }, random);

  const reports = await ApxReports.open(plan.dir, fixtures);
  const counts: AcrCounts = {
    projects: 0,
    issuingProjects: issuing.length,
    complianceProjects: compliant.size,
    issuanceRows: 0,
    bufferRows: 0,
    issuanceBlocks: 0,
    retirementRows: 0,
    cancellationRows: 0,
    conversionRows: 0,
    batches: 0,
    issuedUnits: 0,
    retiredUnits: 0,
    cancelledUnits: 0,
  };

  let number = 100;
  let nextBatch = 100;

  for (let index = 0; index < plan.projects; index++) {
    number += random.chance(0.28) ? 2 : 1;
    const id = `ACR${number}`;
    const position = positionOf.get(index);

    if (position === undefined) {
      // A project without issuances: a varied copy of a row of the project list.
      const listing = random.pick(projectRows);
      const listed = listing['Compliance Program ID (ARB or Ecology)']!;
      await reports.projects.row({
        ...listing,
        'Project ID': id,
        'Compliance Program ID (ARB or Ecology)': listed.trim() === '' ? listed : acrComplianceId(listed.startsWith('ECY') ? 'Ecology' : 'ARB', listing['Project Type']!, number),
        'Project Name': variantName(listing['Project Name']!, random, vocabulary, null, null),
        'Total Number of Credits Registered ': '',
      });
      counts.projects += 1;
      continue;
    }

    const template = templateOf[position]!;
    const site = sites.get(template.row['Project Type']!)!.draw(random);
    const project: Row = {
      ...template.row,
      'Project ID': id,
      'Project Name': variantName(template.row['Project Name']!, random, vocabulary, null, null),
      'Project Site Location': site.location,
      'Project Site State': site.state,
      'Project Site Country': site.country,
    };
    const compliance = compliant.has(position) ? template.compliance : null;
    const profile = random.pick(retirementProfiles.get(template.row['Project Type']!) ?? retirementRows);
    const holders = cancellationHolders.get(template.row['Project Type']!) ?? cancellationRows;

    const rows = issuanceRowsOf(template, issuanceBudgets[position]!, bufferBudgets[position]!, compliance !== null);
    placeSlices(rows.flatMap((row) => row.batches), retirementBudgets[position]!, cancellationBudgets[position]!, random);

    for (const row of rows) {
      const onRow = {
        'Date Issued (GMT)': row.issuedAt,
        Vintage: String(row.vintage),
        'Vintage Assignment Period Start Date': apxDate(row.periodBegin),
        'Vintage Assignment Period End Date': apxDate(row.periodEnd),
        fiid: String(number),
        Numberoffiles: String(numberOf(profile.Numberoffiles) || 1),
      };
      let cancelled = 0;
      for (const batch of row.batches) {
        const convertedOn = minDate(addDays(row.issuedOn, cancellationDelays.draw(random)), snapshotDate);
        const { retired, cancelled: slices } = layOut(batch, row.issuedOn, random, template.retirementSizes, { rest: true, on: convertedOn });
        for (const slice of retired) {
          const text = retirementTexts.draw(random);
          await reports.retirements.row({
            ...profile,
            ...project,
            ...onRow,
            'Credit Serial Numbers': `ACR-${site.country}-${number}-${row.vintage}-${batch.batch}-${slice.first} to ${slice.last}`,
            'Quantity of Credits': String(slice.last - slice.first + 1),
            'Account Holder': text['Account Holder']!,
            'Status Effective (GMT)': apxTimestamp(slice.on, random),
            'Retired on Behalf of': text['Retired on Behalf of']!,
            'Retirement Reason': text['Retirement Reason']!,
            'Purpose of Retirement': text['Purpose of Retirement']!,
          });
          counts.retirementRows += 1;
          counts.retiredUnits += slice.last - slice.first + 1;
        }
        // Removals come before the conversion of the rest of the batch, as in the fixtures.
        const reasons = slices.map(() => (compliance !== null && random.chance(acrConversionShare) ? null : removalTexts.draw(random))).sort((a, b) => (a === null ? 1 : 0) - (b === null ? 1 : 0));
        for (const [i, slice] of slices.entries()) {
          const removal = reasons[i];
          const holder = holders.length > 0 ? random.pick(holders) : { 'Account Holder': 'ACR', ahID: '1' };
          await reports.cancellations.row({
            ...profile,
            ...project,
            ...onRow,
            'Credit Serial Numbers': `ACR-${site.country}-${number}-${row.vintage}-${batch.batch}-${slice.first} to ${slice.last}`,
            'Quantity of Credits': String(slice.last - slice.first + 1),
            'Account Holder': holder['Account Holder']!,
            ahID: holder.ahID!,
            'Status Effective  (GMT)': apxTimestamp(slice.on, random),
            'Cancellation Type': removal ? removal['Cancellation Type']! : `Convert to ${compliance} offset credits`,
            'Cancellation Details': removal ? removal['Cancellation Details']! : '',
          });
          counts.cancellationRows += 1;
          if (!removal) counts.conversionRows += 1;
          cancelled += slice.last - slice.first + 1;
        }
      }
      await reports.issuances.row({
        ...project,
        'Date Issued (GMT)': row.issuedAt,
        Vintage: String(row.vintage),
        ReportingPeriodBegin: apxDate(row.periodBegin),
        ReportingPeriodEnd: apxDate(row.periodEnd),
        'Total Credits Issued': String(row.quantity),
        'Credits Issued to Project': String(row.quantity - row.buffer),
        'Credits Issued to Buffer Pool': String(row.buffer),
        'Credits Transferred to Buffer Pool': String(row.transferred),
      });
      counts.issuanceRows += 1;
      counts.bufferRows += row.buffer > 0 ? 1 : 0;
      counts.issuanceBlocks += row.buffer > 0 ? 2 : 1;
      counts.batches += row.batches.length;
      counts.issuedUnits += row.quantity;
      counts.cancelledUnits += cancelled;
    }

    const issued = rows.reduce((sum, row) => sum + row.quantity, 0);
    const firstIssued = rows.map((row) => row.issuedOn).sort()[0]!;
    const creditingStart = template.row['Project Crediting Period Start Date']!.trim() !== '' ? template.row['Project Crediting Period Start Date']! : apxDate(rows.map((row) => row.periodBegin).sort()[0]!);
    const listing = listingFor(template, compliance);
    await reports.projects.row({
      ...listing,
      ...project,
      'Compliance Program ID (ARB or Ecology)': compliance === null ? '' : acrComplianceId(compliance, template.row['Project Type']!, number),
      'Initial Crediting Period Start Date': creditingStart,
      'Current Crediting Period Start Date': creditingStart,
      'Current Crediting Period End Date': apxDateAfter(fromApxDate(creditingStart), creditingLengths.draw(random)),
      // An issuing project is registered (or done), whatever the sampled listing row says.
      'Voluntary Status': compliance === null ? (listing['Voluntary Status'] === 'Completed' ? 'Completed' : 'Registered') : '',
      'Compliance Program Status (ARB or Ecology)': compliance === null ? 'Not ARB or Ecology Eligible' : complianceStatus(compliance),
      'Project Status Date': apxTimestamp(addDays(firstIssued, -random.int(0, 365)), random),
      'Current VVB': template.row['Project VVB']!,
      'Total Number of Credits Registered ': String(issued),
    });
    counts.projects += 1;
  }

  await reports.close();
  return { counts };

  /** A fixture row of the project list for an issuing project: one of the same type when the list has one, else of the same kind. */
  function listingFor(template: AcrTemplate, compliance: AcrCompliance): Row {
    const sameType = projectRows.filter((row) => row['Project Type'] === template.row['Project Type']);
    const sameKind = projectRows.filter((row) => (row['Compliance Program ID (ARB or Ecology)']!.trim() !== '') === (compliance !== null));
    return random.pick(sameType.length > 0 ? sameType : sameKind.length > 0 ? sameKind : projectRows);
  }

  /** A compliance status of the project list for the program, as often as the fixtures show it. */
  function complianceStatus(compliance: Exclude<AcrCompliance, null>): string {
    const statuses = projectRows.map((row) => row['Compliance Program Status (ARB or Ecology)']!).filter((status) => (compliance === 'ARB' ? status.startsWith('ARB') : status.includes('Ecology') && !status.startsWith('Not')));
    return statuses.length > 0 ? random.pick(statuses) : `${compliance} Completed`;
  }

  /**
   * `count` issuance rows in events (rows issued together, as many as the template's events
   * have), one event a vintage counting back from the project's last one; `buffered` of the
   * rows carry buffer pool units (a second batch).
   */
  function issuanceRowsOf(template: AcrTemplate, count: number, buffered: number, compliance: boolean): IssuanceRow[] {
    const lastVintage = lastVintages.draw(random);
    const withBuffer = new Set(random.sample(count, buffered));
    const rows: IssuanceRow[] = [];
    // A project's reporting periods follow one another: each earlier event's period ends
    // before the later one begins, and takes the vintage of the year it ends in. Once no period
    // fits before the earliest vintage, the further rows are issued for the earliest period.
    let vintage = lastVintage + 1;
    let later: { periodBegin: string; periodEnd: string } | null = null;
    for (let event = 0; rows.length < count; event++) {
      const dayBefore: string | null = later === null ? null : addDays(later.periodBegin, -1);
      const fits: boolean = dayBefore === null || dayBefore >= `${earliestVintage}-01-01`;
      if (fits) vintage = Math.max(earliestVintage, Math.min(vintage - 1, dayBefore === null ? vintage - 1 : Number(dayBefore.slice(0, 4))));
      const yearEnd = minDate(`${vintage}-12-31`, snapshotDate);
      const drawnEnd = minDate(addDays(`${vintage}-01-01`, random.int(0, 364)), yearEnd);
      const drawnLength = periodLengths.draw(random);
      const periodEnd: string = !fits ? later!.periodEnd : dayBefore === null ? drawnEnd : minDate(drawnEnd, dayBefore);
      const periodBegin: string = !fits ? later!.periodBegin : addDays(periodEnd, -drawnLength);
      later = { periodBegin, periodEnd };
      const delayed = addDays(periodEnd, issueDelays.draw(random));
      const issuedOn = delayed <= snapshotDate ? delayed : dayAfter(periodEnd, random);
      const issuedAt = apxTimestamp(issuedOn, random);
      const size = Math.min(count - rows.length, random.pick(template.rowsPerEvent));
      for (let i = 0; i < size; i++) {
        const quantity = Math.max(2, Math.round(random.pick(template.quantities) * random.jitter(0.4)));
        const buffer = withBuffer.has(rows.length) ? Math.min(quantity - 1, Math.max(1, Math.round(quantity * template.bufferShare))) : 0;
        const transferred = buffer === 0 && template.transferredShare > 0 && random.chance(0.5) ? Math.min(quantity - 1, Math.round(quantity * template.transferredShare)) : 0;
        const batches: Batch[] = [{ batch: nextBatch++, quantity: quantity - buffer, usable: quantity - buffer - transferred, retirements: 0, cancellations: 0 }];
        // Buffer units are held in the pool, unless the batch is converted (compliance).
        if (buffer > 0) batches.push({ batch: nextBatch++, quantity: buffer, usable: compliance ? buffer : 0, retirements: 0, cancellations: 0 });
        rows.push({ vintage, periodBegin, periodEnd, issuedOn, issuedAt, quantity, buffer, transferred, batches });
      }
    }
    return rows;
  }
}
