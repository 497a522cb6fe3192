/**
 * The CCP label engine's benchmark: credits labelled per second (issue 6).
 *
 * On the freshly synced bench database, the shipped ICVCM reference data is loaded as
 * `hub start` and `hub label` load it (`ensureShippedReference`), then `labelCredits` labels
 * every credit, as `hub label` does, and runs a second time over the unchanged data, which
 * must write nothing (src/ccp/label-engine.ts: only labels that changed are written).
 * It runs before the API bench, so `ccpLabel` and the CCP aggregation read real labels.
 */
import { labelCredits, type LabelResult } from '../../src/ccp/label-engine.ts';
import type { Database } from '../../src/db/client.ts';
import { silentLogger } from '../../src/logger.ts';
import { ensureShippedReference } from '../../src/reference/ccp/load.ts';
import { collectGarbage, seconds } from '../support/stats.ts';
import { errorMessage } from '../support/table.ts';

export interface LabellingContext {
  database: Database;
}

export interface LabelRun {
  seconds: number;
  /** Credits the run evaluated: inserted + updated + unchanged. */
  credits: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface LabellingMeasurement {
  referenceVersion: string;
  evaluationDate: string;
  /** `ensureShippedReference`: reading the shipped file and loading it into the empty database. */
  referenceSeconds: number;
  /** The reference data was new to the database (it always is on a fresh bench database). */
  referenceInserted: boolean;
  /** The full labelling run over the synced data set. */
  first: LabelRun;
  /** The same run again over unchanged data: it should write nothing. */
  rerun: LabelRun;
}

/** The measurement, or why it failed (the rest of the run is still reported). */
export type LabellingResult = LabellingMeasurement | { error: string };

const labelRun = (result: LabelResult, started: number): LabelRun => ({
  seconds: seconds(started),
  credits: result.inserted + result.updated + result.unchanged,
  inserted: result.inserted,
  updated: result.updated,
  unchanged: result.unchanged,
});

export async function benchLabelling(context: LabellingContext): Promise<LabellingResult> {
  const { database } = context;
  try {
    let started = performance.now();
    const reference = await ensureShippedReference(database.db, silentLogger);
    const referenceSeconds = seconds(started);

    collectGarbage();
    started = performance.now();
    const first = await labelCredits(database, { trigger: 'bench', logger: silentLogger });
    const firstRun = labelRun(first, started);

    collectGarbage();
    started = performance.now();
    // The same evaluation date, so a run that crosses midnight still compares like with like.
    const again = await labelCredits(database, { trigger: 'bench', logger: silentLogger, evaluationDate: first.evaluationDate });
    const rerun = labelRun(again, started);

    return {
      referenceVersion: first.referenceVersion,
      evaluationDate: first.evaluationDate,
      referenceSeconds,
      referenceInserted: reference.inserted,
      first: firstRun,
      rerun,
    };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}
