/**
 * Loads a reference package (ICVCM decisions + the hub's alias map) into the database as one
 * version: `ccp_reference_versions`, `ccp_programs`, `ccp_decisions`. Versions are kept side
 * by side; the active one is the last activated. Loading the same content twice is a no-op.
 */
import { desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { ccpDecisions, ccpPrograms, ccpReferenceVersions } from '../../db/schema.ts';
import type { Logger } from '../../logger.ts';
import { asList, effectiveDate, readReferencePackage, slug, type ReferencePackage } from './reference-file.ts';

type ProgramInsert = typeof ccpPrograms.$inferInsert;
type DecisionInsert = typeof ccpDecisions.$inferInsert;

/** A program's eligibility is limited to rule versions when its scope says "Applies to …" (GCC, Rainbow, Puro in ccp.md §1). */
const LIMITING_SCOPE = /^\s*applies to\b/i;

/** The rows a package becomes, without touching the database (pure, for tests). */
export function referenceRows(pkg: ReferencePackage): { programs: ProgramInsert[]; decisions: DecisionInsert[] } {
  const { decisions: file, version } = pkg;
  const tableDate = typeof file.coverage.icvcmTableLastUpdated === 'string' ? file.coverage.icvcmTableLastUpdated : null;

  const programs: ProgramInsert[] = file.programs.map((program, position) => ({
    referenceVersion: version,
    programId: program.id,
    name: program.name,
    status: program.status,
    decisionDate: program.decisionDate ?? null,
    datePrecision: program.datePrecision ?? null,
    effectiveFrom: program.status === 'ccp-eligible' ? effectiveDate(program.decisionDate) : null,
    scope: program.scope ?? null,
    scopeLimited: program.scope != null && LIMITING_SCOPE.test(program.scope),
    sources: asList(program.source),
    notes: program.notes ?? null,
    position,
  }));

  const groups = file.decisions;
  const usedIds = new Set<string>();
  const decisions: DecisionInsert[] = file.methodologyStatus.map((row, position) => {
    const base = `${row.program}:${slug(row.methodologyId ?? row.methodology)}:${row.versions || 'any'}`;
    let id = base;
    for (let n = 2; usedIds.has(id); n++) id = `${base}~${n}`;
    usedIds.add(id);

    // The announcement the row's decision belongs to: same batch, and the row among its methodologies.
    const group = groups.find((candidate) =>
      (candidate.batch ?? null) === (row.batch ?? null) &&
      (candidate.methodologies ?? []).some(
        (m) => m.program === row.program && m.versions === row.versions && (m.name === row.methodology || (m.id != null && m.id === row.methodologyId)),
      ),
    );
    const batch = row.batch ? file.batches[row.batch] : undefined;
    const sources = [...new Set([...(group?.sources ?? []), ...(batch?.sources ?? [])])];
    // Undated statuses (the table's 'UNDATED' rows) are known to hold from the table's date.
    const effectiveFrom = row.outcome === 'pending' ? null : (effectiveDate(row.decisionDate) ?? tableDate);
    return {
      referenceVersion: version,
      id,
      programId: row.program,
      category: row.category ?? null,
      methodology: row.methodology,
      methodologyId: row.methodologyId ?? null,
      versions: row.versions,
      versionFrom: row.versionRange?.from ?? null,
      versionTo: row.versionRange?.to ?? null,
      icvcmStatus: row.icvcmStatus ?? null,
      outcome: row.outcome,
      conditional: row.conditional ?? null,
      conditionalBasis: row.conditionalBasis ?? null,
      conditions: row.conditions ?? [],
      batch: row.batch ?? null,
      decisionDate: row.decisionDate ?? null,
      datePrecision: row.datePrecision ?? null,
      effectiveFrom,
      decisionDocument: row.decisionDocument ?? null,
      boardObservations: row.boardObservations ?? null,
      boardMeetingRef: row.boardMeetingRef ?? null,
      groupId: group?.id ?? null,
      sources,
      registryStrings: row.registryStrings ?? [],
      notes: row.notes ?? null,
      position,
    };
  });
  return { programs, decisions };
}

export interface LoadedReference {
  version: string;
  /** The version was not in the database before. */
  inserted: boolean;
  /** The active version changed. */
  activated: boolean;
}

/**
 * Writes `pkg` as a version (unless it is already there) and, with `activate`, makes it the
 * active one. Runs in one transaction.
 */
export async function loadReference(db: Executor, pkg: ReferencePackage, options: { origin: string; activate: boolean }): Promise<LoadedReference> {
  const run = async (tx: Executor): Promise<LoadedReference> => {
    const before = await activeReferenceVersion(tx);
    const [created] = await tx
      .insert(ccpReferenceVersions)
      .values({
        version: pkg.version,
        asOf: pkg.decisions.asOf,
        contentHash: pkg.contentHash,
        origin: options.origin,
        icvcmTableDate: typeof pkg.decisions.coverage.icvcmTableLastUpdated === 'string' ? pkg.decisions.coverage.icvcmTableLastUpdated : null,
        coverage: pkg.decisions.coverage,
        sources: pkg.decisions.sources,
        labelRules: pkg.decisions.labelRules,
        registryFields: pkg.decisions.registryFields,
        attributes: pkg.decisions.attributes,
        aliases: pkg.aliases as unknown as Record<string, unknown>,
      })
      .onConflictDoNothing({ target: ccpReferenceVersions.version })
      .returning({ version: ccpReferenceVersions.version });
    if (created) {
      const { programs, decisions } = referenceRows(pkg);
      await tx.insert(ccpPrograms).values(programs);
      for (let start = 0; start < decisions.length; start += 200) await tx.insert(ccpDecisions).values(decisions.slice(start, start + 200));
    }
    if (options.activate && before !== pkg.version) {
      await tx.update(ccpReferenceVersions).set({ activatedAt: sql`clock_timestamp()` }).where(eq(ccpReferenceVersions.version, pkg.version));
    }
    return { version: pkg.version, inserted: created !== undefined, activated: options.activate && before !== pkg.version };
  };
  return db.transaction((tx) => run(tx));
}

/** The active reference version, or null before any was loaded. */
export async function activeReferenceVersion(db: Executor): Promise<string | null> {
  const [row] = await db
    .select({ version: ccpReferenceVersions.version })
    .from(ccpReferenceVersions)
    .where(isNotNull(ccpReferenceVersions.activatedAt))
    .orderBy(desc(ccpReferenceVersions.activatedAt))
    .limit(1);
  return row?.version ?? null;
}

/**
 * Makes sure the reference data shipped with this build is in the database. It becomes the
 * active version when none is active, or when the active one is not newer (by `asOf`): a newer
 * file an operator loaded with `hub label --reference` is not replaced by an older shipped one.
 * Returns whether the active version changed (labels must then be recomputed).
 */
export async function ensureShippedReference(db: Executor, logger: Logger): Promise<LoadedReference> {
  const pkg = await readReferencePackage();
  const [known] = await db.select({ version: ccpReferenceVersions.version }).from(ccpReferenceVersions).where(eq(ccpReferenceVersions.version, pkg.version));
  if (known) return { version: (await activeReferenceVersion(db)) ?? pkg.version, inserted: false, activated: false };
  const active = await activeReferenceVersion(db);
  let activate = true;
  if (active !== null) {
    const [row] = await db.select({ asOf: ccpReferenceVersions.asOf }).from(ccpReferenceVersions).where(eq(ccpReferenceVersions.version, active));
    if (row && row.asOf > pkg.decisions.asOf) {
      activate = false;
      logger.warn({ shipped: pkg.version, active }, 'the active CCP reference data is newer than the shipped file: keeping it');
    }
  }
  const loaded = await loadReference(db, pkg, { origin: 'shipped', activate });
  if (loaded.activated) logger.info({ version: loaded.version, previous: active }, 'CCP reference data loaded');
  return loaded;
}
