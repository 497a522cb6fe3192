/**
 * The scale generator (bench/generate): a small data set, read back through the connectors
 * (`checkDataset`). No database.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDataset, type CheckReport } from '../../bench/generate/check.ts';
import { carFolder, ensureDataset, plannedSizes } from '../../bench/generate/generate.ts';
import type { Manifest } from '../../bench/generate/manifest.ts';
import { startBenchRegistries } from '../../bench/serve/registries.ts';
import { car } from '../../connectors/car/index.ts';
import type { NormalizedCredit, RawRecord } from '../../connectors/contract.ts';
import { HttpClient } from '../../connectors/http.ts';
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

describe('the scale generator, Climate Action Reserve', () => {
  let records: RawRecord[];
  let credits: NormalizedCredit[];
  beforeAll(async () => {
    records = await collect(car.readExports(join(dir, carFolder)));
    credits = records.flatMap((record) => {
      const result = car.normalize(record);
      return result.ok ? result.credits : [];
    });
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
    const registries = await startBenchRegistries(dir);
    const http = new HttpClient({ requestsPerSecondPerHost: 0 });
    try {
      const fetched = await collect(car.fetch({ http, baseUrl: registries.baseUrls.car, logger: silentLogger, secrets: {}, watermark: null, startedAt: new Date() }));
      expect(fetched.map((record) => record.naturalKey)).toEqual(records.map((record) => record.naturalKey));
      expect(fetched).toEqual(records);
      // One report page and one download for each of the four reports.
      expect(registries.requests().car).toBe(8);
    } finally {
      await http.close();
      await registries.close();
    }
  });
});
