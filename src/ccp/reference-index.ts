/**
 * One reference version in memory, indexed for matching registry methodologies: the ICVCM
 * rows by program and code or name, the programs, and the hub's alias map. Read from the
 * database, so labelling always uses the version that was loaded and activated there.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { ccpDecisions, ccpPrograms, ccpReferenceVersions } from '../db/schema.ts';
import { aliasesFileSchema, type AliasesFile } from '../reference/ccp/reference-file.ts';
import type { DecisionOutcome } from './statuses.ts';
import { versionRange, type VersionRange } from './versions.ts';

export type ReferenceProgram = typeof ccpPrograms.$inferSelect;
export type ReferenceDecision = typeof ccpDecisions.$inferSelect & { outcome: DecisionOutcome; range: VersionRange };

export interface AliasTarget {
  /** nameKey of the ICVCM methodology name. */
  key: string;
  methodology: string;
  countries: readonly string[] | null;
}

export interface Alias {
  registry: string;
  targets: readonly AliasTarget[];
  evidence: string;
}

export interface ReferenceIndex {
  version: string;
  asOf: string;
  icvcmTableDate: string | null;
  programs: ReadonlyMap<string, ReferenceProgram>;
  decisions: readonly ReferenceDecision[];
  decisionsById: ReadonlyMap<string, ReferenceDecision>;
  /** Reference program id of a hub program id (`puro` → `puro-earth`). */
  referenceProgramId(hubProgramId: string): string;
  /** Rows of `program` whose methodologyId normalizes to `code`. */
  byCode(program: string, code: string): readonly ReferenceDecision[];
  /** Rows of `program` whose methodology name has this nameKey. */
  byName(program: string, key: string): readonly ReferenceDecision[];
  /** Programs that have rows for this code or nameKey (for "decided only for other programs" reasons). */
  programsWith(codeOrKey: string): readonly string[];
  alias(hubProgramId: string, registryKey: string): Alias | undefined;
}

/** Program prefixes the ICVCM table (and some registries) put before a methodology name. */
const NAME_PREFIX = /^(?:acr|car|gs|ism|vcs)\s+/;

/**
 * Comparison form of a methodology name: case, punctuation, spacing and a leading program
 * prefix do not count (`ACR Certified Reclaimed HFC Refrigerants, Propellants and …` equals
 * ACR's own `Certified Reclaimed HFC Refrigerants, Propellants, and …`).
 */
export function nameKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(NAME_PREFIX, '')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '');
}

const CDM_CODE = /^(?:AR-)?(?:AMS-[IVX]+\.[A-Z]+(?:\.[A-Z]+)*\.?|ACM\d{4}|AM\d{4})$/;
const PROGRAM_CODE = /^(?:VMR|VMD|VM|VT)\d{4}$|^GCCMA\d{3}$/;

/**
 * A methodology code as the ICVCM table writes it, from any registry spelling, or null when the
 * text is not a code: `ams-iii.z` and `AMS-III.Z` → `AMS-III.Z.` (the table ends small-scale
 * codes with a dot), ` vm0042 ` → `VM0042`, `ACM0002` stays.
 */
export function methodologyCode(text: string): string | null {
  const value = text.normalize('NFKC').trim().toUpperCase().replace(/\s+/g, '');
  if (PROGRAM_CODE.test(value)) return value;
  if (!CDM_CODE.test(value)) return null;
  return /AMS-/.test(value) && !value.endsWith('.') ? `${value}.` : value;
}

export async function loadReferenceIndex(db: Executor, version: string): Promise<ReferenceIndex> {
  const [meta] = await db.select().from(ccpReferenceVersions).where(eq(ccpReferenceVersions.version, version));
  if (!meta) throw new Error(`CCP reference version ${version} is not in the database`);
  const programRows = await db.select().from(ccpPrograms).where(eq(ccpPrograms.referenceVersion, version)).orderBy(asc(ccpPrograms.position));
  const decisionRows = await db
    .select()
    .from(ccpDecisions)
    .where(and(eq(ccpDecisions.referenceVersion, version)))
    .orderBy(asc(ccpDecisions.position));
  const aliases = aliasesFileSchema.parse(meta.aliases);
  return buildReferenceIndex({ version, asOf: meta.asOf, icvcmTableDate: meta.icvcmTableDate, programs: programRows, decisions: decisionRows, aliases });
}

export function buildReferenceIndex(input: {
  version: string;
  asOf: string;
  icvcmTableDate: string | null;
  programs: readonly ReferenceProgram[];
  decisions: readonly (typeof ccpDecisions.$inferSelect)[];
  aliases: AliasesFile;
}): ReferenceIndex {
  const decisions: ReferenceDecision[] = input.decisions.map((row) => ({
    ...row,
    outcome: row.outcome as DecisionOutcome,
    range: versionRange(row.versionFrom, row.versionTo, row.versions),
  }));
  const byCode = new Map<string, ReferenceDecision[]>();
  const byName = new Map<string, ReferenceDecision[]>();
  const programsWith = new Map<string, Set<string>>();
  const add = (map: Map<string, ReferenceDecision[]>, key: string, row: ReferenceDecision) => {
    const list = map.get(key);
    if (list) list.push(row);
    else map.set(key, [row]);
  };
  for (const row of decisions) {
    const code = row.methodologyId ? methodologyCode(row.methodologyId) : null;
    if (code) add(byCode, `${row.programId}\u0000${code}`, row);
    const key = nameKey(row.methodology);
    add(byName, `${row.programId}\u0000${key}`, row);
    for (const lookup of [code, key]) {
      if (!lookup) continue;
      const set = programsWith.get(lookup) ?? new Set<string>();
      set.add(row.programId);
      programsWith.set(lookup, set);
    }
  }
  const aliasMap = new Map<string, Alias>();
  for (const entry of input.aliases.methodologies) {
    const targets = entry.icvcm.map((target) =>
      typeof target === 'string'
        ? { key: nameKey(target), methodology: target, countries: null }
        : { key: nameKey(target.methodology), methodology: target.methodology, countries: target.countries ?? null },
    );
    aliasMap.set(`${entry.program}\u0000${nameKey(entry.registry)}`, { registry: entry.registry, targets, evidence: entry.evidence });
  }
  const programMap = new Map(input.programs.map((program) => [program.programId, program]));
  return {
    version: input.version,
    asOf: input.asOf,
    icvcmTableDate: input.icvcmTableDate,
    programs: programMap,
    decisions,
    decisionsById: new Map(decisions.map((row) => [row.id, row])),
    referenceProgramId: (hub) => input.aliases.programs[hub] ?? hub,
    byCode: (program, code) => byCode.get(`${program}\u0000${code}`) ?? [],
    byName: (program, key) => byName.get(`${program}\u0000${key}`) ?? [],
    programsWith: (lookup) => [...(programsWith.get(lookup) ?? [])],
    alias: (hub, key) => aliasMap.get(`${hub}\u0000${key}`),
  };
}
