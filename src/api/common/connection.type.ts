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

/** What every connection instance holds; `totalCount` runs its count only when selected. */
export interface ConnectionShape<TNode> {
  edges: Edge<TNode>[];
  pageInfo: PageInfo;
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
    @Field(() => [EdgeClass])
    edges!: Edge<TNode>[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    countTotal!: () => Promise<number>;

    @Field(() => Int, { description: 'Rows matching the filter across all pages (counted only when you ask for it).' })
    totalCount(): Promise<number> {
      return this.countTotal();
    }
  }

  return ConnectionClass;
}

/** Fills a connection class with a page of rows. */
export function buildConnection<TConnection extends ConnectionShape<TNode>, TNode, TRow>(
  ConnectionClass: new () => TConnection,
  page: Page<TRow>,
  ordering: Ordering,
  toNode: (row: TRow) => TNode,
  countTotal: () => Promise<number>,
): TConnection {
  const connection = new ConnectionClass();
  connection.edges = page.items.map(({ row, key }) => ({ cursor: encodeCursor(ordering, key), node: toNode(row) }));
  const pageInfo = new PageInfo();
  pageInfo.hasNextPage = page.hasNextPage;
  pageInfo.hasPreviousPage = page.hasPreviousPage;
  pageInfo.startCursor = connection.edges[0]?.cursor ?? null;
  pageInfo.endCursor = connection.edges.at(-1)?.cursor ?? null;
  connection.pageInfo = pageInfo;
  connection.countTotal = countTotal;
  return connection;
}
