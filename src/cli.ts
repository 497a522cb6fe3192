/**
 * The `hub` command: `serve`, `migrate`, `sync`, `label`, `schema`. Every stage runs on its own here
 * and together under `serve`.
 *
 * A command imports the modules only it needs when it runs (the API for `serve`, the label
 * engine once a sync is done…): a `hub sync` process then holds only the sync's modules, and V8
 * sizes the garbage it lets pile up by the heap that is live (docs/benchmarks.md, eighth round).
 */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { connectors, findConnector } from '../connectors/index.ts';
import type { Connector } from '../connectors/contract.ts';
import { HttpClient } from '../connectors/http.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openConfiguredDatabase } from './db/open.ts';
import type { Database } from './db/client.ts';
import { loadExportFolder, snapshotFolder } from './ingest/snapshot.ts';
import { runSyncJob } from './ingest/sync-job.ts';
import type { SyncResult } from './ingest/sync-runner.ts';
import { createLogger, type Logger } from './logger.ts';
import { createProgress } from './progress.ts';
import { keysCommand } from './auth/keys.command.ts';
import { matchCommand } from './matching/command.ts';

const program = new Command('hub')
  .description('Carbon Registry Hub: registry connectors, CCP labels, double-counting flags and a GraphQL API')
  .showHelpAfterError();

program
  .command('serve')
  .description('migrate, load the bundled snapshot into an empty database, serve GraphQL and poll registries on schedule')
  .action(async () => {
    const { config, logger } = setup();
    const { startHub } = await import('./hub.ts');
    const hub = await startHub(config, logger);
    const shutdown = async (signal: string) => {
      logger.info({ signal }, 'shutting down');
      await hub.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const { config, logger } = setup();
    await withDatabase(config, logger, async (database) => {
      await database.migrate();
      logger.info('migrations applied');
    });
  });

program
  .command('sync')
  .description('sync registries now: over HTTP, or from export files downloaded by hand (--from-dir)')
  .addOption(new Option('-p, --program <id>', 'one program only').choices(connectors.map((c) => c.id)))
  .option('--from-dir <dir>', 'read exports from this folder: the program\'s own folder with --program, otherwise one folder per program as in test/fixtures/registries')
  .action(async (options: { program?: string; fromDir?: string }) => {
    const { config, logger } = setup();
    const selected = options.program ? [findConnector(options.program)!] : connectors;
    const results = await withDatabase(config, logger, async (database) => {
      await database.migrate();
      const synced = options.fromDir
        ? await syncFromFiles(database, selected, resolve(options.fromDir), Boolean(options.program), logger)
        : await syncOverHttp(database, config, selected, logger);
      const { labelSyncedPrograms } = await import('./ccp/triggers.ts');
      await labelSyncedPrograms(database, logger, synced);
      return synced;
    });
    printSummary(results.filter((result): result is SyncResult => result !== null));
    if (results.includes(null)) console.error('some programs were skipped: another hub process is syncing them');
    if (results.some((result) => result?.status === 'failed')) process.exitCode = 1;
  });

program
  .command('label')
  .description('compute the ICVCM CCP label of every credit (only labels that changed are written)')
  .option('--reference <file>', 'load this ICVCM reference file (same shape as src/reference/ccp/ccp-decisions.json) and make it the active version')
  .option('--aliases <file>', 'with --reference: the methodology alias map to use (default: the shipped one)')
  .option('--as-of <date>', 'evaluate the rules at this date (YYYY-MM-DD) instead of today')
  .addOption(new Option('-p, --program <id...>', 'only the credits of these programs').choices(connectors.map((c) => c.id)))
  .option('--report', 'print how the labels compare with the registries\' own CCP flags (Markdown)')
  .action(async (options: { reference?: string; aliases?: string; asOf?: string; program?: string[]; report?: boolean }) => {
    const { config, logger } = setup();
    const { labelCommand } = await import('./ccp/command.ts');
    await withDatabase(config, logger, async (database) => {
      await database.migrate();
      await labelCommand(database, logger, options);
    });
  });

program
  .command('schema')
  .description('write the GraphQL SDL to schema.graphql (or check that it is up to date)')
  .option('--check', 'exit non-zero when schema.graphql is stale instead of writing it')
  .action(async (options: { check?: boolean }) => {
    const { buildHubSchema, printHubSchema } = await import('./api/schema.ts');
    const { schemaFilePath, writeSchemaFile } = await import('./api/write-schema.ts');
    if (options.check) {
      const { readFile } = await import('node:fs/promises');
      const current = await readFile(schemaFilePath, 'utf8').catch(() => '');
      if (current !== printHubSchema(await buildHubSchema())) {
        console.error('schema.graphql is stale: run `npm run schema`');
        process.exitCode = 1;
      }
      return;
    }
    const { path, changed } = await writeSchemaFile();
    console.error(changed ? `wrote ${path}` : `${path} is up to date`);
  });

function setup(): { config: Config; logger: Logger } {
  try {
    const config = loadConfig();
    return { config, logger: createLogger(config.LOG_LEVEL) };
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

async function withDatabase<T>(config: Config, logger: Logger, task: (database: Database) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(config, logger);
  try {
    return await task(database);
  } finally {
    await database.close();
  }
}

async function syncFromFiles(database: Database, selected: readonly Connector[], dir: string, programDir: boolean, logger: Logger): Promise<(SyncResult | null)[]> {
  if (!programDir) return loadExportFolder({ database, connectors: selected, dir, trigger: 'cli', logger });
  const [connector] = selected;
  return [
    await runSyncJob({
      database,
      connector: connector!,
      source: { kind: 'files', dir: snapshotFolder(dir, connector!) ?? dir },
      trigger: 'cli',
      logger,
      progress: createProgress(logger, connector!.id),
    }),
  ];
}

async function syncOverHttp(database: Database, config: Config, selected: readonly Connector[], logger: Logger): Promise<(SyncResult | null)[]> {
  const http = new HttpClient({
    timeoutMs: config.HTTP_TIMEOUT_MS,
    maxRetries: config.HTTP_MAX_RETRIES,
    requestsPerSecondPerHost: config.HTTP_REQUESTS_PER_SECOND,
    logger: logger.child({ module: 'http' }),
  });
  try {
    const results: (SyncResult | null)[] = [];
    for (const connector of selected) {
      const settings = config.sources[connector.id]!;
      if (selected.length > 1 && settings.missingSecrets.length > 0) {
        logger.info({ program: connector.id, missing: settings.missingSecrets }, 'skipped: its credentials are not set');
        continue;
      }
      if (selected.length > 1 && !settings.enabled) {
        logger.info({ program: connector.id, note: connector.pollingNote }, 'polling is off for this program: skipped (name it with --program to sync it anyway)');
        continue;
      }
      if (connector.pollByDefault === false) logger.warn({ program: connector.id, note: connector.pollingNote }, 'polling a registry that is off by default');
      results.push(
        await runSyncJob({
          database,
          connector,
          source: { kind: 'http', http, baseUrl: settings.baseUrl, secrets: settings.secrets },
          trigger: 'cli',
          logger,
          progress: createProgress(logger, connector.id),
        }),
      );
    }
    return results;
  } finally {
    await http.close();
  }
}

function printSummary(results: readonly SyncResult[]): void {
  console.table(
    results.map((r) => ({
      program: r.programId,
      run: r.runId,
      status: r.status,
      fetched: r.counts.fetched,
      inserted: r.counts.inserted,
      updated: r.counts.updated,
      unchanged: r.counts.unchanged,
      rejected: r.counts.rejected,
      error: r.error ?? '',
    })),
  );
}

program.addCommand(matchCommand);
program.addCommand(keysCommand);

await program.parseAsync(process.argv);
