/**
 * Small pure parsers shared by every connector: quantities, dates, `;`-joined lists,
 * names and SDG lists as registries publish them.
 *
 * Parsers return a result instead of throwing, so `normalize` can turn a bad cell into a
 * rejection that names the column and the value.
 */

/** Outcome of parsing one cell: the value (null for a blank cell) or why it failed. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

/** A number with optional thousands separators: `1,454,054`, `550369.0`, `2765.37`, `-12`. */
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const PLAIN_NUMBER = /^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses a quantity as registries print it. Accepts thousands separators (`"1,454,054"`,
 * Verra), pandas float renderings of integers (`550369.0`, registries.md §0.2) and
 * fractional tonnes (`2765.37`, Isometric §0.3). One pair of surrounding double quotes is
 * tolerated in case a caller passes the cell as it appears in the file.
 *
 * Blank → `{ ok: true, value: null }`; anything else that is not a finite number → an error
 * (never NaN).
 */
export function parseQuantity(text: string | null | undefined): Parsed<number | null> {
  if (text === null || text === undefined) return ok(null);
  let value = text.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).trim();
  if (value === '') return ok(null);
  if (GROUPED_NUMBER.test(value)) return ok(Number(value.replaceAll(',', '')));
  if (PLAIN_NUMBER.test(value)) {
    const number = Number(value);
    if (Number.isFinite(number)) return ok(number);
  }
  return fail(`"${text}" is not a number`);
}

/**
 * Day/month order a registry uses. Slashed dates are ambiguous between registries
 * (`03/04/2024`), so the caller always says which one it expects:
 * - `iso`: `YYYY-MM-DD`, optionally followed by a time (`T` or space, fractional seconds,
 *   `Z` or an offset: with an offset the instant is converted to its UTC date);
 * - `dmy`: `DD/MM/YYYY` (Verra's older exports), one-digit day/month allowed;
 * - `mdy`: `MM/DD/YYYY` or `M/D/YYYY h:mm:ss AM` (APX exports); the time is ignored.
 */
export type DateFormat = 'iso' | 'dmy' | 'mdy';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const SLASHED_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AP]M))?)?$/i;
const FORMAT_LABEL: Record<DateFormat, string> = {
  iso: 'YYYY-MM-DD',
  dmy: 'DD/MM/YYYY',
  mdy: 'MM/DD/YYYY',
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM-DD` when year, month and day form a real calendar date, else null. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/**
 * Parses a date cell in the given format and returns it as `YYYY-MM-DD`.
 * Blank → `{ ok: true, value: null }`; a value not in that format, or not a real calendar
 * date (`31/02/2024`), → an error naming the expected format.
 */
export function parseDate(text: string | null | undefined, format: DateFormat): Parsed<string | null> {
  if (text === null || text === undefined) return ok(null);
  const value = text.trim();
  if (value === '') return ok(null);
  const invalid = fail(`"${text}" is not a date in the ${FORMAT_LABEL[format]} format`);

  if (format === 'iso') {
    const match = ISO_DATE.exec(value);
    if (!match) return invalid;
    const [, y, m, d, hh, mm, ss, zone] = match;
    const date = isoDate(Number(y), Number(m), Number(d));
    if (date === null) return invalid;
    if (hh !== undefined && (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59)) return invalid;
    if (zone === undefined || hh === undefined) return ok(date);
    // An explicit offset names an instant: report its UTC date (all hub dates are UTC).
    const offset = zone.toUpperCase() === 'Z' ? '+00:00' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
    const instant = new Date(`${date}T${hh}:${mm}:${ss ?? '00'}${offset}`);
    return Number.isNaN(instant.getTime()) ? invalid : ok(instant.toISOString().slice(0, 10));
  }

  const match = SLASHED_DATE.exec(value);
  if (!match) return invalid;
  const [, first, second, y, hh, mm, ss, meridiem] = match;
  if (format === 'dmy' && meridiem !== undefined) return invalid;
  if (hh !== undefined) {
    const hour = Number(hh);
    const hourOk = meridiem === undefined ? hour <= 23 : hour >= 1 && hour <= 12;
    if (!hourOk || Number(mm) > 59 || Number(ss ?? 0) > 59) return invalid;
  }
  const [day, month] = format === 'dmy' ? [first, second] : [second, first];
  const date = isoDate(Number(y), Number(month), Number(day));
  return date === null ? invalid : ok(date);
}

/**
 * Splits a joined list (`VM0007; VM0033`, `ARR; IFM; REDD`), trimming every item and
 * dropping empty ones. Blank or missing input gives `[]`.
 */
export function splitList(value: string | null | undefined, separator: string | RegExp): string[] {
  if (value === null || value === undefined) return [];
  return value
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Letters NFKD does not decompose into a base letter plus a mark. */
const UNDECOMPOSED: Record<string, string> = {
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ħ: 'h',
  ı: 'i',
  ß: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  þ: 'th',
  Þ: 'th',
};

/**
 * Matching form of a beneficiary or proponent name (the verbatim name is stored beside it):
 * compatibility-decomposed (NFKD, so full-width forms become ASCII), diacritics removed,
 * lower case, punctuation and symbols turned into spaces, spaces collapsed, trimmed.
 * Legal suffixes (`Ltd`, `S.A.`, `GmbH`) are kept: `PT Charged Tech Indonesia` and
 * `Charged Tech` are different names, and deciding otherwise is the matcher's job.
 * Returns null when nothing is left (blank or punctuation only).
 *
 * `Paraná Ambiental Gestão Global de Resíduos Ltda.` → `parana ambiental gestao global de residuos ltda`
 */
export function normalizeName(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const normalized = value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[øØłŁđĐħıßæÆœŒþÞ]/g, (letter) => UNDECOMPOSED[letter] ?? letter)
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  return normalized === '' ? null : normalized;
}

/**
 * UN Sustainable Development Goal numbers from a registry's list, e.g. Verra's
 * `01: No Poverty; 03: Good Health and Well-being` → `[1, 3]`. Items may also read
 * `SDG 13`, `Goal 7` or a bare number, separated by `;`, `,` or `|`. Items without a goal
 * number 1–17 are ignored. The result is sorted and has no duplicates.
 */
export function parseSdgs(value: string | null | undefined): number[] {
  const goals = new Set<number>();
  for (const item of splitList(value, /[;,|]/)) {
    const match = /^(?:SDG|Goal)?\s*#?\s*(\d{1,2})(?!\d)/i.exec(item);
    if (!match) continue;
    const goal = Number(match[1]);
    if (goal >= 1 && goal <= 17) goals.add(goal);
  }
  return [...goals].sort((a, b) => a - b);
}
