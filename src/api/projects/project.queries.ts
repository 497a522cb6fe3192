/**
 * Project reads, framework-free (take `Executor`, return rows), shared by the GraphQL
 * resolvers, the CLI and tests.
 */
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { projects } from '../../db/schema.ts';
import type { Ordering, Page, PageRequest } from '../common/keyset.ts';
import { countRows, findPage, type TableRows } from '../common/page.ts';
import { countByParent, findPagesByParent, type ChildRows } from '../common/pages-by-parent.ts';
import { pickColumns, type ColumnMap } from '../common/selection.ts';
import { containsPattern, inList } from '../common/sql-filters.ts';

/** The columns a project is read with wherever the API reads whole projects. */
export const projectColumns = {
  id: projects.id,
  programId: projects.programId,
  registryProjectId: projects.registryProjectId,
  completeness: projects.completeness,
  name: projects.name,
  proponent: projects.proponent,
  countryCode: projects.countryCode,
  countryName: projects.countryName,
  subdivision: projects.subdivision,
  region: projects.region,
  latitude: projects.latitude,
  longitude: projects.longitude,
  projectTypes: projects.projectTypes,
  category: projects.category,
  methodologies: projects.methodologies,
  status: projects.status,
  registrationDate: projects.registrationDate,
  creditingPeriodStart: projects.creditingPeriodStart,
  creditingPeriodEnd: projects.creditingPeriodEnd,
  sdgs: projects.sdgs,
  additionalCertifications: projects.additionalCertifications,
  estimatedAnnualCredits: projects.estimatedAnnualCredits,
  parentRegistryProjectId: projects.parentRegistryProjectId,
  crossReferences: projects.crossReferences,
  firstSeenAt: projects.firstSeenAt,
  lastSeenAt: projects.lastSeenAt,
  vanishedAt: projects.vanishedAt,
};

export type ProjectRow = Pick<typeof projects.$inferSelect, keyof typeof projectColumns>;
export type ProjectColumnName = keyof typeof projectColumns;
/** A project as a read of only the columns a response needs (`projectColumnMap`) returns it: at least its id and program. */
export type ProjectRead = Pick<ProjectRow, 'id' | 'programId'> & Partial<ProjectRow>;

/** How `Project`'s fields map to `projectColumns` (each field is the column of its name), for reads of only what a response selects. */
export const projectColumnMap: ColumnMap<ProjectColumnName> = {
  all: Object.keys(projectColumns) as ProjectColumnName[],
  always: ['id', 'programId'],
  relations: ['program', 'totals', 'credits', 'flags', 'ccpLabel'],
};

/** Each field narrows the result; null/undefined means "any". An empty list matches nothing. */
export interface ProjectFilter {
  /** Program codes (`verra`); unknown codes match nothing. */
  programIds?: readonly string[] | null;
  /** ISO 3166-1 alpha-2 codes. */
  countryCodes?: readonly string[] | null;
  /** Status as the registry writes it (exact match). */
  statuses?: readonly string[] | null;
  /** Free text matched against name and proponent (trigram word similarity or substring). */
  search?: string | null;
  /** Also projects a complete sync found gone from their registry's list (left out by default). */
  includeVanished?: boolean | null;
}

export type ProjectOrderName = 'ID_ASC' | 'NAME_ASC' | 'RELEVANCE';

const idKey = { expression: sql`${projects.id}`, type: 'bigint' } as const;

/** The search text a filter actually searches for (trimmed), or null. */
export function searchTerm(filter: ProjectFilter): string | null {
  const term = filter.search?.trim();
  return term ? term : null;
}

/**
 * How well a project matches `term`: the best pg_trgm word similarity (0–1) of the term
 * within the name or the proponent.
 */
function relevanceSql(term: string): SQL {
  return sql`coalesce(greatest(word_similarity(${term}, ${projects.name}), word_similarity(${term}, ${projects.proponent})), 0)`;
}

/**
 * The ordering for `name`. RELEVANCE needs a search term (best match first, then id);
 * without one it falls back to ID_ASC.
 */
export function projectOrdering(name: ProjectOrderName, filter: ProjectFilter): Ordering {
  const term = searchTerm(filter);
  switch (name) {
    case 'RELEVANCE':
      if (term === null) break;
      // Negated so that every key sorts ascending (keyset pagination needs one direction).
      return { name, direction: 'asc', keys: [{ expression: sql`(-${relevanceSql(term)})::float8`, type: 'float8' }, idKey] };
    case 'NAME_ASC':
      return {
        name,
        direction: 'asc',
        keys: [
          { expression: sql`(${projects.name} is null)`, type: 'boolean' }, // unnamed projects last
          { expression: sql`coalesce(${projects.name}, '')`, type: 'text' },
          idKey,
        ],
      };
    case 'ID_ASC':
      break;
  }
  return { name: 'ID_ASC', direction: 'asc', keys: [idKey] };
}

function filterSql(filter: ProjectFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (!filter.includeVanished) conditions.push(isNull(projects.vanishedAt));
  if (filter.programIds) conditions.push(inList(projects.programId, filter.programIds));
  if (filter.countryCodes) conditions.push(inList(projects.countryCode, filter.countryCodes));
  if (filter.statuses) conditions.push(inList(projects.status, filter.statuses));
  const term = searchTerm(filter);
  if (term !== null) {
    const pattern = containsPattern(term);
    // `<%` is pg_trgm's word-similarity operator (threshold pg_trgm.word_similarity_threshold,
    // 0.6 by default): it forgives typos; ILIKE catches short or partial words. Both can use
    // the trigram GIN indexes on name and proponent.
    conditions.push(
      sql`(${term} <% ${projects.name} or ${term} <% ${projects.proponent} or ${projects.name} ilike ${pattern} or ${projects.proponent} ilike ${pattern})`,
    );
  }
  return and(...conditions);
}

/** The projects `filter` selects, for `findPage` and `countRows`. */
const projectRows = (filter: ProjectFilter): TableRows => ({ table: projects, where: filterSql(filter) });

/** One page of projects matching `filter`, in `ordering`. */
export function findProjects(
  db: Executor,
  filter: ProjectFilter,
  ordering: Ordering,
  request: PageRequest,
  columns: readonly ProjectColumnName[] | null = null,
): Promise<Page<ProjectRead>> {
  return findPage(db, projectRows(filter), pickColumns(projectColumns, columns), ordering, request);
}

export function countProjects(db: Executor, filter: ProjectFilter): Promise<number> {
  return countRows(db, projectRows(filter));
}

/** The projects of program `programId` matching `filter`, for `findPagesByParent` and `countByParent`. */
function projectsOfProgram(filter: ProjectFilter): ChildRows {
  return { table: projects, ofParent: (programId) => eq(projects.programId, programId), where: filterSql(filter) };
}

/** The same page of projects for each of several programs, in ONE statement (a LATERAL page per program). */
export function findProjectsByProgram(
  db: Executor,
  programIds: readonly string[],
  filter: ProjectFilter,
  ordering: Ordering,
  request: PageRequest,
  columns: readonly ProjectColumnName[] | null = null,
): Promise<Map<string, Page<ProjectRead>>> {
  return findPagesByParent(db, programIds, projectsOfProgram(filter), pickColumns(projectColumns, columns), ordering, request);
}

/** Projects matching `filter` per program, in one statement. */
export function countProjectsByProgram(db: Executor, programIds: readonly string[], filter: ProjectFilter): Promise<Map<string, number>> {
  return countByParent(db, programIds, projectsOfProgram(filter));
}

export async function findProjectsByIds(db: Executor, ids: readonly number[]): Promise<ProjectRow[]> {
  if (ids.length === 0) return [];
  return db.select(projectColumns).from(projects).where(inList(projects.id, ids));
}
