/**
 * Cercarbono (EcoRegistry) serials (registries.md §6): underscore-separated batch
 * identifiers without a unit range, e.g. `CDC_1_1_1_321_14_1`, `CDC_1_1_1_321_14_1_2008`,
 * `CDC_7_3_1_323_14_CO_1_2_2019_BF`, `CDC_4_1_1_321_14_R1_XX_CO_1_2_BFC_2018`.
 *
 * Only the segments observed on the fixtures are read: the numeric project `id` in segment 2
 * (segment 3 in CarbonPlan's `CDC_R_16_…` variant), a country code, `R<n>` revision
 * markers, a trailing 4-digit vintage year, and the `BF`/`BFC` buffer markers. Every other
 * segment's meaning is UNCONFIRMED, so the parser never fails: what it cannot read is null.
 */
import { countryCode } from '../common/countries.ts';

export interface CercarbonoSerialParts {
  /** Standard prefix: `CDC`, `CP`, `CGS`, `CDB`, `CBA` share one numbering (§6). */
  prefix: string | null;
  /** The numeric project `id` the serial names. */
  projectId: string | null;
  /** ISO 3166-1 alpha-2 segment (`CO`), when the serial has one. */
  country: string | null;
  /** Trailing vintage year (`…_2019`, `…_2019_BF`, `…_BFC_2018`). */
  vintageYear: number | null;
  /** `BF`/`BFC` segment: buffer units (the record's `is_buffer` is true on those). */
  buffer: boolean;
  /** `R1`, `R6`… revision marker. */
  revision: string | null;
}

const BUFFER_MARKERS = new Set(['BF', 'BFC']);

export function parseCercarbonoSerial(serial: string): CercarbonoSerialParts {
  const segments = serial.trim().split('_');
  const prefix = /^[A-Za-z]+$/.test(segments[0] ?? '') ? segments[0]! : null;
  let projectId: string | null = null;
  if (/^\d+$/.test(segments[1] ?? '')) projectId = segments[1]!;
  else if (segments[1] === 'R' && /^\d+$/.test(segments[2] ?? '')) projectId = segments[2]!;
  if (projectId !== null) projectId = String(Number(projectId));

  const tail = segments.slice(-2);
  const year = tail.filter((segment) => /^(19|20)\d{2}$/.test(segment)).at(-1);
  // `XX` stands where no country was set; `BF` is the buffer marker, not Burkina Faso.
  const country = segments
    .slice(2)
    .find((segment) => /^[A-Z]{2}$/.test(segment) && segment !== 'XX' && !BUFFER_MARKERS.has(segment) && countryCode(segment) !== null);

  return {
    prefix,
    projectId,
    country: country ?? null,
    vintageYear: year === undefined ? null : Number(year),
    buffer: segments.some((segment) => BUFFER_MARKERS.has(segment)),
    revision: segments.slice(2).find((segment) => /^R\d+$/.test(segment)) ?? null,
  };
}
