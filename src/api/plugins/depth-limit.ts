/**
 * Depth limit (GRAPHQL_MAX_DEPTH): refuses, before execution, an operation whose fields
 * nest deeper than the limit (fragments expanded), with QUERY_TOO_COMPLEX and HTTP 400.
 * Connections spend three levels per hop (`projects { edges { node {…} } }`), so the
 * default of 10 allows e.g. credits → project → program, but not cycles such as
 * program → projects → program → projects… that would multiply work without new data.
 * Introspection fields (`__schema`, `__type`) are not counted, so tools such as GraphiQL work.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { QueryTooComplexError } from '../errors.ts';

/** Depth of an operation: a top-level scalar field is 1, each nested selection adds 1. */
export function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const depthOf = (selectionSet: SelectionSetNode, visiting: ReadonlySet<string>): number => {
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          if (selection.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, 1 + (selection.selectionSet ? depthOf(selection.selectionSet, visiting) : 0));
          break;
        case Kind.INLINE_FRAGMENT:
          deepest = Math.max(deepest, depthOf(selection.selectionSet, visiting));
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          // Validation has already refused cycles; the guard only keeps this function total.
          if (!fragment || visiting.has(name)) continue;
          deepest = Math.max(deepest, depthOf(fragment.selectionSet, new Set([...visiting, name])));
          break;
        }
      }
    }
    return deepest;
  };
  return depthOf(operation.selectionSet, new Set());
}

export function depthLimitPlugin(maxDepth: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation }) {
          if (!operation) return;
          const depth = operationDepth(document, operation);
          if (depth > maxDepth) {
            throw new QueryTooComplexError(
              `Query depth ${depth} exceeds the maximum of ${maxDepth}. Ask for less nesting, and fetch related objects in a ` +
                'second query (for example with node(id:) or nodes(ids:)).',
              { depth, maximumDepth: maxDepth },
            );
          }
        },
      };
    },
  };
}
