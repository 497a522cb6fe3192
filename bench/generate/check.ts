/**
 * Checks a generated data set through the connectors themselves: every record of every
 * format normalizes without rejection, serial ranges of one namespace overlap only where an
 * overlap was planted, no project retires and cancels more units of a vintage than it was
 * issued, and every planted re-listing shares a vintage, the country and the hub category with
 * its original (as the connectors' project records give them). Formats with checks of their
 * own run them too (audits.ts: Cercarbono's embedded serials, Isometric's project totals).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { acr } from '../../connectors/acr/index.ts';
import { arb } from '../../connectors/arb/index.ts';
import { artTrees } from '../../connectors/art-trees/index.ts';
import { car } from '../../connectors/car/index.ts';
import { cercarbono } from '../../connectors/cercarbono/index.ts';
import type { Connector, CreditKind, RawRecord } from '../../connectors/contract.ts';
import { goldStandard } from '../../connectors/gold-standard/index.ts';
import { GOLD_STANDARD_SOURCES, goldStandardNaturalKey } from '../../connectors/gold-standard/normalize.ts';
import { isometric } from '../../connectors/isometric/index.ts';
import { verra } from '../../connectors/verra/index.ts';
import { categorize } from '../../src/reference/categories.ts';
import { arbFolder } from './arb.ts';
import { checkArbConversions } from './arb-check.ts';
import { CercarbonoSerialsAudit, IsometricTotalsAudit, type Audit } from './audits.ts';
import { acrFolder, artTreesFolder, carFolder, cercarbonoFolder, isometricFolder } from './generate.ts';
import type { Manifest } from './manifest.ts';

export interface CheckReport {
  records: Record<string, number>;
  rejected: { source: string; naturalKey: string; reason: string; detail: string }[];
  /** Overlapping issuance blocks found, as `namespace first..last / first..last`. */
  overlaps: string[];
  problems: string[];
}

/** One format of a data set, read through its connector. */
interface Source {
  label: string;
  connector: Connector;
  records: AsyncIterable<RawRecord>;
  /**
   * Credits whose serial ranges partition a namespace, so must not overlap: issued blocks where
   * issuances carry serials (Verra, Gold Standard's CSV); retired and cancelled slices where
   * they do not (APX issuance rows have no serial, so a unit retired or cancelled twice is the
   * overlap to look for). None for Gold Standard's API view, the same blocks again.
   */
  disjoint: readonly CreditKind[];
  /**
   * Issued and used units are balanced per project and vintage; per project alone where
   * issuances carry no vintage (Isometric's have no `sequestered_on`, its retirements do).
   */
  balanceBy?: 'vintage' | 'project';
  /** Checks of this format's own (audits.ts). */
  audit?: Audit;
}

/** What the project records of a planted project say, once normalized. */
interface PlantedSeen {
  countryCodes: Set<string | null>;
  categories: Set<string | null>;
}

/** The Gold Standard API view of a data set, record by record, as `fetch` would yield it. */
export async function* goldStandardApiRecords(dir: string): AsyncIterable<RawRecord> {
  for (const [file, sourceKind] of [
    ['api-projects.ndjson', GOLD_STANDARD_SOURCES.apiProjects],
    ['api-credits.ndjson', GOLD_STANDARD_SOURCES.apiCredits],
  ] as const) {
    for await (const line of createInterface({ input: createReadStream(join(dir, 'gold-standard', file)), crlfDelay: Infinity })) {
      if (line === '') continue;
      const payload = JSON.parse(line) as Record<string, unknown>;
      yield { sourceKind, naturalKey: goldStandardNaturalKey(sourceKind, payload), payload };
    }
  }
}

export async function checkDataset(dir: string, manifest: Manifest): Promise<CheckReport> {
  const report: CheckReport = { records: {}, rejected: [], overlaps: [], problems: [] };
  const blocks = new Map<string, [number, number][]>();
  const planted = new Map<string, PlantedSeen>();
  for (const duplicate of manifest.duplicates) {
    for (const side of [duplicate.original, duplicate.relisted]) planted.set(`${side.programId}:${side.registryProjectId}`, { countryCodes: new Set(), categories: new Set() });
  }

  // Units issued, and units retired or cancelled, per source, project and vintage.
  const balances = new Map<string, { issued: number; used: number }>();

  const sources: Source[] = [
    { label: 'verra (CSV)', connector: verra, records: verra.readExports(join(dir, 'verra')), disjoint: ['issuance'] },
    { label: 'gold-standard (CSV)', connector: goldStandard, records: goldStandard.readExports(join(dir, 'gold-standard')), disjoint: ['issuance'] },
    { label: 'gold-standard (API)', connector: goldStandard, records: goldStandardApiRecords(dir), disjoint: [] },
    { label: 'car (APX CSV)', connector: car, records: car.readExports(join(dir, carFolder)), disjoint: ['retirement', 'cancellation'] },
    { label: 'acr (APX CSV)', connector: acr, records: acr.readExports(join(dir, acrFolder)), disjoint: ['retirement', 'cancellation'] },
    { label: 'art-trees (APX CSV)', connector: artTrees, records: artTrees.readExports(join(dir, artTreesFolder)), disjoint: ['retirement', 'cancellation'] },
    // ARB's credits carry no serials: of the checks above only the balance applies.
    { label: 'arb (issuance table)', connector: arb, records: arb.readExports(join(dir, arbFolder)), disjoint: ['retirement', 'cancellation'] },
    // Cercarbono's serials have no unit range; its retirements' `from`/`to` slice them.
    {
      label: 'cercarbono (CSV)',
      connector: cercarbono,
      records: cercarbono.readExports(join(dir, cercarbonoFolder)),
      disjoint: ['retirement'],
      audit: new CercarbonoSerialsAudit(),
    },
    // Isometric publishes no serials.
    {
      label: 'isometric (CSV)',
      connector: isometric,
      records: isometric.readExports(join(dir, isometricFolder)),
      disjoint: [],
      balanceBy: 'project',
      audit: new IsometricTotalsAudit(),
    },
  ];
  // ACR issuance rows with buffer pool units: GreenTrace lists each as two issued blocks.
  let acrBufferRows = 0;
  for (const { label, connector, records, disjoint, balanceBy = 'vintage', audit } of sources) {
    let count = 0;
    for await (const record of records) {
      count += 1;
      if (connector === acr && record.sourceKind === 'issuances' && Number(record.payload['Credits Issued to Buffer Pool']) > 0) acrBufferRows += 1;
      const result = connector.normalize(record);
      audit?.add(record, result);
      if (!result.ok) {
        report.rejected.push({ source: label, naturalKey: record.naturalKey, ...result.rejection, detail: result.rejection.detail });
        continue;
      }
      for (const project of result.projects) {
        const seen = planted.get(`${project.programId}:${project.registryProjectId}`);
        if (!seen || project.completeness !== 'full') continue;
        seen.countryCodes.add(project.countryCode);
        seen.categories.add(categorize(project));
      }
      if (disjoint.length === 0 && balanceBy === 'vintage') continue;
      for (const credit of result.credits) {
        const balance = `${label} ${credit.registryProjectId}` + (balanceBy === 'vintage' ? ` ${credit.vintageYear}` : '');
        const entry = balances.get(balance) ?? { issued: 0, used: 0 };
        if (credit.kind === 'issuance') entry.issued += credit.quantity;
        else entry.used += credit.quantity;
        balances.set(balance, entry);
        if (!disjoint.includes(credit.kind) || credit.serialBlock === null) continue;
        const { namespace, firstUnit, lastUnit } = credit.serialBlock;
        const list = blocks.get(namespace);
        if (list) list.push([firstUnit, lastUnit]);
        else blocks.set(namespace, [[firstUnit, lastUnit]]);
      }
    }
    report.records[label] = count;
    if (audit) report.problems.push(...audit.problems());
  }

  for (const [namespace, ranges] of blocks) {
    ranges.sort((a, b) => a[0] - b[0]);
    let reach: [number, number] | null = null;
    for (const range of ranges) {
      if (reach && range[0] <= reach[1]) report.overlaps.push(`${namespace} ${reach[0]}..${reach[1]} / ${range[0]}..${range[1]}`);
      if (!reach || range[1] > reach[1]) reach = range;
    }
  }

  const expected = {
    'verra (CSV)': manifest.counts.verra.projects + manifest.counts.verra.blockRows,
    'gold-standard (CSV)': manifest.counts.goldStandard.projects + manifest.counts.goldStandard.issuanceRows + manifest.counts.goldStandard.retirementRows,
    'gold-standard (API)': manifest.counts.goldStandard.projects + manifest.counts.goldStandard.apiBlocks,
    'car (APX CSV)': manifest.counts.car.projects + manifest.counts.car.issuanceRows + manifest.counts.car.retirementRows + manifest.counts.car.cancellationRows,
    'acr (APX CSV)': manifest.counts.acr.projects + manifest.counts.acr.issuanceRows + manifest.counts.acr.retirementRows + manifest.counts.acr.cancellationRows,
    'art-trees (APX CSV)':
      manifest.counts.artTrees.projects + manifest.counts.artTrees.issuanceRows + manifest.counts.artTrees.retirementRows + manifest.counts.artTrees.cancellationRows,
    'arb (issuance table)': manifest.counts.arb.issuanceRows,
    'cercarbono (CSV)': manifest.counts.cercarbono.projects + manifest.counts.cercarbono.serials + manifest.counts.cercarbono.retirementRows,
    'isometric (CSV)': manifest.counts.isometric.projects + manifest.counts.isometric.issuanceRows + manifest.counts.isometric.retirementRows,
  };
  for (const [label, count] of Object.entries(expected)) {
    if (report.records[label] !== count) report.problems.push(`${label}: read ${report.records[label]} records, the manifest says ${count}`);
  }
  if (manifest.counts.acr.issuanceRows + acrBufferRows !== manifest.counts.acr.issuanceBlocks) {
    report.problems.push(`acr: ${manifest.counts.acr.issuanceRows} issuance rows and ${acrBufferRows} with buffer pool units are not the manifest's ${manifest.counts.acr.issuanceBlocks} GreenTrace blocks`);
  }
  for (const [key, { issued, used }] of balances) {
    if (used > issued) report.problems.push(`${key}: ${used} units retired or cancelled, ${issued} issued`);
  }
  if (report.overlaps.length !== manifest.serialOverlaps.length) {
    report.problems.push(`${report.overlaps.length} overlapping serial ranges found, ${manifest.serialOverlaps.length} planted`);
  }
  for (const duplicate of manifest.duplicates) {
    if (duplicate.overlappingVintages.length === 0) report.problems.push(`${duplicate.id}: no vintage in common with its original`);
    const [original, relisted] = [duplicate.original, duplicate.relisted].map((side) => planted.get(`${side.programId}:${side.registryProjectId}`)!);
    const one = (values: Set<string | null>) => (values.size === 1 ? [...values][0]! : null);
    const [originalCountry, relistedCountry] = [one(original!.countryCodes), one(relisted!.countryCodes)];
    if (originalCountry === null || originalCountry !== relistedCountry) {
      report.problems.push(`${duplicate.id}: countries ${[...original!.countryCodes].map(String).join('/')} and ${[...relisted!.countryCodes].map(String).join('/')} are not one and the same`);
    }
    const [originalCategory, relistedCategory] = [one(original!.categories), one(relisted!.categories)];
    if (originalCategory === null || originalCategory !== relistedCategory) {
      report.problems.push(`${duplicate.id}: hub categories ${[...original!.categories].map(String).join('/')} and ${[...relisted!.categories].map(String).join('/')} are not one and the same`);
    }
  }
  report.problems.push(...(await checkArbConversions(dir)));
  if (report.rejected.length > 0) report.problems.push(`${report.rejected.length} records rejected by normalize`);
  return report;
}
