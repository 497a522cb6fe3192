/** Helpers for the per-request DataLoaders (`<entity>.loaders.ts`). */

/** Results in the order of `keys`, null where no row matched (DataLoader's contract). */
export function inKeyOrder<K, T>(keys: readonly K[], rows: readonly T[], keyOf: (row: T) => K): (T | null)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? null);
}

/**
 * Batch function for keys that carry arguments (a nested connection's filter, page size and
 * cursor): keys with the same arguments share one query, so a page of parents costs one
 * statement per distinct argument set, not one per parent.
 */
export async function batchByArguments<K, V>(
  keys: readonly K[],
  argumentsOf: (key: K) => string,
  load: (group: readonly K[]) => Promise<readonly V[]>,
): Promise<V[]> {
  const groups = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const signature = argumentsOf(key);
    const group = groups.get(signature);
    if (group) group.push(index);
    else groups.set(signature, [index]);
  });
  const results = new Array<V>(keys.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const values = await load(indexes.map((index) => keys[index] as K));
      indexes.forEach((keyIndex, position) => {
        results[keyIndex] = values[position] as V;
      });
    }),
  );
  return results;
}
