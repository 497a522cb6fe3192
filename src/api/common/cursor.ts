/**
 * Opaque connection cursors: base64url of `{"o": ordering, "k": [key values]}`. A cursor is
 * only valid for the ordering that produced it; anything else is BAD_USER_INPUT, never a
 * database error.
 */
import { BadUserInputError } from '../errors.ts';
import { isValidKeyValue, type KeyValues, type Ordering } from './keyset.ts';

export function encodeCursor(ordering: Ordering, key: KeyValues): string {
  return Buffer.from(JSON.stringify({ o: ordering.name, k: key }), 'utf8').toString('base64url');
}

/** Key values of `cursor` (the `after` argument) for `ordering`. */
export function decodeCursor(cursor: string, ordering: Ordering): KeyValues {
  const invalid = (why: string) =>
    new BadUserInputError(`"after" is not a valid cursor for this connection (${why}). Use a cursor from a previous page of the same query.`, {
      argumentName: 'after',
    });
  if (!/^[A-Za-z0-9_-]{1,4000}$/.test(cursor)) throw invalid('malformed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('malformed');
  }
  if (typeof parsed !== 'object' || parsed === null || !('o' in parsed) || !('k' in parsed)) throw invalid('malformed');
  const { o, k } = parsed as { o: unknown; k: unknown };
  if (o !== ordering.name) throw invalid(`it belongs to ordering ${typeof o === 'string' ? o : '?'}, not ${ordering.name}`);
  if (!Array.isArray(k) || k.length !== ordering.keys.length) throw invalid('malformed');
  ordering.keys.forEach((key, index) => {
    if (!isValidKeyValue(key.type, k[index])) throw invalid('malformed');
  });
  return k as string[];
}
