import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../common/connection.type.ts';
import { toGlobalId } from '../common/global-id.ts';
import { Node } from '../common/node.interface.ts';
import { CountryCode, DateTime, LocalDate } from '../common/scalars.ts';
import type { ProjectRead } from './project.queries.ts';

export enum ProjectCompleteness {
  FULL = 'full',
  PARTIAL = 'partial',
}

registerEnumType(ProjectCompleteness, {
  name: 'ProjectCompleteness',
  description: 'How much the hub knows about a project.',
  valuesConfig: {
    FULL: { description: "From the registry's project list." },
    PARTIAL: { description: 'Only known through attributes repeated on its credit transactions.' },
  },
});

@ObjectType({ description: 'A methodology a project applies, as the program names it.' })
export class Methodology {
  @Field(() => String, { description: 'Methodology id, e.g. `VM0042`, `AMS-III.H.`, `ACM0002`.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'Version when the registry publishes one, e.g. `2.0`.' })
  version!: string | null;
}

@ObjectType({ description: 'The same activity registered in another program, as the registry states it.' })
export class CrossReference {
  @Field(() => String, { description: 'Code of the other program, e.g. `cdm`.' })
  programCode!: string;

  @Field(() => String, { description: "The other program's project id." })
  registryProjectId!: string;

  @Field(() => String, { description: 'How the registry states the link, e.g. `cdm-serial`.' })
  relation!: string;
}

@ObjectType({ implements: Node, description: 'A carbon project as its registry lists it, normalized across programs.' })
export class Project implements Node {
  @Field(() => ID)
  id!: string;

  /** Database id (not exposed: clients use the global id). */
  dbId!: number;
  programId!: string;

  @Field(() => String, { description: "The registry's own project id, e.g. `1340` on Verra." })
  registryProjectId!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'Developer or proponent as the registry names it.' })
  proponent!: string | null;

  @Field(() => CountryCode, { nullable: true, description: 'Where the project is, when the registry country could be mapped.' })
  countryCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Country as the registry wrote it.' })
  countryName!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-2 subdivision or the registry’s state/province text.' })
  subdivision!: string | null;

  @Field(() => String, { nullable: true, description: 'Region as the registry wrote it, e.g. `Africa`.' })
  region!: string | null;

  @Field(() => Float, { nullable: true })
  latitude!: number | null;

  @Field(() => Float, { nullable: true })
  longitude!: number | null;

  @Field(() => [String], { description: 'Project type(s) as the registry wrote them.' })
  projectTypes!: string[];

  @Field(() => String, { nullable: true, description: 'Normalized category, one vocabulary across programs.' })
  category!: string | null;

  @Field(() => [Methodology])
  methodologies!: Methodology[];

  @Field(() => String, { nullable: true, description: 'Status as the registry writes it, e.g. `Registered`, `Under validation`.' })
  status!: string | null;

  @Field(() => LocalDate, { nullable: true })
  registrationDate!: string | null;

  @Field(() => LocalDate, { nullable: true })
  creditingPeriodStart!: string | null;

  @Field(() => LocalDate, { nullable: true })
  creditingPeriodEnd!: string | null;

  @Field(() => [Int], { description: 'UN Sustainable Development Goals (1–17) the registry lists.' })
  sdgs!: number[];

  @Field(() => [String], { description: 'Other labels or certifications the registry lists, e.g. `CCB-Gold`.' })
  additionalCertifications!: string[];

  @Field(() => Float, { nullable: true, description: 'Estimated annual emission reductions or removals (tCO2e) as published.' })
  estimatedAnnualCredits!: number | null;

  @Field(() => String, { nullable: true, description: 'Registry id of the parent programme of activities (PoA), when any.' })
  parentRegistryProjectId!: string | null;

  @Field(() => [CrossReference])
  crossReferences!: CrossReference[];

  @Field(() => ProjectCompleteness)
  completeness!: ProjectCompleteness;

  @Field(() => DateTime, { description: 'When the hub first saw the project.' })
  firstSeenAt!: Date;

  @Field(() => DateTime, { description: 'When a sync last saw the project in its registry.' })
  lastSeenAt!: Date;

  @Field(() => DateTime, { nullable: true, description: "When a complete sync no longer found the project in its registry's list; null while it is listed." })
  vanishedAt!: Date | null;
}

@ObjectType({ description: 'A page of projects.' })
export class ProjectConnection extends Connection(Project, 'Project') {}

/**
 * A project from its row. A read may have taken only the columns its response selects
 * (src/api/common/selection.ts): the fields of the others are then left undefined, and no
 * response reads them.
 */
export function toProject(row: ProjectRead): Project {
  return Object.assign(new Project(), {
    id: toGlobalId('Project', row.id),
    dbId: row.id,
    programId: row.programId,
    registryProjectId: row.registryProjectId,
    name: row.name,
    proponent: row.proponent,
    countryCode: row.countryCode,
    countryName: row.countryName,
    subdivision: row.subdivision,
    region: row.region,
    latitude: row.latitude,
    longitude: row.longitude,
    projectTypes: row.projectTypes,
    category: row.category,
    methodologies: row.methodologies?.map((m) => Object.assign(new Methodology(), { id: m.id, version: m.version ?? null })),
    status: row.status,
    registrationDate: row.registrationDate,
    creditingPeriodStart: row.creditingPeriodStart,
    creditingPeriodEnd: row.creditingPeriodEnd,
    sdgs: row.sdgs,
    additionalCertifications: row.additionalCertifications,
    estimatedAnnualCredits: row.estimatedAnnualCredits,
    parentRegistryProjectId: row.parentRegistryProjectId,
    crossReferences: row.crossReferences?.map((ref) =>
      Object.assign(new CrossReference(), { programCode: ref.programId, registryProjectId: ref.registryProjectId, relation: ref.relation }),
    ),
    completeness: row.completeness as ProjectCompleteness,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    vanishedAt: row.vanishedAt,
  });
}
