/**
 * `hub match`: run the double-counting detectors now and print what each found. Wired into the
 * CLI as a subcommand (`program.addCommand(matchCommand)`).
 */
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { createLogger } from '../logger.ts';
import { detectors, findDetector } from './detectors/index.ts';
import { runMatching, type MatchingResult } from './run.ts';

/** One line per detector: what it found and what changed in the flags table. */
export function renderMatchingSummary(result: MatchingResult): string {
  if (result.skipped) return 'matching is already running in another process: nothing done\n';
  const lines = result.detectors.map((run) => {
    if (run.error) return `${run.detector} v${run.version}: FAILED (${run.error})`;
    const kinds = Object.entries(run.byKind).map(([kind, n]) => `${n} ${kind}`).join(', ');
    return `${run.detector} v${run.version}: ${run.detected} findings${kinds ? ` (${kinds})` : ''}; ${run.inserted} new, ${run.updated} updated, ${run.unchanged} unchanged, ${run.resolved} resolved (${run.durationMs} ms)`;
  });
  return `${lines.join('\n')}\n`;
}

export const matchCommand = new Command('match')
  .description('run the double-counting detectors and record their flags (reruns update, never duplicate; reviews are kept)')
  .addOption(new Option('-d, --detector <name...>', 'only these detectors').choices(detectors.map((d) => d.name)))
  .action(async (options: { detector?: string[] }) => {
    let config;
    try {
      config = loadConfig();
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exitCode = 2;
        return;
      }
      throw error;
    }
    const logger = createLogger(config.LOG_LEVEL);
    const database = await openConfiguredDatabase(config, logger);
    try {
      await database.migrate();
      const selected = options.detector ? options.detector.map((name) => findDetector(name)!) : undefined;
      const result = await runMatching({ database, logger, ...(selected ? { detectors: selected } : {}) });
      process.stdout.write(renderMatchingSummary(result));
      if (result.detectors.some((run) => run.error)) process.exitCode = 1;
    } finally {
      await database.close();
    }
  });
