/**
 * Name and proponent normalization for matching (double-counting.md §4.2): lowercase, accents
 * stripped, generic words and legal forms dropped, registry ids and PoA/CPA numbers taken out
 * as structure, and every digit group kept as a hard token ("2019-4" ≠ "2019-5", "Cambria 33").
 * Comparison is Jaro–Winkler on the normalized text (pure TypeScript, so scoring never depends
 * on which database ran the blocking).
 */

/** Words that say nothing about which activity a project is (`proj` as in "… Proj."). */
const GENERIC_WORDS = new Set([
  'project', 'projects', 'proj', 'proyecto', 'projet', 'projeto', 'programme', 'program', 'programa', 'grouped', 'bundled',
  'activity', 'activities', 'the', 'of', 'in', 'at', 'on', 'and', 'for', 'by', 'to', 'with', 'a', 'an', 'de', 'del', 'la', 'el',
  'los', 'las', 'le', 'les', 'des', 'du', 'da', 'do', 'dos', 'das', 'y', 'e', 'et',
]);

/** Legal forms, dropped from names and proponents alike. */
const LEGAL_FORMS = new Set([
  'llc', 'inc', 'incorporated', 'ltd', 'limited', 'co', 'corp', 'corporation', 'company', 'plc', 'pvt', 'pte', 'gmbh', 'ag', 'bv',
  'nv', 'sa', 'sas', 'sarl', 'srl', 'spa', 'ltda', 'lp', 'llp', 'pty', 'kg', 'oy', 'ab', 'as', 'se', 'cv', 'sab', 'tbk', 'jsc',
]);

/** Standalone Roman numerals of two letters or more ("Phase II", "Flare VI"); single letters are too ambiguous. */
const ROMAN: Record<string, string> = { ii: '2', iii: '3', iv: '4', vi: '6', vii: '7', viii: '8', ix: '9', xi: '11', xii: '12' };

/** A registry id inside a name ("GS10789", "VCS 1234", "CAR1517"): explicit evidence, not part of the name. */
const REGISTRY_ID = /\b(?:gs|vcs|vcu|car|acr|art|cdm|poa|gsid)\s*[-#:]?\s*\d{2,}\b/gi;

/** A PoA component number: "CPA-003", "VPA 2", "RVPA-52". */
const COMPONENT = /\b(?:cpa|vpa|rvpa|cpa\s*no)\s*[-#:.]?\s*(\d+)\b/gi;

/** Units glued to a number ("48MW", "65mw"): split off, so "48MW" and "48 MW" agree. */
const UNITS = /^(\d+)(mw|mwp|mwe|kw|kwp|gw|km|ha|t|tpd|m3)$/;

export interface NormalizedName {
  /** Space-joined normalized tokens, for exact comparison and Jaro–Winkler. */
  text: string;
  tokens: string[];
  /**
   * Hard tokens, sorted and unique: digit groups without leading zeros and identifiers mixing
   * letters and digits ("2023b", "cmmc2"). Two names whose hard tokens differ are different
   * projects, however close the rest ("A-Gas 3-2023" / "A-Gas 3-2023B").
   */
  digits: string[];
  /** The tokens that say which activity it is: `tokens` without descriptor words. */
  distinctive: string[];
  /** PoA component numbers (CPA/VPA), which must never be linked when they differ. */
  components: string[];
  /** Registry ids found in the name ("gs10789"), reported as explicit evidence. */
  registryIds: string[];
}

export function fold(value: string): string {
  return value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** A run of single letters is one word: initials written apart ("K R S", "K. R. S.") read as "krs". */
function joinInitials(tokens: readonly string[]): string[] {
  const joined: string[] = [];
  let previousLetter = false;
  for (const token of tokens) {
    const letter = /^[a-z]$/.test(token);
    if (letter && previousLetter) joined[joined.length - 1] += token;
    else joined.push(token);
    previousLetter = letter;
  }
  return joined;
}

function tokenize(value: string): string[] {
  const tokens = value
    .replace(/&/g, ' and ')
    // Dotted initials and legal forms read as one word: "S.A." → "sa", "K.R.S." → "krs".
    .replace(/\b(?:[a-z]\.)+[a-z]?\.?/g, (initials) => initials.replace(/\./g, ''))
    .split(/[^a-z0-9]+/)
    .filter((token) => token.length > 0);
  return joinInitials(tokens).flatMap((token) => {
    const unit = UNITS.exec(token);
    return unit ? [unit[1]!, unit[2]!] : [token];
  });
}

const isHard = (token: string) => /\d/.test(token);

/**
 * Normalizes a project name; `descriptors` are words that describe the kind of activity or place
 * (match-weights.json, plus the country's name), left out of `distinctive`.
 */
export function normalizeName(name: string | null | undefined, descriptors: ReadonlySet<string> = new Set()): NormalizedName | null {
  if (!name || name.trim() === '') return null;
  let folded = fold(name);
  const registryIds = [...folded.matchAll(REGISTRY_ID)].map((m) => m[0].replace(/[^a-z0-9]/g, ''));
  folded = folded.replace(REGISTRY_ID, ' ');
  const components = [...folded.matchAll(COMPONENT)].map((m) => String(Number(m[1])));
  folded = folded.replace(COMPONENT, ' ');
  const tokens = tokenize(folded)
    .map((token) => ROMAN[token] ?? token)
    .map((token) => (/^\d+$/.test(token) ? String(Number(token)) : token))
    .filter((token) => !GENERIC_WORDS.has(token) && !LEGAL_FORMS.has(token));
  const digits = [...new Set(tokens.filter(isHard))].sort();
  const distinctive = tokens.filter((token) => !descriptors.has(token));
  return { text: tokens.join(' '), tokens, digits, distinctive, components: [...new Set(components)].sort(), registryIds };
}

/** Proponents: the same folding, legal forms and punctuation dropped ("Keyrock Energy, LLC" = "Keyrock Energy LLC"). */
export function normalizeProponent(proponent: string | null | undefined): string | null {
  if (!proponent) return null;
  const tokens = tokenize(fold(proponent)).filter((token) => !LEGAL_FORMS.has(token));
  const text = tokens.join(' ');
  // "Multiple Proponents", "Not Disclosed" and the like name nobody.
  if (text === '' || /^(multiple proponents?|not disclosed|n a|na|none|unknown)$/.test(text)) return null;
  return text;
}

/** Jaro–Winkler similarity in [0, 1] (prefix scale 0.1, prefix up to 4 characters). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Jaro–Winkler of two token lists: the better of the lists as written and sorted, so word order does not count against a pair. */
export function tokenSimilarity(a: readonly string[], b: readonly string[]): number {
  const sorted = (tokens: readonly string[]) => [...tokens].sort().join(' ');
  return Math.max(jaroWinkler(a.join(' '), b.join(' ')), jaroWinkler(sorted(a), sorted(b)));
}

/**
 * The same words in another order ("Tamil Nadu Bundled Wind Power" / "Bundled Wind Power in
 * Tamil Nadu"), with the hard tokens in the same order, so "Phase 2 Block 3" and "Phase 3
 * Block 2" are not. A name of one word cannot be reordered.
 */
export function sameWordsReordered(a: NormalizedName, b: NormalizedName): boolean {
  if (a.text === b.text || a.tokens.length !== b.tokens.length) return false;
  const sorted = (name: NormalizedName) => [...name.tokens].sort().join(' ');
  const hard = (name: NormalizedName) => name.tokens.filter(isHard).join(' ');
  return sorted(a) === sorted(b) && hard(a) === hard(b);
}

/**
 * Name similarity: the lower of the similarity of the whole normalized names and of their
 * distinctive tokens (when both have some), so a long shared description ("… Abandoned Mine
 * Methane Recovery Project") cannot make two different places close.
 */
export function nameSimilarity(a: NormalizedName, b: NormalizedName): { value: number; whole: number; distinctive: number | null } {
  const whole = tokenSimilarity(a.tokens, b.tokens);
  const distinctive = a.distinctive.length > 0 && b.distinctive.length > 0 ? tokenSimilarity(a.distinctive, b.distinctive) : null;
  return { value: distinctive === null ? whole : Math.min(whole, distinctive), whole, distinctive };
}
