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
import { ensureDataset } from '../../bench/generate/generate.ts';
import type { Manifest } from '../../bench/generate/manifest.ts';

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

const exportFiles = ['verra/projects.csv', 'verra/transactions.csv', 'gold-standard/projects.csv', 'gold-standard/issuances.csv', 'gold-standard/api-credits.ndjson'];
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
