/**
 * A local stand-in for registry endpoints on 127.0.0.1: serves the real fixture exports the
 * way the registry does (paths, methods, filters), and injects faults a test asks for
 * (5xx, 429 with Retry-After, truncated bodies, HTML instead of CSV, renamed columns).
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';

export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'truncate' }
  | { kind: 'html' }
  /** Renames a CSV header column, or a JSON object key everywhere in a JSON body. */
  | { kind: 'rename-column'; from: string; to: string }
  | { kind: 'replace-body'; body: string }
  /** Answers nothing at all until the client gives up (headers timeout). */
  | { kind: 'stall' }
  /** Answers normally, after a pause. */
  | { kind: 'delay'; ms: number };

export interface ServedRequest {
  method: string;
  path: string;
  /** The request target as received: path and query string, undecoded. */
  url: string;
  /** The parsed query string. */
  query: URLSearchParams;
  /** The request headers as received (names lower-cased by Node). */
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
  /** A binary body (an XLSX workbook): sent instead of `body`. */
  bytes?: Buffer;
  /** How this reply looks with a column renamed, for binary formats (XLSX) the server cannot edit itself. */
  renameColumn?: (from: string, to: string) => string | Buffer | Promise<string | Buffer>;
  /** Promise the whole body, send half of it, then drop the connection. */
  truncate?: boolean;
}

export type Route = (request: {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  /** Request headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
}) => Reply | null;

export interface RegistryServer {
  baseUrl: string;
  requests: ServedRequest[];
  /** Queues faults for requests whose path starts with `pathPrefix`, used up one per request. */
  fail(pathPrefix: string, ...faults: Fault[]): void;
  close(): Promise<void>;
}

export async function startRegistryServer(route: Route): Promise<RegistryServer> {
  const requests: ServedRequest[] = [];
  const faults: { prefix: string; fault: Fault }[] = [];

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = Buffer.concat(chunks).toString('utf8');
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      url: req.url ?? '/',
      query: new URLSearchParams(url.searchParams),
      headers: { ...req.headers },
      body,
      at: Date.now(),
    });

    const faultIndex = faults.findIndex((f) => url.pathname.startsWith(f.prefix));
    const fault = faultIndex >= 0 ? faults.splice(faultIndex, 1)[0]!.fault : null;
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      res.end(`injected ${fault.status}`);
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'stall') {
      // Hold the request open; closeAllConnections() on close() ends it.
      return;
    }
    if (fault?.kind === 'html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>Registry</title></head><body><app-root></app-root></body></html>');
      return;
    }

    const reply = route({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body, headers: req.headers });
    if (!reply) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    let content: string | Buffer = reply.bytes ?? reply.body;
    if (fault?.kind === 'rename-column') {
      if (reply.renameColumn) content = await reply.renameColumn(fault.from, fault.to);
      else if (typeof content === 'string') {
        const json = /json/.test(reply.headers?.['content-type'] ?? '');
        if (json) content = content.replaceAll(JSON.stringify(fault.from) + ':', JSON.stringify(fault.to) + ':');
        else {
          const [header, ...rest] = content.split('\n');
          content = [header!.replace(fault.from, fault.to), ...rest].join('\n');
        }
      } else throw new Error('rename-column fault on a binary body whose route gives no renameColumn');
    }
    if (fault?.kind === 'replace-body') content = fault.body;
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    res.writeHead(reply.status ?? 200, { 'content-length': String(bytes.length), ...reply.headers });
    if (fault?.kind === 'truncate' || reply.truncate) {
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      await new Promise((resolve) => setTimeout(resolve, 20));
      res.socket?.destroy();
      return;
    }
    res.end(bytes);
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    fail(prefix, ...more) {
      for (const fault of more) faults.push({ prefix, fault });
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A CSV export split into its header line and its records' raw text, so subsets are served byte for byte. */
export interface CsvExport {
  header: string;
  rows: { record: Record<string, string>; raw: string }[];
}

export function readCsvExport(path: string): CsvExport {
  const text = readFileSync(path, 'utf8');
  const parsed = parse(text, { columns: true, raw: true, skip_empty_lines: true }) as { record: Record<string, string>; raw: string }[];
  const header = text.slice(0, text.indexOf('\n')).replace(/\r$/, '');
  return { header, rows: parsed.map(({ record, raw }) => ({ record, raw: raw.replace(/\r?\n$/, '') })) };
}

export function csvBody(file: CsvExport, keep: (record: Record<string, string>) => boolean = () => true): string {
  return [file.header, ...file.rows.filter((row) => keep(row.record)).map((row) => row.raw)].join('\n') + '\n';
}

/**
 * Verra's old registry export (registries.md §2.1): POST uiapi/resource/resource/search for
 * projects, POST uiapi/asset/asset/search for VCU blocks filtered by issuance date window.
 */
export function verraRoutes(fixtureDir: string, files = { projects: readCsvExport(`${fixtureDir}/projects.csv`), transactions: readCsvExport(`${fixtureDir}/transactions.csv`) }): Route {
  return ({ method, path, query, body }) => {
    if (method !== 'POST' || query.get('$format') !== 'csv') return null;
    const csv = { 'content-type': 'text/csv; charset=utf-8' };
    if (path === '/uiapi/resource/resource/search') return { headers: csv, body: csvBody(files.projects) };
    if (path === '/uiapi/asset/asset/search') {
      const filter = JSON.parse(body || '{}') as { issuanceStartInclusive?: string; issuanceEndInclusive?: string };
      const from = filter.issuanceStartInclusive ?? '0000-00-00';
      const to = filter.issuanceEndInclusive ?? '9999-99-99';
      return { headers: csv, body: csvBody(files.transactions, (r) => (r['Issuance Date'] ?? '') >= from && (r['Issuance Date'] ?? '') <= to) };
    }
    return null;
  };
}
