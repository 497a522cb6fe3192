/**
 * The check particular to ARB's generated table (called by check.ts): read through the ARB
 * connector, its issuances must be the registries' conversions, read through theirs. Every
 * registry project and vintage converted for ARB has ARB issuances of exactly those units under
 * the project's own CARB id, and every ARB issuance names (`OPR Project ID`) a registry project
 * that converted them; no issuance retires more than it issued, nor puts more in the forest
 * buffer.
 */
import { join } from 'node:path';
import { arb } from '../../connectors/arb/index.ts';
import type { CrossReference } from '../../connectors/contract.ts';
import { arbFolder } from './arb.ts';
import { oprFoldersIn, readCompliancePrograms } from './arb-sources.ts';

export async function checkArbConversions(dir: string): Promise<string[]> {
  const problems: string[] = [];
  const registry = new Map<string, number>();
  const carbIdOf = new Map<string, string>();
  for (const project of await readCompliancePrograms(await oprFoldersIn(dir))) {
    carbIdOf.set(`${project.programId}:${project.registryProjectId}`, project.carbProjectId);
    for (const converted of project.vintages) registry.set(`${project.programId}:${project.registryProjectId} ${converted.vintage}`, converted.units);
  }

  const issued = new Map<string, number>();
  const used = new Map<string, number>();
  for await (const record of arb.readExports(join(dir, arbFolder))) {
    const result = arb.normalize(record);
    if (!result.ok) continue; // counted by check.ts
    for (const credit of result.credits) {
      const entry = credit.attributes.carbIssuanceId as string;
      if (credit.kind !== 'issuance') {
        used.set(entry, (used.get(entry) ?? 0) + credit.quantity);
        continue;
      }
      issued.set(entry, credit.quantity);
      const buffer = credit.attributes.forestBufferAccountContribution as number | null;
      if (buffer !== null && buffer > credit.quantity) problems.push(`arb ${entry}: forest buffer ${buffer} above the ${credit.quantity} issued`);
      const opr = (credit.attributes.oprReferences as CrossReference[])[0];
      if (!opr) {
        problems.push(`arb ${entry}: no OPR project`);
        continue;
      }
      const project = `${opr.programId}:${opr.registryProjectId}`;
      if (carbIdOf.get(project) !== credit.registryProjectId) {
        problems.push(`arb ${entry}: CARB project ${credit.registryProjectId}, while ${project} lists ${carbIdOf.get(project) ?? 'no CARB id'}`);
      }
      const key = `${project} ${credit.vintageYear}`;
      const left = (registry.get(key) ?? 0) - credit.quantity;
      if (registry.has(key)) registry.set(key, left);
      else problems.push(`arb ${entry}: ${credit.quantity} issued for ${key}, which converted nothing for ARB`);
    }
  }
  for (const [key, left] of registry) {
    if (left !== 0) problems.push(`${key}: the units converted for ARB and ARB's issuances differ by ${left}`);
  }
  for (const [entry, units] of used) {
    if (units > (issued.get(entry) ?? 0)) problems.push(`arb ${entry}: ${units} retired or cancelled, ${issued.get(entry) ?? 0} issued`);
  }
  return problems;
}
