import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.ts';
import { buildConnection } from '../common/connection.type.ts';
import { toPageRequest } from '../common/pagination.args.ts';
import { countReviews, findReviews, flagReviewOrdering } from './flag-review.queries.ts';
import { FlagReview, FlagReviewConnection, toFlagReview } from './flag-review.type.ts';
import { FlagReviewsArgs, flagReviewOrderName, toFlagReviewFilter } from './flag-reviews.args.ts';
import { Flag, toFlag } from './flag.type.ts';

@Resolver(() => FlagReview)
export class FlagReviewResolver {
  @Query(() => FlagReviewConnection, {
    description: 'The review audit trail across flags, newest first by default. Readable by everyone; append-only (nothing can edit or delete a review).',
  })
  async flagReviews(@Args(() => FlagReviewsArgs) args: FlagReviewsArgs, @Ctx() ctx: ApiContext): Promise<FlagReviewConnection> {
    const filter = toFlagReviewFilter(args.filter);
    const ordering = flagReviewOrdering(flagReviewOrderName(args.orderBy));
    const request = toPageRequest(args, ordering, ctx.maxPageSize);
    return buildConnection(
      FlagReviewConnection,
      () => findReviews(ctx.db, filter, ordering, request),
      ordering,
      toFlagReview,
      () => countReviews(ctx.db, filter),
    );
  }

  @FieldResolver(() => Flag, { description: 'The flag reviewed, as it is now.' })
  async flag(@Root() review: FlagReview, @Ctx() ctx: ApiContext): Promise<Flag> {
    const row = await ctx.loaders.flags.byId.load(review.flagId);
    if (!row) throw new Error(`flag ${review.flagId} of review ${review.dbId} is missing`);
    return toFlag(row);
  }
}
