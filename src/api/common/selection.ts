/**
 * Which columns a response needs: the fields a query selects below a resolver (fragments,
 * aliases and @skip/@include resolved by graphql-parse-resolve-info), turned into the columns
 * of a table to read. A page of 50 credits read whole is 24 columns a row, where an analyst's
 * page asks for six or seven; parsing and mapping the rest was about a millisecond of a
 * 10 ms request (docs/benchmarks.md, ninth round).
 *
 * Reading fewer columns is only ever an optimization: a selected field this module does not
 * know (a new field, say) makes the read whole, as before.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { parseResolveInfo, type ResolveTree } from 'graphql-parse-resolve-info';

/** The path from a connection field to its nodes. */
export const connectionNodes = ['edges', 'node'] as const;

const byFieldNodes = new WeakMap<GraphQLResolveInfo['fieldNodes'], Map<string, ReadonlySet<string>>>();

/**
 * Names (not aliases) of the fields selected at `path` below the field being resolved, e.g.
 * `['edges', 'node']` from a connection: the fields of its nodes. Empty when nothing is
 * selected there. Every parent of a list shares its field nodes, so the answer is kept per
 * field nodes (and so per request) and worked out once per page, not once per row.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[]): ReadonlySet<string> {
  let known = byFieldNodes.get(info.fieldNodes);
  if (!known) byFieldNodes.set(info.fieldNodes, (known = new Map()));
  const pathKey = path.join('.');
  const cached = known.get(pathKey);
  if (cached) return cached;
  const root = parseResolveInfo(info) as ResolveTree | null | undefined;
  let trees: ResolveTree[] = root ? [root] : [];
  for (const step of path) trees = trees.flatMap((tree) => children(tree).filter((child) => child.name === step));
  const names = new Set(trees.flatMap((tree) => children(tree).map((child) => child.name)));
  known.set(pathKey, names);
  return names;
}

/** The fields selected on a tree, over every type condition (the type itself and the interfaces it implements). */
function children(tree: ResolveTree): ResolveTree[] {
  return Object.values(tree.fieldsByTypeName).flatMap((fields) => Object.values(fields));
}

/** How a type's GraphQL fields map to the columns of its row. */
export interface ColumnMap<TName extends string> {
  /** Every column a whole row is read with. */
  all: readonly TName[];
  /** Columns read whatever is selected: the id and what relations resolve from. */
  always: readonly TName[];
  /** Fields whose value comes from other columns than their own name (`serialBlock`). */
  derived?: Readonly<Record<string, readonly TName[]>>;
  /** Fields resolved by other reads (relations, totals), needing only `always`. */
  relations: readonly string[];
}

/**
 * The columns to read for `selected` fields: `null` for the whole row, when a selected field
 * is not in `map` (or every column is needed anyway), else the columns in `map.all`'s order.
 */
export function columnsFor<TName extends string>(map: ColumnMap<TName>, selected: ReadonlySet<string>): readonly TName[] | null {
  // Every row of a page asks with the same set (`selectedFields` keeps it): work it out once.
  let byMap = columnsBySelection.get(selected);
  if (!byMap) columnsBySelection.set(selected, (byMap = new Map()));
  if (byMap.has(map)) return byMap.get(map) as readonly TName[] | null;
  const columns = neededColumns(map, selected);
  byMap.set(map, columns);
  return columns;
}

const columnsBySelection = new WeakMap<ReadonlySet<string>, Map<ColumnMap<string>, readonly string[] | null>>();

function neededColumns<TName extends string>(map: ColumnMap<TName>, selected: ReadonlySet<string>): TName[] | null {
  const needed = new Set<TName>(map.always);
  const columns = new Set<string>(map.all);
  for (const field of selected) {
    if (field === '__typename' || map.relations.includes(field)) continue;
    const derived = map.derived?.[field];
    if (derived) for (const column of derived) needed.add(column);
    else if (columns.has(field)) needed.add(field as TName);
    else return null;
  }
  return needed.size === map.all.length ? null : map.all.filter((column) => needed.has(column));
}

/** The subset of a drizzle column record named by `names` (all of it for `null`). */
export function pickColumns<TColumns extends Record<string, unknown>>(all: TColumns, names: readonly (keyof TColumns)[] | null): TColumns {
  if (names === null) return all;
  return Object.fromEntries(names.map((name) => [name, all[name]])) as TColumns;
}
