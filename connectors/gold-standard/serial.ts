/**
 * Serial numbers on Gold Standard credits (registries.md §3.3, §9.3). Two formats appear:
 *
 * - Gold Standard units (`Product Type` VER):
 *
 *     GS1-1-UG-GS11236-16-2024-30307-1-19149
 *     prefix-country-GS<GSID>-typeCode-vintage-batch-first-last
 *
 *   Units are numbered from 1 inside each issuance batch, so the namespace in which unit
 *   numbers are unique is the batch: everything before the last two numbers.
 *
 * - CDM units issued through Gold Standard (`Product Type` CER) carry the Kyoto registry's
 *   serial block, two unit serials joined by ` - `:
 *
 *     RW-5-1463953-2-2-0-7014 - RW-5-1467609-2-2-0-7014
 *     party-unitType-unit-originalCP-applicableCP-lulucf-cdmProjectRef (each side)
 *
 *   Only the unit serial differs between the sides. The CDM parser lives here while Gold
 *   Standard is its only user; move it to `connectors/common/` when a CDM or Verra connector
 *   needs it, so every program files CDM blocks under the same namespace.
 */
import type { SerialBlock } from '../contract.ts';

/** A parsed Gold Standard serial, with its format. */
export type GoldStandardSerial =
  | { format: 'gs'; block: SerialBlock }
  | { format: 'cdm'; block: SerialBlock; cdmProjectRef: string };

function wholeNumber(segment: string): number | null {
  if (!/^\d+$/.test(segment)) return null;
  const number = Number(segment);
  return Number.isSafeInteger(number) ? number : null;
}

/**
 * Parses a Gold Standard unit serial (`GS1-1-UG-GS11236-16-2024-30307-1-19149`).
 *
 * - `namespace`: the batch, i.e. every segment before the first and last unit
 *   (`GS1-1-UG-GS11236-16-2024-30307`); unit numbers restart at 1 in every batch.
 * - `parts`: `prefix` (`GS1-1`, constant, meaning unconfirmed), `country` (ISO 3166-1
 *   alpha-2 of the units as written, `XZ` possible for multi-country projects), `gsid`
 *   (string, the issuing project or VPA), `projectTypeCode` (number, informative only:
 *   registries.md §3.3 found one `Other` project using code 1), `vintage` (year) and `batch`.
 *
 * Returns `{ error }` naming the serial and the problem when it is not in this format.
 */
export function parseGsSerial(serial: string): SerialBlock | { error: string } {
  const text = serial.trim();
  const bad = (problem: string) => ({ error: `serial "${serial}": ${problem}` });
  if (text === '') return { error: 'serial is blank' };
  const segments = text.split('-');
  if (segments.length !== 9) return bad(`has ${segments.length} dash-separated segments; expected 9 (GS1-1-CC-GS<id>-type-vintage-batch-first-last)`);
  const [prefixProgram = '', prefixNumber = '', country = '', gsSegment = '', typeText = '', vintageText = '', batchText = '', firstText = '', lastText = ''] =
    segments;
  if (!/^GS\d+$/.test(prefixProgram) || wholeNumber(prefixNumber) === null) {
    return bad(`prefix "${prefixProgram}-${prefixNumber}" is not "GS<n>-<n>"`);
  }
  if (!/^[A-Z]{2}$/.test(country)) return bad(`country segment "${country}" is not a two-letter code`);
  const gsid = /^GS(\d+)$/.exec(gsSegment)?.[1];
  if (gsid === undefined) return bad(`project segment "${gsSegment}" is not "GS<GSID>"`);
  const projectTypeCode = wholeNumber(typeText);
  if (projectTypeCode === null) return bad(`project type segment "${typeText}" is not a number`);
  const vintage = /^\d{4}$/.test(vintageText) ? Number(vintageText) : null;
  if (vintage === null) return bad(`vintage segment "${vintageText}" is not a year`);
  const batch = wholeNumber(batchText);
  if (batch === null) return bad(`batch segment "${batchText}" is not a number`);
  const firstUnit = wholeNumber(firstText);
  const lastUnit = wholeNumber(lastText);
  if (firstUnit === null) return bad(`first unit "${firstText}" is not a number`);
  if (lastUnit === null) return bad(`last unit "${lastText}" is not a number`);
  if (firstUnit < 1) return bad('first unit is 0; units are numbered from 1');
  if (lastUnit < firstUnit) return bad(`last unit ${lastUnit} is before first unit ${firstUnit}`);
  return {
    namespace: segments.slice(0, 7).join('-'),
    firstUnit,
    lastUnit,
    parts: { prefix: `${prefixProgram}-${prefixNumber}`, country, gsid, projectTypeCode, vintage, batch },
  };
}

/** One side of a CDM serial block: `RW-5-1463953-2-2-0-7014`. */
function cdmUnit(text: string): { party: string; unitType: number; unit: number; originalCp: number; applicableCp: number; lulucf: number; projectRef: string } | string {
  const segments = text.trim().split('-');
  if (segments.length !== 7) return `"${text.trim()}" has ${segments.length} dash-separated segments; expected 7 (party-type-unit-CP-CP-LULUCF-project)`;
  const [party = '', ...rest] = segments;
  if (!/^[A-Z]{2}$/.test(party)) return `party "${party}" in "${text.trim()}" is not a two-letter code`;
  const numbers = rest.map(wholeNumber);
  if (numbers.some((value) => value === null)) return `"${text.trim()}" has a segment after the party that is not a number`;
  const [unitType, unit, originalCp, applicableCp, lulucf] = numbers as number[];
  return { party, unitType: unitType!, unit: unit!, originalCp: originalCp!, applicableCp: applicableCp!, lulucf: lulucf!, projectRef: rest[5]! };
}

/**
 * Parses a CDM serial block as Gold Standard publishes it on CER rows
 * (`RW-5-1463953-2-2-0-7014 - RW-5-1467609-2-2-0-7014`, registries.md §9.3).
 *
 * - `namespace`: `CDM-<party>-<unit type>-<CDM project ref>` (`CDM-RW-5-7014`); the first and
 *   last units are the unit serials (third segments) of the two sides.
 * - `parts`: `party` (host party, ISO 3166-1 alpha-2), `unitType` (5 = CER), `originalCommitmentPeriod`,
 *   `applicableCommitmentPeriod`, `lulucfActivity` (0 = none) and `cdmProjectRef` (string, the
 *   CDM project reference number, e.g. `7014`; the reading of the last segment as that reference
 *   is UNCONFIRMED as a citation but matches both known examples).
 *
 * Both sides must agree on every segment but the unit serial, and run forwards.
 */
export function parseCdmSerial(serial: string): { block: SerialBlock; cdmProjectRef: string } | { error: string } {
  const text = serial.trim();
  const bad = (problem: string) => ({ error: `serial "${serial}": ${problem}` });
  if (text === '') return { error: 'serial is blank' };
  const sides = text.split(/\s+-\s+/);
  if (sides.length !== 2) return bad('is not two CDM unit serials joined by " - "');
  const left = cdmUnit(sides[0]!);
  const right = cdmUnit(sides[1]!);
  if (typeof left === 'string') return bad(left);
  if (typeof right === 'string') return bad(right);
  for (const key of ['party', 'unitType', 'originalCp', 'applicableCp', 'lulucf', 'projectRef'] as const) {
    if (left[key] !== right[key]) return bad(`the two sides differ in ${key} (${String(left[key])} vs ${String(right[key])})`);
  }
  if (right.unit < left.unit) return bad(`last unit ${right.unit} is before first unit ${left.unit}`);
  return {
    cdmProjectRef: left.projectRef,
    block: {
      namespace: `CDM-${left.party}-${left.unitType}-${left.projectRef}`,
      firstUnit: left.unit,
      lastUnit: right.unit,
      parts: {
        party: left.party,
        unitType: left.unitType,
        originalCommitmentPeriod: left.originalCp,
        applicableCommitmentPeriod: left.applicableCp,
        lulucfActivity: left.lulucf,
        cdmProjectRef: left.projectRef,
      },
    },
  };
}

/** A CDM serial block is the only Gold Standard serial with ` - ` in it. */
export function isCdmSerial(serial: string): boolean {
  return /\s-\s/.test(serial.trim());
}

/** Parses either format, chosen by the serial's shape. */
export function parseGoldStandardSerial(serial: string): GoldStandardSerial | { error: string } {
  if (isCdmSerial(serial)) {
    const cdm = parseCdmSerial(serial);
    return 'error' in cdm ? cdm : { format: 'cdm', block: cdm.block, cdmProjectRef: cdm.cdmProjectRef };
  }
  const block = parseGsSerial(serial);
  return 'error' in block ? block : { format: 'gs', block };
}

/** Number of units in a parsed block (`lastUnit − firstUnit + 1`). */
export function blockQuantity(block: SerialBlock): number {
  return block.lastUnit - block.firstUnit + 1;
}
