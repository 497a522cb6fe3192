/**
 * `npm run bench` — benchmarks at market scale (issue 6). See docs/benchmarks.md.
 *
 *   npm run bench                               PGlite; scales 1 and 10 (a few minutes)
 *   DATABASE_URL=postgres://… npm run bench     PostgreSQL (a fresh database per measurement, dropped after)
 *   npm run bench -- --scale 10                 scales 10 and 100: the 10× run is the market (registries.md §12)
 *   npm run bench -- --write-docs               also write the results into docs/benchmarks.md
 *   npm run bench -- --profile                  CPU-profile the sync processes and show where time goes
 *   npm run bench -- generate --scale 100 [--check]   only write (and check) a data set
 *   npm run bench -- serve --scale 100          serve a data set over HTTP for `hub sync`
 *
 * `npm run bench -- run --help` lists every option.
 */
import { Command, InvalidArgumentError } from 'commander';
import { defaultDataRoot } from './generate/data-root.ts';
import type { PipelineTask, SyncTask } from './ingest/tasks.ts';

// Each command imports what it runs when it runs: a measurement's child process then holds only
// the modules of its task, as `hub sync` holds only the sync's (docs/benchmarks.md, eighth round).

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function positive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`a positive number is expected, got "${value}"`);
  return number;
}

/** Which data set: the options `generate` and `serve` share. */
function datasetOptions(command: Command): Command {
  return command
    .option('--scale <n>', 'scale factor (1 = 1 % of the market)', positive, 1)
    .option('--seed <n>', 'seed of the generated data', positive, 1)
    .option('--data <dir>', 'where data sets are written', defaultDataRoot);
}

const program = new Command('bench')
  .description('benchmarks at market scale (issue 6): ingest, API, matching and labelling, each as a ratio against its baseline (docs/benchmarks.md)')
  .showHelpAfterError();

program
  .command('run', { isDefault: true })
  .description('generate the data sets, measure, print the table and write bench/results/<driver>.json (PostgreSQL when DATABASE_URL is set, PGlite otherwise)')
  .option('--scale <n>', 'scale of the first run; the run also covers 5·N and 10·N (1 = 1 % of the market)', positive, 1)
  .option('--seed <n>', 'seed of the generated data', positive, 1)
  .option('--iterations <n>', 'timed requests per API query', positive, 200)
  .option('--warmup <n>', 'untimed requests per API query first', positive, 20)
  .option('--first <n>', 'page size of the timed API requests', positive, 50)
  .option('--data <dir>', 'where data sets are written', defaultDataRoot)
  .option('--profile', 'CPU-profile the sync processes and show where the time goes', false)
  .option('--no-api', 'skip the API measurements')
  .option('--write-docs', "also replace this driver's results section in docs/benchmarks.md", false)
  .action(async (options: { scale: number; seed: number; iterations: number; warmup: number; first: number; data: string; profile: boolean; api: boolean; writeDocs: boolean }) => {
    const { runBench } = await import('./run.ts');
    const { formatText, writeDocs, writeJson } = await import('./report.ts');
    const result = await runBench({
      scale: options.scale,
      seed: options.seed,
      iterations: options.iterations,
      warmup: options.warmup,
      first: options.first,
      dataRoot: options.data,
      profile: options.profile,
      api: options.api,
      serverUrl: process.env.DATABASE_URL || null,
      log,
    });
    process.stdout.write(formatText(result) + '\n');
    log(`results: ${await writeJson(result)}`);
    if (options.writeDocs) log(`docs: ${await writeDocs(result)}`);
  });

datasetOptions(program.command('generate'))
  .description('only write a data set (and with --check, read it back through the connectors)')
  .option('--duplicates <n>', 'planted cross-program re-listings (default: by scale)', positive)
  .option('--serial-overlaps <n>', 'planted serial overlaps (default: by scale)', positive)
  .option('--force', 'write it again even if it exists', false)
  .option('--check', 'read it back through the connectors and check the planted duplicates', false)
  .action(async (options: { scale: number; seed: number; duplicates?: number; serialOverlaps?: number; data: string; force: boolean; check: boolean }) => {
    const { ensureDataset } = await import('./generate/generate.ts');
    const { dir, manifest, reused } = await ensureDataset({
      root: options.data,
      scale: options.scale,
      seed: options.seed,
      duplicates: options.duplicates,
      serialOverlaps: options.serialOverlaps,
      force: options.force,
    });
    log(`${reused ? 'reused' : `written in ${manifest.seconds} s`}: ${dir}`);
    process.stdout.write(JSON.stringify({ dir, counts: manifest.counts, duplicates: manifest.duplicates.length, serialOverlaps: manifest.serialOverlaps.length }, null, 2) + '\n');
    if (options.check) {
      const { checkDataset } = await import('./generate/check.ts');
      const report = await checkDataset(dir, manifest);
      process.stdout.write(JSON.stringify({ records: report.records, overlaps: report.overlaps.length, problems: report.problems, rejected: report.rejected.slice(0, 10) }, null, 2) + '\n');
      if (report.problems.length > 0) process.exitCode = 1;
    }
  });

datasetOptions(program.command('serve'))
  .description('serve a data set over local HTTP the way each registry does, for a manual `hub sync`')
  .action(async (options: { scale: number; seed: number; data: string }) => {
    const { ensureDataset } = await import('./generate/generate.ts');
    const { benchSecrets, startBenchRegistries } = await import('./serve/registries.ts');
    const { dir } = await ensureDataset({ root: options.data, scale: options.scale, seed: options.seed });
    const registries = await startBenchRegistries(dir);
    log(`serving ${dir}; sync it with:`);
    process.stdout.write(
      `VERRA_BASE_URL=${registries.baseUrls.verra} GOLD_STANDARD_BASE_URL=${registries.baseUrls['gold-standard']} CAR_BASE_URL=${registries.baseUrls.car} ` +
        `ACR_BASE_URL=${registries.baseUrls.acr} ART_TREES_BASE_URL=${registries.baseUrls['art-trees']} ARB_BASE_URL=${registries.baseUrls.arb} ` +
        `CERCARBONO_BASE_URL=${registries.baseUrls.cercarbono} ISOMETRIC_BASE_URL=${registries.baseUrls.isometric} ISOMETRIC_CLIENT_SECRET=${benchSecrets.isometric!.ISOMETRIC_CLIENT_SECRET} ` +
        'GOLD_STANDARD_ENABLED=true HTTP_REQUESTS_PER_SECOND=1000 npm run hub -- sync --program verra   (then gold-standard, car, acr, art-trees, arb, cercarbono, isometric)\n',
    );
    process.once('SIGINT', () => void registries.close());
  });

program
  .command('child', { hidden: true })
  .description('a measurement in its own process (the bench starts these)')
  .action(async () => {
    const { serveChildTask } = await import('./support/child.ts');
    serveChildTask(async (task) => {
      const kind = (task as { kind: string }).kind;
      const { measurePipeline, measureSync } = await import('./ingest/tasks.ts');
      if (kind === 'sync') return measureSync(task as SyncTask);
      if (kind === 'pipeline') return measurePipeline(task as PipelineTask);
      throw new Error(`unknown bench task ${kind}`);
    });
  });

await program.parseAsync(process.argv);
