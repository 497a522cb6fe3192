/**
 * API keys in the database (`api_keys`): create, revoke, list, and authenticate a key a
 * request presents. Framework-free: the `hub keys` command, the GraphQL auth plugin and the
 * tests call the same functions. Only the key's public prefix and a salted hash are stored
 * (api-key-secret.ts); the key itself is returned once, by `createApiKey`.
 */
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { apiKeys } from '../db/schema.ts';
import { generateApiKey, hashApiKey, newSalt, parseApiKey, verifyApiKey, verifyNothing } from './api-key-secret.ts';
import { isApiKeyRole, type ApiKeyIdentity, type ApiKeyRole } from './roles.ts';

/** What may be shown about a key: everything but its salt and hash. */
export interface ApiKeyRecord {
  id: number;
  name: string;
  role: ApiKeyRole;
  keyPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const recordColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  role: apiKeys.role,
  keyPrefix: apiKeys.keyPrefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

/** A request to manage keys that cannot be done as asked (the message says why). */
export class ApiKeyError extends Error {
  override name = 'ApiKeyError';
}

/**
 * Key names are recorded as the reviewer in the audit trail: a person or a team, e.g.
 * `alice`, `alice@registry.example`, `integrity team`. Letters, digits, space and `._@+-`.
 */
const namePattern = /^[\p{L}\p{N}][\p{L}\p{N} ._@+-]*$/u;
export const maxNameLength = 100;

export function checkKeyName(name: string): void {
  if (name.length === 0 || name.length > maxNameLength || !namePattern.test(name) || name !== name.trim()) {
    throw new ApiKeyError(
      `"${name}" is not a valid key name: use 1 to ${maxNameLength} letters, digits, spaces and . _ @ + -, starting with a letter or digit.`,
    );
  }
}

/**
 * Creates a key for `name` with `role`; returns the key (to show once) and its record.
 * Names are never reused, not even after a revocation, so a name in the audit trail always
 * means one key.
 */
export async function createApiKey(db: Executor, options: { name: string; role: string }): Promise<{ key: string; record: ApiKeyRecord }> {
  const { name, role } = options;
  checkKeyName(name);
  if (!isApiKeyRole(role)) throw new ApiKeyError(`"${role}" is not a role: use reviewer or admin.`);
  // A prefix clash (48 random bits) is next to impossible; retry rather than fail if it happens.
  for (let attempt = 0; attempt < 3; attempt++) {
    const { key, prefix } = generateApiKey();
    const salt = newSalt();
    const [record] = await db
      .insert(apiKeys)
      .values({ name, role, keyPrefix: prefix, salt, keyHash: await hashApiKey(key, salt) })
      .onConflictDoNothing()
      .returning(recordColumns);
    if (record) return { key, record };
    const [existing] = await db.select(recordColumns).from(apiKeys).where(eq(apiKeys.name, name));
    if (existing) {
      throw new ApiKeyError(
        existing.revokedAt
          ? `A key named "${name}" existed and was revoked; names are not reused. Choose another name.`
          : `A key named "${name}" exists already. Revoke it first or choose another name.`,
      );
    }
  }
  throw new Error('could not generate an unused key prefix');
}

/** Revokes the key named `name` at once; null when there is none. Revoking twice is harmless. */
export async function revokeApiKey(db: Executor, name: string): Promise<{ record: ApiKeyRecord; alreadyRevoked: boolean } | null> {
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.name, name), isNull(apiKeys.revokedAt)))
    .returning(recordColumns);
  if (revoked) return { record: revoked, alreadyRevoked: false };
  const [existing] = await db.select(recordColumns).from(apiKeys).where(eq(apiKeys.name, name));
  return existing ? { record: existing, alreadyRevoked: true } : null;
}

/** Every key, oldest first, revoked ones included. */
export async function listApiKeys(db: Executor): Promise<ApiKeyRecord[]> {
  return db.select(recordColumns).from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

export type AuthenticationFailure = 'malformed' | 'unknown' | 'revoked';

export type Authentication =
  | { ok: true; identity: ApiKeyIdentity }
  /** `prefix` is the key's public part when it had one: safe to log, unlike the key. */
  | { ok: false; reason: AuthenticationFailure; prefix: string | null };

/** `last_used_at` is kept to this precision, so a busy client does not write on every request. */
const lastUsedPrecision = sql`interval '1 minute'`;

/**
 * Checks a presented key: the row with its prefix, then its salted hash in constant time.
 * A revoked key is reported as such only when the secret matched. On success `last_used_at`
 * moves forward (to the minute).
 */
export async function authenticateApiKey(db: Executor, presented: string): Promise<Authentication> {
  const parsed = parseApiKey(presented);
  if (!parsed) return { ok: false, reason: 'malformed', prefix: null };
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, role: apiKeys.role, salt: apiKeys.salt, keyHash: apiKeys.keyHash, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyPrefix, parsed.prefix));
  if (!row) {
    await verifyNothing(parsed.key);
    return { ok: false, reason: 'unknown', prefix: parsed.prefix };
  }
  if (!(await verifyApiKey(parsed.key, row.salt, row.keyHash))) return { ok: false, reason: 'unknown', prefix: parsed.prefix };
  if (row.revokedAt) return { ok: false, reason: 'revoked', prefix: parsed.prefix };
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - ${lastUsedPrecision}`))));
  return { ok: true, identity: { id: row.id, name: row.name, role: row.role } };
}
