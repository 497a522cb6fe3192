/**
 * What a project does, in the terms the detectors compare: its methodologies as protocol keys
 * of the OffsetsDB protocol map (so `AMS-I.D.`, `AMS-I.D` and `CDM - AMS-I.D.: …` agree), its
 * category (the hub's, or inferred from the project type when the category map has none), and
 * the activity classes of src/reference/schemes/sectors.json it belongs to.
 */
import { readFileSync } from 'node:fs';
import { protocolKey } from '../../reference/categories.ts';
import { sectors, type SectorDefinition } from '../../reference/schemes/index.ts';

interface ProtocolEntry {
  category?: string | null;
  'sub-category'?: string | string[] | null;
  'known-strings'?: string[];
}

const protocols = JSON.parse(
  readFileSync(new URL('../../reference/data/offsetsdb-all-protocol-mapping.json', import.meta.url), 'utf8'),
) as Record<string, ProtocolEntry>;

const textKey = (value: string) => value.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

const protocolByKnownString = new Map<string, string>();
for (const [key, entry] of Object.entries(protocols)) {
  for (const known of entry['known-strings'] ?? []) {
    const text = textKey(known);
    if (!protocolByKnownString.has(text)) protocolByKnownString.set(text, key);
  }
}

/** The protocol-map key of a methodology id as a registry writes it, or null when the map does not know it. */
export function protocolOf(methodologyId: string): string | null {
  const key = protocolKey(methodologyId);
  if (protocols[key]) return key;
  return protocolByKnownString.get(textKey(methodologyId)) ?? null;
}

function subCategories(key: string): string[] {
  const value = protocols[key]?.['sub-category'];
  if (!value) return [];
  if (Array.isArray(value)) return value;
  // The map stores one entry's list as Python text: "['methane-destruction', 'manure-management']".
  const listed = value.match(/'([^']+)'/g);
  return listed ? listed.map((s) => s.slice(1, -1)) : [value];
}

export interface ProjectActivityInput {
  name?: string | null;
  category: string | null;
  methodologies: readonly { id: string; version: string | null }[];
  projectTypes: readonly string[];
}

export interface ProjectActivity {
  /** The hub's category, or the one inferred from the project type (`categorySource` says which). */
  category: string | null;
  categorySource: 'category-map' | 'project-type' | null;
  protocols: string[];
  subCategories: string[];
  /** Activity classes of sectors.json, each with what placed the project in it. */
  sectors: { sector: string; reason: string }[];
}

function inferCategory(projectTypes: readonly string[]): string | null {
  const types = projectTypes.map((t) => t.toLowerCase());
  for (const rule of sectors.categoryFallback.rules) {
    if (types.some((type) => rule.keywords.some((keyword) => type.includes(keyword)))) return rule.category;
  }
  return null;
}

function sectorReason(definition: SectorDefinition, activity: Omit<ProjectActivity, 'sectors'>, projectTypes: readonly string[], name: string): string | null {
  if (definition.excludeNameKeywords.some((keyword) => name.includes(keyword))) return null;
  const listed = activity.protocols.find((p) => definition.methodologies.includes(p));
  if (listed) return `methodology ${listed}`;
  if (activity.protocols.some((p) => definition.excludeMethodologies.includes(p))) return null;
  // A project whose methodologies are known but not listed does not belong by type alone,
  // except for classes defined by category without methodologies (forestry).
  if (activity.protocols.length > 0 && definition.methodologies.length > 0 && definition.categories.length === 0) return null;
  const types = projectTypes.map((t) => t.toLowerCase());
  const typeMatch = definition.projectTypes.find((keyword) => types.some((type) => type.includes(keyword)));
  if (definition.categories.length > 0) {
    if (!activity.category || !definition.categories.includes(activity.category)) return null;
    if (definition.projectTypes.length === 0) return `category ${activity.category}`;
    return typeMatch ? `category ${activity.category} and project type "${typeMatch}"` : null;
  }
  if (activity.protocols.length === 0 && typeMatch) return `project type "${typeMatch}"`;
  return null;
}

export function projectActivity(project: ProjectActivityInput): ProjectActivity {
  const found = project.methodologies.map((m) => protocolOf(m.id)).filter((key): key is string => key !== null);
  const keys = [...new Set(found)].sort();
  const inferred = project.category ? null : inferCategory(project.projectTypes);
  const base = {
    category: project.category ?? inferred,
    categorySource: project.category ? ('category-map' as const) : inferred ? ('project-type' as const) : null,
    protocols: keys,
    subCategories: [...new Set(keys.flatMap(subCategories))].sort(),
  };
  const inSectors: ProjectActivity['sectors'] = [];
  for (const [sector, definition] of Object.entries(sectors.sectors)) {
    const reason = sectorReason(definition, base, project.projectTypes, (project.name ?? '').toLowerCase());
    if (reason) inSectors.push({ sector, reason });
  }
  return { ...base, sectors: inSectors };
}
