/**
 * Gold Standard at scale (registries.md §3), in both of its formats:
 *
 * - the CSV exports of the registry's web UI (`projects.csv`, `issuances.csv`,
 *   `retirements.csv`, the fixtures' layout, read by `readExports` / `hub sync --from-dir`);
 * - the public JSON API's view of the same registry state (`api-projects.ndjson`,
 *   `api-credits.ndjson`, one record per line), which `fetch` reads page by page and the bench
 *   serves over HTTP (bench/serve/registries.ts).
 *
 * The CSV → API mapping is the test emulation's own (`goldStandardApiState` in
 * test/support/connectors/gold-standard.ts), applied one issuance batch at a time: the batch's
 * issuance row and the retirement rows carved out of it become the blocks the API lists.
 *
 * Sampled from the fixtures: project rows (status, SDGs, description, size, PoA), issuing
 * project columns (developer, type, methodology, PoA, product type, serial type code, label),
 * host countries, batch quantities, vintages, monitoring periods, retirement rows (status
 * Retired/Canceled, note, use case, using entity, label), batches per project. Set here: the
 * share of issuing projects, retirements per batch (geometric, mean ≈ the fixtures' 105
 * retirement rows per 100 issuance rows), issuance dates (3–30 months after the vintage).
 * CER batches (CDM serials, §3.3) are issued whole: the emulation does not split them.
 *
 * A re-listed Verra project keeps its activity: its copy here is in the same country, takes an
 * issuing template of the same hub category (one sharing a methodology family with the
 * original when the fixtures have one, as a CDM methodology both programs accept) and issues
 * for overlapping vintages; only its name is perturbed (names.ts `relistedName`).
 */
import { join } from 'node:path';
import { countryCode } from '../../connectors/common/countries.ts';
import { goldStandardApiState, type ApiRecord } from '../../test/support/connectors/gold-standard.ts';
import { goldStandardActivity, type GeneratedActivity } from './activity.ts';
import { addDays, daysBetween, snapshotDate } from './calendar.ts';
import { groupBy, numberOf, type Fixtures } from './fixtures.ts';
import type { CrossProgramDuplicate, GoldStandardCounts, PlantedProject } from './manifest.ts';
import { nameVocabulary, relistedName, variantName } from './names.ts';
import { allocate, Empirical, type Random } from './random.ts';
import { CsvWriter, LineWriter } from './writers.ts';

export const goldStandardIssuingShare = 0.6;
/** Retirement rows per batch ~ geometric with this success probability: mean (1 − p)/p ≈ 1.05. */
const retirementsPerBatchP = 0.49;

export interface GoldStandardPlan {
  dir: string;
  random: Random;
  fixtures: Fixtures['goldStandard'];
  projects: number;
  apiBlocks: number;
  /** Verra projects to list again here, each as one of the issuing projects. */
  relistSources: readonly PlantedProject[];
}

export interface GoldStandardResult {
  counts: GoldStandardCounts;
  duplicates: CrossProgramDuplicate[];
}

type Row = Record<string, string>;

/** The project columns a transaction row repeats, and its serial's type code. */
interface IssuingTemplate {
  row: Row;
  typeCode: string;
  cdmReference: string | null;
  activity: GeneratedActivity;
}

function issuingTemplates(issuances: readonly Row[]): IssuingTemplate[] {
  return issuances.map((row) => {
    const serial = row['Serial Number']!;
    const cdm = serial.includes(' - ');
    return {
      row,
      typeCode: cdm ? '' : serial.split('-')[4]!,
      cdmReference: cdm ? serial.split(' - ')[0]!.split('-')[6]! : null,
      activity: goldStandardActivity(row),
    };
  });
}

/** The hub categories of the fixtures' issuing projects: what a project re-listed here can be. */
export function goldStandardCategories(fixtures: Fixtures['goldStandard']): Set<string> {
  return new Set(issuingTemplates(fixtures.issuances.rows).flatMap(({ activity }) => (activity.category === null ? [] : [activity.category])));
}

/**
 * The template of a re-listing of `source`: one of the same hub category, sharing a methodology
 * family with it when one does.
 */
function relistingTemplate(templates: readonly IssuingTemplate[], source: PlantedProject, random: Random): IssuingTemplate {
  const sameCategory = templates.filter(({ activity }) => activity.category === source.category);
  if (sameCategory.length === 0) throw new Error(`no Gold Standard template of category ${source.category} to re-list ${source.programId} ${source.registryProjectId}`);
  const sameFamily = sameCategory.filter(({ activity }) => activity.methodologies.some((key) => source.methodologies.includes(key)));
  return random.pick(sameFamily.length > 0 ? sameFamily : sameCategory);
}

const projectColumns = ['Project Name', 'Project Developer', 'Country', 'Project Type', 'Methodology', 'Programme of Activities', 'POA GSID', 'Product Type'];

export async function writeGoldStandard(plan: GoldStandardPlan): Promise<GoldStandardResult> {
  const { random, fixtures } = plan;
  const projectRows = fixtures.projects.rows;
  const issuances = fixtures.issuances.rows;
  const retirementRows = fixtures.retirements.rows;

  const templates = issuingTemplates(issuances);
  const batchesPerProject = new Empirical([...groupBy([...issuances, ...retirementRows], 'GSID').values()].map((group) => group.length));
  const batchQuantities = new Empirical(issuances.map((row) => numberOf(row.Quantity)));
  const vintages = new Empirical(issuances.map((row) => Number(row.Vintage)));
  const periods = new Empirical(
    issuances.map((row) => ({
      startOffset: daysBetween(`${row.Vintage}-01-01`, row['Monitoring Period Start']!),
      length: daysBetween(row['Monitoring Period Start']!, row['Monitoring Period End']!),
    })),
  );
  const retirements = new Empirical(retirementRows);
  const countries = new Empirical([...issuances, ...projectRows].map((row) => row.Country!));
  const vocabulary = nameVocabulary([...projectRows.map((row) => row['Project Name']!), ...issuances.map((row) => row['Project Name']!)]);

  const issuing = random.sample(plan.projects, Math.max(1, Math.round(plan.projects * goldStandardIssuingShare)));
  const positionOf = new Map(issuing.map((index, position) => [index, position]));
  const budgets = allocate(plan.apiBlocks, issuing.map(() => batchesPerProject.draw(random)), random);
  // Which issuing projects are re-listings of another program's projects.
  const relistAt = new Map(random.sample(issuing.length, Math.min(plan.relistSources.length, issuing.length)).map((position, i) => [position, plan.relistSources[i]!]));

  const projectsCsv = await CsvWriter.open(join(plan.dir, 'projects.csv'), fixtures.projects.columns);
  const issuancesCsv = await CsvWriter.open(join(plan.dir, 'issuances.csv'), fixtures.issuances.columns);
  const retirementsCsv = await CsvWriter.open(join(plan.dir, 'retirements.csv'), fixtures.retirements.columns);
  const apiProjects = new LineWriter(join(plan.dir, 'api-projects.ndjson'));
  const apiCredits = new LineWriter(join(plan.dir, 'api-credits.ndjson'));
  const counts: GoldStandardCounts = {
    projects: 0,
    issuingProjects: issuing.length,
    issuanceRows: 0,
    retirementRows: 0,
    apiBlocks: 0,
    apiRetiredOrCancelled: 0,
  };
  const duplicates: CrossProgramDuplicate[] = [];

  let gsid = 1_000;
  let nextBatch = 30_000;
  let nextCdmUnit = 100_000_000;
  let nextCreditId = 600_000;

  for (let index = 0; index < plan.projects; index++) {
    gsid += random.int(1, 3);
    const id = String(gsid);
    const listing = random.pick(projectRows);
    const position = positionOf.get(index);

    if (position === undefined) {
      const countryName = countries.draw(random);
      const row = { ...listing, GSID: id, Country: countryName, 'Project Name': variantName(listing['Project Name']!, random, vocabulary, listing.Country!, countryName) };
      await writeProject(row);
      continue;
    }

    const source = relistAt.get(position);
    const template = source ? relistingTemplate(templates, source, random) : random.pick(templates);
    const countryName = source?.countryName ?? countries.draw(random);
    const relisted = source ? relistedName(source.name, random) : null;
    const name = relisted?.name ?? variantName(template.row['Project Name']!, random, vocabulary, template.row.Country!, countryName);
    const projectPart: Row = Object.fromEntries(projectColumns.map((column) => [column, template.row[column] ?? '']));
    projectPart['Project Name'] = name;
    projectPart.Country = countryName;
    const unitsCountry = countryCode(countryName) ?? 'XZ';
    const label = template.row.Label ?? '';
    const period = periods.draw(random);

    const years: number[] = [];
    let issued = 0;
    let blocks = 0;
    for (let batchIndex = 0; blocks < budgets[position]!; batchIndex++) {
      // A re-listed project's vintages overlap the original's: its first batch shares a vintage.
      const vintage = source
        ? Math.min(2025, random.pick(source.vintages) + (batchIndex === 0 ? 0 : random.int(-1, 1)))
        : Math.min(2025, vintages.draw(random));
      const quantity = Math.max(1, Math.round(batchQuantities.draw(random) * random.jitter(0.4)));
      const periodStart = addDays(`${vintage}-01-01`, period.startOffset);
      const periodEnd = addDays(periodStart, period.length);
      const issuedOn = addDays(periodEnd, Math.min(random.int(90, 900), Math.max(1, daysBetween(periodEnd, snapshotDate))));
      const issuanceDate = `${issuedOn < snapshotDate ? issuedOn : snapshotDate}T${String(random.int(8, 17)).padStart(2, '0')}:${String(random.int(10, 59))}:${String(random.int(10, 59))}.${String(random.int(100000, 999999))}`;
      const batch = nextBatch++;
      const common: Row = {
        ...projectPart,
        GSID: id,
        Vintage: String(vintage),
        'Monitoring Period Start': periodStart,
        'Monitoring Period End': periodEnd,
        Label: label,
        'Article Six Authorization': template.row['Article Six Authorization'] ?? 'Not Applicable',
      };

      let issuance: Row;
      const carved: Row[] = [];
      if (template.cdmReference !== null) {
        // CDM units issued through Gold Standard: the Kyoto serial block, issued whole.
        const first = nextCdmUnit;
        const last = first + quantity - 1;
        nextCdmUnit = last + 1 + random.int(0, 50);
        const side = (unit: number) => `${unitsCountry}-5-${unit}-2-2-0-${template.cdmReference}`;
        issuance = { ...common, 'Credit Status': 'Issued', Quantity: String(quantity), 'Issuance Date': issuanceDate, 'Serial Number': `${side(first)} - ${side(last)}` };
      } else {
        const namespace = `GS1-1-${unitsCountry}-GS${id}-${template.typeCode}-${vintage}-${batch}`;
        issuance = { ...common, 'Credit Status': 'Issued', Quantity: String(quantity), 'Issuance Date': issuanceDate, 'Serial Number': `${namespace}-1-${quantity}` };
        // Retirements and cancellations take consecutive slices from the batch's first unit;
        // what is left stays issued.
        const slices = Math.min(random.geometric(retirementsPerBatchP, 12), quantity, Math.max(0, budgets[position]! - blocks - 1));
        if (slices > 0) {
          const used = Math.max(slices, Math.round(quantity * (0.2 + 0.8 * random.next())));
          const weights = Array.from({ length: slices }, () => 0.2 + random.next());
          const sizes = allocate(used, weights, random);
          let unit = 1;
          for (const size of sizes) {
            const retirement = retirements.draw(random);
            const retiredOn = addDays(issuanceDate.slice(0, 10), random.int(0, Math.max(0, daysBetween(issuanceDate.slice(0, 10), snapshotDate))));
            carved.push({
              ...common,
              'Credit Status': retirement['Credit Status']!,
              Quantity: String(size),
              'Issuance Date': issuanceDate.slice(0, 10),
              'Retirement Date': retiredOn,
              'Serial Number': `${namespace}-${unit}-${unit + size - 1}`,
              Note: retirement.Note ?? '',
              'Aeroplane Operator Name': retirement['Aeroplane Operator Name'] ?? '',
              Label: retirement.Label ?? '',
              'Use Case': retirement['Use Case'] ?? '',
              'Using Entity': retirement['Using Entity'] ?? '',
            });
            unit += size;
          }
        }
      }

      await issuancesCsv.row(issuance);
      for (const row of carved) await retirementsCsv.row(row);
      counts.issuanceRows += 1;
      counts.retirementRows += carved.length;
      // The API's blocks for this batch, as the test emulation derives them from the CSV rows.
      const state = goldStandardApiState({ projects: [], issuances: [issuance], retirements: carved });
      for (const credit of state.credits) await writeCredit(credit);
      blocks += state.credits.length;
      issued += quantity;
      if (!years.includes(vintage)) years.push(vintage);
    }

    await writeProject({
      ...listing,
      GSID: id,
      'Project Name': name,
      'Project Developer Name': projectPart['Project Developer']!,
      Status: 'Registered',
      Country: countryName,
      'Project Type': projectPart['Project Type']!,
      Methodology: projectPart.Methodology!,
      'Programme of Activities': projectPart['Programme of Activities']!,
      'POA GSID': projectPart['POA GSID']!,
    });
    if (source && relisted) {
      const vintagesHere = years.sort((a, b) => a - b);
      duplicates.push({
        kind: 'cross-program-relisting',
        id: `relisting-${duplicates.length + 1}`,
        original: source,
        relisted: { programId: 'gold-standard', registryProjectId: id, name, countryName, ...template.activity, vintages: vintagesHere, issued },
        perturbations: relisted.perturbations,
        countryCode: countryCode(countryName),
        overlappingVintages: vintagesHere.filter((year) => source.vintages.includes(year)),
      });
    }
  }

  await Promise.all([projectsCsv.close(), issuancesCsv.close(), retirementsCsv.close(), apiProjects.close(), apiCredits.close()]);
  return { counts, duplicates };

  async function writeProject(row: Row): Promise<void> {
    await projectsCsv.row(row);
    const [record] = goldStandardApiState({ projects: [row], issuances: [], retirements: [] }).projects;
    await apiProjects.line(JSON.stringify(record));
    counts.projects += 1;
  }

  async function writeCredit(credit: ApiRecord): Promise<void> {
    // Ids only need to be unique and ordered; the server lists them newest (highest) first.
    await apiCredits.line(JSON.stringify({ ...credit, id: String(nextCreditId++) }));
    counts.apiBlocks += 1;
    if (credit.status !== 'ISSUED') counts.apiRetiredOrCancelled += 1;
  }
}
