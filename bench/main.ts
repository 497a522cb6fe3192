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
 * Options: --scale N (1), --seed N (1), --iterations N (200), --warmup N (20), --first N (50),
 * --data DIR (bench/.data), --no-api.
 */
import { parseArgs } from 'node:util';
import { checkDataset } from './generate/check.ts';
import { defaultDataRoot, ensureDataset } from './generate/generate.ts';
import { measurePipeline, measureSync, type PipelineTask, type SyncTask } from './ingest/tasks.ts';
import { formatText, writeDocs, writeJson } from './report.ts';
import { runBench } from './run.ts';
import { startBenchRegistries } from './serve/registries.ts';
import { serveChildTask } from './support/child.ts';

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return number;
}

const [first, ...others] = process.argv.slice(2);
const command = first === undefined || first.startsWith('--') ? 'run' : first;
const args = command === 'run' && first !== 'run' ? process.argv.slice(2) : others;

switch (command) {
  case 'child':
    serveChildTask(async (task) => {
      const kind = (task as { kind: string }).kind;
      if (kind === 'sync') return measureSync(task as SyncTask);
      if (kind === 'pipeline') return measurePipeline(task as PipelineTask);
      throw new Error(`unknown bench task ${kind}`);
    });
    break;

  case 'generate': {
    const { values } = parseArgs({
      args,
      options: {
        scale: { type: 'string' },
        seed: { type: 'string' },
        duplicates: { type: 'string' },
        'serial-overlaps': { type: 'string' },
        data: { type: 'string' },
        force: { type: 'boolean' },
        check: { type: 'boolean' },
      },
    });
    const { dir, manifest, reused } = await ensureDataset({
      root: values.data ?? defaultDataRoot,
      scale: positive('scale', values.scale, 1),
      seed: positive('seed', values.seed, 1),
      duplicates: values.duplicates === undefined ? undefined : positive('duplicates', values.duplicates, 1),
      serialOverlaps: values['serial-overlaps'] === undefined ? undefined : positive('serial-overlaps', values['serial-overlaps'], 1),
      force: values.force,
    });
    log(`${reused ? 'reused' : `written in ${manifest.seconds} s`}: ${dir}`);
    process.stdout.write(JSON.stringify({ dir, counts: manifest.counts, duplicates: manifest.duplicates.length, serialOverlaps: manifest.serialOverlaps.length }, null, 2) + '\n');
    if (values.check) {
      const report = await checkDataset(dir, manifest);
      process.stdout.write(JSON.stringify({ records: report.records, overlaps: report.overlaps.length, problems: report.problems, rejected: report.rejected.slice(0, 10) }, null, 2) + '\n');
      if (report.problems.length > 0) process.exitCode = 1;
    }
    break;
  }

  case 'serve': {
    const { values } = parseArgs({ args, options: { scale: { type: 'string' }, seed: { type: 'string' }, data: { type: 'string' } } });
    const { dir } = await ensureDataset({ root: values.data ?? defaultDataRoot, scale: positive('scale', values.scale, 1), seed: positive('seed', values.seed, 1) });
    const registries = await startBenchRegistries(dir);
    log(`serving ${dir}; sync it with:`);
    process.stdout.write(
      `VERRA_BASE_URL=${registries.baseUrls.verra} GOLD_STANDARD_BASE_URL=${registries.baseUrls['gold-standard']} ` +
        'GOLD_STANDARD_ENABLED=true HTTP_REQUESTS_PER_SECOND=1000 npm run hub -- sync --program verra   (then --program gold-standard)\n',
    );
    process.once('SIGINT', () => void registries.close());
    break;
  }

  case 'run': {
    const { values } = parseArgs({
      args,
      options: {
        scale: { type: 'string' },
        seed: { type: 'string' },
        iterations: { type: 'string' },
        warmup: { type: 'string' },
        first: { type: 'string' },
        data: { type: 'string' },
        profile: { type: 'boolean' },
        'no-api': { type: 'boolean' },
        'write-docs': { type: 'boolean' },
      },
    });
    const result = await runBench({
      scale: positive('scale', values.scale, 1),
      seed: positive('seed', values.seed, 1),
      iterations: positive('iterations', values.iterations, 200),
      warmup: positive('warmup', values.warmup, 20),
      first: positive('first', values.first, 50),
      dataRoot: values.data ?? defaultDataRoot,
      profile: values.profile ?? false,
      api: !values['no-api'],
      serverUrl: process.env.DATABASE_URL || null,
      log,
    });
    process.stdout.write(formatText(result) + '\n');
    log(`results: ${await writeJson(result)}`);
    if (values['write-docs']) log(`docs: ${await writeDocs(result)}`);
    break;
  }

  default:
    throw new Error(`unknown command "${command}": run (default), generate, serve`);
}
