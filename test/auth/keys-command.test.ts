/**
 * `hub keys` through the exported `keysCommand`, as src/cli.ts runs it: the command reads the
 * configuration from the environment and opens that database itself (PGlite under a temporary
 * DATA_DIR, or a fresh PostgreSQL database when DATABASE_URL is set).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authenticateApiKey } from '../../src/auth/api-keys.ts';
import { keysCommand } from '../../src/auth/keys.command.ts';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { apiKeys } from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let environment: Record<string, string | undefined>;
let dataDir: string | null = null;
let server: TestDatabase | null = null;

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    server = await createTestDatabase();
    environment = { DATABASE_URL: server.url!, LOG_LEVEL: 'silent' };
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'hub-keys-'));
    environment = { DATABASE_URL: undefined, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  }
  // Commander exits the process on errors; in a test it throws them instead.
  keysCommand.exitOverride();
  for (const command of keysCommand.commands) command.exitOverride();
});
afterAll(async () => {
  await server?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Runs `hub keys <args>` with the test database configured; captures stdout and stderr. */
async function hubKeys(...args: string[]): Promise<{ stdout: string; stderr: string; error: CommanderError | null }> {
  const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  const output = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      output[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  let error: CommanderError | null = null;
  try {
    await keysCommand.parseAsync(args, { from: 'user' });
  } catch (caught) {
    if (!(caught instanceof CommanderError)) throw caught;
    error = caught;
  } finally {
    for (const spy of spies) spy.mockRestore();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return { ...output, error };
}

/** Opens the database the command used (after the command closed it: PGlite has one owner). */
async function inspect<T>(task: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase(server ? { databaseUrl: server.url! } : { dataDir: dataDir! });
  try {
    return await task(database.db);
  } finally {
    await database.close();
  }
}

describe('hub keys', () => {
  let aliceKey = '';

  it('lists nothing before the first key', async () => {
    const { stdout, error } = await hubKeys('list');
    expect(error).toBeNull();
    expect(stdout).toContain('No API keys yet');
  });

  it('creates a key, prints it once on stdout, and stores only its hash', async () => {
    const { stdout, stderr, error } = await hubKeys('create', '--name', 'alice', '--role', 'reviewer');
    expect(error).toBeNull();
    expect(stdout).toMatch(/^hub_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\n$/);
    aliceKey = stdout.trim();
    expect(stderr).toContain('Created API key "alice" (reviewer');
    expect(stderr).toContain('not shown again');
    expect(stderr).not.toContain(aliceKey);
    await inspect(async (db) => {
      const rows = await db.select().from(apiKeys);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(aliceKey.slice(17));
      expect(await authenticateApiKey(db, aliceKey)).toMatchObject({ ok: true, identity: { name: 'alice', role: 'reviewer' } });
    });
    expect((await hubKeys('create', '--name', 'root', '--role', 'admin')).error).toBeNull();
  });

  it('refuses a name in use, an unknown role and a missing option, creating nothing', async () => {
    const taken = await hubKeys('create', '--name', 'alice', '--role', 'admin');
    expect(taken.error?.exitCode).toBe(1);
    expect(taken.stderr).toContain('A key named "alice" exists already');
    expect(taken.stdout).toBe('');
    const role = await hubKeys('create', '--name', 'eve', '--role', 'superuser');
    expect(role.error?.code).toBe('commander.invalidArgument');
    expect(role.stderr).toContain('reviewer, admin');
    const missing = await hubKeys('create', '--role', 'reviewer');
    expect(missing.error?.code).toBe('commander.missingMandatoryOptionValue');
    const badName = await hubKeys('create', '--name', 'eve; drop table', '--role', 'reviewer');
    expect(badName.error?.exitCode).toBe(1);
    expect(badName.stderr).toContain('not a valid key name');
    expect(await inspect((db) => db.select({ name: apiKeys.name }).from(apiKeys))).toHaveLength(2);
  });

  it('lists keys with their role and prefix, never the keys', async () => {
    const table = await hubKeys('list');
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+ROLE\s+PREFIX\s+CREATED\s+LAST USED\s+REVOKED$/);
    // alice's key was used (authenticated) above, root's never.
    expect(table.stdout).toMatch(new RegExp(`alice\\s+reviewer\\s+${aliceKey.slice(0, 16)}\\s+\\d{4}-\\d{2}-\\d{2}T\\S+Z\\s+\\d{4}-\\d{2}-\\d{2}T\\S+Z\\s+-`));
    expect(table.stdout).toMatch(/root\s+admin\s+hub_[0-9a-f]{12}\s+\S+\s+never\s+-/);
    expect(table.stdout).not.toContain(aliceKey.slice(17));
    const json = JSON.parse((await hubKeys('list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(json.map((key) => [key.name, key.role, key.revokedAt])).toEqual([
      ['alice', 'reviewer', null],
      ['root', 'admin', null],
    ]);
  });

  it('revokes a key by name: it stops authenticating; revoking again is harmless; an unknown name fails', async () => {
    const revoked = await hubKeys('revoke', 'alice');
    expect(revoked.error).toBeNull();
    expect(revoked.stderr).toContain('Revoked API key "alice"');
    await inspect(async (db) => {
      expect(await authenticateApiKey(db, aliceKey)).toMatchObject({ ok: false, reason: 'revoked' });
      const [row] = await db.select({ revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.name, 'alice'));
      expect(row?.revokedAt).toBeInstanceOf(Date);
    });
    const again = await hubKeys('revoke', 'alice');
    expect(again.error).toBeNull();
    expect(again.stderr).toContain('already revoked');
    const unknown = await hubKeys('revoke', 'nobody');
    expect(unknown.error?.exitCode).toBe(1);
    expect(unknown.stderr).toContain('There is no API key named "nobody"');
    const json = JSON.parse((await hubKeys('list', '--json')).stdout) as Array<{ name: string; revokedAt: string | null }>;
    expect(json.find((key) => key.name === 'alice')?.revokedAt).toMatch(/^\d{4}-/);
    expect(json.find((key) => key.name === 'root')?.revokedAt).toBeNull();
  });
});
