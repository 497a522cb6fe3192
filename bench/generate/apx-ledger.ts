/**
 * What the ACR and ART TREES generators (acr.ts, art-trees.ts) share: the APX date forms those
 * two registries export (unpadded `M/D/YYYY`, and `M/D/YYYY h:mm:ss AM/PM` GMT timestamps), and
 * where the retired and cancelled slices of a serial batch fall.
 *
 * Both registries number batches across the registry and units from 1 in each batch, so a
 * batch is its own serial namespace (`ACR-US-1185-2025-3078-1 to 85847`,
 * `ART-GY-102-2021-11-2759599 to 2760598`): slices of one batch never overlap and never pass
 * the units that can be used.
 */
import { addDays, daysBetween, minDate, snapshotDate } from './calendar.ts';
import { allocate, allocateWithin, type Empirical, type Random } from './random.ts';

/** `2026-03-09` → `3/9/2026`, as ACR's and ART's APX exports write plain dates. */
export function apxDate(date: string): string {
  return `${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}/${date.slice(0, 4)}`;
}

/** `2026-03-24` → `3/24/2026 9:08:01 PM`, a timestamp of that day at a random time (APX's GMT timestamps). */
export function apxTimestamp(date: string, random: Random): string {
  const hour = random.int(0, 23);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${apxDate(date)} ${hour % 12 === 0 ? 12 : hour % 12}:${pad(random.int(0, 59))}:${pad(random.int(0, 59))} ${hour < 12 ? 'AM' : 'PM'}`;
}

/** `3/24/2026 9:08:01 PM`, `03/09/2026` → `2026-03-24`, `2026-03-09`. */
export function fromApxDate(text: string): string {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})/.exec(text.trim());
  if (!match) throw new Error(`not an APX date: "${text}"`);
  return `${match[3]}-${match[1]!.padStart(2, '0')}-${match[2]!.padStart(2, '0')}`;
}

/** One serial batch: its units, those that can be used, and how many rows retire or cancel some. */
export interface Batch {
  batch: number;
  quantity: number;
  /** Units that can be retired or cancelled (buffer or transferred units are held back). */
  usable: number;
  retirements: number;
  cancellations: number;
}

/** Units `first`–`last` of a batch, and when they were retired or cancelled. */
export interface Slice {
  first: number;
  last: number;
  on: string;
}

/** Spreads retirement and cancellation rows over batches by usable units (at least one unit per row). */
export function placeSlices(batches: Batch[], retirements: number, cancellations: number, random: Random): void {
  const retired = allocateWithin(retirements, batches.map((batch) => batch.usable), random);
  retired.forEach((count, index) => (batches[index]!.retirements = count));
  const cancelled = allocateWithin(cancellations, batches.map((batch) => batch.usable - batch.retirements), random);
  cancelled.forEach((count, index) => (batches[index]!.cancellations = count));
}

/** How a batch's cancellations fall: the rest of its usable units on one day (a conversion), or slices of drawn sizes. */
export type CancellationLayout = { rest: true; on: string } | { rest: false; sizes: Empirical<number> };

/** `count` sizes drawn (with jitter) that fit `room`, shrunk in proportion when they do not. */
function sizesWithin(count: number, room: number, sizes: Empirical<number>, random: Random): number[] {
  const drawn = Array.from({ length: count }, () => Math.max(1, Math.round(sizes.draw(random) * random.jitter(0.3))));
  return drawn.reduce((a, b) => a + b, 0) > room ? allocate(Math.max(count, Math.round(room * (0.5 + 0.5 * random.next()))), drawn, random) : drawn;
}

/** A day between `from` and the snapshot date, uniformly. */
export function dayAfter(from: string, random: Random): string {
  return addDays(from, random.int(0, Math.max(0, daysBetween(from, snapshotDate))));
}

/**
 * Where a batch's rows fall: retirements from its first unit (sizes drawn, shrunk to fit, with
 * gaps for units still held), then cancellations, either over every usable unit left or as
 * drawn slices after the retirements. One unit per cancellation is kept free of retirements
 * and gaps, so every row gets at least one unit.
 */
export function layOut(batch: Batch, issuedOn: string, random: Random, retirementSizes: Empirical<number>, cancellation: CancellationLayout): { retired: Slice[]; cancelled: Slice[] } {
  const reserved = batch.cancellations;
  // Drawn cancellations need room of their own: retirements then take at most half of the batch.
  const retirementRoom = cancellation.rest ? batch.usable - reserved : Math.max(batch.retirements, Math.floor((batch.usable - reserved) / 2));
  let unit = 1;
  let free = 0;
  const slices = (sizes: readonly number[], on: () => string): Slice[] =>
    sizes.map((size) => {
      const gap = free > 1 && random.chance(0.3) ? random.int(0, Math.floor(free / 4)) : 0;
      free -= gap;
      unit += gap;
      const slice = { first: unit, last: unit + size - 1, on: on() };
      unit += size;
      return slice;
    });
  const retiredSizes = sizesWithin(batch.retirements, retirementRoom, retirementSizes, random);
  free = batch.usable - reserved - retiredSizes.reduce((a, b) => a + b, 0);
  const retired = slices(retiredSizes, () => dayAfter(issuedOn, random));
  if (batch.cancellations === 0) return { retired, cancelled: [] };
  const left = batch.usable - unit + 1;
  if (cancellation.rest) {
    const parts = allocate(left, Array.from({ length: batch.cancellations }, () => 0.2 + random.next()), random);
    free = 0;
    return { retired, cancelled: slices(parts, () => minDate(cancellation.on, snapshotDate)) };
  }
  const cancelledSizes = sizesWithin(batch.cancellations, left, cancellation.sizes, random);
  free = left - cancelledSizes.reduce((a, b) => a + b, 0);
  return { retired, cancelled: slices(cancelledSizes, () => dayAfter(issuedOn, random)) };
}
