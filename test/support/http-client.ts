import { HttpClient } from '../../connectors/http.ts';

/**
 * The HTTP client connector tests give a connector: retries after 5–50 ms instead of seconds
 * and no rate limit, so fault tests run fast; `maxRetries` and `timeoutMs` as the test needs.
 */
export function testHttpClient({ maxRetries, timeoutMs = 5_000 }: { maxRetries: number; timeoutMs?: number }): HttpClient {
  return new HttpClient({ baseDelayMs: 5, maxDelayMs: 50, maxRetries, timeoutMs, requestsPerSecondPerHost: 0 });
}
