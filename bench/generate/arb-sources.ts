/**
 * What ARB's issuance table is generated from: the compliance projects of the offset project
 * registries (OPRs) already written to the data set (CAR, and ACR when the data set has it),
 * read back through their own connectors, and the units each converted to ARB offset credits
 * per vintage (registries.md §10, §11: an ARB issuance is the registry's credits cancelled for
 * ARB, `Canceled for Compliance` on CAR's issuance row, `Convert to ARB offset credits` at ACR).
 *
 * Reading the written exports through the connectors, rather than sharing state with car.ts,
 * keeps CAR's output as it was and reads whatever format the ACR generator writes, as long as
 * its connector reads it. Memory: a few numbers per compliance project and converted vintage.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { acr } from '../../connectors/acr/index.ts';
import { car } from '../../connectors/car/index.ts';
import type { Connector, NormalizedCredit, NormalizedProject } from '../../connectors/contract.ts';
import { subdivisionCodes } from '../../src/matching/features/location.ts';

/** A registry folder of the data set and the connector that reads it. */
export interface RegistryFolder {
  connector: Connector;
  dir: string;
}

/** The units of one vintage of a project that the registry cancelled for ARB. */
export interface ConvertedVintage {
  vintage: number;
  units: number;
  /** Part of `units` the registry issued to the compliance buffer pool (CAR's IFM second batch). */
  complianceBuffer: number;
  /** First day the registry cancelled units of this vintage for ARB (`YYYY-MM-DD`). */
  convertedOn: string;
  /** The registry's vintage assignment period, where it publishes one (ACR). */
  periodStart: string | null;
  periodEnd: string | null;
}

/** A registry project listed with a CARB project id, and what it converted. */
export interface ComplianceProject {
  /** The registry's program id (`car`, `acr`). */
  programId: string;
  /** Its id there, which ARB writes as `OPR Project ID` (`CAR1234`, `ACR123`). */
  registryProjectId: string;
  /** Its CARB project id (`CAOD5104`): CAR's `ARB ID`, ACR's `Compliance Program ID (ARB or Ecology)`. */
  carbProjectId: string;
  name: string | null;
  operator: string | null;
  verificationBody: string | null;
  /** US postal code of the (first) state of the site, as ARB's `State` writes it; null when not a US state. */
  state: string | null;
  /** Vintages with units converted for ARB, oldest first. */
  vintages: ConvertedVintage[];
}

/** `OHIO`, `WEST VIRGINIA; PENNSYLVANIA` → `OH`, `WV`: ARB writes one postal code. */
export function postalCode(subdivision: string | null): string | null {
  const first = subdivision?.split(/[;,/]/)[0]?.trim() ?? '';
  const code = subdivisionCodes('US', first)[0];
  return code !== undefined && /^US-[A-Z]{2}$/.test(code) ? code.slice(3) : null;
}

function attributeText(project: NormalizedProject, column: string): string | null {
  const value = project.attributes[column];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The registry's ARB conversions: cancellations its connector reads as converted to `arb`. */
function isArbConversion(credit: NormalizedCredit): boolean {
  return credit.kind === 'cancellation' && credit.attributes.convertedToProgram === 'arb' && credit.vintageYear !== null;
}

/** A CAR issuance's compliance buffer batch, when the issuance was converted. */
function complianceBufferOf(credit: NormalizedCredit): number {
  const quantities = credit.attributes.quantities as Record<string, number> | undefined;
  return (quantities?.canceledForCompliance ?? 0) > 0 ? (quantities?.complianceBufferPool ?? 0) : 0;
}

/**
 * The compliance projects of the given registry folders that converted units for ARB, in the
 * order their registries list them. A project whose list row names no CARB id (a Washington
 * `ECY…` project, or one the list lacks) gives no ARB row: ARB lists only its own ids.
 */
export async function readCompliancePrograms(folders: readonly RegistryFolder[]): Promise<ComplianceProject[]> {
  const projects: ComplianceProject[] = [];
  for (const { connector, dir } of folders) {
    const listed = new Map<string, ComplianceProject>();
    const converted = new Map<string, ConvertedVintage>();
    const buffers = new Map<string, number>();
    for await (const record of connector.readExports(dir)) {
      const result = connector.normalize(record);
      if (!result.ok) continue;
      for (const project of result.projects) {
        if (project.completeness !== 'full') continue;
        const carb = project.crossReferences.find((reference) => reference.programId === 'arb');
        if (!carb) continue;
        listed.set(project.registryProjectId, {
          programId: connector.id,
          registryProjectId: project.registryProjectId,
          carbProjectId: carb.registryProjectId.trim().toUpperCase(),
          name: project.name,
          operator: attributeText(project, 'Offset Project Operator') ?? project.proponent,
          verificationBody: attributeText(project, 'Verification Body') ?? attributeText(project, 'Current VVB'),
          state: postalCode(project.subdivision),
          vintages: [],
        });
      }
      for (const credit of result.credits) {
        const key = `${credit.registryProjectId}\u0000${credit.vintageYear}`;
        if (credit.kind === 'issuance') {
          const buffer = complianceBufferOf(credit);
          if (buffer > 0) buffers.set(key, (buffers.get(key) ?? 0) + buffer);
          continue;
        }
        if (!isArbConversion(credit)) continue;
        const on = (credit.transactionDate ?? credit.issuanceDate ?? '').slice(0, 10);
        const entry = converted.get(key);
        if (entry) {
          entry.units += credit.quantity;
          if (on !== '' && on < entry.convertedOn) entry.convertedOn = on;
        } else {
          converted.set(key, {
            vintage: credit.vintageYear!,
            units: credit.quantity,
            complianceBuffer: 0,
            convertedOn: on,
            periodStart: credit.vintageStart,
            periodEnd: credit.vintageEnd,
          });
        }
      }
    }
    for (const [key, entry] of converted) {
      const project = listed.get(key.split('\u0000')[0]!);
      if (!project) continue;
      entry.complianceBuffer = Math.min(entry.units, buffers.get(key) ?? 0);
      project.vintages.push(entry);
    }
    for (const project of listed.values()) {
      if (project.vintages.length === 0) continue;
      project.vintages.sort((a, b) => a.vintage - b.vintage);
      projects.push(project);
    }
  }
  return projects;
}

/** Folders of the offset project registries ARB's rows come from, as test/fixtures/registries names them. */
export const oprFolders: readonly { connector: Connector; folder: string }[] = [
  { connector: car, folder: 'climate-action-reserve' },
  { connector: acr, folder: 'american-carbon-registry' },
];

/**
 * The OPR folders the data set holds: CAR always, ACR once its generator writes it (another
 * branch adds it). ARB's table is written after them.
 */
export async function oprFoldersIn(datasetDir: string): Promise<RegistryFolder[]> {
  const present = await Promise.all(oprFolders.map(async ({ folder }) => (await stat(join(datasetDir, folder)).catch(() => null))?.isDirectory() === true));
  return oprFolders.filter((_, index) => present[index]).map(({ connector, folder }) => ({ connector, dir: join(datasetDir, folder) }));
}
