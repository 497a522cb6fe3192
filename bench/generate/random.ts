/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) so the same `--seed` writes the same
 * exports byte for byte, on any machine. Math.random cannot be seeded.
 */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix = () => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = splitmix();
    this.#b = splitmix();
    this.#c = splitmix();
    this.#d = splitmix();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A new generator whose stream depends only on this one's seed and `label`. */
  fork(label: string): Random {
    let hash = 2166136261;
    for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
    return new Random((hash ^ Math.floor(this.next() * 2 ** 32)) >>> 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A multiplicative jitter with median 1: exp(N(0, sigma)). */
  jitter(sigma: number): number {
    return Math.exp(this.normal() * sigma);
  }

  /** Number of failures before the first success, capped: mean (1 − p) / p. */
  geometric(p: number, cap: number): number {
    let count = 0;
    while (count < cap && !this.chance(p)) count++;
    return count;
  }

  /** `count` distinct indices out of [0, size), in increasing order (Floyd's algorithm). */
  sample(size: number, count: number): number[] {
    const chosen = new Set<number>();
    for (let j = size - Math.min(count, size); j < size; j++) {
      const t = this.int(0, j);
      chosen.add(chosen.has(t) ? j : t);
    }
    return [...chosen].sort((a, b) => a - b);
  }
}

/** Draws from an empirical distribution: each value as often as it was observed. */
export class Empirical<T> {
  readonly #values: readonly T[];
  constructor(values: readonly T[]) {
    if (values.length === 0) throw new Error('empirical distribution of nothing');
    this.#values = values;
  }
  draw(random: Random): T {
    return random.pick(this.#values);
  }
  get size(): number {
    return this.#values.length;
  }
}

/**
 * Splits `total` into one share per weight, proportionally, each share at least 1 (when the
 * total allows), summing exactly to `total`.
 */
export function allocate(total: number, weights: readonly number[], random: Random): number[] {
  if (weights.length === 0) return [];
  const floor = total >= weights.length ? 1 : 0;
  const sum = weights.reduce((a, b) => a + b, 0);
  const free = total - floor * weights.length;
  const shares = weights.map((weight) => floor + Math.floor((free * weight) / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  // The rounding remainder (fewer than weights.length units) goes to shares drawn by weight.
  const cumulative: number[] = [];
  let running = 0;
  for (const weight of weights) cumulative.push((running += weight));
  while (left > 0) {
    const target = random.next() * running;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    shares[low]! += 1;
    left -= 1;
  }
  return shares;
}

/**
 * `total` allocated by weight over the entries `eligible` says yes to, 0 to the others; over
 * every entry when it says yes to none (a tiny scale with only one kind of project).
 */
export function allocateAmong(total: number, weights: readonly number[], eligible: (index: number) => boolean, random: Random): number[] {
  const chosen = weights.flatMap((_, index) => (eligible(index) ? [index] : []));
  const among = chosen.length > 0 ? chosen : weights.map((_, index) => index);
  const shares = allocate(total, among.map((index) => weights[index]!), random);
  const budgets = weights.map(() => 0);
  among.forEach((index, i) => (budgets[index] = shares[i]!));
  return budgets;
}

/**
 * Retirement and cancellation rows per issuing project of an offset registry (CAR, ACR):
 * voluntary projects retire, by the units they can use, so large issuers have many and the
 * fixtures' retirement sizes fit the batches they are cut from; compliance projects cancel
 * (convert), by issuance rows, since a conversion takes a batch whatever its size. With only one
 * kind of issuing project (a tiny scale), that kind takes both.
 */
export function ledgerBudgets(
  rows: { retirementRows: number; cancellationRows: number },
  projects: { usableUnits: readonly number[]; issuanceRows: readonly number[]; compliant: (position: number) => boolean },
  random: Random,
): { retirementBudgets: number[]; cancellationBudgets: number[] } {
  const of = (kind: boolean, total: number, weights: readonly number[]) => allocateAmong(total, weights, (position) => projects.compliant(position) === kind, random);
  return { retirementBudgets: of(false, rows.retirementRows, projects.usableUnits), cancellationBudgets: of(true, rows.cancellationRows, projects.issuanceRows) };
}

/** The mean of a non-empty list. */
export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Splits `total` into one share per capacity, never above it: first one each (when the total
 * allows), then in proportion to the room left. Throws when the capacities cannot hold `total`.
 */
export function allocateWithin(total: number, capacities: readonly number[], random: Random): number[] {
  const room = capacities.reduce((a, b) => a + b, 0);
  if (total > room) throw new Error(`${total} do not fit in capacities summing to ${room}`);
  const open = capacities.filter((capacity) => capacity > 0).length;
  const shares: number[] = capacities.map((capacity) => (capacity > 0 && total >= open ? 1 : 0));
  const given = shares.reduce((a, b) => a + b, 0);
  let left = total - given;
  const roomLeft = room - given;
  if (left > 0) {
    const proportional = capacities.map((capacity, index) => Math.floor((left * (capacity - shares[index]!)) / roomLeft));
    proportional.forEach((extra, index) => (shares[index]! += extra));
    left -= proportional.reduce((a, b) => a + b, 0);
  }
  // The rounding remainder (fewer than capacities.length units) goes to shares with room, drawn at random.
  while (left > 0) {
    const index = random.int(0, capacities.length - 1);
    if (shares[index]! >= capacities[index]!) continue;
    shares[index]! += 1;
    left -= 1;
  }
  return shares;
}
