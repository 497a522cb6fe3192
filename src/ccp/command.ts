/** `hub label`: load a reference file when given, label, and optionally print the agreement report. */
import { resolve } from 'node:path';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { ensureShippedReference, loadReference } from '../reference/ccp/load.ts';
import { readReferencePackage, ReferenceFileError, shippedAliasesPath, type ReferencePackage } from '../reference/ccp/reference-file.ts';
import { labelCredits } from './label-engine.ts';
import { agreementReport, renderAgreementMarkdown } from './report.ts';

export interface LabelCommandOptions {
  reference?: string;
  aliases?: string;
  asOf?: string;
  program?: string[];
  report?: boolean;
}

/**
 * Runs `hub label`. Progress lines go to `say` (stderr by default), the report to stdout;
 * a reference file that cannot be read or has another shape sets exit code 2 with the reason.
 */
export async function labelCommand(
  database: Database,
  logger: Logger,
  options: LabelCommandOptions,
  say: (line: string) => void = (line) => console.error(line),
): Promise<void> {
  const log = logger.child({ module: 'ccp' });
  if (options.reference) {
    const path = resolve(options.reference);
    let pkg: ReferencePackage;
    try {
      pkg = await readReferencePackage(path, options.aliases ? resolve(options.aliases) : shippedAliasesPath);
    } catch (error) {
      if (!(error instanceof ReferenceFileError)) throw error;
      say(error.message);
      process.exitCode = 2;
      return;
    }
    const loaded = await loadReference(database.db, pkg, { origin: path, activate: true });
    say(
      `reference data ${loaded.version}: ${loaded.inserted ? 'loaded' : 'already loaded'}${loaded.activated ? ', now active' : ', already active'}`,
    );
  } else {
    await ensureShippedReference(database.db, log);
  }
  const result = await labelCredits(database, { programIds: options.program ?? null, evaluationDate: options.asOf, trigger: 'cli', logger: log });
  const scope = result.programIds ? ` (${result.programIds.join(', ')})` : '';
  const total = result.inserted + result.updated + result.unchanged;
  say(
    result.inserted + result.updated === 0
      ? `labels of ${total} credits${scope} already current against ${result.referenceVersion} at ${result.evaluationDate}: nothing written`
      : `labelled ${total} credits${scope} against ${result.referenceVersion} at ${result.evaluationDate}: ${result.inserted} new, ${result.updated} changed, ${result.unchanged} unchanged`,
  );
  if (options.report) process.stdout.write(renderAgreementMarkdown(await agreementReport(database.db)));
}
