import DataLoader from 'dataloader';
import type { Executor } from '../../db/client.ts';
import type { Ordering, Page, PageRequest } from '../common/keyset.ts';
import { batchByArguments, inKeyOrder } from '../common/loader-utils.ts';
import {
  countProjectsByProgram,
  findProjectsByIds,
  findProjectsByProgram,
  type ProjectFilter,
  type ProjectRow,
} from './project.queries.ts';

/** A program's `projects` connection: the parent plus the connection's arguments. */
export interface ProgramProjectsKey {
  programId: string;
  filter: ProjectFilter;
  ordering: Ordering;
  request: PageRequest;
}

const pageArguments = (key: ProgramProjectsKey) => JSON.stringify([key.filter, key.ordering.name, key.request]);
const countArguments = (key: { filter: ProjectFilter }) => JSON.stringify(key.filter);

/** Per-request loaders (one set per GraphQL request, so nothing is cached across requests). */
export function createProjectLoaders(db: Executor) {
  const byId = new DataLoader<number, ProjectRow | null>(async (ids) => inKeyOrder(ids, await findProjectsByIds(db, ids), (row) => row.id));

  /** Primes `byId` with rows a page already fetched, so their relations need no second read. */
  const remember = (page: Page<ProjectRow>) => {
    for (const { row } of page.items) byId.prime(row.id, row);
    return page;
  };

  return {
    byId,
    remember,
    /** The same page of projects for every program of a request, in one statement per argument set. */
    pageByProgram: new DataLoader<ProgramProjectsKey, Page<ProjectRow>, string>(
      (keys) =>
        batchByArguments(keys, pageArguments, async (group) => {
          const [first] = group as [ProgramProjectsKey];
          const pages = await findProjectsByProgram(
            db,
            group.map((key) => key.programId),
            first.filter,
            first.ordering,
            first.request,
          );
          return group.map((key) => remember(pages.get(key.programId) ?? { items: [], hasNextPage: false, hasPreviousPage: false }));
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
