/**
 * APX serial blocks (registries.md §1, §4.2–4.4):
 *
 *   ACR-US-934-2024-2891-58384 to 58673
 *   ACR-<country>-<project number>-<vintage>-<issuance batch>-<first> to <last>
 *
 *   CAR-1-US-1335-31-983-KS-2025-9205-1 to 5000
 *   CAR-<unit class>-<country>-<project number>-<protocol>-<n>-<state>-<vintage>-<batch>-<first> to <last>
 *
 *   ART-GY-102-2019-3-2500001 to 2600000, FCPF-CI-130-2023-20-1 to 46404
 *   <ART|FCPF>-<country>-<program number>-<vintage>-<batch>-<first> to <last>
 *
 * Quantity = number after `to` − last number before `to` + 1 (150/150 ACR, 150/150 CAR,
 * 11/11 ART rows of the fixtures). Unit numbers restart at 1 in every issuance batch, so the
 * block's namespace is everything before the first unit, batch included.
 */
import type { SerialBlock } from '../contract.ts';
import type { SerialLayout } from './registries.ts';

const BLOCK = /^(.+)-(\d+)\s+to\s+(\d+)$/i;

/** Checks of the named segments; other segments are kept as text. */
const SEGMENT_RULES: Record<string, { pattern: RegExp; what: string; numeric: boolean }> = {
  country: { pattern: /^[A-Z]{2}$/, what: 'an ISO 3166-1 alpha-2 country code', numeric: false },
  projectNumber: { pattern: /^\d+$/, what: 'a project number', numeric: false },
  vintage: { pattern: /^\d{4}$/, what: 'a four-digit vintage year', numeric: true },
  batch: { pattern: /^\d+$/, what: 'an issuance batch number', numeric: true },
};

function wholeNumber(text: string): number | null {
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : null;
}

/** Serial text with runs of whitespace collapsed, as it is stored and keyed. */
export function tidySerial(serial: string): string {
  return serial.trim().replace(/\s+/g, ' ');
}

/**
 * Parses one APX serial block in the registry's layout.
 *
 * `parts`: `prefix` (`ACR`, `CAR`, `ART`, `FCPF`), then each named segment of the layout:
 * `country` (ISO alpha-2 of the units), `projectNumber` (string, the digits of the project id),
 * `vintage` and `batch` (numbers), CAR's `unitClass` (`1` voluntary, `ROC` compliance),
 * `protocol`, `segment6` (meaning unconfirmed) and `state` as text.
 *
 * Returns `{ error }` with a sentence naming the serial and the problem when the text is not a
 * block in this layout, a segment is malformed, or the range runs backwards.
 */
export function parseApxSerial(serial: string, layout: SerialLayout): SerialBlock | { error: string } {
  const text = tidySerial(serial);
  const bad = (problem: string) => ({ error: `serial "${serial}": ${problem}` });
  if (text === '') return { error: 'serial is blank' };
  const match = BLOCK.exec(text);
  if (!match) return bad('is not a block "<prefix>-…-<first> to <last>"');
  const [, head = '', firstText = '', lastText = ''] = match;
  const firstUnit = wholeNumber(firstText);
  const lastUnit = wholeNumber(lastText);
  if (firstUnit === null || lastUnit === null) return bad('unit numbers are too large');
  if (firstUnit < 1) return bad(`first unit ${firstUnit} is not positive`);
  if (lastUnit < firstUnit) return bad(`last unit ${lastUnit} is before first unit ${firstUnit}`);

  const [prefix = '', ...segments] = head.split('-');
  if (!layout.prefixes.includes(prefix)) {
    return bad(`starts with "${prefix}", expected ${layout.prefixes.map((p) => `"${p}"`).join(' or ')}`);
  }
  if (segments.length !== layout.segments.length) {
    return bad(
      `has ${segments.length} segments between the prefix and the first unit, expected ${layout.segments.length} (${layout.segments.join(', ')})`,
    );
  }
  const parts: Record<string, string | number | null> = { prefix };
  for (const [index, name] of layout.segments.entries()) {
    const value = segments[index] ?? '';
    const rule = SEGMENT_RULES[name];
    if (rule && !rule.pattern.test(value)) return bad(`${name} segment "${value}" is not ${rule.what}`);
    if (!rule && value === '') return bad(`${name} segment is empty`);
    parts[name] = rule?.numeric ? Number(value) : value;
  }
  return { namespace: head, firstUnit, lastUnit, parts };
}

/** Units in a parsed block (`lastUnit − firstUnit + 1`). */
export function blockQuantity(block: SerialBlock): number {
  return block.lastUnit - block.firstUnit + 1;
}
