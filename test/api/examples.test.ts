import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/api-server.ts';

const examplesPath = resolve(import.meta.dirname, '../../docs/graphql-examples.graphql');
const source = readFileSync(examplesPath, 'utf8');
const operations = parse(source).definitions.filter(
  (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
);

let api: TestApi;
/** Values for the variables the examples require (those without a default). */
let requiredVariables: Record<string, Record<string, unknown>>;

beforeAll(async () => {
  api = await startTestApi();
  const data = await api.data(`{ projects(first: 1) { edges { node { id } } } credits(first: 1) { edges { node { id } } } }`);
  requiredVariables = {
    ProjectWithTotalsAndCredits: { id: data.projects.edges[0].node.id },
    NodeById: { id: data.credits.edges[0].node.id },
  };
});
afterAll(async () => {
  await api?.close();
});

/** Whether a response holds something beyond nulls, empty lists and zero counts. */
function hasContent(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasContent);
  if (value && typeof value === 'object') return Object.values(value).some(hasContent);
  return typeof value === 'string' || (typeof value === 'number' && value !== 0) || value === true;
}

describe('docs/graphql-examples.graphql', () => {
  it('holds named operations', () => {
    expect(operations.length).toBeGreaterThanOrEqual(6);
    for (const operation of operations) expect(operation.name?.value).toBeTruthy();
  });

  for (const operation of operations) {
    const name = operation.name?.value ?? '(anonymous)';
    it(`runs ${name} without errors`, async () => {
      const variables = requiredVariables[name] ?? {};
      for (const definition of operation.variableDefinitions ?? []) {
        const variable = definition.variable.name.value;
        if (definition.type.kind === Kind.NON_NULL_TYPE && !definition.defaultValue) {
          expect(variables, `give ${name}'s required $${variable} a value in this test`).toHaveProperty(variable);
        }
      }
      const { status, body } = await api.query(source, variables, name);
      expect(body.errors).toBeUndefined();
      expect(status).toBe(200);
      expect(hasContent(body.data)).toBe(true);
    });
  }
});
