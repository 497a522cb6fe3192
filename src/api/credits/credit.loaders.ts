import DataLoader from 'dataloader';
import type { Executor } from '../../db/client.ts';
import type { Ordering, Page, PageRequest } from '../common/keyset.ts';
import { batchByArguments, inKeyOrder } from '../common/loader-utils.ts';
import {
  countCreditsByProject,
  creditTotalsByProject,
  findCreditsByIds,
  findCreditsByProject,
  type CreditColumnName,
  type CreditFilter,
  type CreditRead,
  type CreditRow,
  type CreditTotals,
} from './credit.queries.ts';

/** A project's `credits` connection: the parent plus the connection's arguments. */
export interface ProjectCreditsKey {
  projectId: number;
  filter: CreditFilter;
  ordering: Ordering;
  request: PageRequest;
  /** The columns the response needs (null: whole rows). */
  columns: readonly CreditColumnName[] | null;
}

const pageArguments = (key: ProjectCreditsKey) => JSON.stringify([key.filter, key.ordering.name, key.request, key.columns]);
const countArguments = (key: { filter: CreditFilter }) => JSON.stringify(key.filter);

/** Per-request loaders (one set per GraphQL request, so nothing is cached across requests). */
export function createCreditLoaders(db: Executor) {
  const byId = new DataLoader<number, CreditRow | null>(async (ids) => inKeyOrder(ids, await findCreditsByIds(db, ids), (row) => row.id));

  /** Primes `byId` with the rows of a page read whole (a page of fewer columns is not a whole credit). */
  const remember = <T extends CreditRead>(page: Page<T>, columns: readonly CreditColumnName[] | null) => {
    if (columns === null) for (const { row } of page.items) byId.prime(row.id, row as CreditRow);
    return page;
  };

  return {
    byId,
    remember,
    /** The same page of credits for every project of a request: one statement per argument set. */
    pageByProject: new DataLoader<ProjectCreditsKey, Page<CreditRead>, string>(
      (keys) =>
        batchByArguments(keys, pageArguments, async (group) => {
          const [first] = group as [ProjectCreditsKey];
          const pages = await findCreditsByProject(
            db,
            group.map((key) => key.projectId),
            first.filter,
            first.ordering,
            first.request,
            first.columns,
          );
          return group.map((key) => remember(pages.get(key.projectId) ?? { items: [], hasNextPage: false, hasPreviousPage: false }, first.columns));
        }),
      { cacheKeyFn: (key) => `${key.projectId}|${pageArguments(key)}` },
    ),
    /** `totalCount` of projects' credit connections: one statement per filter. */
    countByProject: new DataLoader<{ projectId: number; filter: CreditFilter }, number, string>(
      (keys) =>
        batchByArguments(keys, countArguments, async (group) => {
          const counts = await countCreditsByProject(
            db,
            group.map((key) => key.projectId),
            group[0]?.filter ?? {},
          );
          return group.map((key) => counts.get(key.projectId) ?? 0);
        }),
      { cacheKeyFn: (key) => `${key.projectId}|${countArguments(key)}` },
    ),
    /** Issued / retired / cancelled per project: one GROUP BY for the whole page. */
    totalsByProject: new DataLoader<number, CreditTotals>(async (projectIds) => {
      const totals = await creditTotalsByProject(db, projectIds);
      return projectIds.map((id) => totals.get(id) ?? { issued: 0, retired: 0, cancelled: 0 });
    }),
  };
}

export type CreditLoaders = ReturnType<typeof createCreditLoaders>;
