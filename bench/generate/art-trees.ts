/**
 * ART TREES at scale (registries.md §4.4): the four APX report exports (`projects.csv`,
 * `issuances.csv`, `retirements.csv`, `cancellations.csv`) in the fixtures' columns and order,
 * in the APX exporter's raw form as acr.ts and car.ts write them. The bench serves the folder
 * through the GreenTrace emulation (`artGreenTraceBook(dir)`, tenant `ART_REGISTRY`): one
 * issued block per issuance row, of its `Credits Verified`.
 *
 * ART is small: 30 programs (§12), and the fixtures' 28 programs, 11 issuance rows, 8
 * retirements and 3 cancellations look like the whole registry (§4.4), so the market sizes are
 * those rows scaled by 30/28 (12, 9 and 3); at scale 1 that is one program with one issuance,
 * one retirement and one cancellation. Issuances keep their real sizes: a jurisdiction's vintage
 * is millions of units (Guyana) or a hundred thousand (FCPF programs).
 *
 * Sampled from the fixtures: issuing programs as a whole (a fixture program's columns, its
 * verified quantities and buffer share, its vintages, batches per issuance row, serial prefix
 * `ART` or `FCPF`), the share of listed programs that have issued (3 of 28), the delay from the
 * end of a vintage to `Date Approved`, retirement and cancellation sizes, holders, beneficiaries,
 * reasons, purposes and CORSIA flags (the program's own when it has some), and the project list
 * rows of programs that have not issued (the real jurisdictions, names varied once all are used).
 *
 * Set here: vintages one a year back from the template's last one, retirement and cancellation
 * dates uniform between approval and the snapshot date, and where a batch's slices fall (from its
 * first unit, with gaps; cancellations after the retirements). An FCPF issuance row is two
 * batches (the fixtures' Côte d'Ivoire vintages: reductions and removals), split at random.
 */
import { join } from 'node:path';
import { countryCode } from '../../connectors/common/countries.ts';
import { apxTimestamp, fromApxDate, layOut, placeSlices, type Batch, type Slice } from './apx-ledger.ts';
import { addDays, daysBetween, mmddyyyy, snapshotDate } from './calendar.ts';
import { groupBy, numberOf, type Fixtures } from './fixtures.ts';
import type { ArtTreesCounts } from './manifest.ts';
import { nameVocabulary, variantName } from './names.ts';
import { allocate, Empirical, type Random } from './random.ts';
import { ApxReports, type CsvWriter } from './writers.ts';

export interface ArtTreesPlan {
  dir: string;
  random: Random;
  fixtures: Fixtures['artTrees'];
  projects: number;
  issuanceRows: number;
  retirementRows: number;
  cancellationRows: number;
}

type Row = Record<string, string>;

/** A fixture program seen through its issuance rows. */
interface ArtTemplate {
  row: Row;
  verified: number[];
  /** `Credits Deposited in Buffer` / `Total Emission Reductions/Removals`. */
  bufferShare: number;
  lastVintage: number;
  /** Batches per issuance row, from the serials of its retirements and cancellations (1 when none). */
  batchesPerRow: number;
  prefix: string;
  country: string;
}

interface IssuanceRow {
  vintage: number;
  approvedOn: string;
  approvedAt: string;
  verified: number;
  buffer: number;
  batches: Batch[];
}

const programOf = (row: Row) => row['Program ID']!;

function artTemplates(fixtures: Fixtures['artTrees']): ArtTemplate[] {
  const ledger = [...fixtures.retirements.rows, ...fixtures.cancellations.rows];
  return [...groupBy(fixtures.issuances.rows, 'Program ID').values()].map((group) => {
    const row = group[0]!;
    const serials = ledger.filter((entry) => programOf(entry) === programOf(row)).map((entry) => entry['Credit Serial Numbers']!.split('-'));
    const batchesPerVintage = [...groupBy(serials.map((parts) => ({ vintage: parts[3]!, batch: parts[4]! })), 'vintage').values()].map((batches) => new Set(batches.map((entry) => entry.batch)).size);
    const shares = group.map((issuance) => numberOf(issuance['Credits Deposited in Buffer']) / numberOf(issuance['Total Emission Reductions/Removals'])).filter(Number.isFinite);
    return {
      row,
      verified: group.map((issuance) => numberOf(issuance['Credits Verified'])),
      bufferShare: shares.length > 0 ? Math.min(0.5, shares.reduce((a, b) => a + b, 0) / shares.length) : 0,
      lastVintage: Math.max(...group.map((issuance) => Number(issuance.Vintage))),
      batchesPerRow: Math.max(1, ...batchesPerVintage),
      prefix: serials[0]?.[0] ?? (/^\s*FCPF/i.test(row['Crediting Program and Standard']!) ? 'FCPF' : 'ART'),
      country: serials[0]?.[1] ?? countryCode(row['Program  Country']) ?? 'XX',
    };
  });
}

export async function writeArtTrees(plan: ArtTreesPlan): Promise<{ counts: ArtTreesCounts }> {
  const { random, fixtures } = plan;
  const projectRows = fixtures.projects.rows;
  const templates = artTemplates(fixtures);
  const templateIds = new Set(templates.map((template) => programOf(template.row)));
  const listings = projectRows.filter((row) => !templateIds.has(programOf(row)));
  const approvalDelays = new Empirical(fixtures.issuances.rows.map((row) => Math.max(0, daysBetween(`${row.Vintage}-12-31`, fromApxDate(row['Date Approved']!)))));
  const allRetirements = fixtures.retirements.rows;
  const allCancellations = fixtures.cancellations.rows;
  const cancellationSizes = new Empirical(allCancellations.map((row) => numberOf(row['Quantity of Credits'])));
  const vocabulary = nameVocabulary(projectRows.map((row) => row['Program Name']!));
  const issuingShare = templates.length / projectRows.length;

  const issuing = random.sample(plan.projects, Math.min(plan.issuanceRows, Math.max(1, Math.round(plan.projects * issuingShare))));
  const positionOf = new Map(issuing.map((index, position) => [index, position]));
  const templateOf = issuing.map(() => random.pick(templates));
  const issuanceBudgets = allocate(plan.issuanceRows, issuing.map((_, position) => templateOf[position]!.verified.length), random);
  const usableUnits = issuing.map((_, position) => {
    const template = templateOf[position]!;
    return issuanceBudgets[position]! * (template.verified.reduce((a, b) => a + b, 0) / template.verified.length);
  });
  const retirementBudgets = allocate(plan.retirementRows, usableUnits, random);
  const cancellationBudgets = allocate(plan.cancellationRows, usableUnits, random);

  const reports = await ApxReports.open(plan.dir, fixtures);
  const counts: ArtTreesCounts = {
    projects: 0,
    issuingProjects: issuing.length,
    issuanceRows: 0,
    retirementRows: 0,
    cancellationRows: 0,
    batches: 0,
    issuedUnits: 0,
    retiredUnits: 0,
    cancelledUnits: 0,
  };

  const used = new Map<ArtTemplate, number>();
  let listed = 0;
  let nextBatch = 1;

  for (let index = 0; index < plan.projects; index++) {
    const number = 101 + index;
    const id = `ART${number}`;
    const position = positionOf.get(index);

    if (position === undefined) {
      // A program without issuances: the next real jurisdiction of the list, varied once all are used.
      const pool = listings.length > 0 ? listings : projectRows;
      const listing = pool[listed % pool.length]!;
      const name = listed < pool.length ? listing['Program Name']! : variantName(listing['Program Name']!, random, vocabulary, null, null);
      listed += 1;
      await reports.projects.row({ ...listing, 'Program ID': id, 'Program Name': name, Numberoffiles: String(numberOf(listing.Numberoffiles) || 1) });
      counts.projects += 1;
      continue;
    }

    const template = templateOf[position]!;
    const uses = used.get(template) ?? 0;
    used.set(template, uses + 1);
    const name = uses === 0 ? template.row['Program Name']! : variantName(template.row['Program Name']!, random, vocabulary, null, null);
    const program: Row = { ...template.row, 'Program ID': id, 'Program Name': name };
    const own = (rows: readonly Row[]) => {
      const mine = rows.filter((row) => programOf(row) === programOf(template.row));
      return mine.length > 0 ? mine : rows;
    };
    const retirementTexts = new Empirical(own(allRetirements));
    const cancellationTexts = new Empirical(own(allCancellations));
    const retirementSizes = new Empirical(own(allRetirements).map((row) => numberOf(row['Quantity of Credits'])));

    const rows = issuanceRowsOf(template, issuanceBudgets[position]!);
    placeSlices(rows.flatMap((row) => row.batches), retirementBudgets[position]!, cancellationBudgets[position]!, random);

    for (const row of rows) {
      for (const batch of row.batches) {
        const { retired, cancelled } = layOut(batch, row.approvedOn, random, retirementSizes, { rest: false, sizes: cancellationSizes });
        // Retirements and cancellations have the same columns in ART's reports: a text drawn
        // from the program's own rows, the slice of the batch, and the issuance's approval.
        const writeSlices = async (slices: readonly Slice[], report: CsvWriter, texts: Empirical<Row>): Promise<number> => {
          let units = 0;
          for (const slice of slices) {
            await report.row({
              ...texts.draw(random),
              ...program,
              Vintage: String(row.vintage),
              'Credit Serial Numbers': `${template.prefix}-${template.country}-${number}-${row.vintage}-${batch.batch}-${slice.first} to ${slice.last}`,
              'Quantity of Credits': String(slice.last - slice.first + 1),
              'Status Effective': mmddyyyy(slice.on),
              'Date Approved': row.approvedAt,
            });
            units += slice.last - slice.first + 1;
          }
          return units;
        };
        counts.retirementRows += retired.length;
        counts.retiredUnits += await writeSlices(retired, reports.retirements, retirementTexts);
        counts.cancellationRows += cancelled.length;
        counts.cancelledUnits += await writeSlices(cancelled, reports.cancellations, cancellationTexts);
      }
      await reports.issuances.row({
        ...program,
        'Date Approved': mmddyyyy(row.approvedOn),
        Vintage: String(row.vintage),
        'Total Emission Reductions/Removals': String(row.verified + row.buffer),
        'Credits Deposited in Buffer': String(row.buffer),
        'Credits Verified': String(row.verified),
        fiID: String(number),
      });
      counts.issuanceRows += 1;
      counts.batches += row.batches.length;
      counts.issuedUnits += row.verified;
    }

    const listing = projectRows.find((row) => programOf(row) === programOf(template.row)) ?? random.pick(projectRows);
    await reports.projects.row({
      ...listing,
      ...program,
      // An issuing program is registered, whatever the listing row says.
      Status: 'Registered',
      'Verification Body': template.row['Verification Body']!.trim() !== '' ? template.row['Verification Body']! : listing['Verification Body']!,
      Numberoffiles: String(numberOf(listing.Numberoffiles) || 1),
    });
    counts.projects += 1;
  }

  await reports.close();
  return { counts };

  /** `count` issuance rows, one a vintage counting back from the template's last, each of the template's batches. */
  function issuanceRowsOf(template: ArtTemplate, count: number): IssuanceRow[] {
    return Array.from({ length: count }, (_, offset) => {
      const vintage = template.lastVintage - offset;
      const delayed = addDays(`${vintage}-12-31`, approvalDelays.draw(random));
      const approvedOn = delayed <= snapshotDate ? delayed : addDays(snapshotDate, -random.int(0, 60));
      const verified = Math.max(template.batchesPerRow, Math.round(random.pick(template.verified) * random.jitter(0.2)));
      const buffer = Math.round((verified * template.bufferShare) / (1 - template.bufferShare));
      const sizes = allocate(verified, Array.from({ length: template.batchesPerRow }, () => 0.5 + random.next()), random);
      const batches = sizes.map((quantity) => ({ batch: nextBatch++, quantity, usable: quantity, retirements: 0, cancellations: 0 }));
      return { vintage, approvedOn, approvedAt: apxTimestamp(approvedOn, random), verified, buffer, batches };
    });
  }
}
