/** Global ids of flags and reviews, in the shared Node encoding (common/global-id.ts). */
import { decodeGlobalId, decodeGlobalIdOf, toGlobalId } from '../common/global-id.ts';

export const toFlagGlobalId = (dbId: string): string => toGlobalId('Flag', dbId);

export const toFlagReviewGlobalId = (dbId: number): string => toGlobalId('FlagReview', dbId);

/** The flag's database id, or null when `id` is not a flag's global id. */
export function flagDbIdOf(id: string): string | null {
  try {
    const decoded = decodeGlobalId(id);
    return decoded.type === 'Flag' ? decoded.dbId : null;
  } catch {
    return null;
  }
}

/** The flag's database id; BAD_USER_INPUT when `id` is not a flag's global id. */
export function decodeFlagGlobalId(id: string): string {
  return decodeGlobalIdOf('Flag', id);
}
