import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, newSalt, parseApiKey, verifyApiKey } from '../../src/auth/api-key-secret.ts';
import { ApiKeyError, authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from '../../src/auth/api-keys.ts';
import { apiKeys } from '../../src/db/schema.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(async () => {
  await testDb?.drop();
});

const db = () => testDb.database.db;

describe('the key itself', () => {
  it('is hub_<12 hex>_<43 base64url>, random, and parsed back to its prefix', () => {
    const { key, prefix } = generateApiKey();
    expect(key).toMatch(/^hub_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    expect(parseApiKey(key)).toEqual({ prefix, key });
    expect(generateApiKey().key).not.toBe(key);
    for (const bad of ['', 'hub_', `${key} `, key.slice(0, -1), `hub_0123456789AB_${'A'.repeat(43)}`, `xyz_0123456789ab_${'A'.repeat(43)}`, key.replace('_', '-')]) {
      expect(parseApiKey(bad), bad).toBeNull();
    }
  });

  it('verifies against its salted scrypt hash only, in the stored format', async () => {
    const { key } = generateApiKey();
    const salt = newSalt();
    const hash = await hashApiKey(key, salt);
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyApiKey(key, salt, hash)).toBe(true);
    expect(await verifyApiKey(generateApiKey().key, salt, hash)).toBe(false);
    expect(await verifyApiKey(key, newSalt(), hash)).toBe(false);
    expect(await hashApiKey(key, newSalt())).not.toBe(hash);
    expect(await verifyApiKey(key, salt, 'plaintext')).toBe(false);
    expect(await verifyApiKey(key, salt, hash.replace('scrypt$', 'bcrypt$'))).toBe(false);
  });
});

describe('API keys in the database', () => {
  it('stores a prefix, a salt and a hash: the key itself is nowhere', async () => {
    const { key, record } = await createApiKey(db(), { name: 'alice', role: 'reviewer' });
    const other = await createApiKey(db(), { name: 'integrity team', role: 'admin' });
    expect(record).toMatchObject({ name: 'alice', role: 'reviewer', keyPrefix: key.slice(0, 16), lastUsedAt: null, revokedAt: null });
    expect(record).not.toHaveProperty('keyHash');
    const rows = await db().select().from(apiKeys);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(17));
    expect(stored).not.toContain(other.key.slice(17));
    const [alice, team] = [rows.find((row) => row.name === 'alice')!, rows.find((row) => row.name === 'integrity team')!];
    expect(alice.salt).not.toBe(team.salt);
    expect(await verifyApiKey(key, alice.salt, alice.keyHash)).toBe(true);
  });

  it('authenticates a key and refuses malformed, unknown, wrong and revoked ones', async () => {
    const { key, record } = await createApiKey(db(), { name: 'bob', role: 'reviewer' });
    expect(await authenticateApiKey(db(), key)).toEqual({ ok: true, identity: { id: record.id, name: 'bob', role: 'reviewer' } });
    expect(await authenticateApiKey(db(), 'Bearer nonsense')).toEqual({ ok: false, reason: 'malformed', prefix: null });
    const unknown = generateApiKey();
    expect(await authenticateApiKey(db(), unknown.key)).toEqual({ ok: false, reason: 'unknown', prefix: unknown.prefix });
    const wrongSecret = `${record.keyPrefix}_${generateApiKey().key.slice(17)}`;
    expect(await authenticateApiKey(db(), wrongSecret)).toEqual({ ok: false, reason: 'unknown', prefix: record.keyPrefix });
    expect(await revokeApiKey(db(), 'bob')).toMatchObject({ alreadyRevoked: false, record: { name: 'bob' } });
    expect(await authenticateApiKey(db(), key)).toEqual({ ok: false, reason: 'revoked', prefix: record.keyPrefix });
    // A revoked key is only reported as revoked to whoever holds its secret.
    expect(await authenticateApiKey(db(), wrongSecret)).toMatchObject({ reason: 'unknown' });
  });

  it('moves last_used_at forward on success, to the minute', async () => {
    const { key } = await createApiKey(db(), { name: 'carol', role: 'reviewer' });
    const lastUsed = async () => (await db().select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.name, 'carol')))[0]!.at;
    expect(await lastUsed()).toBeNull();
    await authenticateApiKey(db(), key);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await authenticateApiKey(db(), key);
    expect(await lastUsed()).toEqual(first);
    await db().update(apiKeys).set({ lastUsedAt: sql`now() - interval '5 minutes'` }).where(eq(apiKeys.name, 'carol'));
    const old = await lastUsed();
    await authenticateApiKey(db(), key);
    expect((await lastUsed())!.getTime()).toBeGreaterThan(old!.getTime());
  });

  it('refuses bad names, unknown roles and names used before, revoked or not', async () => {
    for (const name of ['', ' alice', 'alice ', 'a\nb', 'x'.repeat(101), 'semi;colon', '-dash-first']) {
      await expect(createApiKey(db(), { name, role: 'reviewer' }), JSON.stringify(name)).rejects.toThrow(ApiKeyError);
    }
    await expect(createApiKey(db(), { name: 'dave', role: 'superuser' })).rejects.toThrow(/not a role/);
    await expect(createApiKey(db(), { name: 'alice', role: 'admin' })).rejects.toThrow(/exists already/);
    await expect(createApiKey(db(), { name: 'bob', role: 'reviewer' })).rejects.toThrow(/revoked; names are not reused/);
    expect((await db().select().from(apiKeys).where(eq(apiKeys.name, 'dave'))).length).toBe(0);
    await expect(createApiKey(db(), { name: 'alice@registry.example', role: 'admin' })).resolves.toBeTruthy();
  });

  it('revokes by name (twice is harmless) and lists every key, oldest first, without secrets', async () => {
    expect(await revokeApiKey(db(), 'nobody')).toBeNull();
    const again = await revokeApiKey(db(), 'bob');
    expect(again).toMatchObject({ alreadyRevoked: true });
    const list = await listApiKeys(db());
    expect(list.map((key) => key.name)).toEqual(['alice', 'integrity team', 'bob', 'carol', 'alice@registry.example']);
    expect(list.find((key) => key.name === 'bob')!.revokedAt).toEqual(again!.record.revokedAt);
    for (const key of list) expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'keyPrefix', 'lastUsedAt', 'name', 'revokedAt', 'role']);
  });
});
