/**
 * Opaque global ids (Relay's Node convention): base64url of `Type:dbId`, e.g. `Project:42`
 * → `UHJvamVjdDo0Mg`. Clients must treat them as opaque; the encoding only lets any id be
 * fetched back through `node(id:)` without knowing its type.
 */
import { BadUserInputError } from '../errors.ts';

/** The types that implement Node, with how their database id is written in a global id. */
export const nodeTypes = {
  Program: 'text',
  Project: 'integer',
  Credit: 'integer',
  SyncRun: 'integer',
  /** A flag's id is text: `<kind>:<hex digest>` (src/matching/flag.ts). */
  Flag: 'flag',
  FlagReview: 'integer',
} as const;

export type NodeTypeName = keyof typeof nodeTypes;

/** Global id of a row: its GraphQL type name plus its primary key. */
export function toGlobalId(type: NodeTypeName, dbId: string | number): string {
  return Buffer.from(`${type}:${dbId}`, 'utf8').toString('base64url');
}

type TextNodeType = 'Program' | 'Flag';
type IntegerNodeType = Exclude<NodeTypeName, TextNodeType>;

export type DecodedGlobalId = { type: 'Program' | 'Flag'; dbId: string } | { type: IntegerNodeType; dbId: number };

const base64url = /^[A-Za-z0-9_-]{1,200}$/;
const integerId = /^[1-9][0-9]{0,15}$/;
const textId = /^[a-z0-9][a-z0-9-]{0,62}$/;
const flagId = /^[a-z0-9_]{1,64}:[0-9a-f]{8,64}$/;

/** Decodes any global id; BAD_USER_INPUT for anything that is not one of ours. */
export function decodeGlobalId(id: string): DecodedGlobalId {
  const invalid = () => new BadUserInputError(`"${truncate(id)}" is not a valid id.`, { argumentValue: truncate(id) });
  if (!base64url.test(id)) throw invalid();
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  // Reject non-canonical encodings so one object has exactly one id.
  if (Buffer.from(decoded, 'utf8').toString('base64url') !== id) throw invalid();
  const separator = decoded.indexOf(':');
  if (separator <= 0) throw invalid();
  const type = decoded.slice(0, separator);
  const dbId = decoded.slice(separator + 1);
  if (!Object.hasOwn(nodeTypes, type)) throw invalid();
  if (type === 'Program' || type === 'Flag') {
    if (!(type === 'Program' ? textId : flagId).test(dbId)) throw invalid();
    return { type, dbId };
  }
  const numeric = Number(dbId);
  if (!integerId.test(dbId) || !Number.isSafeInteger(numeric)) throw invalid();
  return { type: type as IntegerNodeType, dbId: numeric };
}

/** Decodes a global id that must name a row of `type`; BAD_USER_INPUT otherwise. */
export function decodeGlobalIdOf<T extends NodeTypeName>(type: T, id: string): T extends TextNodeType ? string : number {
  const decoded = decodeGlobalId(id);
  if (decoded.type !== type) {
    throw new BadUserInputError(`"${truncate(id)}" is the id of a ${decoded.type}, not of a ${type}.`, {
      argumentValue: truncate(id),
    });
  }
  return decoded.dbId as T extends TextNodeType ? string : number;
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
