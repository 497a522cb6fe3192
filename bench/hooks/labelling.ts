/**
 * HOOK for the CCP label engine (src/ccp, being written).
 *
 * What to measure here once it lands: credits labelled per second of a full labelling run
 * (`hub label`) over the synced data set, and of a second run over unchanged data (which
 * should write nothing). Take the engine's entry point (at the time of writing
 * `labelCredits(database, options)` in src/ccp/label-engine.ts) once its interface is settled.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Database } from '../../src/db/client.ts';
import type { NotYetMeasured } from './not-measured.ts';

export interface LabellingContext {
  database: Database;
}

export async function benchLabelling(_context: LabellingContext): Promise<NotYetMeasured> {
  return {
    measured: false,
    what: 'labelling: credits labelled per second',
    reason: existsSync(resolve(import.meta.dirname, '..', '..', 'src', 'ccp', 'label-engine.ts'))
      ? 'the CCP label engine (src/ccp) is being written and is not wired into the bench yet'
      : 'the CCP label engine (src/ccp) does not exist yet',
    hook: 'bench/hooks/labelling.ts benchLabelling()',
  };
}
