/**
 * The scale generator (bench/generate): a small data set, read back through the connectors
 * (`checkDataset`). No database.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arbFolder, arbSheetFile, writeArb } from '../../bench/generate/arb.ts';
import { checkArbConversions } from '../../bench/generate/arb-check.ts';
import { readCompliancePrograms } from '../../bench/generate/arb-sources.ts';
import { CercarbonoSerialsAudit, IsometricTotalsAudit } from '../../bench/generate/audits.ts';
import { checkDataset, type CheckReport } from '../../bench/generate/check.ts';
import { loadFixtures } from '../../bench/generate/fixtures.ts';
import { acrFolder, artTreesFolder, carFolder, cercarbonoFolder, ensureDataset, isometricFolder, marketSizes, plannedSizes } from '../../bench/generate/generate.ts';
import { writeIsometric } from '../../bench/generate/isometric.ts';
import type { Manifest } from '../../bench/generate/manifest.ts';
import { Random } from '../../bench/generate/random.ts';
import { benchSecrets, startBenchRegistries, type BenchRegistries } from '../../bench/serve/registries.ts';
import { acr } from '../../connectors/acr/index.ts';
import { arb } from '../../connectors/arb/index.ts';
import { artTrees } from '../../connectors/art-trees/index.ts';
import { car } from '../../connectors/car/index.ts';
import { cercarbono } from '../../connectors/cercarbono/index.ts';
import type { Connector, NormalizedCredit, RawRecord } from '../../connectors/contract.ts';
import { HttpClient } from '../../connectors/http.ts';
import { isometric } from '../../connectors/isometric/index.ts';
import { silentLogger } from '../../src/logger.ts';

let root: string;
let dir: string;
let manifest: Manifest;
let report: CheckReport;

// More re-listings than the default 3 at scale 1, so most issuing projects that can be re-listed are.
const options = { scale: 1, seed: 7, duplicates: 12 };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hub-generate-'));
  ({ dir, manifest } = await ensureDataset({ root, ...options }));
  report = await checkDataset(dir, manifest);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const exportFiles = [
  'verra/projects.csv',
  'verra/transactions.csv',
  'gold-standard/projects.csv',
  'gold-standard/issuances.csv',
  'gold-standard/api-credits.ndjson',
  ...['projects.csv', 'issuances.csv', 'retirements.csv', 'cancellations.csv'].map((file) => `${carFolder}/${file}`),
  ...[acrFolder, artTreesFolder].flatMap((folder) => ['projects.csv', 'issuances.csv', 'retirements.csv', 'cancellations.csv'].map((file) => `${folder}/${file}`)),
  ...[cercarbonoFolder, isometricFolder].flatMap((folder) => ['projects.csv', 'issuances.csv', 'retirements.csv'].map((file) => `${folder}/${file}`)),
];
const digest = async (folder: string) => Promise.all(exportFiles.map(async (file) => createHash('sha256').update(await readFile(join(folder, file))).digest('hex')));

describe('the scale generator', () => {
  it('writes exports the connectors read without a rejection, with only the planted serial overlaps', () => {
    expect(report.rejected).toEqual([]);
    expect(report.problems).toEqual([]);
  });

  it('plants re-listings in the same country and hub category as their originals, sharing a vintage', () => {
    expect(manifest.duplicates).toHaveLength(options.duplicates);
    // checkDataset compares what the connectors' project records say; the manifest says the same.
    for (const duplicate of manifest.duplicates) {
      expect(duplicate.relisted.countryName).toBe(duplicate.original.countryName);
      expect(typeof duplicate.original.category).toBe('string');
      expect(duplicate.relisted.category).toBe(duplicate.original.category);
      expect(duplicate.overlappingVintages.length).toBeGreaterThan(0);
    }
  });

  it('writes the same exports for the same seed', async () => {
    const again = await ensureDataset({ root: join(root, 'again'), ...options });
    expect(again.manifest.duplicates).toEqual(manifest.duplicates);
    expect(await digest(again.dir)).toEqual(await digest(dir));
  });
});

async function collect(records: AsyncIterable<RawRecord>): Promise<RawRecord[]> {
  const all: RawRecord[] = [];
  for await (const record of records) all.push(record);
  return all;
}

/**
 * What the connector's real `fetch` reads from the bench's emulation of the data set
 * (bench/serve/registries.ts), and how many requests the program's server answered.
 */
async function fetchServed(connector: Connector, program: keyof BenchRegistries['baseUrls'], secrets: Record<string, string> = {}): Promise<{ fetched: RawRecord[]; requests: number }> {
  const registries = await startBenchRegistries(dir);
  const http = new HttpClient({ requestsPerSecondPerHost: 0 });
  try {
    const fetched = await collect(connector.fetch({ http, baseUrl: registries.baseUrls[program], logger: silentLogger, secrets, watermark: null, startedAt: new Date() }));
    return { fetched, requests: registries.requests()[program]! };
  } finally {
    await http.close();
    await registries.close();
  }
}

describe('the scale generator, Climate Action Reserve', () => {
  let records: RawRecord[];
  let credits: NormalizedCredit[];
  beforeAll(async () => {
    records = await collect(car.readExports(join(dir, carFolder)));
    credits = creditsOf(car, records);
  });

  it('writes the four APX reports at the planned sizes, in APX form', async () => {
    const planned = plannedSizes(options.scale).car;
    const { projects, issuanceRows, retirementRows, cancellationRows } = manifest.counts.car;
    expect({ projects, issuanceRows, retirementRows, cancellationRows }).toEqual(planned);
    const bySource = (kind: string) => records.filter((record) => record.sourceKind === kind).length;
    expect([bySource('projects'), bySource('issuances'), bySource('retirements'), bySource('cancellations')]).toEqual([projects, issuanceRows, retirementRows, cancellationRows]);
    expect(manifest.layout[carFolder]).toEqual(['projects.csv', 'issuances.csv', 'retirements.csv', 'cancellations.csv']);
    // Every cell quoted, the exporter's trailing empty column, CRLF.
    const [header, first] = (await readFile(join(dir, carFolder, 'retirements.csv'), 'latin1')).split('\r\n');
    expect(header).toMatch(/^"Vintage","Offset Credit Serial Numbers",.*"Retirement Reason Details",$/);
    expect(first).toMatch(/^"\d{4}","CAR-(1|ROC)-[A-Z]{2}-\d+-.+ to \d+",.*,$/);
  });

  it('writes records that all normalize through the CAR connector, each project listed', () => {
    const rejected = records.filter((record) => !car.normalize(record).ok).map((record) => record.naturalKey);
    expect(rejected).toEqual([]);
    const listed = new Set(records.filter((record) => record.sourceKind === 'projects').map((record) => record.naturalKey));
    expect(credits.filter((credit) => !listed.has(credit.registryProjectId))).toEqual([]);
    expect(new Set(credits.map((credit) => credit.kind))).toEqual(new Set(['issuance', 'retirement', 'cancellation']));
  });

  it('retires and cancels slices of issued batches that never overlap and never exceed what was issued', () => {
    const slices = credits.filter((credit) => credit.kind !== 'issuance');
    expect(slices.every((credit) => credit.serialBlock !== null && credit.serialBlock.lastUnit - credit.serialBlock.firstUnit + 1 === credit.quantity)).toBe(true);
    const byNamespace = new Map<string, [number, number][]>();
    for (const { serialBlock } of slices) {
      const ranges = byNamespace.get(serialBlock!.namespace) ?? [];
      ranges.push([serialBlock!.firstUnit, serialBlock!.lastUnit]);
      byNamespace.set(serialBlock!.namespace, ranges);
    }
    for (const [namespace, ranges] of byNamespace) {
      ranges.sort((a, b) => a[0] - b[0]);
      ranges.slice(1).forEach((range, index) => expect(range[0], namespace).toBeGreaterThan(ranges[index]![1]));
    }
    const totals = new Map<string, { issued: number; used: number }>();
    for (const credit of credits) {
      const key = `${credit.registryProjectId} ${credit.vintageYear}`;
      const entry = totals.get(key) ?? { issued: 0, used: 0 };
      if (credit.kind === 'issuance') entry.issued += credit.quantity;
      else entry.used += credit.quantity;
      totals.set(key, entry);
    }
    expect([...totals].filter(([, { issued, used }]) => used > issued)).toEqual([]);
    // Compliance units are the ones converted: cancelled for ARB or WA ECO.
    const cancellations = slices.filter((credit) => credit.kind === 'cancellation');
    expect(cancellations.every((credit) => credit.serialNumber!.startsWith('CAR-ROC-') && ['ARB', 'WA ECO'].includes(credit.retirementReason!))).toBe(true);
    expect(manifest.counts.car.cancelledUnits).toBe(cancellations.reduce((sum, credit) => sum + credit.quantity, 0));
  });

  it('is served over HTTP the way the CAR connector fetches it (report page, token and cookie, POST download)', async () => {
    const { fetched, requests } = await fetchServed(car, 'car');
    expect(fetched.map((record) => record.naturalKey)).toEqual(records.map((record) => record.naturalKey));
    expect(fetched).toEqual(records);
    // One report page and one download for each of the four reports.
    expect(requests).toBe(8);
  });
});

describe('the scale generator, ARB issuance table', () => {
  const sheetPath = () => join(dir, arbFolder, arbSheetFile);
  let records: RawRecord[];
  let credits: NormalizedCredit[];
  beforeAll(async () => {
    records = await collect(arb.readExports(join(dir, arbFolder)));
    credits = creditsOf(arb, records);
  });

  it("writes the data sheet in the bundled snapshot's form, one row per registry project and vintage converted for ARB", async () => {
    const text = await readFile(sheetPath(), 'utf8');
    const fixture = await readFile(join('test/fixtures/registries/arb', arbSheetFile), 'utf8');
    // The fixture's header byte for byte, pandas' line endings and floats, ARB's placeholder.
    expect(text.split('\n')[0]).toBe(fixture.split('\n')[0]);
    expect(text.endsWith('\n') && !text.includes('\r')).toBe(true);
    const { issuanceRows, creditRows, zeroCreditRows, fromRegistry } = manifest.counts.arb;
    expect(text.split('\n').length - 2).toBe(issuanceRows);
    expect(records).toHaveLength(issuanceRows);
    expect(creditRows + zeroCreditRows).toBe(issuanceRows);
    // Both offset registries' conversions are in the table, and nothing else.
    expect(Object.keys(fromRegistry).sort()).toEqual(['acr', 'car']);
    expect(Object.values(fromRegistry).reduce((a, b) => a + b, 0)).toBe(creditRows);
    expect(text.split('\n')[1]).toMatch(/^CA(FR|LS|OD|MM)\d{4},(CAR|ACR)\d+,1,(Forest|Livestock|ODS|MMC),COP,\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},\d{4}\.0,\d+\.0,/);
    expect(manifest.layout[arbFolder]).toEqual([arbSheetFile]);
  });

  it('issues, per CAR and ACR project and vintage, exactly the units the registry cancelled for ARB, under the CARB id it lists', async () => {
    expect(await checkArbConversions(dir)).toEqual([]);
    const converted = new Map<string, number>();
    const arbIdOf = new Map<string, string>();
    const registries: [Connector, string][] = [
      [car, carFolder],
      [acr, acrFolder],
    ];
    for (const [connector, folder] of registries) {
      for (const record of await collect(connector.readExports(join(dir, folder)))) {
        const result = connector.normalize(record);
        if (!result.ok) continue;
        for (const project of result.projects) {
          const reference = project.crossReferences.find((candidate) => candidate.programId === 'arb');
          if (reference) arbIdOf.set(project.registryProjectId, reference.registryProjectId);
        }
        for (const credit of result.credits) {
          if (credit.kind !== 'cancellation' || credit.attributes.convertedToProgram !== 'arb') continue;
          const key = `${credit.registryProjectId} ${credit.vintageYear}`;
          converted.set(key, (converted.get(key) ?? 0) + credit.quantity);
        }
      }
    }
    const issued = new Map<string, number>();
    for (const credit of credits.filter((candidate) => candidate.kind === 'issuance')) {
      const opr = credit.attributes.oprProjectId as string;
      expect(credit.registryProjectId).toBe(arbIdOf.get(opr));
      const key = `${opr} ${credit.vintageYear}`;
      issued.set(key, (issued.get(key) ?? 0) + credit.quantity);
    }
    expect(converted.size).toBeGreaterThan(0);
    expect(issued).toEqual(converted);
    expect(manifest.counts.arb.issuedUnits).toBe([...converted.values()].reduce((a, b) => a + b, 0));
  });

  it('never retires more of an issuance than it issued, and keeps reporting periods before their issuance', () => {
    const byIssuance = new Map<string, { issued: number; used: number; issuedOn: string | null; periodEnd: string | null }>();
    for (const credit of credits) {
      const id = credit.attributes.carbIssuanceId as string;
      const entry = byIssuance.get(id) ?? { issued: 0, used: 0, issuedOn: null, periodEnd: null };
      if (credit.kind === 'issuance') Object.assign(entry, { issued: credit.quantity, issuedOn: credit.issuanceDate, periodEnd: credit.vintageEnd });
      else entry.used += credit.quantity;
      byIssuance.set(id, entry);
    }
    expect([...byIssuance].filter(([, { issued, used }]) => used > issued)).toEqual([]);
    expect([...byIssuance].filter(([, { issuedOn, periodEnd }]) => issuedOn === null || periodEnd === null || periodEnd > issuedOn)).toEqual([]);
    expect(manifest.counts.arb.retiredUnits).toBe(credits.filter((credit) => credit.kind !== 'issuance').reduce((sum, credit) => sum + credit.quantity, 0));
  });

  it('builds ACR rows from an ACR folder: its compliance projects, its conversions and its vintage periods', async () => {
    const sources = await readCompliancePrograms([{ connector: acr, dir: 'test/fixtures/registries/american-carbon-registry' }]);
    // The ACR fixture lists two of the projects it converted for ARB with their CARB ids.
    expect(sources.map(({ registryProjectId, carbProjectId, vintages }) => [registryProjectId, carbProjectId, vintages.map((v) => [v.vintage, v.units])])).toEqual([
      ['ACR1042', 'CAOD1042', [[2024, 92278]]],
      ['ACR1007', 'CAOD1007', [[2024, 79565]]],
    ]);
    const write = async (folder: string) => {
      await mkdir(folder, { recursive: true });
      await writeArb({ dir: folder, random: new Random(3), fixtures: loadFixtures().arb, sources });
      return readFile(join(folder, arbSheetFile), 'utf8');
    };
    const text = await write(join(root, 'arb-from-acr'));
    expect(await write(join(root, 'arb-from-acr-again'))).toBe(text);
    const rows = (await collect(arb.readExports(join(root, 'arb-from-acr')))).map((record) => record.payload);
    expect(rows.map((row) => [row['CARB Issuance ID'], row['OPR Project ID'], row['ARB Offset Credits Issued']])).toEqual([
      ['CAOD1007-A', 'ACR1007', '79565'],
      ['CAOD1042-A', 'ACR1042', '92278'],
    ]);
    // ARB's real row for CAOD1007-A has ACR's vintage assignment period as its reporting period.
    expect([rows[0]!['Reporting Period Start Date'], rows[0]!['Reporting Period End Date']]).toEqual(['2023-09-26', '2024-01-26']);
    expect(rows[0]!['Project Documentation']).toBe('https://acr2.apx.com/mymodule/reg/prjView.asp?id1=1007');
  });

  it('is served over HTTP the way the ARB connector fetches it (the page, then the workbook built from the sheet)', async () => {
    const { fetched, requests } = await fetchServed(arb, 'arb');
    expect(fetched.map((record) => record.naturalKey)).toEqual(records.map((record) => record.naturalKey));
    expect(fetched).toEqual(records);
    expect(requests).toBe(2);
  });
});

/** Credits of records normalized by `connector` (rejected records give none). */
function creditsOf(connector: Connector, records: readonly RawRecord[]): NormalizedCredit[] {
  return records.flatMap((record) => {
    const result = connector.normalize(record);
    return result.ok ? result.credits : [];
  });
}

/** Retired and cancelled slices that overlap inside a serial namespace, and project vintages using more than was issued. */
function ledgerFaults(credits: readonly NormalizedCredit[]): { overlaps: string[]; overdrawn: string[] } {
  const byNamespace = new Map<string, [number, number][]>();
  for (const { kind, serialBlock } of credits) {
    if (kind === 'issuance' || serialBlock === null) continue;
    const ranges = byNamespace.get(serialBlock.namespace) ?? [];
    ranges.push([serialBlock.firstUnit, serialBlock.lastUnit]);
    byNamespace.set(serialBlock.namespace, ranges);
  }
  const overlaps: string[] = [];
  for (const [namespace, ranges] of byNamespace) {
    ranges.sort((a, b) => a[0] - b[0]);
    ranges.slice(1).forEach((range, index) => {
      if (range[0] <= ranges[index]![1]) overlaps.push(`${namespace} ${range[0]}`);
    });
  }
  const totals = new Map<string, { issued: number; used: number }>();
  for (const credit of credits) {
    const key = `${credit.registryProjectId} ${credit.vintageYear}`;
    const entry = totals.get(key) ?? { issued: 0, used: 0 };
    if (credit.kind === 'issuance') entry.issued += credit.quantity;
    else entry.used += credit.quantity;
    totals.set(key, entry);
  }
  return { overlaps, overdrawn: [...totals].filter(([, { issued, used }]) => used > issued).map(([key]) => key) };
}

const unitsOf = (credits: readonly NormalizedCredit[], kind: NormalizedCredit['kind']) => credits.filter((credit) => credit.kind === kind).reduce((sum, credit) => sum + credit.quantity, 0);

describe('the scale generator, American Carbon Registry', () => {
  let records: RawRecord[];
  let credits: NormalizedCredit[];
  beforeAll(async () => {
    records = await collect(acr.readExports(join(dir, acrFolder)));
    credits = creditsOf(acr, records);
  });

  it('writes the four APX reports at the planned sizes, in APX form, with the planned GreenTrace blocks', async () => {
    const planned = plannedSizes(options.scale).acr;
    const counts = manifest.counts.acr;
    expect({ projects: counts.projects, retirementRows: counts.retirementRows, cancellationRows: counts.cancellationRows }).toEqual({
      projects: planned.projects,
      retirementRows: planned.retirementRows,
      cancellationRows: planned.cancellationRows,
    });
    // A row with buffer pool units is two blocks on GreenTrace.
    expect(counts.issuanceBlocks).toBe(planned.issuanceBlocks);
    expect(counts.issuanceRows + counts.bufferRows).toBe(counts.issuanceBlocks);
    expect(counts.bufferRows).toBeGreaterThan(0);
    const bySource = (kind: string) => records.filter((record) => record.sourceKind === kind).length;
    expect([bySource('projects'), bySource('issuances'), bySource('retirements'), bySource('cancellations')]).toEqual([
      counts.projects,
      counts.issuanceRows,
      counts.retirementRows,
      counts.cancellationRows,
    ]);
    const [header, first] = (await readFile(join(dir, acrFolder, 'cancellations.csv'), 'latin1')).split('\r\n');
    expect(header).toMatch(/^"Credit Serial Numbers","Date Issued \(GMT\)",.*"Status Effective  \(GMT\)",.*"Numberoffiles",$/);
    expect(first).toMatch(/^"ACR-[A-Z]{2}-\d+-\d{4}-\d+-\d+ to \d+","\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M",.*,$/);
  });

  it('writes records that all normalize through the ACR connector, each project listed, with real-looking compliance ids', () => {
    expect(records.filter((record) => !acr.normalize(record).ok).map((record) => record.naturalKey)).toEqual([]);
    const projects = records.filter((record) => record.sourceKind === 'projects');
    const listed = new Set(projects.map((record) => record.naturalKey));
    expect(credits.filter((credit) => !listed.has(credit.registryProjectId))).toEqual([]);
    expect(new Set(credits.map((credit) => credit.kind))).toEqual(new Set(['issuance', 'retirement', 'cancellation']));
    const ids = projects.map((record) => String(record.payload['Compliance Program ID (ARB or Ecology)'])).filter((id) => id !== '');
    expect(ids.length).toBeGreaterThanOrEqual(manifest.counts.acr.complianceProjects);
    expect(ids.filter((id) => !/^(CA(OD|MM|FR|LS)\d{4}|ECY(OD|MM|FR|LS)\d{3,4})$/.test(id))).toEqual([]);
  });

  it('retires and cancels slices of issued batches that never overlap and never exceed what was issued; compliance units are converted', () => {
    expect(ledgerFaults(credits)).toEqual({ overlaps: [], overdrawn: [] });
    expect(unitsOf(credits, 'issuance')).toBe(manifest.counts.acr.issuedUnits);
    expect(unitsOf(credits, 'retirement')).toBe(manifest.counts.acr.retiredUnits);
    expect(unitsOf(credits, 'cancellation')).toBe(manifest.counts.acr.cancelledUnits);
    const cancellations = records.filter((record) => record.sourceKind === 'cancellations');
    const conversions = cancellations.filter((record) => String(record.payload['Cancellation Type']).startsWith('Convert to '));
    expect(conversions).toHaveLength(manifest.counts.acr.conversionRows);
    // A conversion to ARB credits is of ARB-eligible units, to Ecology credits of Ecology-eligible ones.
    for (const record of conversions) {
      const program = String(record.payload['Cancellation Type']).includes('ARB') ? 'ARB Eligible' : 'Ecology Eligible';
      expect(record.payload[program], record.naturalKey).toBe('Yes');
    }
  });

  it("keeps each project's reporting periods one after another, each ending in its vintage year (as the ACR fixtures do)", () => {
    const periods = new Map<string, Map<string, NormalizedCredit>>();
    for (const credit of credits.filter((credit) => credit.kind === 'issuance')) {
      const ofProject = periods.get(credit.registryProjectId) ?? new Map<string, NormalizedCredit>();
      ofProject.set(`${credit.vintageStart}/${credit.vintageEnd}`, credit);
      periods.set(credit.registryProjectId, ofProject);
    }
    const overlapping: string[] = [];
    for (const [project, ofProject] of periods) {
      const sorted = [...ofProject.values()].sort((a, b) => String(a.vintageStart).localeCompare(String(b.vintageStart)));
      for (const [index, period] of sorted.entries()) {
        expect(Number(String(period.vintageEnd).slice(0, 4)), `${project} ${period.vintageStart}–${period.vintageEnd}`).toBe(period.vintageYear);
        const next = sorted[index + 1];
        if (next !== undefined && String(next.vintageStart) <= String(period.vintageEnd)) overlapping.push(`${project} ${period.vintageEnd} ≥ ${next.vintageStart}`);
      }
    }
    expect(periods.size).toBeGreaterThan(5);
    expect(overlapping).toEqual([]);
  });

  it('is served over the GreenTrace API the way the ACR connector fetches it, one block per issuance row and one per buffer pool', async () => {
    const { fetched } = await fetchServed(acr, 'acr');
    const bySource = (kind: string) => fetched.filter((record) => record.sourceKind === kind).length;
    const counts = manifest.counts.acr;
    expect([bySource('greentrace-projects'), bySource('greentrace-issued'), bySource('greentrace-retired'), bySource('greentrace-cancelled')]).toEqual([
      counts.projects,
      counts.issuanceBlocks,
      counts.retirementRows,
      counts.cancellationRows,
    ]);
    expect(fetched.filter((record) => !acr.normalize(record).ok).map((record) => record.naturalKey)).toEqual([]);
    const served = creditsOf(acr, fetched);
    expect([unitsOf(served, 'issuance'), unitsOf(served, 'retirement'), unitsOf(served, 'cancellation')]).toEqual([counts.issuedUnits, counts.retiredUnits, counts.cancelledUnits]);
  });
});

describe('the scale generator, ART TREES', () => {
  let records: RawRecord[];
  let credits: NormalizedCredit[];
  beforeAll(async () => {
    records = await collect(artTrees.readExports(join(dir, artTreesFolder)));
    credits = creditsOf(artTrees, records);
  });

  it('writes at least one program at scale 1, with a jurisdictional issuance at its real size', () => {
    const planned = plannedSizes(options.scale).artTrees;
    const { projects, issuanceRows, retirementRows, cancellationRows } = manifest.counts.artTrees;
    expect({ projects, issuanceRows, retirementRows, cancellationRows }).toEqual(planned);
    expect(projects).toBeGreaterThanOrEqual(1);
    expect(records.filter((record) => !artTrees.normalize(record).ok).map((record) => record.naturalKey)).toEqual([]);
    const issuances = credits.filter((credit) => credit.kind === 'issuance');
    expect(issuances).toHaveLength(issuanceRows);
    // REDD+ jurisdictions issue by the hundred thousand (FCPF) or the million (Guyana).
    expect(Math.min(...issuances.map((credit) => credit.quantity))).toBeGreaterThanOrEqual(50_000);
    expect(ledgerFaults(credits)).toEqual({ overlaps: [], overdrawn: [] });
    expect(credits.filter((credit) => credit.kind !== 'issuance').every((credit) => /^(ART|FCPF)-[A-Z]{2}-/.test(credit.serialNumber!))).toBe(true);
  });

  it('is served over the GreenTrace API (tenant ART_REGISTRY) the way the ART connector fetches it', async () => {
    const { fetched } = await fetchServed(artTrees, 'art-trees');
    const counts = manifest.counts.artTrees;
    const bySource = (kind: string) => fetched.filter((record) => record.sourceKind === kind).length;
    expect([bySource('greentrace-projects'), bySource('greentrace-issued'), bySource('greentrace-retired'), bySource('greentrace-cancelled')]).toEqual([
      counts.projects,
      counts.issuanceRows,
      counts.retirementRows,
      counts.cancellationRows,
    ]);
    expect(fetched.filter((record) => !artTrees.normalize(record).ok).map((record) => record.naturalKey)).toEqual([]);
    const served = creditsOf(artTrees, fetched);
    expect([unitsOf(served, 'issuance'), unitsOf(served, 'retirement'), unitsOf(served, 'cancellation')]).toEqual([counts.issuedUnits, counts.retiredUnits, counts.cancelledUnits]);
  });
});

/** The first line of a file, and whether its lines end in `\n` alone, as pandas writes them. */
async function headerOf(path: string): Promise<{ header: string; crlf: boolean }> {
  const text = await readFile(path, 'utf8');
  return { header: text.slice(0, text.indexOf('\n')), crlf: text.includes('\r\n') };
}

/** Credits as comparable tuples, whatever the encoding of the payload they came from (CSV text or API JSON). */
function creditTuples(connector: typeof cercarbono, records: readonly RawRecord[]): string[] {
  return creditsOf(connector, records)
    .map((credit) => [credit.naturalKey, credit.registryProjectId, credit.kind, credit.quantity, credit.vintageYear, JSON.stringify(credit.serialBlock)].join(' '))
    .sort();
}

describe('the scale generator, Cercarbono', () => {
  let records: RawRecord[];
  let credits: NormalizedCredit[];
  beforeAll(async () => {
    records = await collect(cercarbono.readExports(join(dir, cercarbonoFolder)));
    credits = creditsOf(cercarbono, records);
  });

  it("writes CarbonPlan's three files at the planned sizes, with the fixture's headers", async () => {
    const planned = plannedSizes(options.scale).cercarbono;
    const { projects, serials, retirementRows } = manifest.counts.cercarbono;
    expect({ projects, serials, retirements: retirementRows }).toEqual(planned);
    const bySource = (kind: string) => records.filter((record) => record.sourceKind === kind).length;
    expect([bySource('projects'), bySource('issuances'), bySource('retirements')]).toEqual([projects, serials, retirementRows]);
    for (const file of ['projects.csv', 'issuances.csv', 'retirements.csv']) {
      expect(await headerOf(join(dir, cercarbonoFolder, file))).toEqual(await headerOf(join('test/fixtures/registries/cercarbono', file)));
    }
    expect(records.filter((record) => !cercarbono.normalize(record).ok).map((record) => record.naturalKey)).toEqual([]);
  });

  it('embeds in each project exactly its serials from issuances.csv, each serial once', () => {
    const audit = new CercarbonoSerialsAudit();
    for (const record of records) audit.add(record, cercarbono.normalize(record));
    expect(audit.problems()).toEqual([]);
    const serials = records.filter((record) => record.sourceKind === 'issuances').map((record) => record.naturalKey);
    expect(new Set(serials).size).toBe(serials.length);
    // Every serial names its project's numeric id, as the platform's do (serial.ts).
    const issuances = credits.filter((credit) => credit.kind === 'issuance');
    expect(issuances.filter((credit) => (credit.attributes.serialParts as { projectId: string }).projectId !== credit.registryProjectId)).toEqual([]);
  });

  it('retires slices of non-buffer serials that never overlap and never pass what the serial issued, in its vintage', () => {
    const issued = new Map(credits.filter((credit) => credit.kind === 'issuance').map((credit) => [credit.serialNumber!, credit]));
    const retirements = credits.filter((credit) => credit.kind === 'retirement');
    expect(retirements).toHaveLength(manifest.counts.cercarbono.retirementRows);
    const byserial = new Map<string, [number, number][]>();
    for (const credit of retirements) {
      const serial = issued.get(credit.serialNumber!)!;
      expect(serial.attributes.isBuffer).toBe(false);
      expect(credit.vintageYear).toBe(serial.vintageYear);
      const { firstUnit, lastUnit } = credit.serialBlock!;
      expect(firstUnit).toBeGreaterThanOrEqual(0);
      // Units are numbered from 0 (serials issued before June 2019) or from 1.
      expect(lastUnit).toBeLessThanOrEqual(serial.issuanceDate! < '2019-06-01' ? serial.quantity - 1 : serial.quantity);
      byserial.set(credit.serialNumber!, [...(byserial.get(credit.serialNumber!) ?? []), [firstUnit, lastUnit]]);
    }
    for (const [serial, ranges] of byserial) {
      ranges.sort((a, b) => a[0] - b[0]);
      ranges.slice(1).forEach((range, index) => expect(range[0], serial).toBeGreaterThan(ranges[index]![1]));
    }
    expect(manifest.counts.cercarbono.retiredUnits).toBe(retirements.reduce((sum, credit) => sum + credit.quantity, 0));
    expect(manifest.counts.cercarbono.retiredUnits).toBeLessThan(manifest.counts.cercarbono.issuedUnits);
  });

  it("is served as EcoRegistry's feeds: the connector's fetch reads the same credits, leaving the other standard out", async () => {
    const { fetched, requests } = await fetchServed(cercarbono, 'cercarbono');
    // The feed gives each project's serials after it; the files give projects, then serials.
    const keys = (set: RawRecord[]) => set.map((record) => `${record.sourceKind} ${record.naturalKey}`).sort();
    expect(keys(fetched)).toEqual(keys(records));
    expect(fetched.filter((record) => !cercarbono.normalize(record).ok)).toEqual([]);
    expect(creditTuples(cercarbono, fetched)).toEqual(creditTuples(cercarbono, records));
    // The standard's list, the projects with their serials, the retirement ledger.
    expect(requests).toBe(3);
  });
});

describe('the scale generator, Isometric', () => {
  let records: RawRecord[];
  let market: { dir: string; records: RawRecord[] };
  const idForm = /^(prj|iss|ret)_[0-9A-HJKMNP-TV-Z]{9}1S0[0-9A-HJKMNP-TV-Z]{4}$/;
  beforeAll(async () => {
    records = await collect(isometric.readExports(join(dir, isometricFolder)));
    // Scale 1 is a single project: the registry's market size (§12's basis in generate.ts) is written too, on its own.
    const marketDir = join(root, 'isometric-market');
    await mkdir(marketDir, { recursive: true });
    await writeIsometric({ dir: marketDir, random: new Random(3).fork('isometric'), fixtures: loadFixtures().isometric, ...marketSizes.isometric });
    market = { dir: marketDir, records: await collect(isometric.readExports(marketDir)) };
  });

  it("writes CarbonPlan's three files at the planned sizes, with the fixture's headers", async () => {
    const { projects, issuanceRows, retirementRows } = manifest.counts.isometric;
    expect({ projects, issuances: issuanceRows, retirements: retirementRows }).toEqual(plannedSizes(options.scale).isometric);
    for (const file of ['projects.csv', 'issuances.csv', 'retirements.csv']) {
      expect(await headerOf(join(dir, isometricFolder, file))).toEqual(await headerOf(join('test/fixtures/registries/isometric', file)));
    }
    const bySource = (kind: string) => market.records.filter((record) => record.sourceKind === kind).length;
    expect([bySource('projects'), bySource('issuances'), bySource('retirements')]).toEqual([50, 101, 187]);
  });

  it('writes ids in the registry form, unique, and kilograms that are the tonnes × 1000 exactly', () => {
    for (const set of [records, market.records]) {
      const ids = set.map((record) => record.naturalKey);
      expect(ids.filter((id) => !idForm.test(id))).toEqual([]);
      expect(new Set(ids).size).toBe(ids.length);
      for (const record of set) {
        for (const [field, value] of Object.entries(record.payload)) {
          if (!field.endsWith('.credits')) continue;
          const kg = String(record.payload[field.replace(/\.credits$/, '.credit_kgs')]);
          expect(/^\d+$/.test(kg), `${record.naturalKey} ${field}`).toBe(true);
          expect(String(value), `${record.naturalKey} ${field}`).toBe(Number.isInteger(Number(kg) / 1000) ? `${Number(kg) / 1000}.0` : String(Number(kg) / 1000));
        }
      }
    }
  });

  it("normalizes without a rejection, with project totals equal to the rows' sums and no project retiring more than it issued", () => {
    for (const set of [records, market.records]) {
      expect(set.filter((record) => !isometric.normalize(record).ok).map((record) => record.naturalKey)).toEqual([]);
      const audit = new IsometricTotalsAudit();
      for (const record of set) audit.add(record, isometric.normalize(record));
      expect(audit.problems()).toEqual([]);
      const used = new Map<string, number>();
      for (const record of set) {
        for (const credit of (isometric.normalize(record) as { credits: NormalizedCredit[] }).credits) {
          used.set(credit.registryProjectId, (used.get(credit.registryProjectId) ?? 0) + Math.round(credit.quantity * 1000) * (credit.kind === 'issuance' ? 1 : -1));
        }
      }
      expect([...used].filter(([, balance]) => balance < 0)).toEqual([]);
    }
    const retired = market.records.filter((record) => record.sourceKind === 'retirements');
    expect(retired.every((record) => String(record.payload.sequestered_on) < String(record.payload.retired_at))).toBe(true);
  });

  it('is served as the API\'s cursor pages behind the client secret: the connector reads the same records', async () => {
    const { fetched, requests } = await fetchServed(isometric, 'isometric', benchSecrets.isometric);
    expect(fetched.map((record) => record.naturalKey)).toEqual(records.map((record) => record.naturalKey));
    expect(creditTuples(isometric, fetched)).toEqual(creditTuples(isometric, records));
    expect(requests).toBe(3);
    await expect(fetchServed(isometric, 'isometric', { ISOMETRIC_CLIENT_SECRET: 'wrong' })).rejects.toThrow(/401/);
  });
});
