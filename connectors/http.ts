/**
 * The one HTTP client every connector uses: undici underneath, with the hub's User-Agent,
 * timeouts, retries with backoff, Retry-After, a per-host rate limit and errors classified
 * for the scheduler (`ConnectorError.failureType`).
 *
 * Behaviour worth knowing before calling it:
 * - Only 2xx and 304 resolve. Every other final status throws `HttpError`:
 *   401/403 → `config`, 404/410 → `format`, other 4xx → `system`, 5xx/429/408 after the
 *   retries → `transient`. Redirects (301, 302, 303, 307, 308) are followed, at most 5 hops;
 *   on a cross-origin hop the caller's headers (credentials, conditional headers) are dropped.
 * - Retries cover 5xx, 429, 408 and network failures before the headers arrive. Once the
 *   headers are in, nothing is retried: a body that breaks off errors the `body` stream.
 * - Every attempt (retries and redirect hops included) waits for its slot in the per-host
 *   rate limit, which is kept per `HttpClient` instance and keyed by `host:port`.
 * - The caller must read or destroy `response.body`; an unread body holds its connection.
 * - Logs show the method and URL, with credentials in the URL (user info, `api_key`, `token`,
 *   `signature`… query parameters) masked. Headers are never logged. `HttpError.url` and
 *   every error message carry the masked URL too; `HttpResponse.url` is the real final URL.
 */
import { Readable } from 'node:stream';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import { ConnectorError, type FailureType } from './contract.ts';
import { silentLogger, type Logger } from '../src/logger.ts';

export const DEFAULT_USER_AGENT =
  'CarbonRegistryHub/0.1 (+https://github.com/carbon-registry-hub/hub; open data hub for carbon credits)';

export interface HttpClientOptions {
  /** Sent on every request. Default: {@link DEFAULT_USER_AGENT}. */
  userAgent?: string;
  /** Connect, headers and body-idle timeout, each on its own, in ms. Default 60 000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** First backoff delay in ms; it doubles each retry, with full jitter. Default 500. */
  baseDelayMs?: number;
  /** Longest single backoff delay in ms. Default 30 000. */
  maxDelayMs?: number;
  /**
   * Longest `Retry-After` the client waits inside a run, in ms. When a server asks for more,
   * the request fails at once as `transient`, with `retryAfterMs` set. Default 120 000.
   */
  maxRetryAfterMs?: number;
  /** Requests started per second per `host:port`. 0 or Infinity: unlimited. Default 1. */
  requestsPerSecondPerHost?: number;
  /** Default: silent. */
  logger?: Logger;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  /**
   * Extra request headers; names are case-insensitive. A `User-Agent` given here replaces the
   * client's own (an empty one is ignored, so the hub's User-Agent can never be blanked).
   */
  headers?: Record<string, string>;
  /** Re-sent as-is on every retry. */
  body?: string;
  /** Conditional GET: the ETag from last time. */
  ifNoneMatch?: string;
  /** Conditional GET: the Last-Modified from last time. */
  ifModifiedSince?: string;
  /**
   * Stops the request, any backoff or rate-limit wait and the body stream. The promise (or
   * stream) rejects with `signal.reason` when it is an Error (an `AbortError` DOMException
   * for a plain `controller.abort()`), otherwise with a new `AbortError` DOMException.
   */
  signal?: AbortSignal;
}

export interface HttpResponse {
  /** The final URL, after redirects. */
  url: string;
  /** 2xx or 304 only; anything else throws. */
  status: number;
  /** True on 304. */
  notModified: boolean;
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /**
   * The body, streamed. Errors while reading it (connection closed early, body shorter than
   * Content-Length, idle timeout) are emitted as `HttpError` with failureType `transient`.
   * Read it once: through this stream, `text()` or `json()`.
   */
  body: Readable;
  text(): Promise<string>;
  /** Parses the body; a body that is not JSON rejects with an `HttpError` of type `format`. */
  json<T = unknown>(): Promise<T>;
}

export class HttpError extends ConnectorError {
  /** The URL that failed, with credentials masked. */
  readonly url: string;
  /** The HTTP status, or null when no response arrived (network error, timeout). */
  readonly status: number | null;
  /** How long the server asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs: number | null;

  constructor(
    failureType: FailureType,
    message: string,
    options: { url: string; status?: number | null; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(failureType, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.url = options.url;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Network failures before the headers arrive that a new attempt can fix. */
const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);
/** Headers kept on a cross-origin redirect; everything else the caller set is dropped. */
const CROSS_ORIGIN_SAFE_HEADERS = new Set(['user-agent', 'accept', 'accept-language']);
const SNIPPET_CHARS = 300;
/** How much of an error response is read for the snippet before the stream is destroyed. */
const SNIPPET_READ_BYTES = 8 * 1024;

export class HttpClient {
  readonly #agent: Agent;
  readonly #userAgent: string;
  readonly #maxRetries: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxRetryAfterMs: number;
  readonly #timeoutMs: number;
  readonly #limiter: HostRateLimiter;
  readonly #log: Logger;

  constructor(options: HttpClientOptions = {}) {
    this.#userAgent = options.userAgent?.trim() || DEFAULT_USER_AGENT;
    this.#timeoutMs = positive('timeoutMs', options.timeoutMs ?? 60_000);
    this.#maxRetries = nonNegativeInteger('maxRetries', options.maxRetries ?? 4);
    this.#baseDelayMs = nonNegative('baseDelayMs', options.baseDelayMs ?? 500);
    this.#maxDelayMs = nonNegative('maxDelayMs', options.maxDelayMs ?? 30_000);
    this.#maxRetryAfterMs = nonNegative('maxRetryAfterMs', options.maxRetryAfterMs ?? 120_000);
    const rate = options.requestsPerSecondPerHost ?? 1;
    if (Number.isNaN(rate) || rate < 0) {
      throw new RangeError(`requestsPerSecondPerHost must be >= 0 (0 or Infinity: unlimited), got ${rate}`);
    }
    this.#limiter = new HostRateLimiter(rate === 0 || rate === Infinity ? 0 : 1000 / rate);
    this.#log = options.logger ?? silentLogger;
    this.#agent = new Agent({
      connect: { timeout: this.#timeoutMs },
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
  }

  async request(url: string | URL, request: HttpRequest = {}): Promise<HttpResponse> {
    const { signal } = request;
    let current = parseUrl(url);
    let method: 'GET' | 'POST' = request.method ?? 'GET';
    let body = request.body;
    let headers = this.#buildHeaders(request);
    throwIfAborted(signal);

    for (let hop = 0; ; hop++) {
      const res = await this.#send(current, method, headers, body, signal);
      if (!REDIRECT_STATUSES.has(res.statusCode)) {
        return makeResponse(current, method, res, signal);
      }
      // #send has already drained the redirect's body.
      const shown = redact(current);
      const location = headerValue(res.headers.location);
      let next: URL | null = null;
      try {
        next = location === undefined ? null : new URL(location, current);
      } catch {
        next = null;
      }
      if (next === null || (next.protocol !== 'http:' && next.protocol !== 'https:') || hop >= MAX_REDIRECTS) {
        const why =
          hop >= MAX_REDIRECTS
            ? `more than ${MAX_REDIRECTS} redirects`
            : `redirect with an unusable Location ${JSON.stringify(location ?? null)}`;
        this.#log.warn({ method, url: shown, status: res.statusCode }, 'http request failed');
        throw new HttpError('format', `${method} ${shown} failed: HTTP ${res.statusCode}, ${why} (endpoint moved?)`, {
          url: shown,
          status: res.statusCode,
        });
      }
      if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = omit(headers, ['content-type', 'content-length']);
      }
      if (next.origin !== current.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => CROSS_ORIGIN_SAFE_HEADERS.has(name)));
      }
      this.#log.debug({ method, url: shown, status: res.statusCode, location: redact(next) }, 'http redirect');
      current = next;
    }
  }

  /**
   * Waits for in-flight requests to finish, at most `timeoutMs`, then closes every connection;
   * whatever is still open then (such as a response body nobody reads) is destroyed.
   */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceful = this.#agent.close().then(
      () => true,
      () => true,
    );
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.#timeoutMs);
    });
    try {
      if (!(await Promise.race([graceful, timedOut]))) await this.#agent.destroy();
    } finally {
      clearTimeout(timer);
    }
  }

  #buildHeaders(request: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': this.#userAgent };
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      const key = name.toLowerCase();
      if (key === 'user-agent' && !value.trim()) continue;
      headers[key] = value;
    }
    if (request.ifNoneMatch !== undefined) headers['if-none-match'] = request.ifNoneMatch;
    if (request.ifModifiedSince !== undefined) headers['if-modified-since'] = request.ifModifiedSince;
    return headers;
  }

  /**
   * One request with its retries. Resolves with a 2xx, a 304 or a redirect (body drained);
   * throws HttpError for everything else.
   */
  async #send(
    url: URL,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData> {
    const shown = redact(url);
    const attempts = this.#maxRetries + 1;
    const hostKey = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
    let last: { reason: string; status: number | null; cause?: unknown; retryAfterMs: number | null } = {
      reason: 'no attempt made',
      status: null,
      retryAfterMs: null,
    };

    for (let attempt = 1; attempt <= attempts; attempt++) {
      await this.#limiter.acquire(hostKey, signal);
      this.#log.debug({ method, url: shown, attempt }, 'http request');

      let res: Dispatcher.ResponseData;
      try {
        res = await undiciRequest(url, { dispatcher: this.#agent, method, headers, body, signal });
      } catch (err) {
        if (signal?.aborted) throw abortError(signal);
        const reason = describe(err);
        if (!isRetryableNetworkError(err)) {
          this.#log.warn({ method, url: shown, status: null, reason }, 'http request failed');
          throw new HttpError('system', `${method} ${shown} failed: ${reason}`, { url: shown, cause: err });
        }
        last = { reason, status: null, cause: err, retryAfterMs: null };
        if (attempt < attempts) await this.#backoff(method, shown, attempt, attempts, this.#backoffDelay(attempt), reason, signal);
        continue;
      }

      const status = res.statusCode;
      if ((status >= 200 && status < 300) || status === 304) return res;
      if (REDIRECT_STATUSES.has(status)) {
        await drainSnippet(res.body);
        return res;
      }

      const snippet = await drainSnippet(res.body);
      const reason = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
      if (!(status >= 500 || status === 429 || status === 408)) {
        this.#log.warn({ method, url: shown, status, bodySnippet: snippet }, 'http request failed');
        const [failureType, hint] = classifyStatus(status);
        throw new HttpError(failureType, `${method} ${shown} failed: HTTP ${status} (${hint})${snippet ? `: ${snippet}` : ''}`, {
          url: shown,
          status,
        });
      }

      let delayMs = this.#backoffDelay(attempt);
      let retryAfterMs: number | null = null;
      if (status === 429 || status === 503) {
        const header = headerValue(res.headers['retry-after']);
        retryAfterMs = parseRetryAfter(header);
        if (retryAfterMs !== null) {
          if (retryAfterMs > this.#maxRetryAfterMs) {
            const asked = `the server asked to wait ${formatDuration(retryAfterMs)} (Retry-After: ${header})`;
            this.#log.warn({ method, url: shown, status, retryAfterMs, bodySnippet: snippet }, 'http request failed');
            throw new HttpError(
              'transient',
              `${method} ${shown} failed: HTTP ${status}, ${asked}, longer than the ${formatDuration(this.#maxRetryAfterMs)} we wait within a run${snippet ? `: ${snippet}` : ''}`,
              { url: shown, status, retryAfterMs },
            );
          }
          delayMs = retryAfterMs;
        }
      }
      last = { reason, status, retryAfterMs };
      if (attempt < attempts) await this.#backoff(method, shown, attempt, attempts, delayMs, reason, signal);
    }

    this.#log.warn({ method, url: shown, status: last.status, attempts, reason: last.reason }, 'http request failed');
    throw new HttpError('transient', `${method} ${shown} failed after ${attempts} attempts: ${last.reason}`, {
      url: shown,
      status: last.status,
      retryAfterMs: last.retryAfterMs,
      cause: last.cause,
    });
  }

  /** Full jitter: uniform in [0, min(maxDelay, base · 2^(attempt-1))]. */
  #backoffDelay(attempt: number): number {
    const cap = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
    return Math.round(Math.random() * cap);
  }

  async #backoff(
    method: string,
    url: string,
    attempt: number,
    attempts: number,
    delayMs: number,
    reason: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    this.#log.warn({ method, url, attempt, maxAttempts: attempts, delayMs, reason }, 'http request failed, retrying');
    await sleep(delayMs, signal);
  }
}

/**
 * Spaces request starts to the same key by `intervalMs`, across concurrent callers: each
 * caller books the next free slot, then sleeps until it. Different keys never wait on each other.
 */
class HostRateLimiter {
  readonly #intervalMs: number;
  /** key → time (performance.now) at which the next request may start. */
  readonly #nextSlot = new Map<string, number>();

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  async acquire(key: string, signal: AbortSignal | undefined): Promise<void> {
    if (this.#intervalMs <= 0) return;
    throwIfAborted(signal);
    const now = performance.now();
    if (this.#nextSlot.size > 256) {
      for (const [k, next] of this.#nextSlot) if (next <= now) this.#nextSlot.delete(k);
    }
    const slot = Math.max(now, this.#nextSlot.get(key) ?? 0);
    const booked = slot + this.#intervalMs;
    this.#nextSlot.set(key, booked);
    if (slot <= now) return;
    try {
      await sleep(slot - now, signal);
    } catch (err) {
      // Give the slot back when nobody booked after us.
      if (this.#nextSlot.get(key) === booked) this.#nextSlot.set(key, slot);
      throw err;
    }
  }
}

function makeResponse(
  url: URL,
  method: string,
  res: Dispatcher.ResponseData,
  signal: AbortSignal | undefined,
): HttpResponse {
  const shown = redact(url);
  const body = wrapBody(res.body, method, shown, res.statusCode, signal);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const text = async (): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  };
  return {
    url: url.href,
    status: res.statusCode,
    notModified: res.statusCode === 304,
    headers,
    body,
    text,
    async json<T = unknown>(): Promise<T> {
      const raw = await text();
      try {
        return JSON.parse(raw) as T;
      } catch (err) {
        throw new HttpError(
          'format',
          `${method} ${shown}: response is not valid JSON (${describe(err)}): ${snippetOf(raw) || '(empty body)'}`,
          { url: shown, status: res.statusCode, cause: err },
        );
      }
    },
  };
}

/**
 * Wraps undici's body so read errors surface as HttpError naming the URL. The source is only
 * started when the consumer first reads, and an error on a body nobody reads is kept, not
 * emitted, so an ignored body cannot crash the process with an unhandled 'error'.
 */
function wrapBody(source: Readable, method: string, url: string, status: number, signal: AbortSignal | undefined): Readable {
  let started = false;
  let pending: Error | null = null;
  const toError = (err: unknown): Error => {
    if (err instanceof HttpError) return err;
    if (signal?.aborted) return abortError(signal);
    return new HttpError('transient', `${method} ${url}: reading the response body failed: ${describeBodyError(err)}`, {
      url,
      status,
      cause: err,
    });
  };
  const out = new Readable({
    read() {
      if (!started) {
        started = true;
        if (pending) {
          this.destroy(pending);
          return;
        }
        source.on('data', (chunk: Buffer) => {
          if (!out.push(chunk)) source.pause();
        });
        source.on('end', () => out.push(null));
      }
      source.resume();
    },
    destroy(err, callback) {
      if (!source.destroyed) source.destroy();
      callback(err);
    },
  });
  source.on('error', (err: unknown) => {
    const mapped = toError(err);
    if (started) out.destroy(mapped);
    else pending = mapped;
  });
  return out;
}

/** Reads the start of an error response for the message, then destroys the stream. Never rejects. */
function drainSnippet(body: Readable): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      body.off('data', onData);
      resolve(snippetOf(Buffer.concat(chunks).toString('utf8')));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= SNIPPET_READ_BYTES) {
        finish();
        body.destroy();
      }
    };
    // Stays attached: it also swallows the abort error undici emits when we destroy the body.
    body.on('error', finish);
    body.on('end', finish);
    body.on('close', finish);
    body.on('data', onData);
  });
}

function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SNIPPET_CHARS ? flat : `${flat.slice(0, SNIPPET_CHARS - 1)}…`;
}

function classifyStatus(status: number): [FailureType, string] {
  if (status === 401 || status === 403) {
    return ['config', 'access denied: check the credentials or API key configured for this registry, and that the endpoint is open to us'];
  }
  if (status === 404 || status === 410) return ['format', 'endpoint not found: the registry may have moved or removed it'];
  if (status >= 300 && status < 400) return ['format', 'unexpected redirect status: endpoint moved?'];
  return ['system', 'the registry rejected the request'];
}

function isRetryableNetworkError(err: unknown): boolean {
  return errorCodes(err).some((code) => RETRYABLE_NETWORK_CODES.has(code));
}

function errorCodes(err: unknown, depth = 0): string[] {
  if (typeof err !== 'object' || err === null || depth > 3) return [];
  const codes: string[] = [];
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') codes.push(code);
  if (err instanceof AggregateError) for (const inner of err.errors) codes.push(...errorCodes(inner, depth + 1));
  if ('cause' in err) codes.push(...errorCodes((err as { cause?: unknown }).cause, depth + 1));
  return codes;
}

/** A one-line description of an error, naming its code (ECONNREFUSED…) when the message does not. */
function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0 && !err.message) return describe(err.errors[0]);
  if (err instanceof Error) {
    const message = err.message || err.name;
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
  }
  return String(err);
}

function describeBodyError(err: unknown): string {
  const codes = errorCodes(err);
  if (codes.includes('UND_ERR_BODY_TIMEOUT')) return `no body data received for the idle timeout (${describe(err)})`;
  if (codes.includes('UND_ERR_RES_CONTENT_LENGTH_MISMATCH')) return `body shorter than its Content-Length (${describe(err)})`;
  if (codes.includes('UND_ERR_SOCKET') || codes.includes('ECONNRESET')) {
    return `connection closed before the body was complete (${describe(err)})`;
  }
  return describe(err);
}

/** Retry-After as delay-seconds or an HTTP date, in ms; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 120) return `${Math.round(s * 10) / 10} s`;
  if (s < 7200) return `${Math.round(s / 6) / 10} min`;
  return `${Math.round(s / 360) / 10} h`;
}

const SECRET_PARAM = /(key|token|secret|passw(or)?d?|pwd|signature|sig|credentials?|session(id)?|auth(orization)?)$/i;

/** The URL for logs and messages: user info and credential-like query parameters masked. */
function redact(url: URL): string {
  const copy = new URL(url.href);
  if (copy.username || copy.password) {
    copy.username = '***';
    copy.password = '';
  }
  for (const name of new Set(copy.searchParams.keys())) {
    if (SECRET_PARAM.test(name.replace(/[-_.]/g, ''))) copy.searchParams.set(name, '***');
  }
  return copy.href;
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch (err) {
    throw new HttpError('config', `invalid URL ${JSON.stringify(String(input))}: check the registry base URL`, {
      url: String(input),
      cause: err,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpError('config', `unsupported URL scheme ${url.protocol} in ${redact(url)}: only http and https`, {
      url: redact(url),
    });
  }
  return url;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function omit(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)));
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError');
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a number >= 0, got ${value}`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be an integer >= 0, got ${value}`);
  return value;
}
