/**
 * Reviewing a flag, framework-free (no GraphQL here): the rules of docs/review-workflow.md
 * and the one transaction that changes a flag's status, sets `reviewed_at` and appends the
 * review to the audit trail. Either all three happen or none does.
 *
 * The flag row is locked (`for update`) for the transaction, so two reviews of one flag run
 * one after the other and each records the status it really changed from; a detector run
 * touching the same flag waits too, and never overwrites a reviewer's status (flag-store.ts).
 */
import { eq, sql } from 'drizzle-orm';
import { mayReviewUndetectedFlags, type ApiKeyIdentity } from '../../auth/roles.ts';
import type { Executor } from '../../db/client.ts';
import { flagReviews, flags } from '../../db/schema.ts';
import { reviewColumns, type FlagReviewRow } from './flag-review.queries.ts';
import { flagColumns, type FlagRow, type FlagStatusValue } from './flag.queries.ts';

/** What a review may set. `resolved` belongs to the detectors. */
export type ReviewStatus = Extract<FlagStatusValue, 'open' | 'confirmed' | 'dismissed'>;

export interface ReviewRequest {
  flagId: string;
  status: ReviewStatus;
  note?: string | null;
  /** The status the reviewer saw; the review is refused if the flag has moved on since. */
  expectedStatus?: FlagStatusValue | null;
}

/** Stable codes of business failures (`userErrors[].code`). */
export type ReviewProblemCode =
  | 'FLAG_NOT_FOUND'
  | 'STATUS_UNCHANGED'
  | 'STATUS_CHANGED'
  | 'FLAG_RESOLVED'
  | 'NOTE_REQUIRED'
  | 'NOTE_TOO_LONG';

export interface ReviewProblem {
  /** The input field at fault. */
  field: 'flagId' | 'status' | 'note' | 'expectedStatus';
  code: ReviewProblemCode;
  message: string;
}

export type ReviewOutcome =
  | { kind: 'reviewed'; flag: FlagRow; review: FlagReviewRow }
  /** Nothing written; `flag` is the flag as it is, when it exists. */
  | { kind: 'refused'; flag: FlagRow | null; problems: ReviewProblem[] }
  /** The key's role does not allow this review: nothing written. */
  | { kind: 'forbidden'; message: string };

/** Longest note, in characters. */
export const maxNoteLength = 2_000;

/** Statuses a review may only set with a note saying why. */
const noteRequiredFor: ReadonlySet<ReviewStatus> = new Set(['dismissed', 'open']);

/** A note as stored: trimmed, and null when blank. */
export function normalizeNote(note: string | null | undefined): string | null {
  const trimmed = note?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function noteProblems(status: ReviewStatus, note: string | null): ReviewProblem[] {
  if (note === null) {
    return noteRequiredFor.has(status)
      ? [{ field: 'note', code: 'NOTE_REQUIRED', message: `A note saying why is required to set a flag to ${status}.` }]
      : [];
  }
  const length = [...note].length;
  return length > maxNoteLength
    ? [{ field: 'note', code: 'NOTE_TOO_LONG', message: `The note may be at most ${maxNoteLength} characters long (got ${length}).` }]
    : [];
}

export async function reviewFlag(db: Executor, reviewer: ApiKeyIdentity, request: ReviewRequest): Promise<ReviewOutcome> {
  const note = normalizeNote(request.note);
  const problems = noteProblems(request.status, note);
  return db.transaction(async (tx): Promise<ReviewOutcome> => {
    const [flag] = await tx.select(flagColumns).from(flags).where(eq(flags.id, request.flagId)).for('update');
    if (!flag) {
      return { kind: 'refused', flag: null, problems: [{ field: 'flagId', code: 'FLAG_NOT_FOUND', message: 'There is no flag with this id.' }, ...problems] };
    }
    const detected = flag.resolvedAt === null;
    if (!detected && !mayReviewUndetectedFlags(reviewer.role)) {
      return {
        kind: 'forbidden',
        message: `The detectors no longer find this flag (resolved ${flag.resolvedAt!.toISOString()}); only an admin key can record a decision on it.`,
      };
    }
    if (request.expectedStatus != null && request.expectedStatus !== flag.status) {
      problems.push({
        field: 'expectedStatus',
        code: 'STATUS_CHANGED',
        message: `The flag is ${flag.status} now, not ${request.expectedStatus}: it changed since you looked. Reload it and review again.`,
      });
    } else if (!detected && request.status === 'open') {
      problems.push({
        field: 'status',
        code: 'FLAG_RESOLVED',
        message: 'The detectors no longer find this flag, so it cannot be reopened; a detector that finds it again reopens it.',
      });
    } else if (request.status === flag.status) {
      problems.push({ field: 'status', code: 'STATUS_UNCHANGED', message: `The flag is ${flag.status} already.` });
    }
    if (problems.length > 0) return { kind: 'refused', flag, problems };

    const [updated] = await tx
      .update(flags)
      .set({ status: request.status, reviewedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(flags.id, flag.id))
      .returning(flagColumns);
    const [review] = await tx
      .insert(flagReviews)
      .values({ flagId: flag.id, apiKeyId: reviewer.id, reviewer: reviewer.name, fromStatus: flag.status, toStatus: request.status, note })
      .returning(reviewColumns);
    if (!updated || !review) throw new Error(`review of flag ${flag.id} wrote nothing`);
    return { kind: 'reviewed', flag: updated, review };
  });
}
