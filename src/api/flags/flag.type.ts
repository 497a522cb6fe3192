import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Connection, PageInfo, pageInfoOf } from '../common/connection.type.ts';
import { encodeCursor } from '../common/cursor.ts';
import type { Ordering, Page } from '../common/keyset.ts';
import { Node } from '../common/node.interface.ts';
import { DateTime } from '../common/scalars.ts';
import { FlagKind, FlagSeverity, FlagStatus } from './flag.enums.ts';
import { toFlagGlobalId } from './flag-id.ts';
import type { ProjectRead } from '../projects/project.queries.ts';
import type { FlagCreditRow, FlagEvidenceJson, FlagListRow, FlagProjectRow } from './flag.queries.ts';

@ObjectType({ description: 'One feature a detector compared: both sides, how they compare, and its weight in the score.' })
export class FlagFeature {
  @Field(() => String, { description: 'What was compared, e.g. `serial range`, `coordinates`, `proponent`.' })
  feature!: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The value on the left side (any JSON: text, number, range…).' })
  left!: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The value on the right side.' })
  right!: unknown;

  @Field(() => String, { description: 'How the two compare, in the detector’s terms, e.g. `exact`, `overlap`, `near`, `different`.' })
  level!: string;

  @Field(() => Float, { description: 'What this comparison adds to the score (negative when it counts against a match).' })
  weight!: number;
}

@ObjectType({ description: 'What a detector found, for a reviewer to check: each compared feature, and everything it recorded.' })
export class FlagEvidence {
  @Field(() => [FlagFeature], { description: 'The compared features, in the order the detector lists them.' })
  features!: FlagFeature[];

  @Field(() => GraphQLJSONObject, {
    description: 'The evidence exactly as the detector recorded it (features included): overlapping periods, ids and where they were found…',
  })
  raw!: Record<string, unknown>;
}

@ObjectType({ description: 'A project a flag involves, and its role in the finding.' })
export class FlagProject {
  /** For the `project` relation (not exposed): its row, with the columns the flag's projects were read with. */
  projectRow!: ProjectRead;

  @Field(() => String, { description: 'The role the detector gives the project, e.g. `left`, `right`, `issuer`.' })
  role!: string;
}

@ObjectType({ description: 'A credit transaction a flag involves, with its role in the finding.' })
export class FlagCreditEdge {
  /** For the `node` relation (not exposed). */
  creditId!: number;

  @Field(() => String, { description: 'Opaque cursor: pass it as `after` to get the credits that follow.' })
  cursor!: string;

  @Field(() => String, { description: 'The role the detector gives the credit, e.g. `left`, `right`, `retirement`.' })
  role!: string;
}

@ObjectType({ description: 'The credit transactions a flag involves, by role then credit.' })
export class FlagCreditConnection {
  /** Loads the page on first use (see ConnectionShape). */
  loadPage!: () => Promise<{ edges: FlagCreditEdge[]; pageInfo: PageInfo }>;

  countTotal!: () => Promise<number>;

  @Field(() => [FlagCreditEdge])
  async edges(): Promise<FlagCreditEdge[]> {
    return (await this.loadPage()).edges;
  }

  @Field(() => PageInfo)
  async pageInfo(): Promise<PageInfo> {
    return (await this.loadPage()).pageInfo;
  }

  @Field(() => Int, { description: 'Credits the flag involves across all pages (counted only when you ask for it).' })
  totalCount(): Promise<number> {
    return this.countTotal();
  }
}

@ObjectType({
  implements: Node,
  description:
    'A possible double counting found by a detector: what, how serious, how much is at risk, which projects and credits, the evidence, and its review.',
})
export class Flag implements Node {
  @Field(() => ID)
  id!: string;

  /** Database id (deterministic: kind + the entities involved); not exposed. */
  dbId!: string;
  programIds!: string[];

  @Field(() => FlagKind)
  kind!: FlagKind;

  @Field(() => FlagStatus, { description: 'Open until reviewed; see docs/review-workflow.md for the transitions.' })
  status!: FlagStatus;

  @Field(() => FlagSeverity)
  severity!: FlagSeverity;

  @Field(() => Float, { description: "The detector's strength of the finding (e.g. a match weight): higher is stronger; comparable within a kind." })
  score!: number;

  @Field(() => String, { description: 'One line to read first, e.g. "Verra 1234 and Gold Standard 5678 credit the same wind farm for 2019–2021".' })
  title!: string;

  @Field(() => Float, { description: 'tCO2e at risk of being counted twice.' })
  quantityAtRisk!: number;

  // `evidence` is a field resolver (FlagResolver): read only when asked for.

  @Field(() => String, { description: 'The detector that found it.' })
  detector!: string;

  @Field(() => Int, { description: 'Version of the detector that last found it.' })
  detectorVersion!: number;

  @Field(() => DateTime, { description: 'When a detector first found it.' })
  firstDetectedAt!: Date;

  @Field(() => DateTime, { description: 'When a detector last found it (or its evidence last changed).' })
  lastDetectedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When a detector run stopped finding it; null while it is found. Cleared if found again.' })
  resolvedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it was last reviewed; null before any review.' })
  reviewedAt!: Date | null;
}

@ObjectType({ description: 'A page of flags.' })
export class FlagConnection extends Connection(Flag, 'Flag') {}

function toFeature(value: unknown): FlagFeature | null {
  if (typeof value !== 'object' || value === null) return null;
  const feature = value as Record<string, unknown>;
  return Object.assign(new FlagFeature(), {
    feature: String(feature.feature ?? ''),
    left: feature.left ?? null,
    right: feature.right ?? null,
    level: String(feature.level ?? ''),
    weight: typeof feature.weight === 'number' && Number.isFinite(feature.weight) ? feature.weight : 0,
  });
}

export function toFlagEvidence(evidence: FlagEvidenceJson): FlagEvidence {
  const features = Array.isArray(evidence.features) ? evidence.features : [];
  return Object.assign(new FlagEvidence(), {
    features: features.map(toFeature).filter((feature): feature is FlagFeature => feature !== null),
    raw: evidence,
  });
}

export function toFlag(row: FlagListRow): Flag {
  return Object.assign(new Flag(), {
    id: toFlagGlobalId(row.id),
    dbId: row.id,
    programIds: row.programIds,
    kind: row.kind as FlagKind,
    status: row.status as FlagStatus,
    severity: row.severity as FlagSeverity,
    score: row.score,
    title: row.title,
    quantityAtRisk: row.quantityAtRisk,
    detector: row.detector,
    detectorVersion: row.detectorVersion,
    firstDetectedAt: row.firstDetectedAt,
    lastDetectedAt: row.lastDetectedAt,
    resolvedAt: row.resolvedAt,
    reviewedAt: row.reviewedAt,
  });
}

export function toFlagProject(row: FlagProjectRow): FlagProject {
  return Object.assign(new FlagProject(), { projectRow: row.project, role: row.role });
}

export function toFlagCreditConnection(
  loadPage: () => Promise<Page<FlagCreditRow>>,
  ordering: Ordering,
  countTotal: () => Promise<number>,
): FlagCreditConnection {
  const connection = new FlagCreditConnection();
  let loaded: ReturnType<FlagCreditConnection['loadPage']> | undefined;
  connection.loadPage = () =>
    (loaded ??= loadPage().then((page) => {
      const edges = page.items.map(({ row, key }) =>
        Object.assign(new FlagCreditEdge(), { cursor: encodeCursor(ordering, key), role: row.role, creditId: row.creditId }),
      );
      return { edges, pageInfo: pageInfoOf(page, edges) };
    }));
  connection.countTotal = countTotal;
  return connection;
}
