/**
 * Cercarbono at scale (EcoRegistry platform, registries.md §6): CarbonPlan's three CSV exports
 * (`projects.csv` with each project's `serials` embedded as a Python repr, `issuances.csv`,
 * `retirements.csv`) in the fixtures' columns and cell conventions (pandas' CSV: cells quoted
 * only when needed, `\n`, UTF-8; list cells as Python reprs). `readExports` reads the folder and
 * the bench serves it through the test emulation's EcoRegistry feeds
 * (`cercarbonoRoutes(readCercarbonoFiles(dir))`, bench/serve/registries.ts), which keep their
 * invariant: each project embeds exactly its serials from issuances.csv, row for row.
 *
 * Sampled from the fixtures (test/fixtures/registries/cercarbono): issuing projects as a whole
 * (a fixture project with serials: owner, developer, bodies, sector, protocol, methodology,
 * stage, location, estimate, and its serials in order, with their verification numbers,
 * segments, buffer serials, eligibility and SDGs), the issued quantities of its serials
 * (jittered), the number of serials per project (as weights), names (varied, names.ts),
 * projects without serials (varied rows of those in the fixture), retirement sizes, and the
 * retirement texts (destination, end user, carbon-tax payer, industry), kept to serials
 * eligible for the Colombian carbon tax when the destination is that tax.
 *
 * Set here, because the fixtures cannot give it (they are the first 50 projects by id, the
 * oldest, and the first 100 serials and retirements, §0.2):
 * - the share of projects with serials: the fixture's 41 of 50 (§6 gives no count);
 * - newer projects: a project repeats its template's history moved forward by whole years
 *   (vintages, serial years and dates alike), never past the snapshot date, since the oldest
 *   projects alone would put every vintage before 2024;
 * - retirement dates: uniform between the serial's issuance and the snapshot date;
 * - where retirements fall in a serial: consecutive slices from its first unit, with gaps for
 *   units still held. Units are numbered from 0 in serials issued before June 2019 and from 1
 *   after, as the fixture's retirements show (`0`–`999` on the 2019 serials, §6);
 * - buffer serials (`_BF`, `_BFC`, `is_buffer` true) are never retired (none are in the fixture).
 *
 * Units: retirements are slices of non-buffer serials that never overlap and never pass the
 * serial's `issued_quantity`; each retirement's `vintage` is its serial's `year`, as the
 * connector reads both (so a vintage never retires more than it issued).
 */
import { join } from 'node:path';
import type { JsonValue } from '../../connectors/common/python-repr.ts';
import { parsePythonLiteral } from '../../connectors/common/python-repr.ts';
import { addDays, daysBetween, onYear, snapshotDate } from './calendar.ts';
import { numberOf, type FixtureTable, type Fixtures } from './fixtures.ts';
import type { CercarbonoCounts } from './manifest.ts';
import { nameVocabulary, variantName } from './names.ts';
import { pythonRepr } from './python-repr.ts';
import { allocate, allocateWithin, Empirical, type Random } from './random.ts';
import { CsvWriter } from './writers.ts';

/** Share of projects with serials: 41 of the fixture's 50 (registries.md §6 gives no count). */
export const cercarbonoIssuingShare = 41 / 50;

/** Serials issued before this day number their units from 0 (the fixture's 2019 serials, §6). */
const zeroBasedBefore = '2019-06-01';

export interface CercarbonoPlan {
  dir: string;
  random: Random;
  fixtures: Fixtures['cercarbono'];
  projects: number;
  serials: number;
  retirements: number;
}

type Row = Record<string, string>;
type Serial = { [key: string]: JsonValue };

/** A fixture project with serials: what a generated issuing project repeats. */
interface Template {
  row: Row;
  serials: Serial[];
}

/** One generated serial and what is left to lay retirements on. */
interface Issued {
  serial: Serial;
  name: string;
  year: number;
  quantity: number;
  issuedOn: string;
  buffer: boolean;
  /** The first unit's number (0 or 1). */
  base: number;
  eligibleForTax: boolean;
  retirements: number;
}

function serialsOf(row: Row): Serial[] {
  const parsed = parsePythonLiteral(row.serials);
  if (!parsed.ok || !Array.isArray(parsed.value)) throw new Error(`Cercarbono fixture project ${row.id}: serials unreadable`);
  return parsed.value as Serial[];
}

/** `2019-03-07T18:33:46.000Z` (or a plain date) moved `years` forward; 29 February becomes the 28th when needed. */
function shiftYears(stamp: string, years: number): string {
  if (years === 0) return stamp;
  return onYear(Number(stamp.slice(0, 4)) + years, stamp.slice(5, 10)) + stamp.slice(10);
}

/** The index of the project id segment: 1 (`CDC_7_…`), or 2 in CarbonPlan's `CDC_R_16_…` variant (serial.ts). */
function idSegment(segments: readonly string[]): number {
  return segments[1] === 'R' ? 2 : 1;
}

/**
 * A template serial renamed for project `id`: the id segment replaced, the trailing vintage
 * year moved `years` forward, and for the `cycle`-th repeat of a template shorter than the
 * project's serials an `R<cycle>` revision segment after the id, so every name stays unique.
 */
function serialName(template: string, id: number, years: number, cycle: number): string {
  const segments = template.split('_');
  const at = idSegment(segments);
  segments[at] = String(id);
  for (let index = Math.max(at + 1, segments.length - 2); index < segments.length; index++) {
    if (/^(19|20)\d{2}$/.test(segments[index]!)) segments[index] = String(Number(segments[index]) + years);
  }
  if (cycle > 0) segments.splice(at + 1, 0, `R${cycle + 10}`);
  return segments.join('_');
}

/** `2026-04-14 09:31:07`, as the retirement ledger writes dates. */
function ledgerTime(date: string, random: Random): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date} ${two(random.int(6, 21))}:${two(random.int(0, 59))}:${two(random.int(0, 59))}`;
}

function hasTaxEligibility(serial: Serial): boolean {
  const list = serial.elegible;
  return Array.isArray(list) && list.some((item) => typeof item === 'object' && item !== null && !Array.isArray(item) && item.code === 'ICC');
}

export async function writeCercarbono(plan: CercarbonoPlan): Promise<{ counts: CercarbonoCounts }> {
  const { random, fixtures } = plan;
  const projectRows = fixtures.projects.rows;
  const templates: Template[] = projectRows.map((row) => ({ row, serials: serialsOf(row) })).filter((template) => template.serials.length > 0);
  if (templates.length === 0) throw new Error('Cercarbono fixture: no project has serials');
  const unlisted = projectRows.filter((row) => serialsOf(row).length === 0);
  const vocabulary = nameVocabulary(projectRows.map((row) => row.name!));
  const retirementSizes = new Empirical(fixtures.retirements.rows.map((row) => numberOf(row.quantity)).filter((size) => size > 0));
  const taxTexts = retirementTexts(fixtures.retirements, true);
  const voluntaryTexts = retirementTexts(fixtures.retirements, false);
  const forTax = taxShare(fixtures.retirements);

  // Who issues, from which template, and how many serials, is fixed up front (a few numbers
  // per project), so the exports hold exactly the planned rows.
  const issuingCount = plan.serials > 0 ? Math.min(plan.projects, plan.serials, Math.max(1, Math.round(plan.projects * cercarbonoIssuingShare))) : 0;
  const issuing = random.sample(plan.projects, issuingCount);
  const positionOf = new Map(issuing.map((index, position) => [index, position]));
  const templateOf = issuing.map(() => random.pick(templates));
  const serialBudgets = allocate(plan.serials, templateOf.map((template) => template.serials.length), random);
  // Retirements go by the units a project can retire (its non-buffer serials' quantities).
  const retirable = issuing.map((_, position) => {
    const chosen = Array.from({ length: serialBudgets[position]! }, (_, index) => templateOf[position]!.serials[index % templateOf[position]!.serials.length]!);
    return chosen.filter((serial) => serial.is_buffer !== true).reduce((sum, serial) => sum + Math.max(1, Number(serial.issued_quantity)), 0);
  });
  const eligible = issuing.flatMap((_, position) => (retirable[position]! > 0 ? [position] : []));
  const shares = allocate(plan.retirements, eligible.map((position) => retirable[position]!), random);
  const retirementBudgets = issuing.map(() => 0);
  eligible.forEach((position, index) => (retirementBudgets[position] = shares[index]!));

  const projectsCsv = await CsvWriter.open(join(plan.dir, 'projects.csv'), fixtures.projects.columns);
  const issuancesCsv = await CsvWriter.open(join(plan.dir, 'issuances.csv'), fixtures.issuances.columns);
  const retirementsCsv = await CsvWriter.open(join(plan.dir, 'retirements.csv'), fixtures.retirements.columns);
  const counts: CercarbonoCounts = {
    projects: 0,
    issuingProjects: issuing.length,
    serials: 0,
    bufferSerials: 0,
    retirementRows: 0,
    issuedUnits: 0,
    retiredUnits: 0,
  };

  let id = 0;
  for (let index = 0; index < plan.projects; index++) {
    id += random.int(1, 2);
    const position = positionOf.get(index);
    if (position === undefined) {
      const listing = random.pick(unlisted.length > 0 ? unlisted : projectRows);
      await projectsCsv.row({ ...listing, ...renamed(listing, id), serials: '[]' });
      counts.projects += 1;
      continue;
    }

    const template = templateOf[position]!;
    const project = { ...template.row, ...renamed(template.row, id) };
    const issued = serialsFor(template, id, serialBudgets[position]!);
    placeRetirements(issued, retirementBudgets[position]!);

    await projectsCsv.row({ ...project, serials: pythonRepr(issued.map((entry) => entry.serial)) });
    counts.projects += 1;
    for (const entry of issued) {
      await issuancesCsv.row(issuanceRow(entry.serial));
      counts.serials += 1;
      if (entry.buffer) counts.bufferSerials += 1;
      counts.issuedUnits += entry.quantity;
    }
    for (const entry of issued) {
      for (const slice of slicesOf(entry)) {
        const text = (entry.eligibleForTax && random.chance(forTax) ? taxTexts : voluntaryTexts).draw(random);
        await retirementsCsv.row({
          ...text,
          project_name: project.name!,
          project_id: String(id),
          serial: entry.name,
          vintage: String(entry.year),
          date: ledgerTime(addDays(entry.issuedOn, random.int(0, Math.max(0, daysBetween(entry.issuedOn, snapshotDate)))), random),
          quantity: String(slice.last - slice.first + 1),
          public_consult: `https://www.ecoregistry.io/projects/${id}`,
          from: String(slice.first),
          to: String(slice.last),
        });
        counts.retirementRows += 1;
        counts.retiredUnits += slice.last - slice.first + 1;
      }
    }
  }

  await Promise.all([projectsCsv.close(), issuancesCsv.close(), retirementsCsv.close()]);
  return { counts };

  /** The columns a generated project changes: its numeric id, its `CDC-<id>` code and a varied name. */
  function renamed(row: Row, projectId: number): Row {
    return { id: String(projectId), code: `CDC-${projectId}`, name: variantName(row.name!, random, vocabulary, null, null) };
  }

  /**
   * `count` serials for project `projectId` from its template's, in the template's order,
   * history moved forward by whole years (as far as the snapshot date allows).
   */
  function serialsFor(template: Template, projectId: number, count: number): Issued[] {
    const source = Array.from({ length: count }, (_, index) => ({ serial: template.serials[index % template.serials.length]!, cycle: Math.floor(index / template.serials.length) }));
    const last = source.map(({ serial }) => String(serial.issuance_date)).sort().at(-1) ?? snapshotDate;
    const room = Math.max(0, Number(snapshotDate.slice(0, 4)) - Number(last.slice(0, 4)) - 1);
    const years = random.int(0, room);
    return source.map(({ serial, cycle }) => {
      const name = serialName(String(serial.serial), projectId, years, cycle);
      const quantity = Math.max(1, Math.round(Number(serial.issued_quantity) * random.jitter(0.25)));
      const issuedOn = shiftYears(String(serial.issuance_date), years);
      const year = Number(serial.year) + years;
      const vintage = String(serial.vintage_of_credits)
        .split(' / ')
        .map((date) => shiftYears(date, years))
        .join(' / ');
      const generated: Serial = { ...serial, serial: name, issued_quantity: quantity, issuance_date: issuedOn, year, vintage_of_credits: vintage };
      const day = issuedOn.slice(0, 10);
      return {
        serial: generated,
        name,
        year,
        quantity,
        issuedOn: day,
        buffer: serial.is_buffer === true,
        base: day < zeroBasedBefore ? 0 : 1,
        eligibleForTax: hasTaxEligibility(serial),
        retirements: 0,
      };
    });
  }

  /** Spreads a project's retirements over its non-buffer serials by their units (at least one unit each). */
  function placeRetirements(issued: Issued[], total: number): void {
    const capacities = issued.map((entry) => (entry.buffer ? 0 : entry.quantity));
    // The budget went by the template's quantities; jittered ones hold it but for the tiniest projects.
    const room = capacities.reduce((a, b) => a + b, 0);
    allocateWithin(Math.min(total, room), capacities, random).forEach((count, index) => (issued[index]!.retirements = count));
  }

  /** Where a serial's retirements fall: sizes from the fixture, shrunk to fit, from its first unit with gaps. */
  function slicesOf(entry: Issued): { first: number; last: number }[] {
    if (entry.retirements === 0) return [];
    let sizes = Array.from({ length: entry.retirements }, () => Math.max(1, Math.round(retirementSizes.draw(random) * random.jitter(0.3))));
    if (sizes.reduce((a, b) => a + b, 0) > entry.quantity) {
      sizes = allocate(Math.max(sizes.length, Math.round(entry.quantity * (0.5 + 0.5 * random.next()))), sizes, random);
    }
    let free = entry.quantity - sizes.reduce((a, b) => a + b, 0);
    let unit = entry.base;
    return sizes.map((size) => {
      const gap = free > 1 && random.chance(0.3) ? random.int(0, Math.floor(free / 2)) : 0;
      free -= gap;
      unit += gap;
      const slice = { first: unit, last: unit + size - 1 };
      unit += size;
      return slice;
    });
  }
}

/** An issuances.csv row: the serial's fields, list cells as Python reprs. */
function issuanceRow(serial: Serial): Row {
  return Object.fromEntries(
    Object.entries(serial).map(([key, value]) => [key, typeof value === 'string' ? value : pythonRepr(value)]),
  );
}

/** The texts of the fixture's retirements for the carbon tax (`tax`) or voluntary use, as whole tuples. */
function retirementTexts(table: FixtureTable, tax: boolean): Empirical<Row> {
  const fields = ['certificate_destination', 'end_user', 'passive_subject', 'industry'];
  const rows = table.rows.filter((row) => (row.certificate_destination === 'Colombian Carbon Tax') === tax);
  const pick = (row: Row) => Object.fromEntries(fields.map((field) => [field, row[field] ?? '']));
  return new Empirical((rows.length > 0 ? rows : table.rows).map(pick));
}

/** Share of the fixture's retirements presented for the Colombian carbon tax (84 of 100). */
function taxShare(table: FixtureTable): number {
  return table.rows.filter((row) => row.certificate_destination === 'Colombian Carbon Tax').length / Math.max(1, table.rows.length);
}
