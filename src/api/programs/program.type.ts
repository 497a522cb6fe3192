import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../common/connection.type.ts';
import { toGlobalId } from '../common/global-id.ts';
import { Node } from '../common/node.interface.ts';
import type { ProgramRow } from './program.queries.ts';

export enum ProgramKind {
  VOLUNTARY = 'voluntary',
  COMPLIANCE = 'compliance',
  CREDITING_MECHANISM = 'crediting-mechanism',
}

registerEnumType(ProgramKind, {
  name: 'ProgramKind',
  description: 'What kind of scheme a program is.',
  valuesConfig: {
    VOLUNTARY: { description: 'An independent voluntary-market standard (Verra, Gold Standard, ACR…).' },
    COMPLIANCE: { description: 'A compliance offset program (e.g. California ARB).' },
    CREDITING_MECHANISM: { description: 'A UN or Article 6 crediting mechanism (e.g. the CDM).' },
  },
});

@ObjectType({ implements: Node, description: 'A carbon-credit registry or crediting program.' })
export class Program implements Node {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Short stable code used in filters and in `program(id:)`, e.g. `verra`.' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ProgramKind)
  kind!: ProgramKind;

  @Field(() => String, { nullable: true, description: 'Public website of the program.' })
  homepage!: string | null;
}

@ObjectType({ description: 'A page of programs.' })
export class ProgramConnection extends Connection(Program, 'Program') {}

export function toProgram(row: ProgramRow): Program {
  return Object.assign(new Program(), {
    id: toGlobalId('Program', row.id),
    code: row.id,
    name: row.name,
    kind: row.kind as ProgramKind,
    homepage: row.homepage,
  });
}
