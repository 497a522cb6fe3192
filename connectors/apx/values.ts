/**
 * Small pure helpers the APX CSV and GreenTrace normalizers share: methodology versions,
 * cross-references by id prefix, cancellation uses, and timestamps for keys (rejections are
 * connectors/common/normalize-kit.ts's).
 */
import type { CrossReference, MethodologyRef } from '../contract.ts';
import { isoDate } from '../common/values.ts';

/** Placeholders registries write for "no value" in id columns (CAR `Compliance Program ID`: `N/A`, §4.3). */
export function isPlaceholder(value: string): boolean {
  return /^(?:n\/?a|none|null|-+)$/i.test(value.trim());
}

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December';
const VERSION_WORD = /^(?:version|ver\.?|v)\s*(\d+(?:\.\d+)*)$/i;
const DATED_VERSION = new RegExp(`^(?:${MONTHS})\\s+\\d{1,2},\\s*\\d{4}$`, 'i');
const PROTOCOL_TAIL = new RegExp(`^(.*?)(?:\\s*,\\s*|\\s+-\\s+)((?:version|ver\\.?|v)\\s*\\d+(?:\\.\\d+)*|(?:${MONTHS})\\s+\\d{1,2},\\s*\\d{4})$`, 'i');

/**
 * A methodology version as published: `Version 2.0` → `2.0`; ARB protocol versions are dates
 * (`April 25, 2014`) and are kept verbatim; blank → null.
 */
export function methodologyVersion(text: string | null): string | null {
  if (text === null) return null;
  const value = text.trim().replace(/\s+/g, ' ');
  if (value === '') return null;
  const numbered = VERSION_WORD.exec(value);
  return numbered ? numbered[1]! : value;
}

/**
 * CAR's `Protocol and Version`, one column for both (registries.md §4.3):
 * `Forestry - MX - Version 3.0` → `{ id: 'Forestry - MX', version: '3.0' }`;
 * `… Mine Methane Capture, April 25, 2014` → version `April 25, 2014`. Without a recognisable
 * version at the end the whole text is the id.
 */
export function splitProtocolAndVersion(text: string): MethodologyRef {
  const value = text.trim().replace(/\s+/g, ' ');
  const match = PROTOCOL_TAIL.exec(value);
  if (!match || match[1]!.trim() === '') return { id: value, version: null };
  const version = match[2]!;
  return { id: match[1]!.trim(), version: DATED_VERSION.test(version) ? version : methodologyVersion(version) };
}

/**
 * Program of a compliance project id (registries.md §10.5, §11): CARB ids are `CA` + a two-letter
 * project type + digits (`CAOD5052`, `CAFR6957`, `CALS5071`, `CAMM1009`); Washington Ecology ids
 * start with `ECY` (`ECYOD1185`). Anything else → null.
 */
export function complianceProgram(id: string): 'arb' | 'ecology-wa' | null {
  const value = id.trim().toUpperCase();
  if (/^ECY[A-Z]*\d+$/.test(value)) return 'ecology-wa';
  if (/^CA[A-Z]{2}\d+(?:-[A-Z0-9]+)?$/.test(value)) return 'arb';
  return null;
}

/** Cross-references without repeats of the same program and id (first relation kept). */
export function uniqueReferences(references: readonly CrossReference[]): CrossReference[] {
  const seen = new Set<string>();
  return references.filter((reference) => {
    const key = `${reference.programId}\u0000${reference.registryProjectId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * ART programs whose `Crediting Program and Standard` is the FCPF Carbon Fund framework hold
 * units first issued in the World Bank's CATS registry and re-issued on ART (serial prefix
 * `FCPF`, registries.md §4.4). CATS ids are not published on ART, so the reference names the
 * country's FCPF emission-reductions programme as `FCPF-<ISO alpha-2>`.
 */
export function catsReference(creditingProgram: string | null, country: string | null): CrossReference | null {
  if (creditingProgram === null || !/^\s*FCPF\b/i.test(creditingProgram)) return null;
  return { programId: 'cats', registryProjectId: `FCPF-${country ?? 'unknown'}`, relation: 'fcpf-carbon-fund' };
}

/** What a cancellation or retirement reason says the units were used for. */
export interface StatedUse {
  /** The published reason when it names a compliance use (ARB, Ecology, CORSIA, a tax), else null. */
  useCase: string | null;
  /** Program the units were converted into, when the reason says so. */
  convertedTo: 'arb' | 'ecology-wa' | null;
}

/**
 * Reads a cancellation type (`Convert to ARB offset credits`, CAR `ARB`, `WA ECO`, `Canceled for
 * ARB`, ART `CORSIA Compliance`) or a retirement reason (`Compliance – Queretaro`) for the use it
 * states (registries.md §4.2–4.4). The text is kept verbatim as `useCase`; conversions also name
 * the receiving program, so the matcher can pair them with that program's issuances.
 */
export function statedUse(reason: string | null): StatedUse {
  if (reason === null) return { useCase: null, convertedTo: null };
  const text = reason.trim();
  if (/\bARB\b|\bCARB\b|air resources board/i.test(text)) return { useCase: text, convertedTo: 'arb' };
  if (/\bWA ECO\b|\becology\b/i.test(text)) return { useCase: text, convertedTo: 'ecology-wa' };
  if (/\bCORSIA\b|compliance|\btax\b/i.test(text)) return { useCase: text, convertedTo: null };
  return { useCase: null, convertedTo: null };
}

const SLASHED_TIMESTAMP = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)?)?$/i;

/**
 * An APX `M/D/YYYY h:mm:ss AM` (or `MM/DD/YYYY`) cell as `YYYY-MM-DDTHH:MM:SS` (or
 * `YYYY-MM-DD`), for natural keys; text in any other form is returned trimmed, unchanged.
 */
export function keyTimestamp(text: string): string {
  const value = text.trim().replace(/\s+/g, ' ');
  const match = SLASHED_TIMESTAMP.exec(value);
  if (!match) return value;
  const [, month, day, year, hh, mm, ss, meridiem] = match;
  const date = isoDate(Number(year), Number(month), Number(day));
  if (date === null) return value;
  if (hh === undefined) return date;
  let hour = Number(hh);
  if (meridiem) hour = (hour % 12) + (meridiem.toUpperCase() === 'PM' ? 12 : 0);
  return `${date}T${String(hour).padStart(2, '0')}:${mm}:${ss ?? '00'}`;
}

/** A quantity or year cell for keys: `2025.0` → `2025`, `1,000` → `1000`; other text trimmed. */
export function keyNumber(text: string): string {
  const value = text.trim().replaceAll(',', '');
  return /^\d+(?:\.0+)?$/.test(value) ? String(Number(value)) : text.trim();
}

/**
 * `ACR0934` → `ACR934`: GreenTrace pads project numbers to four digits while the APX exports,
 * the serials and ARB write `ACR934` (registries.md §4.2, §11). Ids without that shape are
 * returned trimmed.
 */
export function unpadProjectId(id: string): string {
  const match = /^([A-Za-z]+)0*(\d+)$/.exec(id.trim());
  return match ? `${match[1]!.toUpperCase()}${match[2]}` : id.trim();
}
