/** Small statistics helpers for timings (milliseconds). */

/** Nearest-rank percentile of `values` (need not be sorted); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function seconds(sinceMs: number): number {
  return (performance.now() - sinceMs) / 1000;
}

/** Runs the collector if Node was started with --expose-gc (npm run bench does). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
