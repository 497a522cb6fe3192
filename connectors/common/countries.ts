/**
 * Country names as registries write them → ISO 3166-1 alpha-2.
 *
 * Names come from i18n-iso-countries (English first, then Spanish, French and Portuguese,
 * the languages Latin American and African registries publish in), compared in a folded
 * form (diacritics, case and punctuation ignored), plus a small alias table for the ISO
 * "official" inverted forms and older names the library does not list.
 */
import countries from 'i18n-iso-countries';
import { normalizeName } from './values.ts';

/**
 * Names the library misses (checked against i18n-iso-countries 7.14), keyed by their folded
 * form. Add an entry when a registry writes a name that maps to null.
 */
const ALIASES: Record<string, string> = {
  // ISO 3166 short names in the "Name, qualifier" order (Verra, ART, Gold Standard).
  'viet nam': 'VN',
  'congo the democratic republic of the': 'CD',
  'congo democratic republic of the': 'CD',
  'congo republic of the': 'CG',
  'tanzania united republic of': 'TZ',
  'bolivia plurinational state of': 'BO',
  'iran islamic republic of': 'IR',
  'venezuela bolivarian republic of': 'VE',
  'palestine state of': 'PS',
  'korea democratic people s republic of': 'KP',
  'macedonia the former yugoslav republic of': 'MK',
  'virgin islands british': 'VG',
  'virgin islands u s': 'VI',
  'holy see vatican city state': 'VA',
  // "Congo" alone is the ISO short name of the Republic of the Congo (Verra project 2319,
  // "Bateke Plateau, Republic of Congo", has serials in CG); the library lists it for both.
  congo: 'CG',
  'dr congo': 'CD',
  drc: 'CD',
  'congo kinshasa': 'CD',
  'congo brazzaville': 'CG',
  // Older or common names.
  swaziland: 'SZ',
  'cabo verde': 'CV',
  burma: 'MM',
  syria: 'SY',
  laos: 'LA',
  'lao pdr': 'LA',
  brunei: 'BN',
  'holy see': 'VA',
  vatican: 'VA',
  micronesia: 'FM',
  'east timor': 'TL',
  'cote divoire': 'CI',
  'bosnia herzegovina': 'BA',
  'st lucia': 'LC',
  'st kitts and nevis': 'KN',
  'st vincent and the grenadines': 'VC',
  'the bahamas': 'BS',
  turkiye: 'TR',
  'republic of turkiye': 'TR',
};

/** Folded form used as the lookup key: `COTE D'IVOIRE` and `Côte d'Ivoire` → `cote d ivoire`. */
function fold(name: string): string {
  return normalizeName(name.replace(/&/g, ' and ')) ?? '';
}

const LANGUAGES = ['en', 'es', 'fr', 'pt'] as const;

let lookup: Map<string, string> | undefined;

function nameIndex(): Map<string, string> {
  if (lookup) return lookup;
  const index = new Map<string, string>();
  // English first: a name is kept for the first code that claims it.
  for (const language of LANGUAGES) {
    for (const [alpha2, names] of Object.entries(countries.getNames(language, { select: 'all' }))) {
      for (const name of names) {
        const key = fold(name);
        if (key !== '' && !index.has(key)) index.set(key, alpha2);
      }
    }
  }
  for (const [key, alpha2] of Object.entries(ALIASES)) index.set(key, alpha2);
  lookup = index;
  return index;
}

/** ISO 3166-1 alpha-3 (`ETH`, case-insensitive) → alpha-2 (`ET`), or null when not a code. */
export function alpha3ToAlpha2(code: string | null | undefined): string | null {
  if (!code) return null;
  const trimmed = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(trimmed)) return null;
  return countries.alpha3ToAlpha2(trimmed) ?? null;
}

/**
 * ISO 3166-1 alpha-2 for a country as a registry wrote it: a name in any case
 * (`Viet Nam`, `COTE D'IVOIRE`, `Congo, The Democratic Republic of the`, `Türkiye`), an
 * alpha-2 or an alpha-3 code. Returns null for blanks and names it does not know
 * (`International`); never throws.
 */
export function countryCode(name: string | null | undefined): string | null {
  if (name === null || name === undefined) return null;
  const trimmed = name.trim();
  if (trimmed === '') return null;
  if (/^[A-Za-z]{2}$/.test(trimmed)) {
    const upper = trimmed.toUpperCase();
    // `UK` is not an ISO code but is how some exports write the United Kingdom.
    if (countries.isValid(upper)) return upper;
  }
  if (/^[A-Za-z]{3}$/.test(trimmed)) {
    const alpha2 = alpha3ToAlpha2(trimmed);
    if (alpha2) return alpha2;
  }
  const index = nameIndex();
  const key = fold(trimmed);
  const direct = index.get(key) ?? index.get(key.replace(/^the /, ''));
  if (direct) return direct;
  // `Korea, Republic of` → `Republic of Korea`: ISO's inverted order, read the natural way.
  const comma = trimmed.lastIndexOf(',');
  if (comma > 0) {
    const inverted = fold(`${trimmed.slice(comma + 1)} ${trimmed.slice(0, comma)}`).replace(/^the /, '');
    const alpha2 = index.get(inverted);
    if (alpha2) return alpha2;
  }
  return null;
}
