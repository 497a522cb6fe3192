/**
 * Project names: new names made from the fixtures' own names (a few words swapped for words
 * the same registry uses, the host country replaced), and the perturbations a project
 * re-listed in another program shows (case, a typo, a dropped word, abbreviations).
 */
import type { Random } from './random.ts';

const stopWords = new Set(['the', 'and', 'for', 'with', 'from', 'into', 'project', 'projects', 'programme', 'program', 'grouped', 'phase']);

/** Content words of the fixtures' names: what a name's swapped words are drawn from. */
export function nameVocabulary(names: readonly string[]): string[] {
  const words = new Set<string>();
  for (const name of names) {
    for (const word of name.split(/\s+/)) {
      if (/^[A-Z][A-Za-z-]{3,}$/.test(word) && !stopWords.has(word.toLowerCase())) words.add(word);
    }
  }
  return [...words].sort();
}

const suffixes = ['Phase II', 'Phase III', 'Bundle 2', 'Grouped Project', 'Extension', 'Cluster B'];

/**
 * A new name from `template`: its host country (when named) becomes `country`, one or two
 * content words are swapped for vocabulary words, and now and then a phase suffix is added.
 */
export function variantName(template: string, random: Random, vocabulary: readonly string[], fromCountry: string | null, toCountry: string | null): string {
  let name = template.replace(/\s+/g, ' ').trim();
  if (fromCountry && toCountry && fromCountry !== toCountry && name.includes(fromCountry)) name = name.replaceAll(fromCountry, toCountry);
  const words = name.split(' ');
  const content = words.map((word, index) => ({ word, index })).filter(({ word }) => /^[A-Za-z][A-Za-z-]{3,}$/.test(word) && !stopWords.has(word.toLowerCase()) && word !== toCountry);
  const swaps = Math.min(content.length, random.int(1, 2));
  for (const index of random.sample(content.length, swaps)) words[content[index]!.index] = random.pick(vocabulary);
  if (random.chance(0.15)) words.push(random.pick(suffixes));
  return words.join(' ');
}

const abbreviations: [RegExp, string][] = [
  [/\bProject\b/g, 'Proj.'],
  [/\band\b/g, '&'],
  [/\bRenewable Energy\b/gi, 'RE'],
  [/\bImproved Cook ?stoves?\b/gi, 'ICS'],
  [/\bLimited\b/g, 'Ltd'],
  [/\bPrivate\b/g, 'Pvt'],
];

export type NamePerturbation = 'case' | 'typo' | 'drop-word' | 'punctuation' | 'abbreviation' | 'reorder';

/**
 * How the same project might be named when listed again in another program: one or two of
 * the perturbations fuzzy name matching must forgive. Returns the name and what was done.
 */
export function relistedName(name: string, random: Random): { name: string; perturbations: NamePerturbation[] } {
  const all: NamePerturbation[] = ['case', 'typo', 'drop-word', 'punctuation', 'abbreviation', 'reorder'];
  const chosen = random.sample(all.length, random.int(1, 2)).map((index) => all[index]!);
  let result = name;
  const applied: NamePerturbation[] = [];
  for (const perturbation of chosen) {
    const before = result;
    result = perturb(result, perturbation, random);
    if (result !== before) applied.push(perturbation);
  }
  if (applied.length === 0) {
    result = result.toUpperCase() === result ? result.toLowerCase() : result.toUpperCase();
    applied.push('case');
  }
  return { name: result, perturbations: applied };
}

function perturb(name: string, perturbation: NamePerturbation, random: Random): string {
  const words = name.split(' ');
  switch (perturbation) {
    case 'case':
      return random.chance(0.5) ? name.toUpperCase() : name.replace(/\b([A-Za-z])([A-Za-z]*)/g, (_, first: string, rest: string) => first.toUpperCase() + rest.toLowerCase());
    case 'typo': {
      const long = words.map((word, index) => ({ word, index })).filter(({ word }) => /^[A-Za-z]{5,}$/.test(word));
      if (long.length === 0) return name;
      const { word, index } = random.pick(long);
      const at = random.int(1, word.length - 2);
      words[index] = word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
      return words.join(' ');
    }
    case 'drop-word': {
      if (words.length < 4) return name;
      const at = random.int(1, words.length - 1);
      return [...words.slice(0, at), ...words.slice(at + 1)].join(' ');
    }
    case 'punctuation':
      return name.replace(/[-–,.()]/g, ' ').replace(/\s+/g, ' ').trim();
    case 'abbreviation': {
      for (const [pattern, short] of abbreviations) {
        // `search` ignores `lastIndex`, which `test` would carry over on these global patterns.
        if (name.search(pattern) >= 0) return name.replace(pattern, short);
      }
      return name;
    }
    case 'reorder': {
      if (words.length < 3) return name;
      const at = random.int(1, words.length - 1);
      return [...words.slice(at), ...words.slice(0, at)].join(' ');
    }
  }
}
