import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/** sha256 of a value's canonical JSON (keys sorted), so equal content always hashes equal. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(stringify(value) ?? 'null').digest('hex');
}
