/**
 * Verra's old registry export at scale (registries.md §2.2): `projects.csv` (the project list)
 * and `transactions.csv` (the VCU export, one block of units per row in its current state),
 * in the fixtures' columns and cell formats.
 *
 * What is sampled from the fixtures (test/fixtures/registries/verra): project types with their
 * methodologies and serial segments, host countries, proponents, names (varied, see
 * names.ts), blocks per project and per issuance batch, block quantities, vintage years and
 * vintage period shapes, the share of retired blocks, beneficiaries and reasons, SDGs and
 * additional certifications. What the fixtures cannot give (they are the 50 newest projects
 * and 200 blocks issued in April 2026, §0.2) is set here and documented in
 * docs/benchmarks.md: the share of projects with issuances, issuance dates (3–30 months
 * after the vintage ends) and registration and crediting dates of issuing projects.
 *
 * Serials follow §2.3: Verra numbers units globally, so every block takes the next free unit
 * range (blocks of one issuance batch are consecutive slices of it), ranges never overlap and
 * always agree with `Quantity Issued`, except the planted double issuances (`overlaps`).
 */
import { join } from 'node:path';
import { countryCode } from '../../connectors/common/countries.ts';
import { verraActivity, type GeneratedActivity } from './activity.ts';
import { addDays, daysBetween, ddmmyyyy, minDate, onYear, snapshotDate } from './calendar.ts';
import { groupBy, numberOf, type Fixtures } from './fixtures.ts';
import type { PlantedBlock, PlantedProject, SerialOverlap, VerraCounts } from './manifest.ts';
import { nameVocabulary, variantName } from './names.ts';
import { allocate, Empirical, type Random } from './random.ts';
import { CsvWriter, thousands } from './writers.ts';

/** Share of projects that have issued units (the fixtures' project list has none: see above). */
export const verraIssuingShare = 0.45;

export interface VerraPlan {
  dir: string;
  random: Random;
  fixtures: Fixtures['verra'];
  projects: number;
  blockRows: number;
  /** Issuing projects to hand to another program as re-listed duplicates. */
  relist: number;
  /**
   * Hub categories the other program lists: only a project of one of them can be re-listed
   * there (Gold Standard certifies no REDD+, for one), keeping its activity.
   */
  relistCategories: ReadonlySet<string>;
  /** Blocks planted over another project's units (double issuance). */
  overlaps: number;
}

export interface VerraResult {
  counts: VerraCounts;
  /** Issuing projects to re-list elsewhere, drawn among those of a category in `relistCategories`. */
  relistSources: PlantedProject[];
  serialOverlaps: SerialOverlap[];
}

type Row = Record<string, string>;

/** One fixture project seen through its VCU rows: what its blocks repeat. */
interface IssuingTemplate {
  name: string;
  activity: GeneratedActivity;
  countryName: string;
  projectType: string;
  methodology: string;
  segment6: string;
  scope: string | null;
  serialCountry: string;
}

function issuingTemplates(rows: readonly Row[]): IssuingTemplate[] {
  return [...groupBy(rows, 'ID').values()].map((group) => {
    const row = group[0]!;
    const segments = row['Serial Number']!.split('-');
    return {
      name: row.Name!,
      activity: verraActivity(row),
      countryName: row['Country/Area']!,
      projectType: row['Project Type']!,
      methodology: row.Methodology!,
      segment6: segments[5]!,
      scope: segments.length === 13 ? segments[8]! : null,
      serialCountry: segments[7]!,
    };
  });
}

export async function writeVerra(plan: VerraPlan): Promise<VerraResult> {
  const { random, fixtures } = plan;
  const transactions = fixtures.transactions.rows;
  const projectRows = fixtures.projects.rows;

  const templates = issuingTemplates(transactions);
  const blocksPerProject = new Empirical([...groupBy(transactions, 'ID').values()].map((group) => group.length));
  const blocksPerBatch = new Empirical(
    [...groupBy(transactions.map((row) => ({ batch: row['Serial Number']!.split('-')[0]! })), 'batch').values()].map((group) => group.length),
  );
  const quantities = new Empirical(transactions.map((row) => numberOf(row['Quantity Issued'])));
  const vintageYears = new Empirical(transactions.map((row) => Number(row['Vintage End']!.slice(0, 4))));
  const shapes = new Empirical(
    transactions.map((row) => ({
      start: row['Vintage Start']!.slice(5),
      end: row['Vintage End']!.slice(5),
      span: Number(row['Vintage End']!.slice(0, 4)) - Number(row['Vintage Start']!.slice(0, 4)),
    })),
  );
  const retired = transactions.filter((row) => row['Retirement/Cancellation Date']!.trim() !== '');
  const retiredShare = retired.length / transactions.length;
  const retirements = new Empirical(retired);
  const certifications = new Empirical(transactions.map((row) => row['Additional Certifications']!));
  const sdgs = new Empirical(transactions.map((row) => row['Sustainable Development Goals']!));
  const issuingCountries = new Empirical(templates.map((template) => template.countryName));
  const regionOf = new Map(projectRows.map((row) => [row['Country/Area']!, row.Region!]));
  const regions = new Empirical(projectRows.map((row) => row.Region!));
  const vocabulary = nameVocabulary([...projectRows.map((row) => row.Name!), ...templates.map((template) => template.name)]);

  const issuing = random.sample(plan.projects, Math.max(1, Math.round(plan.projects * verraIssuingShare)));
  const positionOf = new Map(issuing.map((index, position) => [index, position]));
  const budgets = allocate(
    plan.blockRows - Math.min(plan.overlaps, Math.max(0, issuing.length - 1)),
    issuing.map(() => blocksPerProject.draw(random)),
    random,
  );
  const carriers = new Set(random.sample(Math.max(0, issuing.length - 1), Math.min(plan.overlaps, Math.max(0, issuing.length - 1))).map((p) => p + 1));

  const projectsCsv = await CsvWriter.open(join(plan.dir, 'projects.csv'), fixtures.projects.columns);
  const blocksCsv = await CsvWriter.open(join(plan.dir, 'transactions.csv'), fixtures.transactions.columns);
  const counts: VerraCounts = { projects: 0, blockRows: 0, retiredBlocks: 0, issuingProjects: issuing.length };
  // Issuing projects that could be re-listed in the other program; the duplicates are drawn
  // from them once all are written, so re-listing leaves Verra's own distributions as they are.
  const relistable: PlantedProject[] = [];
  const serialOverlaps: SerialOverlap[] = [];

  let registryId = 100;
  let nextUnit = 100_000_000;
  let nextBatch = 10_000;
  let previousBlock: PlantedBlock | null = null;

  for (let index = 0; index < plan.projects; index++) {
    registryId += random.int(1, 2);
    const id = String(registryId);
    const position = positionOf.get(index);
    const listing = random.pick(projectRows);

    if (position === undefined) {
      // A project without issuances: a varied copy of a row of the project list.
      const pair = random.pick(projectRows);
      const estimate = numberOf(listing['Estimated Annual Emission Reductions']);
      await projectsCsv.row({
        ...listing,
        ID: id,
        Name: variantName(listing.Name!, random, vocabulary, listing['Country/Area']!, pair['Country/Area']!),
        'Country/Area': pair['Country/Area']!,
        Region: pair.Region!,
        'Estimated Annual Emission Reductions': Number.isFinite(estimate) ? thousands(Math.max(1, estimate * random.jitter(0.5))) : '',
      });
      counts.projects += 1;
      continue;
    }

    const template = random.pick(templates);
    const countryName = issuingCountries.draw(random);
    const name = variantName(template.name, random, vocabulary, template.countryName, countryName);
    const unitsCountry = countryCode(countryName) ?? template.serialCountry;
    const projectCertifications = certifications.draw(random);
    const projectSdgs = sdgs.draw(random);
    const labelFlag = projectCertifications.trim() === '' ? 0 : 1;
    const anchorYear = Math.min(2025, vintageYears.draw(random));
    const shape = shapes.draw(random);
    const serialTail = (vintageStart: string, vintageEnd: string) =>
      [unitsCountry, ...(template.scope === null ? [] : [template.scope]), id, ddmmyyyy(vintageStart), ddmmyyyy(vintageEnd), String(labelFlag)].join('-');

    const blocks: Row[] = [];
    const vintageTotals = new Map<number, number>();
    const addBatch = (year: number, quantitiesOfBlocks: readonly number[], firstUnit: number): PlantedBlock[] => {
      const vintageEnd = onYear(year, shape.end);
      const vintageStart = onYear(year - shape.span, shape.start);
      const issuanceDate = addDays(vintageEnd, Math.min(random.int(90, 900), daysBetween(vintageEnd, snapshotDate)));
      const batch = nextBatch++;
      const made: PlantedBlock[] = [];
      let unit = firstUnit;
      for (const quantity of quantitiesOfBlocks) {
        const serial = `${batch}-${unit}-${unit + quantity - 1}-VCS-VCU-${template.segment6}-VER-${serialTail(vintageStart, vintageEnd)}`;
        const retirement = random.chance(retiredShare) ? retirements.draw(random) : null;
        blocks.push({
          'Issuance Date': issuanceDate,
          'Sustainable Development Goals': projectSdgs,
          'Vintage Start': vintageStart,
          'Vintage End': vintageEnd,
          ID: id,
          Name: name,
          'Country/Area': countryName,
          'Project Type': template.projectType,
          Methodology: template.methodology,
          // Filled once the project's batches are known: the vintage's total over all of them.
          'Total Vintage Quantity': '',
          'Quantity Issued': thousands(quantity),
          'Serial Number': serial,
          'Additional Certifications': projectCertifications,
          'Retirement/Cancellation Date': retirement ? addDays(issuanceDate, random.int(0, daysBetween(issuanceDate, snapshotDate))) : '',
          'Retirement Beneficiary': retirement?.['Retirement Beneficiary'] ?? '',
          'Retirement Reason': retirement?.['Retirement Reason'] ?? '',
          'Retirement Details': retirement?.['Retirement Details'] ?? '',
        });
        made.push({ registryProjectId: id, serialNumber: serial, firstUnit: unit, lastUnit: unit + quantity - 1 });
        vintageTotals.set(year, (vintageTotals.get(year) ?? 0) + quantity);
        unit += quantity;
      }
      return made;
    };

    let remaining = budgets[position]!;
    let lastBlock: PlantedBlock | null = null;
    while (remaining > 0) {
      const count = Math.min(remaining, blocksPerBatch.draw(random));
      remaining -= count;
      const year = Math.max(2006, anchorYear - random.geometric(0.45, 8));
      const sizes = Array.from({ length: count }, () => Math.max(1, Math.round(quantities.draw(random) * random.jitter(0.35))));
      const made = addBatch(year, sizes, nextUnit);
      lastBlock = made.at(-1) ?? lastBlock;
      nextUnit = made.at(-1)!.lastUnit + 1 + random.int(0, 50);
    }
    if (carriers.has(position) && previousBlock !== null) {
      // Double issuance: a block of this project over the second half of another project's block.
      const target = previousBlock;
      const firstUnit = target.firstUnit + Math.floor((target.lastUnit - target.firstUnit) / 2);
      // Kept inside the target block, so the pair is one overlap, not a run of them.
      const quantity = Math.min(target.lastUnit - firstUnit + 1, Math.max(1, Math.round(quantities.draw(random) * random.jitter(0.35))));
      const [planted] = addBatch(anchorYear, [quantity], firstUnit);
      serialOverlaps.push({
        kind: 'serial-overlap',
        id: `verra-overlap-${serialOverlaps.length + 1}`,
        programId: 'verra',
        namespace: 'VCS-VCU',
        first: target,
        second: planted!,
        overlappingUnits: Math.min(target.lastUnit, planted!.lastUnit) - firstUnit + 1,
      });
    }
    previousBlock = lastBlock;

    for (const block of blocks) {
      const year = Number(block['Vintage End']!.slice(0, 4));
      block['Total Vintage Quantity'] = thousands(vintageTotals.get(year) ?? 0);
    }
    const years = [...vintageTotals.keys()].sort((a, b) => a - b);
    const issued = [...vintageTotals.values()].reduce((a, b) => a + b, 0);
    const creditingStart = blocks.map((block) => block['Vintage Start']!).sort()[0]!;
    await projectsCsv.row({
      ...listing,
      ID: id,
      Name: name,
      'Project Type': template.projectType,
      'AFOLU Activities': template.projectType.includes('Agriculture Forestry') ? listing['AFOLU Activities']! : '',
      Methodology: template.methodology,
      Status: 'Registered',
      'Country/Area': countryName,
      Region: regionOf.get(countryName) ?? regions.draw(random),
      'Estimated Annual Emission Reductions': thousands(Math.max(1, (issued / years.length) * random.jitter(0.3))),
      'Project Registration Date': minDate(addDays(creditingStart, random.int(30, 700)), snapshotDate),
      'Crediting Period Start Date': creditingStart,
      'Crediting Period End Date': `${Number(creditingStart.slice(0, 4)) + 9}-12-31`,
    });
    counts.projects += 1;
    for (const block of blocks) {
      await blocksCsv.row(block);
      if (block['Retirement/Cancellation Date'] !== '') counts.retiredBlocks += 1;
    }
    counts.blockRows += blocks.length;
    const { category, methodologies } = template.activity;
    if (category !== null && plan.relistCategories.has(category)) {
      relistable.push({ programId: 'verra', registryProjectId: id, name, countryName, category, methodologies, vintages: years, issued });
    }
  }
  await projectsCsv.close();
  await blocksCsv.close();
  const relistSources = random.sample(relistable.length, Math.min(plan.relist, relistable.length)).map((index) => relistable[index]!);
  return { counts, relistSources, serialOverlaps };
}
