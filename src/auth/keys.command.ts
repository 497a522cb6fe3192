/**
 * `hub keys`: API keys for the review workflow (docs/review-workflow.md).
 *
 *   hub keys create --name alice --role reviewer   prints the new key once, on stdout
 *   hub keys revoke alice                          the key stops working at once
 *   hub keys list [--json]                         names, roles, prefixes, dates; never keys
 *
 * Each subcommand opens the configured database (DATABASE_URL, else PGlite under DATA_DIR),
 * applies pending migrations and closes it. Messages go to stderr, results to stdout, so
 * `KEY=$(hub keys create …)` captures only the key. Failures exit with code 1.
 */
import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import type { Database } from '../db/client.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { createLogger } from '../logger.ts';
import { ApiKeyError, createApiKey, listApiKeys, revokeApiKey, type ApiKeyRecord } from './api-keys.ts';
import { apiKeyRoles } from './roles.ts';

/** Opens a database, runs `task` on it and closes it. */
export type DatabaseRunner = <T>(task: (database: Database) => Promise<T>) => Promise<T>;

/** The configured database, migrated: what `hub keys` uses unless told otherwise. */
export const withConfiguredDatabase: DatabaseRunner = async (task) => {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config, createLogger(config.LOG_LEVEL));
  try {
    await database.migrate();
    return await task(database);
  } finally {
    await database.close();
  }
};

const out = (text: string) => void process.stdout.write(text);
const say = (text: string) => void process.stderr.write(`${text}\n`);

/** The `keys` command; `withDatabase` chooses the database (the configured one by default). */
export function createKeysCommand(withDatabase: DatabaseRunner = withConfiguredDatabase): Command {
  const keys = new Command('keys').description('manage API keys for reviews (reads need no key)');

  /** Runs an action; a refused request becomes a one-line message and exit code 1 (2 for bad settings). */
  const guarded =
    <A extends unknown[]>(command: () => Command, action: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      try {
        await action(...args);
      } catch (error) {
        if (error instanceof ApiKeyError) command().error(error.message, { exitCode: 1, code: 'hub.keys' });
        if (error instanceof ConfigError) command().error(error.message, { exitCode: 2, code: 'hub.config' });
        throw error;
      }
    };

  const create: Command = keys
    .command('create')
    .description('create a key and print it once (only a salted hash is stored)')
    .requiredOption('--name <name>', 'who uses the key: recorded as the reviewer in the audit trail')
    .addOption(new Option('--role <role>', 'what the key may do').choices(apiKeyRoles).makeOptionMandatory())
    .action(
      guarded(
        () => create,
        async (options: { name: string; role: string }) => {
          const { key, record } = await withDatabase((database) => createApiKey(database.db, options));
          say(`Created API key "${record.name}" (${record.role}, prefix ${record.keyPrefix}).`);
          say('Store it now: it is not shown again. Send it as "Authorization: Bearer <key>".');
          out(`${key}\n`);
        },
      ),
    );

  const revoke: Command = keys
    .command('revoke')
    .description('revoke a key: requests with it are refused from now on (its reviews stay in the audit trail)')
    .argument('<name>', 'the key name')
    .action(
      guarded(
        () => revoke,
        async (name: string) => {
          const result = await withDatabase((database) => revokeApiKey(database.db, name));
          if (!result) throw new ApiKeyError(`There is no API key named "${name}" (see hub keys list).`);
          say(
            result.alreadyRevoked
              ? `API key "${name}" was already revoked (${iso(result.record.revokedAt)}).`
              : `Revoked API key "${name}" (prefix ${result.record.keyPrefix}).`,
          );
        },
      ),
    );

  const list: Command = keys
    .command('list')
    .description('list keys: name, role, prefix, created, last used, revoked (never the keys themselves)')
    .option('--json', 'one JSON array instead of a table')
    .action(
      guarded(
        () => list,
        async (options: { json?: boolean }) => {
          const records = await withDatabase((database) => listApiKeys(database.db));
          out(options.json ? `${JSON.stringify(records.map(toJson), null, 2)}\n` : renderTable(records));
        },
      ),
    );

  return keys;
}

/** `hub keys`, for src/cli.ts: `program.addCommand(keysCommand)`. */
export const keysCommand = createKeysCommand();

function iso(date: Date | null): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

function toJson(record: ApiKeyRecord) {
  return {
    name: record.name,
    role: record.role,
    keyPrefix: record.keyPrefix,
    createdAt: record.createdAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

function renderTable(records: readonly ApiKeyRecord[]): string {
  if (records.length === 0) return 'No API keys yet: create one with hub keys create --name NAME --role reviewer|admin\n';
  const header = ['NAME', 'ROLE', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED'];
  const rows = records.map((r) => [r.name, r.role, r.keyPrefix, iso(r.createdAt), r.lastUsedAt ? iso(r.lastUsedAt) : 'never', iso(r.revokedAt)]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}
