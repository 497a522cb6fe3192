/**
 * Name blocking for the cross-program detector: every pair of projects in the same country,
 * of different programs and compatible categories, whose names have a pg_trgm similarity of
 * at least the blocking threshold (double-counting.md §4.3).
 *
 * The trigram sets come from PostgreSQL (`show_trgm(name)`), so what counts as a trigram is
 * pg_trgm's own (case folding, word padding, hashed multibyte trigrams); the similarity is
 * pg_trgm's too: shared trigrams ÷ trigrams of either, as a float4.
 *
 * Why not `q.name % p.name` in SQL: within a country that compares every project with every
 * other (the GIN index cannot help, as the common trigrams of "project", "cookstove"… are in
 * nearly every name), so it grew with the square of a country's projects: 43 s of the 50 s
 * the detector took at market size, for 2,867 pairs (docs/benchmarks.md). Here the pairs are
 * found with prefix filtering (Bayardo, Ma & Srikant, "Scaling up all pairs similarity
 * search", WWW 2007): trigrams are ordered rarest first, and two sets with a similarity ≥ t
 * must share one of the first |A| − ⌈t·|A|⌉ + 1 trigrams of each. So only trigrams rarer than
 * a name's most common ones pair projects up, and each candidate is then checked exactly.
 * The result is the same set of pairs as the SQL join, with the same similarities.
 */

/** A project as name blocking sees it. */
export interface NamedProject {
  id: number;
  programId: string;
  countryCode: string | null;
  category: string | null;
  /** pg_trgm's trigrams of the name (`show_trgm`), as `sortTrigrams` gives them; null when the project has no name. */
  trigrams: SortedTrigrams | null;
}

export interface SimilarNamePair {
  /** The smaller project id. */
  leftId: number;
  rightId: number;
  similarity: number;
}

/** Each project's trigrams sorted (code unit order), so two sets intersect in one merge pass. */
export type SortedTrigrams = readonly string[];

export function sortTrigrams(trigrams: readonly string[]): SortedTrigrams {
  return [...new Set(trigrams)].sort();
}

/** pg_trgm's `similarity()` of two names from their sorted trigram sets: 0 when either has none. */
export function trigramSimilarity(a: SortedTrigrams, b: SortedTrigrams): number {
  if (a.length === 0 || b.length === 0) return 0;
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      shared += 1;
      i += 1;
      j += 1;
    } else if (a[i]! < b[j]!) i += 1;
    else j += 1;
  }
  // pg_trgm divides in float4 (CALCSML); a double quotient rounded to float4 is the same value.
  return Math.fround(shared / (a.length + b.length - shared));
}

/**
 * How many of a set's rarest trigrams a pair with similarity ≥ `threshold` must share one of.
 * The threshold is lowered by a hair so that float rounding (pg_trgm's float4 quotient, and
 * `threshold × size` in double) can only make the prefix longer, never drop a pair.
 */
function prefixLength(size: number, threshold: number): number {
  const lowered = Math.max(0, threshold - 1e-6);
  const overlap = Math.max(1, Math.ceil(lowered * size - 1e-9));
  return Math.min(size, size - overlap + 1);
}

const categoriesCompatible = (a: string | null, b: string | null) => a === null || b === null || a === b;

/**
 * Every pair of `projects` in the same country, of different programs, with compatible
 * categories (either unknown, or equal) and name similarity ≥ `threshold`, ordered by left
 * then right id. Memory holds the projects' trigrams and an index of their rarest ones.
 */
export function similarNamePairs(projects: readonly NamedProject[], threshold: number): SimilarNamePair[] {
  const named = projects.filter((p): p is NamedProject & { countryCode: string; trigrams: SortedTrigrams } => p.countryCode !== null && p.trigrams !== null && p.trigrams.length > 0);
  const frequency = new Map<string, number>();
  for (const { trigrams } of named) for (const trigram of trigrams) frequency.set(trigram, (frequency.get(trigram) ?? 0) + 1);
  const rarestFirst = (a: string, b: string) => frequency.get(a)! - frequency.get(b)! || (a < b ? -1 : a > b ? 1 : 0);

  const byCountry = new Map<string, number[]>();
  named.forEach((p, index) => {
    const members = byCountry.get(p.countryCode);
    if (members) members.push(index);
    else byCountry.set(p.countryCode, [index]);
  });

  const pairs: SimilarNamePair[] = [];
  const lastSeenBy = new Int32Array(named.length).fill(-1);
  for (const members of byCountry.values()) {
    // Trigram → the country's projects (indexes into `named`) that have it among their rarest.
    const index = new Map<string, number[]>();
    for (const current of members) {
      const project = named[current]!;
      const prefix = [...project.trigrams].sort(rarestFirst).slice(0, prefixLength(project.trigrams.length, threshold));
      for (const trigram of prefix) {
        for (const other of index.get(trigram) ?? []) {
          if (lastSeenBy[other] === current) continue;
          lastSeenBy[other] = current;
          const candidate = named[other]!;
          if (candidate.programId === project.programId || !categoriesCompatible(candidate.category, project.category)) continue;
          const similarity = trigramSimilarity(project.trigrams, candidate.trigrams);
          if (similarity < threshold) continue;
          const [leftId, rightId] = project.id < candidate.id ? [project.id, candidate.id] : [candidate.id, project.id];
          pairs.push({ leftId, rightId, similarity });
        }
      }
      for (const trigram of prefix) {
        const list = index.get(trigram);
        if (list) list.push(current);
        else index.set(trigram, [current]);
      }
    }
  }
  return pairs.sort((a, b) => a.leftId - b.leftId || a.rightId - b.rightId);
}
