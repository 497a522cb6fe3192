import DataLoader from 'dataloader';
import type { Executor } from '../../db/client.ts';
import type { ApiContext } from '../context.ts';
import { inKeyOrder } from '../common/loader-utils.ts';
import {
  findDecisionsByKeys,
  findLabelDetails,
  findLabelsByCreditIds,
  findProgramsByKeys,
  projectCcpRows,
  type CcpDecisionRow,
  type CcpProgramRow,
  type CreditLabelDetailRow,
  type CreditLabelSummaryRow,
  type ProjectCcpRow,
  type VersionedKey,
} from './ccp.queries.ts';

const versionedKey = (key: VersionedKey) => `${key.version}\u0000${key.id}`;

/** Per-request loaders of the CCP fields: each costs one statement per page, whatever its size. */
export function createCcpLoaders(db: Executor) {
  return {
    /** A credit's label by credit id, without its reasons and attributes. */
    labelByCreditId: new DataLoader<number, CreditLabelSummaryRow | null>(async (ids) =>
      inKeyOrder(ids, await findLabelsByCreditIds(db, ids), (row) => row.creditId),
    ),
    /** A label's reasons and attributes by credit id, read only when a response asks for them. */
    labelDetails: new DataLoader<number, CreditLabelDetailRow | null>(async (ids) => inKeyOrder(ids, await findLabelDetails(db, ids), (row) => row.creditId)),
    /** An ICVCM decision by (reference version, id). */
    decision: new DataLoader<VersionedKey, CcpDecisionRow | null, string>(
      async (keys) => inKeyOrder(keys.map(versionedKey), await findDecisionsByKeys(db, keys), (row) => `${row.referenceVersion}\u0000${row.id}`),
      { cacheKeyFn: versionedKey },
    ),
    /** A reference program by (reference version, program id). */
    program: new DataLoader<VersionedKey, CcpProgramRow | null, string>(
      async (keys) => inKeyOrder(keys.map(versionedKey), await findProgramsByKeys(db, keys), (row) => `${row.referenceVersion}\u0000${row.programId}`),
      { cacheKeyFn: versionedKey },
    ),
    /** A project's labelled credits grouped by vintage, status and kind. */
    projectSummary: new DataLoader<number, ProjectCcpRow[]>(async (ids) => {
      const rows = await projectCcpRows(db, ids);
      return ids.map((id) => rows.get(id) ?? []);
    }),
  };
}

export type CcpLoaders = ReturnType<typeof createCcpLoaders>;

// The request's loaders live beside its context (one set per request, like src/api/loaders.ts),
// created on first use so requests that ask for no CCP field pay nothing.
const perRequest = new WeakMap<ApiContext, CcpLoaders>();

export function ccpLoaders(ctx: ApiContext): CcpLoaders {
  let loaders = perRequest.get(ctx);
  if (!loaders) {
    loaders = createCcpLoaders(ctx.db);
    perRequest.set(ctx, loaders);
  }
  return loaders;
}
