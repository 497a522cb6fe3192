/**
 * Verra VCU serial numbers (registries.md §2.3), e.g.
 *
 *   19385-941467007-941467431-VCS-VCU-1507-VER-ET-14-1340-01012020-31122020-1
 *   batch-first-last-program-unit-seg6-seg7-country-scope-project-vintageStart-vintageEnd-label
 *
 * The sectoral scope segment can be missing (12 segments, seen on the S&P Global platform:
 * `19902-1139690318-1139925921-VCS-VCU-500-VER-US-3352-01012024-31122024-0`), so the serial
 * is read from both ends: the first three segments are numeric, the last four are fixed.
 */
import type { SerialBlock } from '../contract.ts';
import { isoDate } from '../common/values.ts';

/** `DDMMYYYY` → `YYYY-MM-DD`, or null when not a real date. */
function serialDate(segment: string): string | null {
  const match = /^(\d{2})(\d{2})(\d{4})$/.exec(segment);
  if (!match) return null;
  return isoDate(Number(match[3]), Number(match[2]), Number(match[1]));
}

function wholeNumber(segment: string): number | null {
  if (!/^\d+$/.test(segment)) return null;
  const number = Number(segment);
  return Number.isSafeInteger(number) ? number : null;
}

/**
 * Parses one Verra serial into its unit range and parts.
 *
 * - `namespace`: program and unit type (`VCS-VCU`); Verra numbers units globally, so unit
 *   ranges of different projects never overlap inside it.
 * - `parts`: `batch` (issuance batch, number), `programCode` (`VCS`), `unitType` (`VCU`),
 *   `segment6` (meaning unconfirmed, kept verbatim), `segment7` (`VER` in every known serial),
 *   `country` (ISO 3166-1 alpha-2 of the units, which can differ from the project's country),
 *   `sectoralScope` (number, or null in the 12-segment form), `projectId` (string, as in the
 *   `ID` column), `vintageStart` and `vintageEnd` (`YYYY-MM-DD`), `labelFlag` (1 when the block
 *   carries a label in `Additional Certifications`, else 0).
 *
 * Returns `{ error }` with a sentence naming the serial and the problem when the serial is
 * not in this format, its unit numbers are not numbers or run backwards, or a date is invalid.
 */
export function parseVerraSerial(serial: string): SerialBlock | { error: string } {
  const text = serial.trim();
  const bad = (problem: string) => ({ error: `serial "${serial}": ${problem}` });
  if (text === '') return { error: 'serial is blank' };
  const segments = text.split('-');
  if (segments.length !== 12 && segments.length !== 13) {
    return bad(`has ${segments.length} dash-separated segments; expected 13 (or 12 without the sectoral scope)`);
  }

  const [batchText = '', firstText = '', lastText = ''] = segments;
  const batch = wholeNumber(batchText);
  const firstUnit = wholeNumber(firstText);
  const lastUnit = wholeNumber(lastText);
  if (batch === null) return bad(`batch segment "${batchText}" is not a number`);
  if (firstUnit === null) return bad(`first unit "${firstText}" is not a number`);
  if (lastUnit === null) return bad(`last unit "${lastText}" is not a number`);
  if (lastUnit < firstUnit) return bad(`last unit ${lastUnit} is before first unit ${firstUnit}`);

  const [projectId = '', startText = '', endText = '', flagText = ''] = segments.slice(-4);
  if (!/^\d+$/.test(projectId)) return bad(`project id segment "${projectId}" is not a number`);
  const vintageStart = serialDate(startText);
  const vintageEnd = serialDate(endText);
  if (vintageStart === null) return bad(`vintage start "${startText}" is not a DDMMYYYY date`);
  if (vintageEnd === null) return bad(`vintage end "${endText}" is not a DDMMYYYY date`);
  if (vintageEnd < vintageStart) return bad(`vintage end ${vintageEnd} is before vintage start ${vintageStart}`);
  if (flagText !== '0' && flagText !== '1') return bad(`label flag "${flagText}" is not 0 or 1`);

  const [programCode = '', unitType = '', segment6 = '', segment7 = '', country = '', scopeText] = segments.slice(3, -4);
  if (!/^[A-Z]+$/.test(programCode) || !/^[A-Z]+$/.test(unitType)) {
    return bad(`program and unit type "${programCode}-${unitType}" are not letter codes`);
  }
  if (!/^[A-Z]{2}$/.test(country)) return bad(`country segment "${country}" is not an ISO 3166-1 alpha-2 code`);
  let sectoralScope: number | null = null;
  if (scopeText !== undefined) {
    sectoralScope = wholeNumber(scopeText);
    if (sectoralScope === null) return bad(`sectoral scope "${scopeText}" is not a number`);
  }

  return {
    namespace: `${programCode}-${unitType}`,
    firstUnit,
    lastUnit,
    parts: {
      batch,
      programCode,
      unitType,
      segment6,
      segment7,
      country,
      sectoralScope,
      projectId,
      vintageStart,
      vintageEnd,
      labelFlag: Number(flagText),
    },
  };
}

/** Number of units in a parsed block (`lastUnit − firstUnit + 1`). */
export function blockQuantity(block: SerialBlock): number {
  return block.lastUnit - block.firstUnit + 1;
}
