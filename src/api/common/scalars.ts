/**
 * Semantic scalars, all from graphql-scalars (style guideline 9), so clients get validation
 * and a `@specifiedBy` URL instead of bare strings.
 */
import {
  GraphQLCountryCode,
  GraphQLDateTime,
  GraphQLLocalDate,
  GraphQLNonNegativeInt,
  GraphQLSafeInt,
} from 'graphql-scalars';

/** An instant, RFC 3339 in UTC (`2026-04-10T03:00:00.000Z`): timestamps we record. */
export const DateTime = GraphQLDateTime;
/** A calendar date without time zone (`2026-04-10`): registry dates such as a retirement date. */
export const LocalDate = GraphQLLocalDate;
/** ISO 3166-1 alpha-2 country code (`BR`). */
export const CountryCode = GraphQLCountryCode;
/** Counts. */
export const NonNegativeInt = GraphQLNonNegativeInt;
/**
 * Integers up to 2^53 − 1: serial unit numbers reach ~10^12, beyond GraphQL's 32-bit Int
 * (and unlike Float they stay exact).
 */
export const SafeInt = GraphQLSafeInt;
