import DataLoader from 'dataloader';
import type { Executor } from '../../db/client.ts';
import { emptyPage, type Ordering, type Page, type PageRequest } from '../common/keyset.ts';
import { batchByArguments, inKeyOrder } from '../common/loader-utils.ts';
import type { ProjectLoaders } from '../projects/project.loaders.ts';
import type { ProjectColumnName, ProjectRow } from '../projects/project.queries.ts';
import { countReviewsByFlag, findReviewsByFlag, findReviewsByIds, type FlagReviewRow } from './flag-review.queries.ts';
import {
  countFlagCredits,
  countFlagsByParent,
  findFlagCredits,
  findFlagEvidence,
  findFlagProjects,
  findFlagsByIds,
  findFlagsByParent,
  type FlagCreditRow,
  type FlagEvidenceJson,
  type FlagFilter,
  type FlagListRow,
  type FlagParent,
  type FlagProjectRow,
  type FlagRow,
} from './flag.queries.ts';

/** A project's or a credit's `flags` connection: the parent plus the connection's arguments. */
export interface ParentFlagsKey {
  parent: FlagParent;
  parentId: number;
  filter: FlagFilter;
  ordering: Ordering;
  request: PageRequest;
}

/** A flag's projects, read with the columns of `Project` the response needs (null: whole rows). */
export interface FlagProjectsKey {
  flagId: string;
  columns: readonly ProjectColumnName[] | null;
}

/** A flag's `credits` connection. */
export interface FlagCreditsKey {
  flagId: string;
  request: PageRequest;
}

/** A flag's `reviews` connection. */
export interface FlagReviewsKey {
  flagId: string;
  ordering: Ordering;
  request: PageRequest;
}

const parentPageArguments = (key: ParentFlagsKey) => JSON.stringify([key.parent, key.filter, key.ordering.name, key.request]);
const parentCountArguments = (key: Pick<ParentFlagsKey, 'parent' | 'filter'>) => JSON.stringify([key.parent, key.filter]);
const creditArguments = (key: FlagCreditsKey) => JSON.stringify(key.request);
const projectColumnsOf = (key: FlagProjectsKey) => JSON.stringify(key.columns);
const reviewArguments = (key: FlagReviewsKey) => JSON.stringify([key.ordering.name, key.request]);

/**
 * Per-request loaders of flags and their relations: a page of flags (or of projects and
 * credits with their flags) costs one statement per relation, whatever its size.
 */
export function createFlagLoaders(db: Executor, projects: Pick<ProjectLoaders, 'expect'>) {
  /** A flag's evidence, read only when a response asks for it (pages leave it out). */
  const evidence = new DataLoader<string, FlagEvidenceJson | null>(async (ids) => {
    const found = await findFlagEvidence(db, ids);
    return ids.map((id) => found.get(id) ?? null);
  });

  /** A flag by id, read whole: its evidence then needs no second read. */
  const byId = new DataLoader<string, FlagListRow | null>(async (ids) => {
    const rows = await findFlagsByIds(db, ids);
    for (const row of rows) evidence.prime(row.id, row.evidence);
    return inKeyOrder(ids, rows, (row) => row.id);
  });

  /** Primes the loaders with a whole flag read elsewhere, as it is now (a review returns it), evidence included. */
  const rememberFlag = (row: FlagRow) => {
    byId.clear(row.id).prime(row.id, row);
    evidence.clear(row.id).prime(row.id, row.evidence);
    return row;
  };

  /** Primes `byId` with rows a page already fetched, so their relations need no second read. */
  const remember = (page: Page<FlagListRow>) => {
    for (const { row } of page.items) byId.prime(row.id, row);
    return page;
  };

  return {
    byId,
    evidence,
    remember,
    rememberFlag,
    /**
     * The projects of flags, with their roles: one statement per page of flags. Read whole,
     * they also give `projects.byId` its projects; read with fewer columns, they serve only
     * the flags' `project` fields.
     */
    projects: new DataLoader<FlagProjectsKey, FlagProjectRow[], string>(
      (keys) =>
        batchByArguments(keys, projectColumnsOf, async (group) => {
          const [{ columns }] = group as [FlagProjectsKey];
          const flagIds = group.map((key) => key.flagId);
          const reading = findFlagProjects(db, flagIds, columns);
          const rows = await (columns === null
            ? projects.expect(reading, (found) => [...found.values()].flat().map((entry) => entry.project as ProjectRow))
            : reading);
          return flagIds.map((id) => rows.get(id) ?? []);
        }),
      { cacheKeyFn: (key) => `${key.flagId}|${projectColumnsOf(key)}` },
    ),
    /** The same page of credits for every flag of a request: one statement per argument set. */
    creditPage: new DataLoader<FlagCreditsKey, Page<FlagCreditRow>, string>(
      (keys) =>
        batchByArguments(keys, creditArguments, async (group) => {
          const pages = await findFlagCredits(
            db,
            group.map((key) => key.flagId),
            (group[0] as FlagCreditsKey).request,
          );
          return group.map((key) => pages.get(key.flagId) ?? emptyPage);
        }),
      { cacheKeyFn: (key) => `${key.flagId}|${creditArguments(key)}` },
    ),
    creditCount: new DataLoader<string, number>(async (flagIds) => {
      const counts = await countFlagCredits(db, flagIds);
      return flagIds.map((id) => counts.get(id) ?? 0);
    }),
    /** The same page of reviews for every flag of a request. */
    reviewPage: new DataLoader<FlagReviewsKey, Page<FlagReviewRow>, string>(
      (keys) =>
        batchByArguments(keys, reviewArguments, async (group) => {
          const [first] = group as [FlagReviewsKey];
          const pages = await findReviewsByFlag(
            db,
            group.map((key) => key.flagId),
            first.ordering,
            first.request,
          );
          return group.map((key) => pages.get(key.flagId) ?? emptyPage);
        }),
      { cacheKeyFn: (key) => `${key.flagId}|${reviewArguments(key)}` },
    ),
    /** A review by id (for `node(id:)`). */
    reviewById: new DataLoader<number, FlagReviewRow | null>(async (ids) => inKeyOrder(ids, await findReviewsByIds(db, ids), (row) => row.id)),
    reviewCount: new DataLoader<string, number>(async (flagIds) => {
      const counts = await countReviewsByFlag(db, flagIds);
      return flagIds.map((id) => counts.get(id) ?? 0);
    }),
    /** The same page of flags for every project (or credit) of a request: one statement per argument set. */
    pageByParent: new DataLoader<ParentFlagsKey, Page<FlagListRow>, string>(
      (keys) =>
        batchByArguments(keys, parentPageArguments, async (group) => {
          const [first] = group as [ParentFlagsKey];
          const pages = await findFlagsByParent(
            db,
            first.parent,
            group.map((key) => key.parentId),
            first.filter,
            first.ordering,
            first.request,
          );
          return group.map((key) => remember(pages.get(key.parentId) ?? emptyPage));
        }),
      { cacheKeyFn: (key) => `${key.parentId}|${parentPageArguments(key)}` },
    ),
    /** `totalCount` of projects' (or credits') flag connections: one statement per filter. */
    countByParent: new DataLoader<Pick<ParentFlagsKey, 'parent' | 'parentId' | 'filter'>, number, string>(
      (keys) =>
        batchByArguments(keys, parentCountArguments, async (group) => {
          const [first] = group as [ParentFlagsKey];
          const counts = await countFlagsByParent(
            db,
            first.parent,
            group.map((key) => key.parentId),
            first.filter,
          );
          return group.map((key) => counts.get(key.parentId) ?? 0);
        }),
      { cacheKeyFn: (key) => `${key.parentId}|${parentCountArguments(key)}` },
    ),
  };
}

export type FlagLoaders = ReturnType<typeof createFlagLoaders>;
