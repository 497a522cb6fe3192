/**
 * What each API key role may do (docs/review-workflow.md). Reads need no key at all; every
 * write needs one.
 *
 * - `reviewer`: reviews flags the detectors still find: confirm, dismiss, reopen.
 * - `admin`: everything a reviewer does, and also records or corrects a decision (confirm,
 *   dismiss) on a flag the detectors no longer find (resolved), e.g. to keep on record that a
 *   double issuance a registry has since corrected did happen.
 *
 * Keys themselves are managed with `hub keys` on the server, never over the API.
 */
import { apiKeyRole } from '../db/schema.ts';

export type ApiKeyRole = (typeof apiKeyRole.enumValues)[number];

export const apiKeyRoles: readonly ApiKeyRole[] = apiKeyRole.enumValues;

/** The key a request was authenticated with. */
export interface ApiKeyIdentity {
  id: number;
  /** Unique; recorded as the reviewer in the audit trail. */
  name: string;
  role: ApiKeyRole;
}

/** Roles that may call `reviewFlag` at all. */
export const reviewRoles: readonly ApiKeyRole[] = ['reviewer', 'admin'];

/** Whether `role` may review a flag the detectors no longer find (`resolved_at` set). */
export function mayReviewUndetectedFlags(role: ApiKeyRole): boolean {
  return role === 'admin';
}

export function isApiKeyRole(value: string): value is ApiKeyRole {
  return (apiKeyRoles as readonly string[]).includes(value);
}
