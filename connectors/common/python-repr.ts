/**
 * Reads the Python literals CarbonPlan's pandas exports leave in CSV cells where the
 * registry's JSON had a list or an object: `['corporate_targets']`,
 * `[{'code': 8, 'description': 'Economic growth'}]`, `{'latitude': 8.41, 'longitude': -75.58}`
 * (registries.md §0.2: Isometric and Cercarbono were JSON APIs flattened by CarbonPlan).
 *
 * A small recursive-descent parser of the literal subset `repr()` produces, never `eval`:
 * lists, tuples, dicts, strings in single or double quotes with Python escapes, ints,
 * floats, `True`/`False`/`None`, and `nan`/`inf` (which JSON cannot hold: they become null).
 * JSON's own `true`/`false`/`null` are accepted too, so a cell holding JSON reads the same.
 * The result is plain JSON data, so a parsed cell looks exactly like the registry's JSON.
 */
import type { Parsed } from './values.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Deepest nesting accepted; registry cells nest two or three levels. */
const MAX_DEPTH = 64;

class LiteralError extends Error {}

class Reader {
  index = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new LiteralError(`${message} at character ${this.index + 1}`);
  }

  skipSpace(): void {
    while (this.index < this.text.length && /\s/.test(this.text[this.index]!)) this.index += 1;
  }

  peek(): string | undefined {
    return this.text[this.index];
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.skipSpace();
    const char = this.peek();
    if (char === undefined) this.fail('unexpected end of text');
    if (char === '[') return this.sequence(']', depth);
    if (char === '(') return this.sequence(')', depth);
    if (char === '{') return this.dict(depth);
    if (char === "'" || char === '"') return this.string();
    if (/[-+0-9.]/.test(char)) return this.number();
    return this.word();
  }

  sequence(close: ']' | ')', depth: number): JsonValue[] {
    this.index += 1;
    const items: JsonValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === close) {
        this.index += 1;
        return items;
      }
      items.push(this.value(depth + 1));
      this.skipSpace();
      const next = this.peek();
      if (next === ',') this.index += 1;
      else if (next !== close) this.fail(`expected "," or "${close}"`);
    }
  }

  dict(depth: number): { [key: string]: JsonValue } {
    this.index += 1;
    const entries: { [key: string]: JsonValue } = {};
    for (;;) {
      this.skipSpace();
      if (this.peek() === '}') {
        this.index += 1;
        return entries;
      }
      const key = this.value(depth + 1);
      if (typeof key === 'object' && key !== null) this.fail('a dict key must be a string, number or constant');
      this.skipSpace();
      if (this.peek() !== ':') this.fail('expected ":" after a dict key');
      this.index += 1;
      // Python keys may be ints (`{8: 'x'}`); JSON keys are strings.
      Object.defineProperty(entries, String(key), { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const next = this.peek();
      if (next === ',') this.index += 1;
      else if (next !== '}') this.fail('expected "," or "}"');
    }
  }

  string(): string {
    const quote = this.text[this.index]!;
    const start = this.index;
    this.index += 1;
    let out = '';
    for (;;) {
      const char = this.text[this.index];
      if (char === undefined) {
        this.index = start;
        this.fail('string not closed');
      }
      this.index += 1;
      if (char === quote) return out;
      if (char !== '\\') {
        out += char;
        continue;
      }
      out += this.escape();
    }
  }

  escape(): string {
    const char = this.text[this.index];
    this.index += 1;
    switch (char) {
      case '\\':
      case "'":
      case '"':
        return char;
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'a':
        return '\x07';
      case '0':
        return '\0';
      case '\n':
        return '';
      case 'x':
        return this.codePoint(2);
      case 'u':
        return this.codePoint(4);
      case 'U':
        return this.codePoint(8);
      default:
        // Python keeps unknown escapes as written (`\d` stays backslash-d).
        return `\\${char ?? ''}`;
    }
  }

  codePoint(digits: number): string {
    const hex = this.text.slice(this.index, this.index + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) this.fail(`expected ${digits} hex digits in an escape`);
    this.index += digits;
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff) this.fail(`escape \\U${hex} is beyond Unicode`);
    return String.fromCodePoint(code);
  }

  number(): number | null {
    const match = /^[-+]?(?:inf\b|nan\b|(?:\d[\d_]*)?(?:\.\d[\d_]*)?(?:[eE][-+]?\d+)?)/.exec(this.text.slice(this.index));
    const token = match?.[0] ?? '';
    if (token === '' || token === '-' || token === '+' || token === '.') this.fail('expected a value');
    this.index += token.length;
    if (/inf|nan/.test(token)) return null;
    const value = Number(token.replaceAll('_', ''));
    if (!Number.isFinite(value)) this.fail(`"${token}" is not a number`);
    return value;
  }

  word(): boolean | null {
    const match = /^[A-Za-z_]\w*/.exec(this.text.slice(this.index));
    const word = match?.[0];
    switch (word) {
      case 'True':
      case 'true':
        this.index += word.length;
        return true;
      case 'False':
      case 'false':
        this.index += word.length;
        return false;
      case 'None':
      case 'null':
      case 'nan':
      case 'NaN':
        this.index += word.length;
        return null;
      default:
        return this.fail(word === undefined ? `unexpected "${this.peek()}"` : `unknown name "${word}"`);
    }
  }
}

/**
 * Parses one Python literal (as `repr()` or pandas writes it) into JSON data.
 * Blank text → `{ ok: true, value: null }`; text that is not a single literal → an error
 * naming the position, e.g. `string not closed at character 3`.
 */
export function parsePythonLiteral(text: string | null | undefined): Parsed<JsonValue> {
  if (text === null || text === undefined || text.trim() === '') return { ok: true, value: null };
  const reader = new Reader(text);
  try {
    const value = reader.value(0);
    reader.skipSpace();
    if (reader.index < text.length) reader.fail('unexpected text after the value');
    return { ok: true, value };
  } catch (error) {
    if (error instanceof LiteralError) return { ok: false, error: `not a Python literal: ${error.message}` };
    throw error;
  }
}
