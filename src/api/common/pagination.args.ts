import { ArgsType, Field, Int } from 'type-graphql';
import { BadUserInputError } from '../errors.ts';
import { decodeCursor } from './cursor.ts';
import type { Ordering, PageRequest } from './keyset.ts';
import { DEFAULT_PAGE_SIZE } from './page-size.ts';

/** Forward pagination (Relay): `first` rows `after` a cursor. */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: 'Page size: at most the server maximum (GRAPHQL_MAX_PAGE_SIZE, 100 by default).',
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the rows after this cursor (`pageInfo.endCursor` of the previous page).' })
  after?: string | null;
}

/** Validates `first` and decodes `after` for `ordering`; BAD_USER_INPUT on either. */
export function toPageRequest(args: ConnectionArgs, ordering: Ordering, maxPageSize: number): PageRequest {
  const first = args.first ?? Math.min(DEFAULT_PAGE_SIZE, maxPageSize);
  if (first < 0) throw new BadUserInputError(`"first" cannot be negative (got ${first}).`, { argumentName: 'first' });
  if (first > maxPageSize) {
    throw new BadUserInputError(
      `"first" must be at most ${maxPageSize}, the maximum page size (got ${first}). Fetch more rows page by page with "after".`,
      { argumentName: 'first', maximum: maxPageSize },
    );
  }
  return { first, after: args.after == null ? null : decodeCursor(args.after, ordering) };
}

/** Validates a list argument's length (e.g. `nodes(ids:)`) against the page size limit. */
export function assertListSize(name: string, length: number, maxPageSize: number): void {
  if (length > maxPageSize) {
    throw new BadUserInputError(`"${name}" may hold at most ${maxPageSize} items (got ${length}).`, { argumentName: name, maximum: maxPageSize });
  }
}
