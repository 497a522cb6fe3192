/**
 * One category vocabulary across programs (forest, renewable-energy, ghg-management…), from
 * CarbonPlan OffsetsDB's maps (src/reference/data/README.md). A project's category comes from
 * its first methodology the protocol map knows, by id or by one of the strings registries write
 * for it; failing that, from its project type.
 */
import { readFileSync } from 'node:fs';
import type { MethodologyRef } from '../../connectors/contract.ts';

interface ProtocolEntry {
  category?: string | null;
  'known-strings'?: string[];
}

const dataDir = new URL('./data/', import.meta.url);
const protocols = JSON.parse(readFileSync(new URL('offsetsdb-all-protocol-mapping.json', dataDir), 'utf8')) as Record<string, ProtocolEntry>;
const types = JSON.parse(readFileSync(new URL('offsetsdb-type-category-mapping.json', dataDir), 'utf8')) as Record<string, { category: string }>;
/** The hub's own additions for types OffsetsDB's map does not know (see the file's note). */
const hubTypes = JSON.parse(readFileSync(new URL('hub-type-categories.json', dataDir), 'utf8')) as Record<string, string>;
const typeCategory = (type: string): string | undefined => types[textKey(type)]?.category ?? hubTypes[textKey(type)];

const textKey = (value: string) => value.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/** `AMS-III.H.` → `ams-iii-h`, `VM0042` → `vm0042`: the protocol map's key form. */
export function protocolKey(methodologyId: string): string {
  return methodologyId.trim().toLowerCase().replace(/[\s._]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
}

const categoryByKnownString = new Map<string, string>();
for (const entry of Object.values(protocols)) {
  if (!entry.category || entry.category === 'unknown') continue;
  for (const known of entry['known-strings'] ?? []) {
    const key = textKey(known);
    // A string naming several protocols ("ACM0001; ACM0002") is ambiguous: keep the first mapping only.
    if (!categoryByKnownString.has(key)) categoryByKnownString.set(key, entry.category);
  }
}

function protocolCategory(methodology: MethodologyRef): string | null {
  const byId = protocols[protocolKey(methodology.id)]?.category;
  if (byId && byId !== 'unknown') return byId;
  return categoryByKnownString.get(textKey(methodology.id)) ?? null;
}

export function categorize(project: { methodologies: readonly MethodologyRef[]; projectTypes: readonly string[] }): string | null {
  for (const methodology of project.methodologies) {
    const category = protocolCategory(methodology);
    if (category) return category;
  }
  for (const type of project.projectTypes) {
    // APX registries qualify the type: `Mine Methane Capture - ARB Compliance`, `Forestry - MX`.
    const category = typeCategory(type) ?? typeCategory(type.split(' - ')[0]!);
    if (category) return category;
  }
  return null;
}
