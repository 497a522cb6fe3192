/** The machine, runtime and code a result was measured on: stored with every result. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../../src/db/client.ts';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  driver: string;
  /** `PGlite 0.5.16 (data directory on disk)` or `PostgreSQL 15.20 …`. */
  database: string;
  commit: string;
  /** 1-minute load average when the run started and when it ended: above `cores`, other work competed for the CPUs. */
  load: { start: number; end: number };
}

/** The 1-minute load average now. */
export function currentLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

export async function describeMachine(database: Database, loadAtStart: number): Promise<Machine> {
  const processors = cpus();
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    driver: database.driver,
    database: await databaseVersion(database),
    commit: gitCommit(),
    load: { start: loadAtStart, end: currentLoad() },
  };
}

async function databaseVersion(database: Database): Promise<string> {
  const [row] = await queryRows<{ version: string }>(database.db, sql`select current_setting('server_version') as version`);
  if (database.driver === 'postgres') return `PostgreSQL ${row?.version ?? '?'} (postgres.js)`;
  const require = createRequire(import.meta.url);
  const manifest = join(require.resolve('@electric-sql/pglite'), '..', '..', 'package.json');
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  return `PGlite ${version} (PostgreSQL ${row?.version ?? '?'}, WASM, data directory on disk)`;
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}
