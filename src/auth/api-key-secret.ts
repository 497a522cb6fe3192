/**
 * The API key itself: how a key is made, how it is recognised, and how its salted hash is
 * computed and checked. Pure crypto (node:crypto), no database: src/auth/api-keys.ts stores
 * what this produces.
 *
 * A key reads `hub_<prefix>_<secret>`:
 * - `prefix`: 12 lowercase hex characters (48 random bits). `hub_<prefix>` is stored in clear
 *   as `api_keys.key_prefix` to find the key's row with one index lookup, and is safe to show
 *   in listings and logs;
 * - `secret`: 32 random bytes in base64url (43 characters, 256 bits). Only a salted scrypt
 *   hash of the whole key is stored, so a copy of the database does not give working keys.
 *
 * 256 random bits cannot be guessed, so scrypt is here to make a stolen hash useless rather
 * than to slow down guessing; the parameters are written next to the hash so they can be
 * raised later without invalidating existing keys.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const keyPattern = /^(hub_[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** scrypt cost (N = 2^14, r = 8, p = 1: node's defaults, ~16 MiB and a few ms per check). */
const currentParameters = { N: 16_384, r: 8, p: 1 } as const;
const hashLength = 32;
const saltLength = 16;

export interface ParsedApiKey {
  /** `hub_<12 hex>`: the public part, as stored in `api_keys.key_prefix`. */
  prefix: string;
  /** The whole key, as presented. */
  key: string;
}

/** A new random key and its public prefix. The key is shown once and never stored. */
export function generateApiKey(): ParsedApiKey {
  const prefix = `hub_${randomBytes(6).toString('hex')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { prefix, key };
}

/** The key's parts, or null when `key` is not shaped like a hub API key. */
export function parseApiKey(key: string): ParsedApiKey | null {
  const match = keyPattern.exec(key);
  return match ? { prefix: match[1]!, key } : null;
}

export function newSalt(): string {
  return randomBytes(saltLength).toString('base64url');
}

function scryptAsync(password: string, salt: string, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
}

/** `scrypt$N$r$p$<base64url hash>` of `key` with `salt`: what `api_keys.key_hash` holds. */
export async function hashApiKey(key: string, salt: string): Promise<string> {
  const { N, r, p } = currentParameters;
  const derived = await scryptAsync(key, salt, hashLength, { N, r, p, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${r}$${p}$${derived.toString('base64url')}`;
}

/**
 * Whether `key` hashes to `storedHash` with `salt`, compared in constant time. A stored hash
 * in an unknown format never matches.
 */
export async function verifyApiKey(key: string, salt: string, storedHash: string): Promise<boolean> {
  const parts = /^scrypt\$(\d{1,7})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,128})$/.exec(storedHash);
  if (!parts) return false;
  const [, N, r, p, encoded] = parts;
  const expected = Buffer.from(encoded!, 'base64url');
  const derived = await scryptAsync(key, salt, expected.length, { N: Number(N), r: Number(r), p: Number(p), maxmem: 256 * 1024 * 1024 });
  return derived.length === expected.length && timingSafeEqual(derived, expected);
}

/**
 * Spends the time of one verification on nothing: used when no row has the key's prefix, so
 * response times do not tell which prefixes exist.
 */
export async function verifyNothing(key: string): Promise<void> {
  await verifyApiKey(key, 'no-such-key-salt', dummyHash);
}

const dummyHash = `scrypt$${currentParameters.N}$${currentParameters.r}$${currentParameters.p}$${Buffer.alloc(hashLength).toString('base64url')}`;
