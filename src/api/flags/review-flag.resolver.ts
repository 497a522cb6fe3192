import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { reviewRoles } from '../../auth/roles.ts';
import type { ApiContext } from '../context.ts';
import { UserError } from '../common/user-error.type.ts';
import { ForbiddenError } from '../errors.ts';
import { requireApiKey } from '../plugins/api-key-auth.ts';
import { toFlagReview } from './flag-review.type.ts';
import { flagDbIdOf } from './flag-id.ts';
import { toFlag } from './flag.type.ts';
import { ReviewFlagInput } from './review-flag.input.ts';
import { ReviewFlagPayload } from './review-flag.payload.ts';
import { reviewFlag, type ReviewProblem } from './review-flag.ts';

const toUserError = (problem: ReviewProblem) =>
  Object.assign(new UserError(), { field: ['input', problem.field], message: problem.message, code: problem.code });

@Resolver()
export class ReviewFlagResolver {
  @Mutation(() => ReviewFlagPayload, {
    description:
      'Reviews a flag: confirm, dismiss or reopen it (docs/review-workflow.md). Needs an API key with role reviewer or admin ' +
      '(UNAUTHENTICATED without one, FORBIDDEN when the role does not allow it). Business failures come back in `userErrors` and change nothing. ' +
      'The status change and its audit entry are written in one transaction.',
  })
  async reviewFlag(@Arg('input', () => ReviewFlagInput) input: ReviewFlagInput, @Ctx() ctx: ApiContext): Promise<ReviewFlagPayload> {
    const reviewer = requireApiKey(ctx, reviewRoles, 'review flags');
    const payload = new ReviewFlagPayload();
    payload.flag = null;
    payload.review = null;
    payload.userErrors = [];
    const flagId = flagDbIdOf(input.flagId);
    if (flagId === null) {
      payload.userErrors = [toUserError({ field: 'flagId', code: 'FLAG_NOT_FOUND', message: 'This is not the id of a flag.' })];
      return payload;
    }
    const outcome = await reviewFlag(ctx.db, reviewer, { flagId, status: input.status, note: input.note, expectedStatus: input.expectedStatus });
    switch (outcome.kind) {
      case 'forbidden':
        throw new ForbiddenError(outcome.message);
      case 'refused':
        payload.flag = outcome.flag ? toFlag(ctx.loaders.flags.rememberFlag(outcome.flag)) : null;
        payload.userErrors = outcome.problems.map(toUserError);
        return payload;
      case 'reviewed':
        ctx.logger.info({ flagId, reviewer: reviewer.name, from: outcome.review.fromStatus, to: outcome.review.toStatus }, 'flag reviewed');
        payload.flag = toFlag(ctx.loaders.flags.rememberFlag(outcome.flag));
        payload.review = toFlagReview(outcome.review);
        return payload;
    }
  }
}
