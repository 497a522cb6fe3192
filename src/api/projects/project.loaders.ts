import DataLoader from 'dataloader';
import type { Executor } from '../../db/client.ts';
import type { Ordering, Page, PageRequest } from '../common/keyset.ts';
import { batchByArguments } from '../common/loader-utils.ts';
import {
  countProjectsByProgram,
  findProjectsByIds,
  findProjectsByProgram,
  type ProjectColumnName,
  type ProjectFilter,
  type ProjectRead,
  type ProjectRow,
} from './project.queries.ts';

/** A program's `projects` connection: the parent plus the connection's arguments. */
export interface ProgramProjectsKey {
  programId: string;
  filter: ProjectFilter;
  ordering: Ordering;
  request: PageRequest;
  /** The columns the response needs (null: whole rows). */
  columns: readonly ProjectColumnName[] | null;
}

const pageArguments = (key: ProgramProjectsKey) => JSON.stringify([key.filter, key.ordering.name, key.request, key.columns]);
const countArguments = (key: { filter: ProjectFilter }) => JSON.stringify(key.filter);

/** Per-request loaders (one set per GraphQL request, so nothing is cached across requests). */
export function createProjectLoaders(db: Executor) {
  /**
   * Reads under way elsewhere in this request that return whole projects (a page of flags
   * with its projects). `byId` waits for them before it reads, so a project one of them
   * brings is never read twice, whichever statement the server answers first.
   */
  const readsUnderWay = new Set<Promise<unknown>>();
  const arrived = new Map<number, ProjectRow>();

  const byId = new DataLoader<number, ProjectRow | null>(async (ids) => {
    if (readsUnderWay.size > 0) await Promise.all(readsUnderWay);
    const missing = ids.filter((id) => !arrived.has(id));
    const rows = missing.length > 0 ? await findProjectsByIds(db, missing) : [];
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => arrived.get(id) ?? found.get(id) ?? null);
  });

  /** Takes the projects another read brings (see `readsUnderWay`) into `byId`; resolves as `reading` does. */
  const expect = <T>(reading: Promise<T>, projectsOf: (result: T) => Iterable<ProjectRow>): Promise<T> => {
    const delivered = reading.then((result) => {
      for (const row of projectsOf(result)) {
        arrived.set(row.id, row);
        byId.prime(row.id, row);
      }
      return result;
    });
    const settled: Promise<void> = delivered.then(
      () => void readsUnderWay.delete(settled),
      () => void readsUnderWay.delete(settled),
    );
    readsUnderWay.add(settled);
    return delivered;
  };

  /** Projects pages read with fewer columns than a whole row (see `withColumns`). */
  const partial = new Map<number, ProjectRead>();

  /**
   * Remembers the rows of a page, so their relations need no second read: whole rows prime
   * `byId`; rows of fewer columns serve `withColumns` when they have the columns it asks for.
   */
  const remember = <T extends ProjectRead>(page: Page<T>, columns: readonly ProjectColumnName[] | null) => {
    for (const { row } of page.items) {
      if (columns === null) byId.prime(row.id, row as ProjectRow);
      else partial.set(row.id, { ...partial.get(row.id), ...row });
    }
    return page;
  };

  /** A project with at least `columns` (null: the whole row): from a page this request read when it has them, else `byId`. */
  const withColumns = async (id: number, columns: readonly ProjectColumnName[] | null): Promise<ProjectRead | null> => {
    const seen = partial.get(id);
    if (seen && columns !== null && columns.every((column) => column in seen)) return seen;
    return byId.load(id);
  };

  return {
    byId,
    withColumns,
    expect,
    remember,
    /** The same page of projects for every program of a request, in one statement per argument set. */
    pageByProgram: new DataLoader<ProgramProjectsKey, Page<ProjectRead>, string>(
      (keys) =>
        batchByArguments(keys, pageArguments, async (group) => {
          const [first] = group as [ProgramProjectsKey];
          const pages = await findProjectsByProgram(
            db,
            group.map((key) => key.programId),
            first.filter,
            first.ordering,
            first.request,
            first.columns,
          );
          return group.map((key) => remember(pages.get(key.programId) ?? { items: [], hasNextPage: false, hasPreviousPage: false }, first.columns));
        }),
      { cacheKeyFn: (key) => `${key.programId}|${pageArguments(key)}` },
    ),
    /** `totalCount` of programs' project connections: one statement per filter. */
    countByProgram: new DataLoader<{ programId: string; filter: ProjectFilter }, number, string>(
      (keys) =>
        batchByArguments(keys, countArguments, async (group) => {
          const counts = await countProjectsByProgram(
            db,
            group.map((key) => key.programId),
            group[0]?.filter ?? {},
          );
          return group.map((key) => counts.get(key.programId) ?? 0);
        }),
      { cacheKeyFn: (key) => `${key.programId}|${countArguments(key)}` },
    ),
  };
}

export type ProjectLoaders = ReturnType<typeof createProjectLoaders>;
