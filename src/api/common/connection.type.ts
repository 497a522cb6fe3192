/**
 * Relay cursor connections (https://relay.dev/graphql/connections.htm): a generic class
 * factory, as in type-graphql's generic-types example. `ProjectConnection extends
 * Connection(Project, 'Project')` gives `ProjectConnection` and `ProjectEdge`.
 */
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { encodeCursor } from './cursor.ts';
import type { Ordering, Page } from './keyset.ts';

@ObjectType({ description: 'Where a page sits in its connection.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'More rows follow: ask again with `after: endCursor`.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'True when this page was asked for with `after` (forward pagination only).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge, null when the page is empty.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge: the `after` of the next page.' })
  endCursor!: string | null;
}

export interface Edge<TNode> {
  cursor: string;
  node: TNode;
}

/** A page as the connection shows it. */
export interface ConnectionPage<TNode> {
  edges: Edge<TNode>[];
  pageInfo: PageInfo;
}

/**
 * What every connection instance holds: how to load its page and how to count. Each runs only
 * when a field needs it (`edges` and `pageInfo` share one load; `totalCount` counts), so a
 * request that selects both the page and `totalCount` sends the two statements together rather
 * than one after the other, and one that selects only `totalCount` only counts.
 */
export interface ConnectionShape<TNode> {
  loadPage: () => Promise<ConnectionPage<TNode>>;
  countTotal: () => Promise<number>;
}

export function Connection<TNode extends object>(NodeClass: ClassType<TNode>, typeName: string) {
  @ObjectType(`${typeName}Edge`, { description: `A ${typeName} and its cursor.` })
  class EdgeClass implements Edge<TNode> {
    @Field(() => String, { description: 'Opaque cursor: pass it as `after` to get the rows that follow.' })
    cursor!: string;

    @Field(() => NodeClass)
    node!: TNode;
  }

  @ObjectType()
  abstract class ConnectionClass implements ConnectionShape<TNode> {
    loadPage!: () => Promise<ConnectionPage<TNode>>;

    countTotal!: () => Promise<number>;

    @Field(() => [EdgeClass])
    async edges(): Promise<Edge<TNode>[]> {
      return (await this.loadPage()).edges;
    }

    @Field(() => PageInfo)
    async pageInfo(): Promise<PageInfo> {
      return (await this.loadPage()).pageInfo;
    }

    @Field(() => Int, { description: 'Rows matching the filter across all pages (counted only when you ask for it).' })
    totalCount(): Promise<number> {
      return this.countTotal();
    }
  }

  return ConnectionClass;
}

/** `pageInfo` of a page whose edges are `edges`. */
export function pageInfoOf(page: Page<unknown>, edges: readonly { cursor: string }[]): PageInfo {
  return Object.assign(new PageInfo(), {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges.at(-1)?.cursor ?? null,
  });
}

/**
 * A connection over the page `loadPage` loads (on first use, once) and the count `countTotal`
 * makes (when `totalCount` is asked for).
 */
export function buildConnection<TConnection extends ConnectionShape<TNode>, TNode, TRow>(
  ConnectionClass: new () => TConnection,
  loadPage: () => Promise<Page<TRow>>,
  ordering: Ordering,
  toNode: (row: TRow) => TNode,
  countTotal: () => Promise<number>,
): TConnection {
  const connection = new ConnectionClass();
  let loaded: Promise<ConnectionPage<TNode>> | undefined;
  connection.loadPage = () =>
    (loaded ??= loadPage().then((page) => {
      const edges = page.items.map(({ row, key }) => ({ cursor: encodeCursor(ordering, key), node: toNode(row) }));
      return { edges, pageInfo: pageInfoOf(page, edges) };
    }));
  connection.countTotal = countTotal;
  return connection;
}
