/**
 * Python's `repr()` of JSON data, as CarbonPlan's pandas exports leave it in the cells where
 * a registry's JSON had a list or an object (registries.md §0.2): `[{'code': 8, 'description':
 * 'Economic growth'}]`, `True`, `None`. The inverse of connectors/common/python-repr.ts's
 * `parsePythonLiteral` for what the generator writes (strings, whole numbers, booleans, null,
 * lists and objects; no floats).
 */
import type { JsonValue } from '../../connectors/common/python-repr.ts';

/** A str as Python quotes it: single quotes unless the text has one and no double quote. */
function pythonString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = '';
  for (const char of text) {
    if (char === '\\') body += '\\\\';
    else if (char === quote) body += `\\${quote}`;
    else if (char === '\n') body += '\\n';
    else if (char === '\r') body += '\\r';
    else if (char === '\t') body += '\\t';
    else if (char < ' ' || char === '\x7f') body += `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else body += char;
  }
  return quote + body + quote;
}

export function pythonRepr(value: JsonValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`pythonRepr writes whole numbers only, not ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([key, inner]) => `${pythonString(key)}: ${pythonRepr(inner)}`)
    .join(', ')}}`;
}

/** A float as Python (and pandas) writes it: `531.0`, `2710.062`, `0.0`. */
export function pythonFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
