/**
 * What a generated data set holds: its parameters, its sizes, and the duplicates planted in
 * it. The matching benchmark scores the matcher against `duplicates`; `generate --check`
 * checks the exports' row counts against `counts`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NamePerturbation } from './names.ts';

/** Bump whenever the generator's output changes for the same parameters: cached data sets are then rewritten. */
export const generatorVersion = 6;

export interface PlannedSizes {
  verra: { projects: number; blockRows: number };
  goldStandard: { projects: number; apiBlocks: number };
  car: { projects: number; issuanceRows: number; retirementRows: number; cancellationRows: number };
  /** §12's market size scaled, for comparison: ARB's rows follow the registries' conversions (bench/generate/arb.ts). */
  arb: { issuanceRows: number };
  /** ACR: GreenTrace issued blocks (issuance rows plus rows with buffer pool units) and APX ledger rows. */
  acr: { projects: number; issuanceBlocks: number; retirementRows: number; cancellationRows: number };
  artTrees: { projects: number; issuanceRows: number; retirementRows: number; cancellationRows: number };
  cercarbono: { projects: number; serials: number; retirements: number };
  isometric: { projects: number; issuances: number; retirements: number };
}

export interface VerraCounts {
  projects: number;
  /** Rows of transactions.csv (VCU blocks in their current state). */
  blockRows: number;
  /** Blocks with a retirement/cancellation date: each yields a second credit row. */
  retiredBlocks: number;
  issuingProjects: number;
}

export interface GoldStandardCounts {
  projects: number;
  issuingProjects: number;
  /** CSV export rows. */
  issuanceRows: number;
  retirementRows: number;
  /** Blocks the public API lists (`/credits`): what a sync over HTTP reads. */
  apiBlocks: number;
  /** API blocks that are retired or cancelled: each yields a second credit row. */
  apiRetiredOrCancelled: number;
}

export interface CarCounts {
  projects: number;
  issuingProjects: number;
  /** Issuing projects of an ARB or WA ECO compliance type: their units are the ones cancelled (converted). */
  complianceProjects: number;
  /** Rows of each APX report export (issuances carry no serials; each row is one or two serial batches). */
  issuanceRows: number;
  retirementRows: number;
  cancellationRows: number;
  /** Serial batches (namespaces) the issuance rows were issued as. */
  batches: number;
  issuedUnits: number;
  retiredUnits: number;
  cancelledUnits: number;
}

export interface AcrCounts {
  projects: number;
  issuingProjects: number;
  /** Issuing projects whose units are ARB or Ecology eligible: their units are the ones cancelled (converted or removed). */
  complianceProjects: number;
  /** Rows of issuances.csv (no serials; each row is one serial batch, two with buffer pool units). */
  issuanceRows: number;
  /** Issuance rows with `Credits Issued to Buffer Pool`. */
  bufferRows: number;
  /** Blocks of GreenTrace's issued ledger as the emulation serves them: issuance rows plus buffer rows. */
  issuanceBlocks: number;
  retirementRows: number;
  cancellationRows: number;
  /** Cancellations that convert units to ARB or Ecology offset credits (the others are removals). */
  conversionRows: number;
  batches: number;
  issuedUnits: number;
  retiredUnits: number;
  cancelledUnits: number;
}

export interface ArtTreesCounts {
  projects: number;
  issuingProjects: number;
  /** Rows of issuances.csv: each one issued block of GreenTrace's ledger, of one or two serial batches. */
  issuanceRows: number;
  retirementRows: number;
  cancellationRows: number;
  batches: number;
  /** `Credits Verified` of the issuance rows (the buffer deposit is not the program's). */
  issuedUnits: number;
  retiredUnits: number;
  cancelledUnits: number;
}

export interface ArbCounts {
  /** Rows of the data sheet. */
  issuanceRows: number;
  /** Rows with an issuance (`CARB Issuance ID`): one per registry project and vintage converted for ARB. */
  creditRows: number;
  /** Reporting periods that credited nothing (no issuance id, no quantities). */
  zeroCreditRows: number;
  /** CARB projects. */
  projects: number;
  /** Rows with credits per registry (`OPR Project ID`) program id: `car`, `acr`. */
  fromRegistry: Record<string, number>;
  issuedUnits: number;
  /** Part of `issuedUnits` contributed to the forest buffer account. */
  forestBufferUnits: number;
  /** Units of every retirement column, the buffer pool's included. */
  retiredUnits: number;
}

export interface CercarbonoCounts {
  projects: number;
  /** Projects with serials (the rest embed `[]`). */
  issuingProjects: number;
  /** Rows of issuances.csv: one per serial, each embedded in its project's `serials` too. */
  serials: number;
  /** Serials of buffer units (`_BF`, `_BFC`; never retired). */
  bufferSerials: number;
  retirementRows: number;
  issuedUnits: number;
  retiredUnits: number;
}

export interface IsometricCounts {
  projects: number;
  issuingProjects: number;
  issuanceRows: number;
  retirementRows: number;
  /** Amounts in whole kilograms (`credit_kgs`), so they add up exactly: issued (supplier + buffer), of it the buffer pool's, and retired. */
  issuedKg: number;
  bufferKg: number;
  retiredKg: number;
}

/**
 * The same activity listed in two programs, named differently, with overlapping vintages. Both
 * listings are in the same country and normalize to the same hub category (a re-listed project
 * keeps its activity); the copy shares a methodology family with the original when Gold
 * Standard's fixtures have one of the original's methodologies for that category.
 */
export interface CrossProgramDuplicate {
  kind: 'cross-program-relisting';
  id: string;
  original: PlantedProject;
  relisted: PlantedProject;
  perturbations: NamePerturbation[];
  countryCode: string | null;
  overlappingVintages: number[];
}

export interface PlantedProject {
  programId: string;
  registryProjectId: string;
  name: string;
  countryName: string;
  /** The hub category its rows normalize to (bench/generate/activity.ts). */
  category: string | null;
  /** Its methodology families: protocol keys, as the matcher compares them. */
  methodologies: string[];
  vintages: number[];
  /** Units issued to the project over all its blocks. */
  issued: number;
}

/** Two blocks of different projects whose unit ranges overlap inside one serial namespace (double issuance). */
export interface SerialOverlap {
  kind: 'serial-overlap';
  id: string;
  programId: string;
  namespace: string;
  first: PlantedBlock;
  second: PlantedBlock;
  overlappingUnits: number;
}

export interface PlantedBlock {
  registryProjectId: string;
  serialNumber: string;
  firstUnit: number;
  lastUnit: number;
}

export interface Manifest {
  generatorVersion: number;
  seed: number;
  scale: number;
  /** Fraction of the market (registries.md §12) that scale 1 stands for. */
  baseFraction: number;
  /** Planted duplicates asked for (fewer are planted when too few issuing Verra projects have a category Gold Standard lists). */
  requested: { duplicates: number; serialOverlaps: number };
  planned: PlannedSizes;
  counts: {
    verra: VerraCounts;
    goldStandard: GoldStandardCounts;
    car: CarCounts;
    acr: AcrCounts;
    artTrees: ArtTreesCounts;
    arb: ArbCounts;
    cercarbono: CercarbonoCounts;
    isometric: IsometricCounts;
  };
  duplicates: CrossProgramDuplicate[];
  serialOverlaps: SerialOverlap[];
  /** Folders, laid out like test/fixtures/registries (`hub sync --from-dir`). */
  layout: Record<string, string[]>;
  generatedAt: string;
  seconds: number;
}

export const manifestFile = 'manifest.json';

export async function readManifest(dir: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await readFile(join(dir, manifestFile), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFile(join(dir, manifestFile), JSON.stringify(manifest, null, 2) + '\n');
}
