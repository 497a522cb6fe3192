/**
 * The scale generator: registry exports in each registry's real format, sampled from the
 * real fixtures, at `scale` × 1 % of the market (registries.md §12), with planted duplicates.
 *
 *   npm run bench -- generate --scale 100            # every generated format at market size
 *   npm run hub -- sync --from-dir bench/.data/scale-100-seed-1   # load it like an export folder
 *
 * Output (laid out like test/fixtures/registries, so `hub sync --from-dir` reads it):
 *   <dir>/verra/{projects,transactions}.csv
 *   <dir>/gold-standard/{projects,issuances,retirements}.csv, api-{projects,credits}.ndjson
 *   <dir>/climate-action-reserve/{projects,issuances,retirements,cancellations}.csv (APX report exports)
 *   <dir>/american-carbon-registry/{projects,issuances,retirements,cancellations}.csv (APX report exports)
 *   <dir>/art-trees/{projects,issuances,retirements,cancellations}.csv (APX report exports)
 *   <dir>/arb/nc-arboc_issuance_sheet3.csv   ARB's issuance table (the workbook's data sheet), from CAR's and ACR's conversions
 *   <dir>/cercarbono/{projects,issuances,retirements}.csv (CarbonPlan's CSV of EcoRegistry's feeds)
 *   <dir>/isometric/{projects,issuances,retirements}.csv (CarbonPlan's CSV of the registry API's lists)
 *   <dir>/manifest.json   sizes, parameters, planted duplicates
 *
 * Rows are written as they are made; memory holds a few numbers per project (and the name of
 * each Verra project that could be re-listed) and one project's blocks at a time, never the
 * exports.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { arbFolder, arbSheetFile, writeArb } from './arb.ts';
import { oprFoldersIn, readCompliancePrograms } from './arb-sources.ts';
import { writeAcr } from './acr.ts';
import { writeArtTrees } from './art-trees.ts';
import { writeCar } from './car.ts';
import { writeCercarbono } from './cercarbono.ts';
import { loadFixtures } from './fixtures.ts';
import { goldStandardCategories, writeGoldStandard } from './gold-standard.ts';
import { writeIsometric } from './isometric.ts';
import { generatorVersion, readManifest, writeManifest, type Manifest, type PlannedSizes } from './manifest.ts';
import { Random } from './random.ts';
import { writeVerra } from './verra.ts';

/** Market sizes of the generated formats, registries.md §12 (Verra: old VCU export; Gold Standard: API blocks; CAR: APX report rows; Cercarbono: serials and retirements; Isometric: see below). */
export const marketSizes: PlannedSizes = {
  verra: { projects: 5_245, blockRows: 319_336 },
  goldStandard: { projects: 4_141, apiBlocks: 182_989 },
  car: { projects: 1_277, issuanceRows: 5_170, retirementRows: 11_044, cancellationRows: 2_277 },
  /** GreenTrace's issued blocks, retirements and cancellations (§4.2). */
  acr: { projects: 994, issuanceBlocks: 3_358, retirementRows: 10_724, cancellationRows: 1_358 },
  /** 30 programs; rows: the fixtures' 11 / 8 / 3 (which look complete, §4.4) scaled by 30/28. */
  artTrees: { projects: 30, issuanceRows: 12, retirementRows: 9, cancellationRows: 3 },
  arb: { issuanceRows: 1_918 },
  cercarbono: { projects: 231, serials: 2_529, retirements: 9_350 },
  // §12 has no size for Isometric. The fixture is taken as the whole registry on 2026-04-14: its
  // 50 projects are the list sorted by name from "A…" to "U.S. Agroforestry…", and every
  // project named by the 100 newest issuances and retirements is among them. The 100 newest
  // issuances (back to 2023-12) hold all the units the projects' `issued_credits_total` count
  // but one project's 1,267.62 t (about one issuance): 101. The 100 newest retirements (since
  // 2025-11-30) hold 14,366 of the 26,791 t the projects' `retired_credits_total` count: about
  // 187 retirements at the same mean size.
  isometric: { projects: 50, issuances: 101, retirements: 187 },
};

/** Scale 1 is this fraction of the market; `--scale 100` is the market. */
export const baseFraction = 0.01;

export interface GenerateOptions {
  /** Root folder; the data set goes to `<root>/scale-<scale>-seed-<seed>`. */
  root: string;
  scale: number;
  seed: number;
  /** Cross-program duplicates to plant (default: 5 % of Verra's projects, at least 3). */
  duplicates?: number;
  /** Double-issued Verra blocks to plant (default: as many as duplicates). */
  serialOverlaps?: number;
  fixturesDir?: string;
  /** Rewrite even when a data set with the same parameters exists. */
  force?: boolean;
}

/** CAR's folder in a data set: its folder in test/fixtures/registries, so `hub sync --from-dir` finds it. */
export const carFolder = 'climate-action-reserve';

/** ACR's and ART TREES' folders in a data set, as in test/fixtures/registries. */
export const acrFolder = 'american-carbon-registry';
export const artTreesFolder = 'art-trees';
/** Cercarbono's and Isometric's folders in a data set (as in test/fixtures/registries). */
export const cercarbonoFolder = 'cercarbono';
export const isometricFolder = 'isometric';

export function datasetDir(root: string, scale: number, seed: number): string {
  return join(root, `scale-${scale}-seed-${seed}`);
}

export function plannedSizes(scale: number): PlannedSizes {
  const size = (market: number) => Math.max(1, Math.round(market * baseFraction * scale));
  return {
    verra: { projects: size(marketSizes.verra.projects), blockRows: size(marketSizes.verra.blockRows) },
    goldStandard: { projects: size(marketSizes.goldStandard.projects), apiBlocks: size(marketSizes.goldStandard.apiBlocks) },
    car: {
      projects: size(marketSizes.car.projects),
      issuanceRows: size(marketSizes.car.issuanceRows),
      retirementRows: size(marketSizes.car.retirementRows),
      cancellationRows: size(marketSizes.car.cancellationRows),
    },
    arb: { issuanceRows: size(marketSizes.arb.issuanceRows) },
    acr: {
      projects: size(marketSizes.acr.projects),
      issuanceBlocks: size(marketSizes.acr.issuanceBlocks),
      retirementRows: size(marketSizes.acr.retirementRows),
      cancellationRows: size(marketSizes.acr.cancellationRows),
    },
    artTrees: {
      projects: size(marketSizes.artTrees.projects),
      issuanceRows: size(marketSizes.artTrees.issuanceRows),
      retirementRows: size(marketSizes.artTrees.retirementRows),
      cancellationRows: size(marketSizes.artTrees.cancellationRows),
    },
    cercarbono: {
      projects: size(marketSizes.cercarbono.projects),
      serials: size(marketSizes.cercarbono.serials),
      retirements: size(marketSizes.cercarbono.retirements),
    },
    isometric: {
      projects: size(marketSizes.isometric.projects),
      issuances: size(marketSizes.isometric.issuances),
      retirements: size(marketSizes.isometric.retirements),
    },
  };
}

/** Generates the data set unless one with the same parameters and generator version is there. */
export async function ensureDataset(options: GenerateOptions): Promise<{ dir: string; manifest: Manifest; reused: boolean }> {
  const dir = datasetDir(options.root, options.scale, options.seed);
  const planned = plannedSizes(options.scale);
  const duplicates = options.duplicates ?? defaultDuplicates(planned);
  const serialOverlaps = options.serialOverlaps ?? duplicates;
  const existing = options.force ? null : await readManifest(dir);
  if (
    existing &&
    existing.generatorVersion === generatorVersion &&
    existing.seed === options.seed &&
    existing.scale === options.scale &&
    existing.requested.duplicates === duplicates &&
    existing.requested.serialOverlaps === serialOverlaps
  ) {
    return { dir, manifest: existing, reused: true };
  }
  return { dir, manifest: await generate(dir, options, planned, duplicates, serialOverlaps), reused: false };
}

function defaultDuplicates(planned: PlannedSizes): number {
  return Math.max(3, Math.round(planned.verra.projects * 0.05));
}

async function generate(dir: string, options: GenerateOptions, planned: PlannedSizes, duplicates: number, serialOverlaps: number): Promise<Manifest> {
  const started = performance.now();
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'verra'), { recursive: true });
  await mkdir(join(dir, 'gold-standard'), { recursive: true });
  await mkdir(join(dir, carFolder), { recursive: true });
  await mkdir(join(dir, arbFolder), { recursive: true });
  await mkdir(join(dir, acrFolder), { recursive: true });
  await mkdir(join(dir, artTreesFolder), { recursive: true });
  await mkdir(join(dir, cercarbonoFolder), { recursive: true });
  await mkdir(join(dir, isometricFolder), { recursive: true });
  const fixtures = loadFixtures(options.fixturesDir);
  const random = new Random(options.seed);

  const verra = await writeVerra({
    dir: join(dir, 'verra'),
    random: random.fork('verra'),
    fixtures: fixtures.verra,
    projects: planned.verra.projects,
    blockRows: planned.verra.blockRows,
    relist: duplicates,
    relistCategories: goldStandardCategories(fixtures.goldStandard),
    overlaps: serialOverlaps,
  });
  const goldStandard = await writeGoldStandard({
    dir: join(dir, 'gold-standard'),
    random: random.fork('gold-standard'),
    fixtures: fixtures.goldStandard,
    projects: planned.goldStandard.projects,
    apiBlocks: planned.goldStandard.apiBlocks,
    relistSources: verra.relistSources,
  });
  // Forked after the others, so adding CAR left Verra's and Gold Standard's output as it was.
  const car = await writeCar({
    dir: join(dir, carFolder),
    random: random.fork('car'),
    fixtures: fixtures.car,
    ...planned.car,
  });
  // Forked after CAR, so adding ACR and ART TREES left the other registries' output as it was.
  const acr = await writeAcr({ dir: join(dir, acrFolder), random: random.fork('acr'), fixtures: fixtures.acr, ...planned.acr });
  const artTrees = await writeArtTrees({ dir: join(dir, artTreesFolder), random: random.fork('art-trees'), fixtures: fixtures.artTrees, ...planned.artTrees });
  // ARB's table is the offset registries' conversions (CAR's and ACR's), so it is written after
  // them, from what they wrote; its fork comes after theirs.
  const arb = await writeArb({
    dir: join(dir, arbFolder),
    random: random.fork('arb'),
    fixtures: fixtures.arb,
    sources: await readCompliancePrograms(await oprFoldersIn(dir)),
  });
  // Forked after the others, so Verra's, Gold Standard's and the APX registries' output stays as it was.
  const cercarbono = await writeCercarbono({
    dir: join(dir, cercarbonoFolder),
    random: random.fork('cercarbono'),
    fixtures: fixtures.cercarbono,
    ...planned.cercarbono,
  });
  const isometric = await writeIsometric({
    dir: join(dir, isometricFolder),
    random: random.fork('isometric'),
    fixtures: fixtures.isometric,
    ...planned.isometric,
  });

  const manifest: Manifest = {
    generatorVersion,
    seed: options.seed,
    scale: options.scale,
    baseFraction,
    requested: { duplicates, serialOverlaps },
    planned,
    counts: {
      verra: verra.counts,
      goldStandard: goldStandard.counts,
      car: car.counts,
      acr: acr.counts,
      artTrees: artTrees.counts,
      arb: arb.counts,
      cercarbono: cercarbono.counts,
      isometric: isometric.counts,
    },
    duplicates: goldStandard.duplicates,
    serialOverlaps: verra.serialOverlaps,
    layout: {
      verra: ['projects.csv', 'transactions.csv'],
      'gold-standard': ['projects.csv', 'issuances.csv', 'retirements.csv', 'api-projects.ndjson', 'api-credits.ndjson'],
      [carFolder]: ['projects.csv', 'issuances.csv', 'retirements.csv', 'cancellations.csv'],
      [arbFolder]: [arbSheetFile],
      [acrFolder]: ['projects.csv', 'issuances.csv', 'retirements.csv', 'cancellations.csv'],
      [artTreesFolder]: ['projects.csv', 'issuances.csv', 'retirements.csv', 'cancellations.csv'],
      [cercarbonoFolder]: ['projects.csv', 'issuances.csv', 'retirements.csv'],
      [isometricFolder]: ['projects.csv', 'issuances.csv', 'retirements.csv'],
    },
    generatedAt: new Date().toISOString(),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  await writeManifest(dir, manifest);
  return manifest;
}
