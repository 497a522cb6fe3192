import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, HttpError, type HttpClientOptions } from '../../connectors/http.ts';

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** performance.now() when the server had read the whole request. */
  at: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, index: number, seen: SeenRequest) => void;

interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  requests: SeenRequest[];
}

const servers: Server[] = [];
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A real HTTP server on 127.0.0.1, port 0; it reads each request body before calling `handler`. */
async function startServer(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      requests.push(seen);
      handler(req, res, requests.length - 1, seen);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, port, requests };
}

/** A client tuned for tests: tiny backoff, no rate limit, short timeout. */
function client(options: HttpClientOptions = {}): HttpClient {
  const c = new HttpClient({ baseDelayMs: 1, maxDelayMs: 5, requestsPerSecondPerHost: 0, timeoutMs: 2_000, ...options });
  clients.push(c);
  return c;
}

function send(res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(body);
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const err = await promise.then(
    () => {
      throw new Error('expected the promise to reject');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpError);
  return err as HttpError;
}

function captureLogs(): { logger: pino.Logger; lines: Array<Record<string, unknown>>; raw: string[] } {
  const raw: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines, raw };
}

describe('HttpClient retries', () => {
  it('retries a 500 and returns the body of the following 200', async () => {
    const server = await startServer((_req, res, i) => (i === 0 ? send(res, 500, 'boom') : send(res, 200, 'hello')));
    const res = await client().request(`${server.origin}/data`);
    expect(res.status).toBe(200);
    expect(res.notModified).toBe(false);
    expect(await res.text()).toBe('hello');
    expect(server.requests).toHaveLength(2);
  });

  it('waits for Retry-After: 1 on a 429 before retrying', async () => {
    const server = await startServer((_req, res, i) =>
      i === 0 ? send(res, 429, 'slow down', { 'retry-after': '1' }) : send(res, 200, 'ok'),
    );
    const res = await client().request(`${server.origin}/`);
    expect(await res.text()).toBe('ok');
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
  });

  it('fails at once, as transient, when Retry-After asks for longer than maxRetryAfterMs', async () => {
    const server = await startServer((_req, res) => send(res, 503, 'maintenance', { 'retry-after': '3600' }));
    const err = await rejection(client({ maxRetryAfterMs: 5_000 }).request(`${server.origin}/`));
    expect(err.failureType).toBe('transient');
    expect(err.status).toBe(503);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(err.message).toContain('asked to wait 60 min (Retry-After: 3600)');
    expect(server.requests).toHaveLength(1);
  });

  it('re-sends a POST body identically on retry', async () => {
    const payload = JSON.stringify({ query: 'vintage >= 2020', page: 2, note: 'é ✓' });
    const server = await startServer((_req, res, i, seen) => (i === 0 ? send(res, 502) : send(res, 200, seen.body)));
    const res = await client().request(`${server.origin}/search`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: payload,
    });
    expect(await res.json()).toEqual(JSON.parse(payload));
    expect(server.requests.map((r) => [r.method, r.body, r.headers['content-type']])).toEqual([
      ['POST', payload, 'application/json'],
      ['POST', payload, 'application/json'],
    ]);
  });

  it('throws transient after maxRetries + 1 attempts of a persistent 503', async () => {
    const server = await startServer((_req, res) => send(res, 503, 'down for maintenance'));
    const url = `${server.origin}/projects`;
    const err = await rejection(client({ maxRetries: 3 }).request(url));
    expect(err.failureType).toBe('transient');
    expect(err.status).toBe(503);
    expect(err.url).toBe(url);
    expect(err.message).toBe(`GET ${url} failed after 4 attempts: HTTP 503: down for maintenance`);
    expect(server.requests).toHaveLength(4);
  });

  it('retries a refused connection, then fails transient with the cause', async () => {
    const server = await startServer((_req, res) => send(res, 200));
    const closed = servers.pop()!;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { logger, lines } = captureLogs();

    const err = await rejection(client({ maxRetries: 2, logger }).request(`${server.origin}/`));
    expect(err.failureType).toBe('transient');
    expect(err.status).toBeNull();
    expect(err.message).toMatch(/failed after 3 attempts: .*ECONNREFUSED/);
    const retries = lines.filter((l) => l.msg === 'http request failed, retrying');
    expect(retries.map((l) => l.attempt)).toEqual([1, 2]);
    expect(retries[0]).toMatchObject({ level: 40, delayMs: expect.any(Number), reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('retries when the headers never arrive, then fails transient', async () => {
    const server = await startServer(() => {
      /* never answers */
    });
    const err = await rejection(client({ timeoutMs: 200, maxRetries: 1 }).request(`${server.origin}/slow`));
    expect(err.failureType).toBe('transient');
    expect(err.status).toBeNull();
    expect(err.message).toMatch(/failed after 2 attempts: .*Headers Timeout/i);
    expect(server.requests).toHaveLength(2);
  });
});

describe('HttpClient errors that are not retried', () => {
  it('throws format on a 404, once, with a body snippet of at most 300 characters', async () => {
    const server = await startServer((_req, res) => send(res, 404, `Not Found ${'x'.repeat(1000)}`));
    const err = await rejection(client().request(`${server.origin}/gone`));
    expect(err.failureType).toBe('format');
    expect(err.status).toBe(404);
    expect(err.message).toContain('endpoint not found');
    const snippet = err.message.slice(err.message.indexOf('Not Found'));
    expect(snippet.length).toBeLessThanOrEqual(300);
    expect(snippet.endsWith('…')).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('throws config on a 403, hinting at credentials', async () => {
    const server = await startServer((_req, res) => send(res, 403, 'forbidden'));
    const err = await rejection(client().request(`${server.origin}/private`));
    expect(err.failureType).toBe('config');
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/credentials/);
    expect(err.message).toContain('forbidden');
    expect(server.requests).toHaveLength(1);
  });

  it('throws system on another 4xx', async () => {
    const server = await startServer((_req, res) => send(res, 400, 'bad page size'));
    const err = await rejection(client().request(`${server.origin}/`));
    expect(err.failureType).toBe('system');
    expect(server.requests).toHaveLength(1);
  });
});

describe('HttpClient response bodies', () => {
  it('fails reading a body that stops arriving for longer than timeoutMs', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
    const url = `${server.origin}/stalled`;
    const res = await client({ timeoutMs: 300 }).request(url);
    const started = performance.now();
    const err = await rejection(res.text());
    expect(err.failureType).toBe('transient');
    expect(err.message).toContain(url);
    expect(err.message).toMatch(/timeout/i);
    // undici checks its timeouts on a ~0.5 s tick, so allow a second on top of timeoutMs.
    expect(performance.now() - started).toBeLessThan(2_500);
  });

  it('fails reading a body cut short of its Content-Length, through the stream and text()', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('only this much');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const url = `${server.origin}/export.csv`;
    const http = client();

    const streamed = await http.request(url);
    const chunks: Buffer[] = [];
    const err = await rejection(
      (async () => {
        for await (const chunk of streamed.body) chunks.push(chunk as Buffer);
      })(),
    );
    expect(Buffer.concat(chunks).toString()).toBe('only this much');
    expect(err.failureType).toBe('transient');
    expect(err.message).toContain(url);

    const viaText = await rejection((await http.request(url)).text());
    expect(viaText.failureType).toBe('transient');
    expect(viaText.message).toMatch(/connection closed before the body was complete/);
  });

  it('rejects json() on a body that is not JSON as format', async () => {
    const server = await startServer((_req, res) => send(res, 200, '<html>maintenance</html>'));
    const err = await rejection((await client().request(`${server.origin}/api`)).json());
    expect(err.failureType).toBe('format');
    expect(err.message).toContain('<html>maintenance</html>');
  });
});

describe('HttpClient requests', () => {
  it('sends a User-Agent naming the hub, kept when other headers are passed, replaced only explicitly', async () => {
    const server = await startServer((_req, res) => send(res, 200));
    const http = client();
    await (await http.request(`${server.origin}/`)).text();
    await (await http.request(`${server.origin}/`, { headers: { Accept: 'text/csv' } })).text();
    await (await http.request(`${server.origin}/`, { headers: { 'User-Agent': 'custom/1.0' } })).text();
    const agents = server.requests.map((r) => r.headers['user-agent']);
    expect(agents[0]).toMatch(/^CarbonRegistryHub\/0\.1 .*carbon-registry-hub/);
    expect(agents[1]).toBe(agents[0]);
    expect(server.requests[1]!.headers.accept).toBe('text/csv');
    expect(agents[2]).toBe('custom/1.0');
  });

  it('sends If-None-Match / If-Modified-Since and reports a 304 as notModified', async () => {
    const etag = '"v42"';
    const lastModified = 'Tue, 04 Nov 2025 10:00:00 GMT';
    const server = await startServer((req, res) => {
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
      } else {
        send(res, 200, 'full export', { etag, 'last-modified': lastModified });
      }
    });
    const http = client();
    const first = await http.request(`${server.origin}/export`);
    expect(await first.text()).toBe('full export');
    expect(first.headers.etag).toBe(etag);

    const second = await http.request(`${server.origin}/export`, {
      ifNoneMatch: first.headers.etag,
      ifModifiedSince: first.headers['last-modified'],
    });
    expect(second.status).toBe(304);
    expect(second.notModified).toBe(true);
    expect(await second.text()).toBe('');
    expect(server.requests[1]!.headers['if-none-match']).toBe(etag);
    expect(server.requests[1]!.headers['if-modified-since']).toBe(lastModified);
  });

  it('follows a redirect and drops the caller headers when it crosses origins', async () => {
    const target = await startServer((_req, res) => send(res, 200, 'moved here'));
    const server = await startServer((req, res) => {
      if (req.url === '/old') send(res, 301, '', { location: '/new' });
      else if (req.url === '/new') send(res, 302, '', { location: `${target.origin}/final` });
    });
    const res = await client().request(`${server.origin}/old`, { headers: { Authorization: 'Bearer s3cret' } });
    expect(await res.text()).toBe('moved here');
    expect(res.url).toBe(`${target.origin}/final`);
    expect(server.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/old', 'Bearer s3cret'],
      ['/new', 'Bearer s3cret'],
    ]);
    expect(target.requests[0]!.headers.authorization).toBeUndefined();
    expect(target.requests[0]!.headers['user-agent']).toMatch(/^CarbonRegistryHub/);
  });

  it('logs URLs without secrets', async () => {
    const server = await startServer((_req, res, i) => (i === 0 ? send(res, 500, 'oops') : send(res, 200)));
    const { logger, lines, raw } = captureLogs();
    await (
      await client({ logger }).request(`${server.origin}/v1/credits?page=2&api_key=s3cret`, {
        headers: { Authorization: 'Bearer t0ken' },
      })
    ).text();
    const requests = lines.filter((l) => l.msg === 'http request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ level: 20, method: 'GET', url: `${server.origin}/v1/credits?page=2&api_key=***` });
    expect(raw.join('')).not.toMatch(/s3cret|t0ken/);
  });
});

describe('HttpClient per-host rate limit', () => {
  it('spaces requests to one host:port but not across hosts', async () => {
    const a = await startServer((_req, res) => send(res, 200));
    const b = await startServer((_req, res) => send(res, 200));
    const http = client({ requestsPerSecondPerHost: 4 }); // one start per 250 ms per host
    await Promise.all(
      [`${a.origin}/1`, `${a.origin}/2`, `${b.origin}/1`].map(async (url) => (await http.request(url)).text()),
    );
    const [a1, a2] = a.requests;
    const [b1] = b.requests;
    expect(a2!.at - a1!.at).toBeGreaterThanOrEqual(230);
    expect(Math.abs(b1!.at - a1!.at)).toBeLessThan(150);
  });

  it('keys the limit by host name too: 127.0.0.1 and localhost do not wait on each other', async () => {
    const server = await startServer((_req, res) => send(res, 200));
    const http = client({ requestsPerSecondPerHost: 1 });
    const started = performance.now();
    await Promise.all(
      [`${server.origin}/`, `http://localhost:${server.port}/`].map(async (url) => (await http.request(url)).text()),
    );
    expect(server.requests).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('HttpClient abort', () => {
  it('stops a backoff wait promptly', async () => {
    const server = await startServer((_req, res) => send(res, 503));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const err = await client({ baseDelayMs: 10_000, maxDelayMs: 10_000 })
      .request(`${server.origin}/`, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('stops a request waiting for its headers, and a rate-limit wait', async () => {
    const server = await startServer(() => {
      /* never answers */
    });
    const http = client({ requestsPerSecondPerHost: 0.1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const results = await Promise.all(
      [1, 2].map((n) => http.request(`${server.origin}/${n}`, { signal: controller.signal }).catch((e: unknown) => e)),
    );
    expect(results).toEqual([expect.objectContaining({ name: 'AbortError' }), expect.objectContaining({ name: 'AbortError' })]);
    expect(server.requests).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
