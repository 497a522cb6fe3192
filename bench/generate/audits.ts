/**
 * Checks of a generated data set that only some formats need, run by `checkDataset`
 * (check.ts) on each record as its connector reads it and normalizes it. Each holds a few
 * numbers per project, never the records.
 */
import type { NormalizeResult, RawRecord } from '../../connectors/contract.ts';

export interface Audit {
  add(record: RawRecord, result: NormalizeResult): void;
  /** What does not hold, once every record was added. */
  problems(): string[];
}

/** Sums in whole kilograms, so decimal tonnes compare exactly. */
const kg = (tonnes: number) => Math.round(tonnes * 1000);

/**
 * Isometric: a project row's running totals (`issued_credits_total`, `retired_credits_total`,
 * as the connector keeps them in `registryTotals`) equal the sums of its issuance and
 * retirement rows, and every credit's project is listed.
 */
export class IsometricTotalsAudit implements Audit {
  readonly #stated = new Map<string, { issued: number; retired: number }>();
  readonly #summed = new Map<string, { issued: number; retired: number }>();

  add(_record: RawRecord, result: NormalizeResult): void {
    if (!result.ok) return;
    for (const project of result.projects) {
      if (project.completeness !== 'full') continue;
      const totals = project.attributes.registryTotals as Record<string, number | null> | undefined;
      this.#stated.set(project.registryProjectId, { issued: kg(totals?.issued_credits_total ?? 0), retired: kg(totals?.retired_credits_total ?? 0) });
    }
    for (const credit of result.credits) {
      const entry = this.#summed.get(credit.registryProjectId) ?? { issued: 0, retired: 0 };
      if (credit.kind === 'issuance') entry.issued += kg(credit.quantity);
      else entry.retired += kg(credit.quantity);
      this.#summed.set(credit.registryProjectId, entry);
    }
  }

  problems(): string[] {
    const problems: string[] = [];
    for (const [project, summed] of this.#summed) {
      if (!this.#stated.has(project)) problems.push(`isometric ${project}: credits of a project the project list does not have`);
    }
    for (const [project, stated] of this.#stated) {
      const summed = this.#summed.get(project) ?? { issued: 0, retired: 0 };
      if (stated.issued !== summed.issued || stated.retired !== summed.retired) {
        problems.push(`isometric ${project}: totals say ${stated.issued / 1000} t issued, ${stated.retired / 1000} t retired; its rows ${summed.issued / 1000} and ${summed.retired / 1000}`);
      }
    }
    return problems;
  }
}

/**
 * Cercarbono: each project embeds (`serials`) exactly the serials issuances.csv lists under
 * it, with the same quantities, so the EcoRegistry feed built from the files and the files
 * describe one registry; and every retirement's unit range lies inside its serial's units.
 */
export class CercarbonoSerialsAudit implements Audit {
  /** serial → `<project> <quantity>`, as the project embeds it. */
  readonly #embedded = new Map<string, string>();
  readonly #listed = new Map<string, string>();
  /** serial → highest unit retired. */
  readonly #reach = new Map<string, number>();

  add(record: RawRecord, result: NormalizeResult): void {
    if (!result.ok) return;
    if (record.sourceKind === 'projects') {
      const serials = Array.isArray(record.payload.serials) ? (record.payload.serials as Record<string, unknown>[]) : [];
      const projectId = result.projects[0]!.registryProjectId;
      for (const serial of serials) this.#embedded.set(String(serial.serial), `${projectId} ${Number(serial.issued_quantity)}`);
    }
    for (const credit of result.credits) {
      if (credit.kind === 'issuance') this.#listed.set(credit.serialNumber!, `${credit.registryProjectId} ${credit.quantity}`);
      else if (credit.serialBlock !== null) this.#reach.set(credit.serialNumber!, Math.max(this.#reach.get(credit.serialNumber!) ?? 0, credit.serialBlock.lastUnit));
    }
  }

  problems(): string[] {
    const problems: string[] = [];
    for (const [serial, embedded] of this.#embedded) {
      if (this.#listed.get(serial) !== embedded) problems.push(`cercarbono ${serial}: embedded as ${embedded}, issuances.csv has ${this.#listed.get(serial) ?? 'no row'}`);
    }
    for (const serial of this.#listed.keys()) {
      if (!this.#embedded.has(serial)) problems.push(`cercarbono ${serial}: in issuances.csv but embedded in no project`);
    }
    for (const [serial, reach] of this.#reach) {
      const quantity = Number(this.#listed.get(serial)?.split(' ')[1] ?? 0);
      // Units are numbered from 0 or from 1 (§6): the last one is at most the quantity.
      if (reach > quantity) problems.push(`cercarbono ${serial}: unit ${reach} retired, ${quantity} issued`);
    }
    return problems;
  }
}
