import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Relay's Node: every major type has an opaque, globally unique id that `node(id:)` and
 * `nodes(ids:)` fetch back. Object types return instances of their class, which is how the
 * concrete type is resolved (`instanceof`).
 */
@InterfaceType({ description: 'An object with a globally unique, opaque id. Fetch any of them back with `node(id:)`.' })
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id: pass it to `node(id:)`; do not parse it.' })
  id!: string;
}
