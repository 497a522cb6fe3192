/**
 * HOOK for the double-counting matching job (src/matching, not written yet).
 *
 * What to measure here once it exists (issue 6):
 * - time of a full matching run on the data set of scale N and of 5N projects (generate the
 *   second with `ensureDataset({ scale: 5 * N })`), which shows how it grows;
 * - ÷ a naive all-pairs comparison (every project against every other, the same scoring) at a
 *   small N, where all-pairs still finishes;
 * - recall on the planted duplicates: the data set's manifest lists every cross-program
 *   re-listing (`manifest.duplicates`) and every double-issued serial range
 *   (`manifest.serialOverlaps`) the matcher should flag.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Database } from '../../src/db/client.ts';
import type { Manifest } from '../generate/manifest.ts';
import type { NotYetMeasured } from './not-measured.ts';

export interface MatchingContext {
  database: Database;
  datasetDir: string;
  manifest: Manifest;
}

export async function benchMatching(context: MatchingContext): Promise<NotYetMeasured> {
  const planted = context.manifest.duplicates.length + context.manifest.serialOverlaps.length;
  const present = existsSync(resolve(import.meta.dirname, '..', '..', 'src', 'matching', 'run.ts'));
  return {
    measured: false,
    what: 'matching: time at N and 5N projects, ÷ naive all-pairs at small N',
    reason:
      (present ? 'the matching job (src/matching) is being written and is not wired into the bench yet' : 'src/matching does not exist yet') +
      ` (${planted} planted duplicates are listed in ${relative(process.cwd(), context.datasetDir)}/manifest.json for it)`,
    hook: 'bench/hooks/matching.ts benchMatching()',
  };
}
