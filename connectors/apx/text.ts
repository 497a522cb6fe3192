/**
 * Turning APX export bytes into CSV text the common parser can read (registries.md §4.1):
 *
 * - Encoding. The APX exporter writes Windows-1252 without declaring a charset, while files
 *   re-saved by hand or by CarbonPlan are UTF-8. `decodeExportText` uses a declared charset when
 *   there is one, otherwise looks at the first bytes that are not ASCII: valid UTF-8 → UTF-8,
 *   anything else → Windows-1252 (a Windows-1252 text whose accented letters happen to form
 *   valid UTF-8 sequences is vanishingly rare). Windows-1252, not Latin-1: the exports carry
 *   `’` (0x92) and `–` (0x96), which Latin-1 would turn into control characters.
 * - Quoting. The APX exporter wraps every field in quotes and does not double quotes inside
 *   them, so an RFC-4180 reader mis-splits values such as
 *   `""Retirement … Palo Alto City Utilities, from CARBIOIN project…""` (13 of 11,044 CAR
 *   retirement rows, rb). `repairApxQuoting` recognises a raw APX export by its header, which
 *   ends with the exporter's trailing empty column, and rewrites it to RFC-4180: inside a quoted
 *   field a quote closes the field only before a comma, a line break or the end; any other quote
 *   is content and is doubled. Files that do not look like a raw APX export pass unchanged.
 *
 * Both work chunk by chunk on streams: nothing is buffered beyond the header line.
 *
 * Windows-1252 is decoded here rather than with `TextDecoder('windows-1252')`: Node since
 * 20.18.3 / 22.13.0 decodes that label as Latin-1 (nodejs/node#56542, #60888), turning `’`
 * into U+0092. Keep this decoder until the engines field requires a Node with the fix.
 */
import { TextDecoder } from 'node:util';
import { ConnectorError } from '../contract.ts';

/** WHATWG index-windows-1252 for bytes 0x80–0x9F; every other byte is its own code point. */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];
const C1 = /[\u0080-\u009f]/g;

/** What the decoders here offer: TextDecoder's streaming `decode`. */
interface Decoder {
  decode(bytes?: Uint8Array, options?: { stream?: boolean }): string;
}

/** Windows-1252, one byte per character, so no state across chunks. */
const windows1252Decoder: Decoder = {
  decode(bytes?: Uint8Array): string {
    if (!bytes || bytes.length === 0) return '';
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      .toString('latin1')
      .replace(C1, (ch) => String.fromCharCode(WINDOWS_1252_HIGH[ch.charCodeAt(0) - 0x80]!));
  },
};

/** Labels the WHATWG Encoding Standard reads as Windows-1252 (as browsers do). */
const WINDOWS_1252_LABELS = new Set(['windows-1252', 'cp1252', 'x-cp1252', 'latin1', 'l1', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'us-ascii', 'ascii', 'ansi_x3.4-1968']);

type Chunk = Uint8Array | string;

function toBytes(chunk: Chunk): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

/** Length of the UTF-8 sequence a lead byte starts, 0 for a byte that cannot lead one. */
function sequenceLength(byte: number): number {
  if (byte < 0x80) return 1;
  if (byte >= 0xc2 && byte <= 0xdf) return 2;
  if (byte >= 0xe0 && byte <= 0xef) return 3;
  if (byte >= 0xf0 && byte <= 0xf4) return 4;
  return 0;
}

/** Bytes at the end that may be the start of a UTF-8 sequence cut by the chunk boundary. */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte >= 0x80 && byte < 0xc0) continue; // continuation byte: look further back
    const length = sequenceLength(byte);
    return length > back ? back : 0;
  }
  return 0;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** 'ascii' when there is nothing to decide on yet, else the encoding the bytes are in. */
function sniff(bytes: Uint8Array): 'ascii' | 'utf-8' | 'windows-1252' {
  if (!bytes.some((byte) => byte >= 0x80)) return 'ascii';
  try {
    strictUtf8.decode(bytes);
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

/** The `charset` parameter of a Content-Type header, or null. */
export function declaredCharset(contentType: string | undefined): string | null {
  const match = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match ? match[1]!.trim() : null;
}

function decoderFor(charset: string, source: string): Decoder {
  if (WINDOWS_1252_LABELS.has(charset.trim().toLowerCase())) return windows1252Decoder;
  try {
    return new TextDecoder(charset);
  } catch (error) {
    throw new ConnectorError('format', `${source}: unknown charset "${charset}" declared by the registry`, { cause: error });
  }
}

/**
 * Decodes an export's bytes to text, chunk by chunk (see the module comment for the rules).
 * `charset` is the charset the server declared, if any.
 */
export async function* decodeExportText(input: AsyncIterable<Chunk>, charset: string | null, source: string): AsyncGenerator<string> {
  let decoder: Decoder | null = charset ? decoderFor(charset, source) : null;
  let held: Uint8Array = new Uint8Array(0);
  for await (const chunk of input) {
    const bytes = toBytes(chunk);
    if (decoder) {
      const text = decoder.decode(bytes, { stream: true });
      if (text !== '') yield text;
      continue;
    }
    const pending = held.length === 0 ? bytes : Buffer.concat([held, bytes]);
    // Decide on complete sequences only; a sequence cut at the chunk end waits for the next chunk.
    const tail = incompleteTail(pending);
    const complete = pending.subarray(0, pending.length - tail);
    const verdict = sniff(complete);
    if (verdict === 'ascii') {
      held = pending.subarray(complete.length);
      if (complete.length > 0) yield Buffer.from(complete).toString('latin1');
      continue;
    }
    decoder = verdict === 'utf-8' ? new TextDecoder('utf-8') : windows1252Decoder;
    held = new Uint8Array(0);
    const text = decoder.decode(pending, { stream: true });
    if (text !== '') yield text;
  }
  // At the end, held bytes are an incomplete UTF-8 sequence, i.e. not UTF-8.
  if (!decoder && held.length > 0) decoder = windows1252Decoder;
  if (decoder) {
    const text = decoder.decode(held.length > 0 ? held : undefined);
    if (text !== '') yield text;
  }
}

/** True when a header line ends with the APX exporter's trailing empty column. */
function isRawApxHeader(line: string): boolean {
  const trimmed = line.replace(/\r$/, '').trimEnd();
  return trimmed.endsWith(',') || trimmed.endsWith(',""');
}

/**
 * Rewrites a raw APX export's quoting to RFC-4180 (see the module comment); other CSV text is
 * passed through unchanged.
 */
export async function* repairApxQuoting(input: AsyncIterable<string>): AsyncGenerator<string> {
  let mode: 'undecided' | 'rfc' | 'apx' = 'undecided';
  let head = '';
  let inQuotes = false;
  let atFieldStart = true;
  let pendingQuote = false;

  const repair = (text: string): string => {
    let out = '';
    for (const ch of text) {
      if (pendingQuote) {
        pendingQuote = false;
        if (ch === ',' || ch === '\n' || ch === '\r') {
          out += '"';
          inQuotes = false;
          // The delimiter itself is handled as outside a field, below.
        } else {
          // A quote inside the value: double it for the RFC-4180 reader.
          out += '""';
          if (ch === '"') pendingQuote = true;
          else out += ch;
          continue;
        }
      }
      if (inQuotes) {
        if (ch === '"') pendingQuote = true;
        else out += ch;
        continue;
      }
      if (ch === '"' && atFieldStart) {
        inQuotes = true;
        atFieldStart = false;
        out += ch;
        continue;
      }
      out += ch;
      atFieldStart = ch === ',' || ch === '\n' || ch === '\r';
    }
    return out;
  };

  for await (const text of input) {
    if (mode === 'rfc') {
      yield text;
      continue;
    }
    if (mode === 'apx') {
      const out = repair(text);
      if (out !== '') yield out;
      continue;
    }
    head += text;
    const newline = head.indexOf('\n');
    if (newline < 0) continue;
    mode = isRawApxHeader(head.slice(0, newline)) ? 'apx' : 'rfc';
    const first = mode === 'apx' ? repair(head) : head;
    head = '';
    if (first !== '') yield first;
  }
  if (mode === 'undecided' && head !== '') {
    mode = isRawApxHeader(head) ? 'apx' : 'rfc';
    yield mode === 'apx' ? repair(head) : head;
    head = '';
  }
  if (mode === 'apx' && pendingQuote) yield '"';
}

/**
 * Yields a response body's chunks unchanged after checking it does not start like an HTML page.
 * APX answers a stale or missing CSRF token with its home page and HTTP 200 (§4.1); a CSV
 * export never starts with `<`. Only the first chunk(s) are held, never the body.
 */
export async function* rejectHtmlBody(body: AsyncIterable<Chunk>, onHtml: () => ConnectorError): AsyncGenerator<Chunk> {
  const chunks = body[Symbol.asyncIterator]();
  try {
    const held: Chunk[] = [];
    let head = '';
    while (head.trimStart().length === 0 && head.length < 4096) {
      const next = await chunks.next();
      if (next.done) break;
      held.push(next.value);
      head += typeof next.value === 'string' ? next.value : Buffer.from(next.value).toString('latin1');
    }
    if (head.replace(/^\uFEFF/, '').trimStart().startsWith('<')) throw onHtml();
    yield* held;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  } finally {
    await chunks.return?.();
  }
}
