/**
 * The detector contract and what detectors share: one module per kind of double counting,
 * each a plain object that reads the database (set-based SQL for candidates) and returns its
 * complete set of findings; the runner records them through the flag store.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { DetectedFlag } from '../flag.ts';

export interface Detector {
  /** Stable name, recorded on every flag (`flags.detector`). */
  readonly name: string;
  /** Changes when the detector's logic or the reference data it reads changes. */
  readonly version: number;
  readonly description: string;
  /** Every finding of this detector over the whole database (one complete run). */
  detect(db: Executor): Promise<DetectedFlag[]>;
}

const SHORT_PROGRAM_NAMES: Record<string, string> = {
  verra: 'Verra',
  'gold-standard': 'Gold Standard',
  acr: 'ACR',
  car: 'CAR',
  'art-trees': 'ART',
  isometric: 'Isometric',
  cercarbono: 'Cercarbono',
  arb: 'ARB',
  cdm: 'CDM',
  puro: 'Puro',
  gcc: 'GCC',
};

export function programLabel(programId: string): string {
  return SHORT_PROGRAM_NAMES[programId] ?? programId;
}

/** "Verra 1975", "ACR1007" (the id already names the registry), "ARB CAOD1007". */
export function projectLabel(project: { programId: string; registryProjectId: string }): string {
  const short = programLabel(project.programId);
  return project.registryProjectId.toUpperCase().startsWith(short.toUpperCase()) ? project.registryProjectId : `${short} ${project.registryProjectId}`;
}

/**
 * `column = any(<ids>)` with the ids as ONE jsonb parameter, so the statement stays valid
 * however many ids there are (an IN list would hit the driver's parameter limit).
 */
export function inIds(column: SQL, ids: readonly number[]): SQL {
  return sql`${column} = any (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::bigint)`;
}

export function tonnes(quantity: number): string {
  return `${Math.round(quantity).toLocaleString('en-US')} t`;
}

/** Rounds a quantity for evidence and flags (numeric(20,4) in the database). */
export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
