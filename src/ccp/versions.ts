/**
 * Methodology versions as numbers, so ranges compare the way ICVCM writes them: `1-13.1`
 * contains `2.0`, `5.1.1` sits between `5.1` and `5.2`, and `2` equals `2.0`.
 */

/** `2.0` → [2, 0]; `v3.1` / `Version 4.0` → [3, 1] / [4, 0]; anything else (ARB's dated versions) → null. */
export function parseVersion(text: string | null | undefined): number[] | null {
  if (text == null) return null;
  const match = /^\s*(?:version|ver\.?|v)?\s*(\d+(?:\.\d+)*)\s*$/i.exec(text);
  if (!match) return null;
  return match[1]!.split('.').map(Number);
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b` (missing parts count as 0). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** An inclusive range from the table's `versionRange` (or its `versions` text, `1.0-21.0`); null bounds are open. */
export interface VersionRange {
  from: number[] | null;
  to: number[] | null;
}

export function versionRange(from: string | null, to: string | null, versions: string): VersionRange {
  const [textFrom, textTo] = versions.split('-');
  const lower = parseVersion(from) ?? parseVersion(textFrom);
  const upper = parseVersion(to) ?? parseVersion(textTo ?? textFrom);
  return { from: lower, to: upper };
}

export function inRange(version: readonly number[], range: VersionRange): boolean {
  if (range.from && compareVersions(version, range.from) < 0) return false;
  if (range.to && compareVersions(version, range.to) > 0) return false;
  return true;
}
